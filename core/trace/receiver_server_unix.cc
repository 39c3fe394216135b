#include "core/trace/receiver_server_unix.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

namespace ddsim::trace {
namespace {

const char* reason(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    default: return "Status";
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Buffered reads from one connection, giving up after the idle timeout or when `wake` is readable.
class Conn {
 public:
  Conn(int fd, int wake, int timeout_ms) : fd_(fd), wake_(wake), timeout_ms_(timeout_ms) {}

  // Reads until `buf_` holds "\r\n\r\n" (false on EOF, timeout, stop or more than `max` bytes).
  bool readHead(size_t max, std::string& head, bool& too_large) {
    for (;;) {
      const size_t end = buf_.find("\r\n\r\n");
      if (end != std::string::npos) {
        head = buf_.substr(0, end + 2);
        buf_.erase(0, end + 4);
        return true;
      }
      if (buf_.size() > max) {
        too_large = true;
        return false;
      }
      if (!fill()) return false;
    }
  }
  // Exactly n more bytes appended to out.
  bool readN(size_t n, std::string& out) {
    while (buf_.size() < n) {
      if (!fill()) return false;
    }
    out.append(buf_, 0, n);
    buf_.erase(0, n);
    return true;
  }
  bool readLine(std::string& line) {
    for (;;) {
      const size_t end = buf_.find("\r\n");
      if (end != std::string::npos) {
        line = buf_.substr(0, end);
        buf_.erase(0, end + 2);
        return true;
      }
      if (buf_.size() > 4096 || !fill()) return false;
    }
  }

 private:
  bool fill() {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_, POLLIN, 0}};
    const int r = ::poll(fds, 2, timeout_ms_);
    if (r <= 0 || (fds[1].revents & POLLIN) != 0) return false;
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  int wake_;
  int timeout_ms_;
  std::string buf_;
};

std::string responseBytes(const ReceiverResponse& r, bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + reason(r.status) + "\r\n";
  out += "Content-Type: " + (r.content_type.empty() ? std::string("text/plain") : r.content_type) + "\r\n";
  for (const auto& [k, v] : r.headers) out += k + ": " + v + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return out + r.body;
}

ReceiverResponse plain(int status, std::string body) { return {status, "text/plain; charset=utf-8", std::move(body), {}}; }

}  // namespace

UnixHttpListener::UnixHttpListener(UnixHttpOptions options, Handler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {}

UnixHttpListener::~UnixHttpListener() { stop(); }

common::Status UnixHttpListener::start() {
  sockaddr_un addr{};
  if (options_.path.empty() || options_.path.size() >= sizeof addr.sun_path) {
    return common::invalidArgument("receiver socket path '" + options_.path + "' is empty or longer than " +
                                   std::to_string(sizeof addr.sun_path - 1) + " bytes");
  }
  // Agent behaviour (api.go, listenUnix): a stale socket is removed, anything else is refused.
  struct stat st {};
  if (::lstat(options_.path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return common::invalidArgument("cannot reuse '" + options_.path + "': not a unix socket");
    }
    if (::unlink(options_.path.c_str()) != 0) {
      return common::ioError("unable to remove stale socket '" + options_.path + "': " + std::strerror(errno));
    }
  }
  if (::pipe2(wake_, O_CLOEXEC) != 0) return common::ioError(std::string("pipe: ") + std::strerror(errno));
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return common::ioError(std::string("socket(AF_UNIX): ") + std::strerror(errno));
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, options_.path.c_str(), options_.path.size());
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0) {
    const std::string err = std::strerror(errno);
    ::close(listen_fd_);
    listen_fd_ = -1;
    return common::ioError("cannot listen on unix://" + options_.path + ": " + err);
  }
  if (::chmod(options_.path.c_str(), 0722) != 0) {
    const std::string err = std::strerror(errno);
    stop();
    return common::ioError("error setting socket permissions on '" + options_.path + "': " + err);
  }
  accept_thread_ = std::thread([this] { acceptLoop(); });
  return common::Status::ok();
}

void UnixHttpListener::stop() {
  if (stopping_.exchange(true)) return;
  if (wake_[1] >= 0) {
    const char b = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_[1], &b, 1);
  }
  if (accept_thread_.joinable()) accept_thread_.join();
  std::list<Worker> workers;
  {
    std::lock_guard lock(mu_);
    workers.swap(workers_);
  }
  for (Worker& w : workers) w.thread.join();
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    ::unlink(options_.path.c_str());
  }
  for (int& fd : wake_) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

