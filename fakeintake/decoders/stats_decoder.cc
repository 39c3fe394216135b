// /api/v0.2/stats: the trace agent's StatsPayload as msgpack (docs/trace-agent.md §8.3), read
// with nlohmann_json's msgpack reader — independent of core/trace's encoder — with the keys of
// the agent's msgp code (Go field names). Unknown keys are skipped as msgp does; a value of the
// wrong type is an error naming where it is. The latency sketches are parsed with
// proto/ddsketch.proto to count their values.
#include <nlohmann/json.hpp>

#include <limits>

#include "fakeintake/core/utf8.h"
#include "fakeintake/decoders/decoder.h"
#include "proto/ddsketch.pb.h"

namespace ddsim::fakeintake {

namespace {

using nlohmann::json;

struct Reader {
  const json& j;
  std::string where;
  size_t* coerced;  // strings whose invalid UTF-8 was replaced (Pyld50)

  const json* find(const char* key) const {
    auto it = j.find(key);
    return it == j.end() || it->is_null() ? nullptr : &*it;
  }
  [[noreturn]] void fail(const char* key, const char* expected) const {
    throw std::runtime_error((where.empty() ? std::string() : where + ".") + key + ": expected " + expected);
  }
  std::string text(std::string s) const {
    if (sanitizeUtf8(s) > 0) ++*coerced;
    return s;
  }
  std::string str(const char* key) const {
    const json* v = find(key);
    if (!v) return {};
    if (v->is_string()) return text(v->get<std::string>());
    if (v->is_binary()) return std::string(v->get_binary().begin(), v->get_binary().end());
    fail(key, "string");
  }
  uint64_t u64(const char* key, uint64_t max = std::numeric_limits<uint64_t>::max()) const {
    const json* v = find(key);
    if (!v) return 0;
    if (!v->is_number_unsigned() || v->get<uint64_t>() > max) fail(key, max == UINT32_MAX ? "uint32" : "uint64");
    return v->get<uint64_t>();
  }
  int64_t i64(const char* key) const {
    const json* v = find(key);
    if (!v) return 0;
    if (!v->is_number_integer()) fail(key, "integer");
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) fail(key, "int64");
    return v->get<int64_t>();
  }
  bool boolean(const char* key) const {
    const json* v = find(key);
    if (!v) return false;
    if (!v->is_boolean()) fail(key, "bool");
    return v->get<bool>();
  }
  std::vector<std::string> strings(const char* key) const {
    std::vector<std::string> out;
    const json* v = find(key);
    if (!v) return out;
    if (!v->is_array()) fail(key, "array of strings");
    for (const auto& s : *v) {
      if (!s.is_string()) fail(key, "array of strings");
      out.push_back(text(s.get<std::string>()));
    }
    return out;
  }
  // Each map of the array at key, with its path.
  template <typename F>
  void each(const char* key, F&& f) const {
    const json* v = find(key);
    if (!v) return;
    if (!v->is_array()) fail(key, "array");
    for (size_t i = 0; i < v->size(); ++i) {
      const json& item = (*v)[i];
      Reader r{item, (where.empty() ? std::string() : where + ".") + key + "[" + std::to_string(i) + "]", coerced};
      if (!item.is_object()) throw std::runtime_error(r.where + ": expected map");
      f(r);
    }
  }
};

double storeCount(const datadog::sketches::Store& s) {
  double n = 0;
  for (const auto& e : s.bincounts()) n += e.value();
  for (double c : s.contiguousbincounts()) n += c;
  return n;
}

// Total count of a sketch; an empty summary counts 0, an undecodable one -1 (a violation).
double sketchCount(const std::string& bytes) {
  if (bytes.empty()) return 0;
  datadog::sketches::DDSketch pb;
  if (!pb.ParseFromString(bytes)) return -1;
  return pb.zerocount() + storeCount(pb.positivevalues()) + storeCount(pb.negativevalues());
}

DecodedGroupedStats group(const Reader& r) {
  DecodedGroupedStats g;
  g.service = r.str("Service");
  g.name = r.str("Name");
  g.resource = r.str("Resource");
  g.http_status_code = static_cast<uint32_t>(r.u64("HTTPStatusCode", UINT32_MAX));
  g.type = r.str("Type");
  g.db_type = r.str("DBType");
  g.hits = r.u64("Hits");
  g.errors = r.u64("Errors");
  g.duration = r.u64("Duration");
  g.ok_summary = r.str("OkSummary");
  g.error_summary = r.str("ErrorSummary");
  g.synthetics = r.boolean("Synthetics");
  g.top_level_hits = r.u64("TopLevelHits");
  g.span_kind = r.str("SpanKind");
  g.peer_tags = r.strings("PeerTags");
  g.is_trace_root = static_cast<int32_t>(r.i64("IsTraceRoot"));
  g.ok_count = sketchCount(g.ok_summary);
  g.error_count = sketchCount(g.error_summary);
  return g;
}

DecodedClientStats client(const Reader& r) {
  DecodedClientStats c;
  c.hostname = r.str("Hostname");
  c.env = r.str("Env");
  c.version = r.str("Version");
  c.lang = r.str("Lang");
  c.tracer_version = r.str("TracerVersion");
  c.runtime_id = r.str("RuntimeID");
  c.sequence = r.u64("Sequence");
  c.agent_aggregation = r.str("AgentAggregation");
  c.service = r.str("Service");
  c.container_id = r.str("ContainerID");
  c.tags = r.strings("Tags");
  c.git_commit_sha = r.str("GitCommitSha");
  c.image_tag = r.str("ImageTag");
  r.each("Stats", [&c](const Reader& b) {
    DecodedStatsBucket bucket;
    bucket.start = b.u64("Start");
    bucket.duration = b.u64("Duration");
    bucket.agent_time_shift = b.i64("AgentTimeShift");
    b.each("Stats", [&bucket](const Reader& g) { bucket.stats.push_back(group(g)); });
    c.stats.push_back(std::move(bucket));
  });
  return c;
}

}  // namespace

common::Result<std::vector<DecodedStatsPayload>> decodeStats(std::string_view body, std::vector<DecodeNote>& notes) {
  try {
    const json j = json::from_msgpack(body.begin(), body.end());
    if (!j.is_object()) return common::invalidArgument("stats payload: expected a msgpack map");
    size_t coerced = 0;
    const Reader r{j, "", &coerced};
    DecodedStatsPayload p;
    p.agent_hostname = r.str("AgentHostname");
    p.agent_env = r.str("AgentEnv");
    p.agent_version = r.str("AgentVersion");
    p.client_computed = r.boolean("ClientComputed");
    p.split_payload = r.boolean("SplitPayload");
    r.each("Stats", [&p](const Reader& c) { p.stats.push_back(client(c)); });
    if (coerced > 0) {
      notes.push_back({"Pyld50", std::to_string(coerced) + " strings with invalid UTF-8, replaced by U+FFFD"});
    }
    std::vector<DecodedStatsPayload> out;
    out.push_back(std::move(p));
    return out;
  } catch (const std::exception& e) {
    return common::invalidArgument(std::string("stats payload: ") + e.what());
  }
}

}  // namespace ddsim::fakeintake
