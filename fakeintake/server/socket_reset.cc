#include "fakeintake/server/socket_reset.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace ddsim::fakeintake {

namespace {

// Port and text address of a socket address; false for non-IP families.
bool describe(const sockaddr_storage& ss, int& port, std::string& ip) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    sockaddr_in sin;
    std::memcpy(&sin, &ss, sizeof sin);
    port = ntohs(sin.sin_port);
    inet_ntop(AF_INET, &sin.sin_addr, buf, sizeof buf);
  } else if (ss.ss_family == AF_INET6) {
    sockaddr_in6 sin6;
    std::memcpy(&sin6, &ss, sizeof sin6);
    port = ntohs(sin6.sin6_port);
    inet_ntop(AF_INET6, &sin6.sin6_addr, buf, sizeof buf);
  } else {
    return false;
  }
  ip = buf;
  return true;
}

bool matches(int fd, int local_port, const std::string& remote_ip, int remote_port) {
  sockaddr_storage local{}, peer{};
  socklen_t ll = sizeof local, pl = sizeof peer;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0) return false;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) != 0) return false;
  int lp = 0, pp = 0;
  std::string lip, pip;
  if (!describe(local, lp, lip) || !describe(peer, pp, pip)) return false;
  if (lp != local_port || pp != remote_port) return false;
  // IPv4 peers of a dual-stack socket show up as ::ffff:a.b.c.d.
  return pip == remote_ip || pip == "::ffff:" + remote_ip || "::ffff:" + pip == remote_ip;
}

}  // namespace

bool resetConnection(int local_port, const std::string& remote_ip, int remote_port) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return false;
  int found = -1;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    int fd = std::atoi(e->d_name);
    if (fd == dirfd(dir)) continue;
    if (matches(fd, local_port, remote_ip, remote_port)) {
      found = fd;
      break;
    }
  }
  closedir(dir);
  if (found < 0) return false;
  linger l{1, 0};
  setsockopt(found, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) {
    // Fall back to a shutdown: the peer sees the connection close without an answer.
    shutdown(found, SHUT_RDWR);
    return true;
  }
  // Closing the last reference with SO_LINGER 0 sends an RST.
  dup2(devnull, found);
  close(devnull);
  return true;
}

}  // namespace ddsim::fakeintake