void UnixHttpListener::acceptLoop() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if ((fds[1].revents & POLLIN) != 0) return;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    if (connections_.load() >= options_.max_connections) {
      ::close(fd);  // over the limit: refused as a closed connection
      continue;
    }
    ++connections_;
    std::lock_guard lock(mu_);
    for (auto it = workers_.begin(); it != workers_.end();) {
      if (it->done) {
        it->thread.join();
        it = workers_.erase(it);
      } else {
        ++it;
      }
    }
    Worker& w = workers_.emplace_back();
    w.thread = std::thread([this, fd, &w] {
      serveConnection(fd);
      ::close(fd);
      --connections_;
      w.done = true;
    });
  }
}

void UnixHttpListener::serveConnection(int fd) {
  Conn conn(fd, wake_[0], options_.idle_timeout_ms);
  for (;;) {
    std::string head;
    bool too_large = false;
    if (!conn.readHead(options_.max_header_bytes, head, too_large)) {
      if (too_large) writeAll(fd, responseBytes(plain(431, "request header too large\n"), false));
      return;
    }
    // Request line: METHOD SP target SP HTTP/1.x
    const size_t eol = head.find("\r\n");
    const std::string_view line(head.data(), eol);
    const size_t sp1 = line.find(' ');
    const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) {
      writeAll(fd, responseBytes(plain(400, "malformed request line\n"), false));
      return;
    }
    const std::string method(line.substr(0, sp1));
    std::string target(line.substr(sp1 + 1, sp2 - sp1 - 1));
    const bool http10 = line.substr(sp2 + 1) == "HTTP/1.0";
    ReceiverRequest req;
    req.path = target.substr(0, target.find('?'));
    for (size_t pos = eol + 2; pos < head.size();) {
      const size_t next = head.find("\r\n", pos);
      const std::string_view h(head.data() + pos, next - pos);
      pos = next + 2;
      const size_t colon = h.find(':');
      if (colon == std::string_view::npos) continue;
      req.headers[lower(trim(h.substr(0, colon)))] = std::string(trim(h.substr(colon + 1)));
    }
    const auto header = [&req](const char* name) {
      auto it = req.headers.find(name);
      return it == req.headers.end() ? std::string() : lower(it->second);
    };
    bool keep_alive = http10 ? header("connection") == "keep-alive" : header("connection") != "close";
    // The body: Content-Length, or chunked; too large ones are answered without being read.
    std::string body;
    const bool chunked = header("transfer-encoding").find("chunked") != std::string::npos;
    size_t length = 0;
    if (!chunked && !header("content-length").empty()) {
      const std::string cl = header("content-length");
      char* end = nullptr;
      length = std::strtoull(cl.c_str(), &end, 10);
      if (end == cl.c_str() || *end != '\0') {
        writeAll(fd, responseBytes(plain(400, "bad Content-Length\n"), false));
        return;
      }
    }
    if (length > options_.max_body_bytes) {
      writeAll(fd, responseBytes(plain(413, "payload-too-large\n"), false));
      return;
    }
    if (header("expect") == "100-continue" && (chunked || length > 0) && !writeAll(fd, "HTTP/1.1 100 Continue\r\n\r\n")) {
      return;
    }
    if (chunked) {
      for (;;) {
        std::string size_line;
        if (!conn.readLine(size_line)) return;
        char* end = nullptr;
        const size_t n = std::strtoull(size_line.c_str(), &end, 16);
        if (end == size_line.c_str()) {
          writeAll(fd, responseBytes(plain(400, "bad chunk size\n"), false));
          return;
        }
        if (n > options_.max_body_bytes - body.size()) {  // never wraps: body.size() <= max
          writeAll(fd, responseBytes(plain(413, "payload-too-large\n"), false));
          return;
        }
        std::string crlf;
        if (n == 0) {  // trailers, then the blank line
          do {
            if (!conn.readLine(crlf)) return;
          } while (!crlf.empty());
          break;
        }
        if (!conn.readN(n, body) || !conn.readLine(crlf)) return;
      }
    } else if (!conn.readN(length, body)) {
      return;
    }
    req.body = body;
    const ReceiverResponse resp = handler_(method, req);
    keep_alive = keep_alive && !stopping_;
    if (!writeAll(fd, responseBytes(resp, keep_alive)) || !keep_alive) return;
  }
}

}  // namespace ddsim::trace
