// The JSON form of a decoded /api/v0.2/stats payload (decoded_json.h): stats.proto's field
// names as the protobuf JSON mapping writes them (bytes as base64), every field written, plus
// ddsim's okCount/errorCount. statsPayloadFromJson reads it back (the client).
#include "fakeintake/core/base64.h"
#include "fakeintake/decoders/decoded_json.h"

namespace ddsim::fakeintake {

using nlohmann::json;

namespace {

json groupJson(const DecodedGroupedStats& g) {
  return {{"service", g.service},
          {"name", g.name},
          {"resource", g.resource},
          {"HTTPStatusCode", g.http_status_code},
          {"type", g.type},
          {"DBType", g.db_type},
          {"hits", g.hits},
          {"errors", g.errors},
          {"duration", g.duration},
          {"okSummary", base64Encode(g.ok_summary)},
          {"errorSummary", base64Encode(g.error_summary)},
          {"synthetics", g.synthetics},
          {"topLevelHits", g.top_level_hits},
          {"spanKind", g.span_kind},
          {"peerTags", g.peer_tags},
          {"isTraceRoot", g.is_trace_root},
          {"okCount", g.ok_count},
          {"errorCount", g.error_count}};
}

json clientJson(const DecodedClientStats& c) {
  json buckets = json::array();
  for (const auto& b : c.stats) {
    json groups = json::array();
    for (const auto& g : b.stats) groups.push_back(groupJson(g));
    buckets.push_back(
        {{"start", b.start}, {"duration", b.duration}, {"agentTimeShift", b.agent_time_shift}, {"stats", groups}});
  }
  return {{"hostname", c.hostname},       {"env", c.env},
          {"version", c.version},         {"stats", buckets},
          {"lang", c.lang},               {"tracerVersion", c.tracer_version},
          {"runtimeID", c.runtime_id},    {"sequence", c.sequence},
          {"agentAggregation", c.agent_aggregation}, {"service", c.service},
          {"containerID", c.container_id}, {"tags", c.tags},
          {"gitCommitSha", c.git_commit_sha}, {"imageTag", c.image_tag}};
}

std::string bytesFrom(const json& j, const char* key) {
  auto decoded = base64Decode(j.value(key, ""));
  if (!decoded) throw std::runtime_error(std::string(key) + " is not base64");
  return *decoded;
}

}  // namespace

json toJson(const DecodedStatsPayload& p) {
  json clients = json::array();
  for (const auto& c : p.stats) clients.push_back(clientJson(c));
  return {{"agentHostname", p.agent_hostname}, {"agentEnv", p.agent_env}, {"stats", clients},
          {"agentVersion", p.agent_version},   {"clientComputed", p.client_computed},
          {"splitPayload", p.split_payload}};
}

common::Result<DecodedStatsPayload> statsPayloadFromJson(const json& j) {
  if (!j.is_object()) return common::invalidArgument("stats payload: expected an object");
  try {
    DecodedStatsPayload p;
    p.agent_hostname = j.value("agentHostname", "");
    p.agent_env = j.value("agentEnv", "");
    p.agent_version = j.value("agentVersion", "");
    p.client_computed = j.value("clientComputed", false);
    p.split_payload = j.value("splitPayload", false);
    for (const auto& cj : j.value("stats", json::array())) {
      DecodedClientStats c;
      c.hostname = cj.value("hostname", "");
      c.env = cj.value("env", "");
      c.version = cj.value("version", "");
      c.lang = cj.value("lang", "");
      c.tracer_version = cj.value("tracerVersion", "");
      c.runtime_id = cj.value("runtimeID", "");
      c.sequence = cj.value("sequence", uint64_t{0});
      c.agent_aggregation = cj.value("agentAggregation", "");
      c.service = cj.value("service", "");
      c.container_id = cj.value("containerID", "");
      c.tags = cj.value("tags", std::vector<std::string>{});
      c.git_commit_sha = cj.value("gitCommitSha", "");
      c.image_tag = cj.value("imageTag", "");
      for (const auto& bj : cj.value("stats", json::array())) {
        DecodedStatsBucket b;
        b.start = bj.value("start", uint64_t{0});
        b.duration = bj.value("duration", uint64_t{0});
        b.agent_time_shift = bj.value("agentTimeShift", int64_t{0});
        for (const auto& gj : bj.value("stats", json::array())) {
          DecodedGroupedStats g;
          g.service = gj.value("service", "");
          g.name = gj.value("name", "");
          g.resource = gj.value("resource", "");
          g.http_status_code = gj.value("HTTPStatusCode", uint32_t{0});
          g.type = gj.value("type", "");
          g.db_type = gj.value("DBType", "");
          g.hits = gj.value("hits", uint64_t{0});
          g.errors = gj.value("errors", uint64_t{0});
          g.duration = gj.value("duration", uint64_t{0});
          g.ok_summary = bytesFrom(gj, "okSummary");
          g.error_summary = bytesFrom(gj, "errorSummary");
          g.synthetics = gj.value("synthetics", false);
          g.top_level_hits = gj.value("topLevelHits", uint64_t{0});
          g.span_kind = gj.value("spanKind", "");
          g.peer_tags = gj.value("peerTags", std::vector<std::string>{});
          g.is_trace_root = gj.value("isTraceRoot", 0);
          g.ok_count = gj.value("okCount", 0.0);
          g.error_count = gj.value("errorCount", 0.0);
          b.stats.push_back(std::move(g));
        }
        c.stats.push_back(std::move(b));
      }
      p.stats.push_back(std::move(c));
    }
    return p;
  } catch (const std::exception& e) {
    return common::invalidArgument(std::string("stats payload: ") + e.what());
  }
}

}  // namespace ddsim::fakeintake
