#pragma once
// The decoded form of /api/v0.2/stats: the trace agent's StatsPayload (docs/trace-agent.md §8.3),
// which the agent sends as gzipped msgpack. Values, like the other decoded models; field names
// follow the schema (stats.proto). The latency sketches are kept as sent and also summarized
// (their total count), decoded with proto/ddsketch.proto.
#include <cstdint>
#include <string>
#include <vector>

namespace ddsim::fakeintake {

struct DecodedGroupedStats {
  std::string service;
  std::string name;
  std::string resource;
  uint32_t http_status_code = 0;
  std::string type;
  std::string db_type;
  uint64_t hits = 0;
  uint64_t errors = 0;
  uint64_t duration = 0;
  uint64_t top_level_hits = 0;
  bool synthetics = false;
  std::string span_kind;
  std::vector<std::string> peer_tags;
  int32_t is_trace_root = 0;  // 0 not set, 1 true, 2 false
  std::string ok_summary;     // sketches-go DDSketch protobuf, as sent
  std::string error_summary;
  double ok_count = 0;        // values in the sketches (-1: the sketch did not decode)
  double error_count = 0;
};

struct DecodedStatsBucket {
  uint64_t start = 0;
  uint64_t duration = 0;
  int64_t agent_time_shift = 0;
  std::vector<DecodedGroupedStats> stats;
};

struct DecodedClientStats {
  std::string hostname;
  std::string env;
  std::string version;
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
  std::vector<DecodedStatsBucket> stats;
};

// One /api/v0.2/stats body.
struct DecodedStatsPayload {
  std::string agent_hostname;
  std::string agent_env;
  std::string agent_version;
  bool client_computed = false;
  bool split_payload = false;
  std::vector<DecodedClientStats> stats;

  size_t groupCount() const;
};

}  // namespace ddsim::fakeintake
