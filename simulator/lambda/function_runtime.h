#pragma once
// The function side of the simulated Lambda: a scripted runtime that, during each invocation,
// sends DogStatsD lines over UDP, optionally a v0.4 msgpack trace over HTTP, and writes log
// lines (delivered to the extension as Telemetry API "function" events by the Environment).
// "{request_id}" and "{invocation}" in lines are replaced. Not thread-safe: one per environment.
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/common/status.h"

namespace ddsim::lambda {

struct RuntimeScript {
  std::vector<std::string> dogstatsd;  // lines sent once per invocation
  int dogstatsd_port = 8125;           // 127.0.0.1
  int spans = 0;                       // spans in one trace per invocation (0: no trace)
  int trace_port = 8126;               // 127.0.0.1, PUT /v0.4/traces
  std::vector<std::string> logs;       // function log lines per invocation
  std::string service = "ddsim-function";
  bool tag_invocation = true;          // add ddsim_invocation:<index> to each line (attribution)
  // The extension's communication server (8124 in Lambda; 0: not called). When set, the runtime
  // plays a tracer without a Datadog library: /lambda/start-invocation and /trace-context
  // before its trace (which joins the answered trace under the execution span), and
  // /lambda/end-invocation when the function is done.
  int extension_port = 0;
  // The invocation event the runtime posts to /lambda/start-invocation (JSON text; "" sends
  // {"request_id": ...}). "{request_id}" and "{invocation}" are replaced, "{now_ms}" by the Unix
  // time in ms, the string "{now_ms_number}" (quotes included) by it as a JSON number, and
  // "{now_iso}" by it as ISO 8601 with ms.
  std::string event;
  // The function's response (JSON text): the /lambda/end-invocation body and what the runtime
  // posts to .../response; "" sends {} and {"statusCode":200}. An HTTP-shaped response's
  // statusCode tags the execution span (a 5xx makes it an error).
  std::string response;
  // Ask the Runtime API for each event (GET .../invocation/next) and answer it (.../response or
  // .../error), at `runtime_api_port` (0: the environment's own API port; else e.g. an
  // extension's runtime-API proxy in front of it).
  bool runtime_api = false;
  int runtime_api_port = 0;
};

// What one invocation emitted.
struct RuntimeOutput {
  int64_t dogstatsd_lines = 0;
  int64_t dogstatsd_errors = 0;  // send() failures (nothing listening shows as no error on UDP)
  int64_t spans = 0;
  bool trace_accepted = false;   // the trace receiver answered 2xx
  std::vector<std::string> logs;
  std::vector<std::string> metric_names;  // distinct names of the lines sent, in order
  bool lifecycle_started = false;         // /lambda/start-invocation answered 2xx
  uint64_t trace_id = 0;                  // the trace the spans were sent in
};

class FunctionRuntime {
 public:
  explicit FunctionRuntime(RuntimeScript script);
  ~FunctionRuntime();
  FunctionRuntime(const FunctionRuntime&) = delete;
  FunctionRuntime& operator=(const FunctionRuntime&) = delete;

  // Emits the script for invocation `index` with `request_id`.
  RuntimeOutput emit(int64_t index, const std::string& request_id);
  // The function is done: /lambda/end-invocation (with the error header when `error`), when an
  // extension port is set. False when the call failed.
  bool endInvocation(bool error);
  // Runtime API client at 127.0.0.1:`port`: the request id of the next event ("" on failure),
  // and the answer to it (false on failure).
  std::string nextInvocation(int port);
  bool answerInvocation(int port, const std::string& request_id, bool error);

 private:
  RuntimeScript script_;
  int fd_ = -1;
};

// `text` with {request_id} and {invocation} replaced.
std::string expandTemplate(const std::string& text, int64_t index, const std::string& request_id);
// An invocation event's text with expandTemplate's fields and "{now_ms}" / "{now_iso}" at `now`
// ("\"{now_ms_number}\"" becomes the bare number, for epoch fields that are JSON numbers).
std::string expandEvent(const std::string& event, int64_t index, const std::string& request_id,
                        common::SystemTime now);

// `line` with `tag` added to its tag section (one is started when it has none).
std::string addDogStatsdTag(const std::string& line, const std::string& tag);

// A v0.4 /traces body: one trace of `spans` spans (the first the root), ids derived from `seed`;
// `trace_id` (0: derived from the seed) and the root's `parent_id` when a context is given.
std::string encodeTraceV04(int spans, uint64_t seed, const std::string& service, const std::string& request_id,
                           uint64_t trace_id = 0, uint64_t parent_id = 0);

}  // namespace ddsim::lambda
