#pragma once
// A child process for tests of the binaries: started with fork/exec, its stdout and stderr
// captured through pipes, read with bounded waits, stopped with a signal. POSIX only.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/poll.h"

extern char** environ;

namespace ddsim::testing {

class ChildProcess {
 public:
  // Runs `argv[0]` with `argv` and the current environment plus `env` ("NAME=value", which
  // replaces a variable of the same name). posix_spawn, not fork: the test process has threads
  // (servers), and a forked child must not touch malloc before exec.
  ChildProcess(std::vector<std::string> argv, std::vector<std::string> env = {}) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) return;
    std::vector<std::string> envs = std::move(env);
    for (char** e = environ; *e; ++e) {
      const std::string var(*e);
      const std::string name = var.substr(0, var.find('='));
      bool replaced = false;
      for (const auto& x : envs) replaced = replaced || x.rfind(name + "=", 0) == 0;
      if (!replaced) envs.push_back(var);
    }
    std::vector<char*> args, envp;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    ::posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    if (::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), envp.data()) != 0) pid_ = -1;
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
    ::fcntl(out_, F_SETFL, O_NONBLOCK);
    ::fcntl(err_, F_SETFL, O_NONBLOCK);
  }
  ~ChildProcess() {
    if (pid_ > 0 && !exit_code_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
    if (err_ >= 0) ::close(err_);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  const std::string& out() const { return stdout_; }
  const std::string& err() const { return stderr_; }

  // Reads what is available; waits until `pred(stdout)` holds or `timeout` passes.
  template <typename Pred>
  bool waitForOutput(Pred pred, std::chrono::milliseconds timeout) {
    return waitFor(stdout_, pred, timeout);
  }
  // The same for stderr (the log): a log line may follow the stdout line a caller waited for.
  template <typename Pred>
  bool waitForErrorOutput(Pred pred, std::chrono::milliseconds timeout) {
    return waitFor(stderr_, pred, timeout);
  }
  void signal(int sig) {
    if (pid_ > 0) ::kill(pid_, sig);
  }
  // Waits for the exit (draining output); the exit code, or nullopt on timeout / signal death.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!exited()) {
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      drain(50);
    }
    drain(0);
    return exit_code_;
  }

 private:
  template <typename Pred>
  bool waitFor(const std::string& text, Pred pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      drain(50);
      if (pred(text)) return true;
      if (exited()) return pred(text);
    }
    return false;
  }
  bool exited() {
    if (exit_code_ || pid_ <= 0) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return true;
    }
    return false;
  }
  void drain(int wait_ms) {
    pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
    ::poll(fds, 2, wait_ms);
    char buf[4096];
    ssize_t n;
    while ((n = ::read(out_, buf, sizeof buf)) > 0) stdout_.append(buf, static_cast<size_t>(n));
    while ((n = ::read(err_, buf, sizeof buf)) > 0) stderr_.append(buf, static_cast<size_t>(n));
  }

  pid_t pid_ = -1;
  int out_ = -1, err_ = -1;
  std::string stdout_, stderr_;
  std::optional<int> exit_code_;
};

}  // namespace ddsim::testing
