#pragma once
// The function's log lines (Telemetry API "function" records) forwarded to the logs intake at
// flush time: POST <logs url>/api/v2/logs, a JSON array of {message, timestamp (ms), hostname
// (the function ARN), service, ddsource "lambda", ddtags, status}, with DD-API-KEY. Buffered
// between flushes (bounded: lines beyond the cap are dropped and counted).
#include <mutex>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/common/counters.h"
#include "core/forwarder/transport.h"

namespace ddsim::serverless {

struct LogsSenderOptions {
  std::string url;  // intake base URL ("https://http-intake.logs.datadoghq.com")
  std::string api_key;
  std::string service;
  size_t max_buffered = 10000;
  size_t max_batch = 1000;  // entries per POST (the agent's logs batch limit)
};

class LogsSender {
 public:
  LogsSender(LogsSenderOptions options, forwarder::Transport& transport);

  // Thread-safe.
  void add(common::SystemTime t, std::string message, const std::string& arn, const std::vector<std::string>& tags);
  // Sends what is buffered; returns the number of lines delivered (2xx). Failed batches are
  // dropped and counted ("send_failed"), as the flush has no retry.
  size_t flush();
  size_t buffered() const;
  const common::CounterSet& drops() const { return drops_; }

 private:
  LogsSenderOptions options_;
  forwarder::Transport& transport_;
  mutable std::mutex mu_;
  std::vector<std::string> pending_;  // one serialized JSON object each
  common::CounterSet drops_;
};

}  // namespace ddsim::serverless
