#pragma once
// The trace agent's stats payloads (docs/trace-agent.md §8.3, from the agent's
// pkg/proto/datadog/trace/stats.proto and the msgp code generated from it, stats_gen.go):
// StatsPayload → ClientStatsPayload → ClientStatsBucket → ClientGroupedStats. The agent sends
// them to /api/v0.2/stats as msgpack maps keyed by the Go field names (not protobuf), and
// tracers send a ClientStatsPayload the same way to /v0.6/stats. Pure data and functions.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"

namespace ddsim::trace {

// ClientGroupedStats.IsTraceRoot (pb.TraceRootFlag).
enum class TraceRootFlag : int32_t { kNotSet = 0, kTrue = 1, kFalse = 2 };

struct GroupedStats {
  std::string service;
  std::string name;
  std::string resource;
  uint32_t http_status_code = 0;
  std::string type;
  std::string db_type;
  uint64_t hits = 0;
  uint64_t errors = 0;
  uint64_t duration = 0;       // ns, summed
  std::string ok_summary;      // sketches-go DDSketch protobuf
  std::string error_summary;
  bool synthetics = false;
  uint64_t top_level_hits = 0;
  std::string span_kind;
  std::vector<std::string> peer_tags;  // "key:value", sorted
  TraceRootFlag is_trace_root = TraceRootFlag::kNotSet;

  bool operator==(const GroupedStats&) const = default;
};

struct StatsBucket {
  uint64_t start = 0;     // ns, aligned on the bucket size
  uint64_t duration = 0;  // ns
  std::vector<GroupedStats> stats;
  int64_t agent_time_shift = 0;

  bool operator==(const StatsBucket&) const = default;
};

struct ClientStatsPayload {
  std::string hostname;
  std::string env;
  std::string version;
  std::vector<StatsBucket> stats;
  std::string lang;
  std::string tracer_version;
  std::string runtime_id;
  uint64_t sequence = 0;
  std::string agent_aggregation;
  std::string service;
  std::string container_id;
  std::vector<std::string> tags;
  std::string git_commit_sha;
  std::string image_tag;

  bool operator==(const ClientStatsPayload&) const = default;
};

struct StatsPayload {
  std::string agent_hostname;
  std::string agent_env;
  std::vector<ClientStatsPayload> stats;
  std::string agent_version;
  bool client_computed = false;
  bool split_payload = false;

  bool operator==(const StatsPayload&) const = default;
};

// Number of ClientGroupedStats in the payload (the writer's "entries").
size_t statsEntries(const StatsPayload& p);

// msgpack as the agent's msgp code writes it: every field, keyed by its Go name, except the
// Stats arrays when they are empty.
std::string encodeStatsPayloadMsgpack(const StatsPayload& p);
std::string encodeClientStatsPayloadMsgpack(const ClientStatsPayload& p);

// Reads a ClientStatsPayload (the /v0.6/stats body) or a StatsPayload. Unknown keys are
// skipped; a wrong type is an error naming the field.
common::Result<ClientStatsPayload> decodeClientStatsPayloadMsgpack(std::string_view body);
common::Result<StatsPayload> decodeStatsPayloadMsgpack(std::string_view body);

}  // namespace ddsim::trace
