#pragma once
// The intake of the extension under test: every POST or PUT on 127.0.0.1 goes through an
// in-process fakeintake handler (decompression, decoding, checks) and is remembered with when it
// came, how big it was, how it was answered and what it carried (metric names with the
// invocation tag the function runtime adds, log messages, spans). The report uses it to say which
// invocation flushed, what reached the intake, and what was delivered late or never.
// An outage (setOutage) holds every request unanswered until it ends, then answers 503, so the
// extension's 5 s flush timeout fires. Thread-safe.
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/common/status.h"
#include "simulator/lambda/loopback_server.h"

namespace ddsim::fakeintake {
class IntakeHandler;
struct StoredPayload;
}

namespace ddsim::lambda {

// The tag the function runtime adds to each DogStatsD line so delivered points can be traced
// back to the invocation that produced them (docs/lambda.md, "Delivered and left behind").
inline constexpr const char* kInvocationTag = "ddsim_invocation";

// A metric the intake decoded: its name and the invocation its tag names (-1: no such tag,
// e.g. the extension's enhanced metrics).
struct IntakeMetric {
  std::string name;
  int64_t invocation = -1;
};

// A span the intake decoded, enough to follow names and parent/child links.
struct IntakeSpan {
  std::string name;
  std::string service;
  std::string resource;
  uint64_t trace_id = 0;
  uint64_t span_id = 0;
  uint64_t parent_id = 0;
  bool inferred = false;  // meta _inferred_span.tag_source = self
  std::string status_code;  // meta http.status_code ("" without)
};

struct IntakeRequest {
  common::SteadyTime at;
  std::string path;
  int64_t bytes = 0;
  int status = 0;                      // what the intake answered (503 after an outage)
  std::vector<IntakeMetric> metrics;   // series and sketches
  std::vector<std::string> logs;       // /api/v2/logs messages
  int64_t spans = 0;                   // /api/v0.2/traces
  std::map<std::string, int64_t> spans_by_request;  // spans by their request_id meta
  std::vector<IntakeSpan> span_list;   // every decoded span
};

// Requests in a window, by path.
struct IntakeWindow {
  int64_t requests = 0;
  int64_t bytes = 0;
  std::map<std::string, int64_t> by_path;
};

// Requests of `requests` that arrived in [from, to).
IntakeWindow intakeWindow(const std::vector<IntakeRequest>& requests, common::SteadyTime from, common::SteadyTime to);

// Adds what a decoded payload carried (metric names with their invocation tag, log messages,
// spans) to `r`. Shared with the virtual Lambda's in-process intake.
void summarizePayload(const fakeintake::StoredPayload& p, IntakeRequest& r);

class IntakeRecorder {
 public:
  explicit IntakeRecorder(common::Clock& clock = common::SystemClock::instance());
  ~IntakeRecorder();
  IntakeRecorder(const IntakeRecorder&) = delete;
  IntakeRecorder& operator=(const IntakeRecorder&) = delete;

  common::Result<int> start();  // any free port
  void stop();                  // ends an outage first, so held requests are answered
  int port() const { return server_.port(); }
  std::string url() const { return server_.url(); }

  // While on, requests are held unanswered; when it ends they get 503 (an intake outage).
  void setOutage(bool on);

  // Requests that arrived in [from, to).
  IntakeWindow window(common::SteadyTime from, common::SteadyTime to) const;
  IntakeWindow total() const;
  // Every request so far, in arrival order.
  std::vector<IntakeRequest> requests() const;
  int64_t decodeErrors() const;

 private:
  void record(const std::string& method, const std::string& path, const std::vector<std::pair<std::string, std::string>>& headers,
              std::string body, int& status, std::string& answer);

  common::Clock& clock_;
  LoopbackServer server_{"the recording intake"};
  std::unique_ptr<fakeintake::IntakeHandler> handler_;
  mutable std::mutex mu_;
  std::condition_variable outage_cv_;
  bool outage_ = false;
  bool stopping_ = false;
  uint64_t last_id_ = 0;
  int64_t decode_errors_ = 0;
  std::vector<IntakeRequest> requests_;
};

}  // namespace ddsim::lambda
