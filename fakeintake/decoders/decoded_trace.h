#pragma once
// The decoded form of /api/v0.2/traces: the trace agent's AgentPayload with its tracer payloads,
// chunks and spans (docs/trace-agent.md §2, §6; proto/trace.proto). Values, like the other
// decoded models; field names follow the schema.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ddsim::fakeintake {

struct DecodedSpan {
  std::string service;
  std::string name;
  std::string resource;
  uint64_t trace_id = 0;
  uint64_t span_id = 0;
  uint64_t parent_id = 0;
  int64_t start = 0;     // Unix nanoseconds
  int64_t duration = 0;  // nanoseconds
  int32_t error = 0;
  std::map<std::string, std::string> meta;
  std::map<std::string, double> metrics;
  std::string type;
};

struct DecodedTraceChunk {
  int32_t priority = 0;
  std::string origin;
  std::map<std::string, std::string> tags;
  bool dropped_trace = false;
  std::vector<DecodedSpan> spans;
};

struct DecodedTracerPayload {
  std::string container_id;
  std::string language_name;
  std::string language_version;
  std::string tracer_version;
  std::string runtime_id;
  std::string env;
  std::string hostname;
  std::string app_version;
  std::map<std::string, std::string> tags;
  std::vector<DecodedTraceChunk> chunks;
};

// One /api/v0.2/traces body.
struct DecodedAgentPayload {
  std::string host_name;
  std::string env;
  std::string agent_version;
  double target_tps = 0;
  double error_tps = 0;
  bool rare_sampler_enabled = false;
  std::map<std::string, std::string> tags;
  std::vector<DecodedTracerPayload> tracer_payloads;

  size_t chunkCount() const;
  size_t spanCount() const;
};

}  // namespace ddsim::fakeintake
