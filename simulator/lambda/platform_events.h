#pragma once
// The Telemetry API's platform records Lambda emits around an invocation, built in one place for
// the simulated Lambda on loopback (environment.h) and the virtual one in process
// (virtual_lambda.h), so both hand the extension the same wire format.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "core/common/clock.h"

namespace ddsim::lambda {

// {"time": RFC 3339 of t, "type": type, "record": record}.
nlohmann::json platformEvent(common::SystemTime t, const std::string& type, nlohmann::json record);

struct RuntimeDoneFields {
  std::string request_id;
  std::string status = "success";  // success, error, timeout, failure
  std::string error_type;          // "" for none
  double runtime_ms = 0;
  int64_t produced_bytes = 16;
  nlohmann::json tracing;          // null for none
};
nlohmann::json runtimeDoneRecord(const RuntimeDoneFields& f);

struct ReportFields {
  std::string request_id;
  std::string status = "success";
  double duration_ms = 0;          // runtime plus the extension's post-runtime work
  int memory_mb = 128;
  int max_memory_used_mb = 64;
  std::optional<double> init_ms;   // cold starts only
  nlohmann::json tracing;
};
nlohmann::json reportRecord(const ReportFields& f);

}  // namespace ddsim::lambda
