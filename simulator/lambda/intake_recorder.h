#pragma once
// A minimal intake for the extension under test: accepts any POST or PUT on 127.0.0.1, answers
// 202, and remembers when each request came and how big it was, so the report can say which
// invocation flushed and what the flush carried. It decodes nothing (the fakeintake does that).
// Thread-safe.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/common/clock.h"
#include "core/common/status.h"
#include "simulator/lambda/loopback_server.h"

namespace ddsim::lambda {

struct IntakeRequest {
  common::SteadyTime at;
  std::string path;
  int64_t bytes = 0;
};

// Requests in a window, by path.
struct IntakeWindow {
  int64_t requests = 0;
  int64_t bytes = 0;
  std::map<std::string, int64_t> by_path;
};

class IntakeRecorder {
 public:
  explicit IntakeRecorder(common::Clock& clock = common::SystemClock::instance());
  ~IntakeRecorder();
  IntakeRecorder(const IntakeRecorder&) = delete;
  IntakeRecorder& operator=(const IntakeRecorder&) = delete;

  common::Result<int> start();  // any free port
  void stop();
  int port() const { return server_.port(); }
  std::string url() const { return server_.url(); }

  // Requests that arrived in [from, to).
  IntakeWindow window(common::SteadyTime from, common::SteadyTime to) const;
  IntakeWindow total() const;

 private:
  common::Clock& clock_;
  LoopbackServer server_{"the recording intake"};
  mutable std::mutex mu_;
  std::vector<IntakeRequest> requests_;
};

}  // namespace ddsim::lambda
