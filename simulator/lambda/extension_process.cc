#include "simulator/lambda/extension_process.h"

#include <fcntl.h>
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
}

common::Status ExtensionProcess::start(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                       const std::string& log_path) {
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
  if (!log_path.empty()) {
    ::posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::posix_spawn_file_actions_adddup2(&actions, 1, 2);
  }
  const int rc = ::posix_spawnp(&pid_, argp[0], &actions, &attr, argp.data(), envp.data());
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    pid_ = -1;
    return common::ioError("cannot start the extension '" + argv[0] + "': " + std::strerror(rc));
  }
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
