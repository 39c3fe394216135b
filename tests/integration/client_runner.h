#pragma once
// Runs the real DogStatsD client scripts (node hot-shots, python3 aiodogstatsd) as child
// processes for the integration tests.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace ddsim::integration {

struct ClientRun {
  int exit_code = -1;  // 77 = the client or transport is not available here
  std::string output;  // stdout + stderr
};

inline ClientRun runClient(const std::string& command) {
  ClientRun r;
  std::FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline bool onPath(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

// Debian's python3-aiodogstatsd lives in the system interpreter, which a pyenv or venv
// `python3` on the PATH may hide.
inline std::string systemPython() {
  return std::system("test -x /usr/bin/python3") == 0 ? "/usr/bin/python3" : "python3";
}

}  // namespace ddsim::integration
