#pragma once
// The extension as a child process of the simulated Lambda: started in a process group of its
// own, so freezing it stops every process it started too (a shell script's curl, a wrapper's
// child). Freeze/thaw are SIGSTOP/SIGCONT to that group: a frozen extension's timers do not
// fire and its sockets do not drain, as in a Lambda execution environment between invocations.
// POSIX only. Not thread-safe: one owner (the Environment) drives it.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/common/status.h"

namespace ddsim::lambda {

class ExtensionProcess {
 public:
  ExtensionProcess() = default;
  ~ExtensionProcess();  // kills the group if it still runs
  ExtensionProcess(const ExtensionProcess&) = delete;
  ExtensionProcess& operator=(const ExtensionProcess&) = delete;

  // Called once per line the extension writes to stdout or stderr, on the output thread.
  using LineSink = std::function<void(std::string_view line)>;

  // Starts `argv` (argv[0] looked up in PATH) with the current environment plus `env`
  // ("NAME=value", replacing a variable of the same name). stdout/stderr go through a pipe that
  // an output thread reads, as Lambda captures an extension's output: each line is given to
  // `on_line` (when set) and copied to `log_path` (appended) or, when it is empty, to ddsim's
  // stderr.
  common::Status start(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                       const std::string& log_path = "", LineSink on_line = {});
  // Waits for the output thread to read what the process (and its group) wrote; returns at
  // end of file, or after a short grace period when something still holds the pipe open.
  void drainOutput();

  pid_t pid() const { return pid_; }
  bool running();  // false once it exited (reaps it)
  bool frozen() const { return frozen_; }

  // SIGSTOP to the group; returns once the kernel reports the process stopped (or exited: an
  // error then, and exitCode() holds its code).
  common::Status freeze();
  // SIGCONT to the group.
  void thaw();

  // Waits up to `limit` for the exit; the exit code (128+signal when killed by one), nullopt on timeout.
  std::optional<int> waitExit(std::chrono::milliseconds limit);
  // SIGKILL to the group and reap; the exit code as waitExit reports it.
  int kill();
  std::optional<int> exitCode() const { return exit_code_; }

 private:
  bool reap(int options);
  void readOutput(int fd, int log_fd, LineSink on_line);

  std::thread output_;
  std::atomic<bool> output_stop_{false};

  pid_t pid_ = -1;
  bool frozen_ = false;
  std::optional<int> exit_code_;
};

}  // namespace ddsim::lambda
