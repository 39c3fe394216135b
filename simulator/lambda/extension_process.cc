#include "simulator/lambda/extension_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <thread>

extern char** environ;

namespace ddsim::lambda {

namespace {

// The C view exec wants: pointers into `strings`, then a null.
std::vector<char*> nullTerminated(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

ExtensionProcess::~ExtensionProcess() {
  if (pid_ > 0 && !exit_code_) kill();
  drainOutput();
}

void ExtensionProcess::readOutput(int fd, int log_fd, LineSink on_line) {
  std::string pending;
  char buf[4096];
  auto deliver = [&](std::string_view line) {
    if (on_line) on_line(line);
  };
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, 50);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      if (output_stop_.load()) break;  // quiet and asked to stop (a stray child holds the pipe)
      continue;
    }
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end of file: every writer is gone
    const int out = log_fd >= 0 ? log_fd : 2;
    for (ssize_t off = 0; off < n;) {
      const ssize_t w = ::write(out, buf + off, static_cast<size_t>(n - off));
      if (w <= 0) break;
      off += w;
    }
    pending.append(buf, static_cast<size_t>(n));
    for (size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
      deliver(std::string_view(pending).substr(0, nl));
      pending.erase(0, nl + 1);
    }
  }
  if (!pending.empty()) deliver(pending);
  ::close(fd);
  if (log_fd >= 0) ::close(log_fd);
}

void ExtensionProcess::drainOutput() {
  output_stop_.store(true);
  if (output_.joinable()) output_.join();
}

common::Status ExtensionProcess::start(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                       const std::string& log_path, LineSink on_line) {
  if (argv.empty() || argv[0].empty()) return common::invalidArgument("the extension command is empty");
  if (pid_ > 0) return common::failedPrecondition("the extension process was already started");
  // ddsim's environment, then `env` over it (a later NAME= wins over an earlier one).
  std::map<std::string, std::string> merged;
  auto put = [&](const std::string& var) { merged[var.substr(0, var.find('='))] = var; };
  for (char** e = environ; *e; ++e) put(*e);
  for (const auto& var : env) put(var);
  std::vector<std::string> envs;
  for (auto& [name, var] : merged) envs.push_back(std::move(var));
  std::vector<std::string> args = argv;
  std::vector<char*> argp = nullTerminated(args), envp = nullTerminated(envs);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawnattr_init(&attr);
  // Its own process group (pgid = its pid): freeze and kill reach its children too.
  ::posix_spawnattr_setpgroup(&attr, 0);
  // Signals the simulator blocks (its SIGINT handling) must not stay blocked in the extension.
  sigset_t none;
  sigemptyset(&none);
  ::posix_spawnattr_setsigmask(&attr, &none);
  ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  int log_fd = -1;
  if (!log_path.empty()) {
    log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) return common::ioError("cannot open the extension log '" + log_path + "': " + std::strerror(errno));
  }
  // stdout and stderr into one pipe (both ends close-on-exec; dup2 clears it on 1 and 2).
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    if (log_fd >= 0) ::close(log_fd);
    return common::ioError(std::string("pipe: ") + std::strerror(errno));
  }
  ::posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  ::posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  const int rc = ::posix_spawnp(&pid_, argp[0], &actions, &attr, argp.data(), envp.data());
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attr);
  ::close(fds[1]);
  if (rc != 0) {
    pid_ = -1;
    ::close(fds[0]);
    if (log_fd >= 0) ::close(log_fd);
    return common::ioError("cannot start the extension '" + argv[0] + "': " + std::strerror(rc));
  }
  output_ = std::thread([this, fd = fds[0], log_fd, sink = std::move(on_line)] { readOutput(fd, log_fd, sink); });
  return common::Status::ok();
}

bool ExtensionProcess::reap(int options) {
  if (pid_ <= 0 || exit_code_) return true;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, options);
  if (r == pid_ && (WIFEXITED(status) || WIFSIGNALED(status))) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    // Whatever it left behind in its group goes with it.
    ::kill(-pid_, SIGKILL);
    return true;
  }
  return false;
}

bool ExtensionProcess::running() { return pid_ > 0 && !reap(WNOHANG); }

common::Status ExtensionProcess::freeze() {
  if (!running()) return common::failedPrecondition("the extension is not running");
  ::kill(-pid_, SIGSTOP);
  frozen_ = true;
  // Blocks until the kernel reports the whole thread group stopped (SIGSTOP cannot be caught),
  // or its exit.
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid_), &info, WSTOPPED | WEXITED) != 0) {
    if (errno != EINTR) return common::internalError(std::string("waitid: ") + std::strerror(errno));
  }
  if (info.si_code == CLD_EXITED || info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED) {
    exit_code_ = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
    frozen_ = false;
    return common::failedPrecondition("the extension exited");
  }
  return common::Status::ok();
}

void ExtensionProcess::thaw() {
  if (pid_ > 0 && !exit_code_) ::kill(-pid_, SIGCONT);
  frozen_ = false;
}

std::optional<int> ExtensionProcess::waitExit(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!reap(WNOHANG)) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return exit_code_;
}

int ExtensionProcess::kill() {
  if (pid_ <= 0) return -1;
  if (!exit_code_) {
    ::kill(-pid_, SIGKILL);
    ::kill(-pid_, SIGCONT);
    reap(0);
  }
  return exit_code_.value_or(-1);
}

}  // namespace ddsim::lambda
