#pragma once
// The trace agent's span model (docs/trace-agent.md §2, from the agent's span.proto).
#include <cstdint>
#include <string>
#include <vector>

#include "core/trace/span_map.h"

namespace ddsim::trace {

struct Span {
  std::string service;
  std::string name;
  std::string resource;
  uint64_t trace_id = 0;
  uint64_t span_id = 0;
  uint64_t parent_id = 0;  // 0 for a root span
  int64_t start = 0;       // nanoseconds since the Unix epoch
  int64_t duration = 0;    // nanoseconds
  int32_t error = 0;
  SpanMap<std::string> meta;  // sorted by key, as the agent's encoders and ddsim's comparisons expect
  SpanMap<double> metrics;
  std::string type;

  bool operator==(const Span&) const = default;
};

// The spans of one trace chunk, as a tracer sends them.
using Trace = std::vector<Span>;
// One payload: every trace of one request.
using Traces = std::vector<Trace>;

}  // namespace ddsim::trace
