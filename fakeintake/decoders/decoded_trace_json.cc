// The JSON form of a decoded /api/v0.2/traces payload (decoded_json.h): the protobuf JSON
// mapping's field names; empty strings, maps and zero numbers left out as that mapping does,
// except the span identity fields, always written.
#include "fakeintake/decoders/decoded_json.h"

namespace ddsim::fakeintake {

using nlohmann::json;

namespace {

void putString(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}

template <typename Map>
void putMap(json& j, const char* key, const Map& m) {
  if (!m.empty()) j[key] = m;
}

json spanJson(const DecodedSpan& s) {
  json j = {{"service", s.service}, {"name", s.name},     {"resource", s.resource},
            {"traceID", s.trace_id}, {"spanID", s.span_id}, {"parentID", s.parent_id},
            {"start", s.start},     {"duration", s.duration}, {"error", s.error}};
  putMap(j, "meta", s.meta);
  putMap(j, "metrics", s.metrics);
  putString(j, "type", s.type);
  return j;
}

json chunkJson(const DecodedTraceChunk& c) {
  json j = {{"priority", c.priority}};
  putString(j, "origin", c.origin);
  json spans = json::array();
  for (const auto& s : c.spans) spans.push_back(spanJson(s));
  j["spans"] = std::move(spans);
  putMap(j, "tags", c.tags);
  if (c.dropped_trace) j["droppedTrace"] = true;
  return j;
}

json tracerPayloadJson(const DecodedTracerPayload& t) {
  json j = json::object();
  putString(j, "containerID", t.container_id);
  putString(j, "languageName", t.language_name);
  putString(j, "languageVersion", t.language_version);
  putString(j, "tracerVersion", t.tracer_version);
  putString(j, "runtimeID", t.runtime_id);
  json chunks = json::array();
  for (const auto& c : t.chunks) chunks.push_back(chunkJson(c));
  j["chunks"] = std::move(chunks);
  putMap(j, "tags", t.tags);
  putString(j, "env", t.env);
  putString(j, "hostname", t.hostname);
  putString(j, "appVersion", t.app_version);
  return j;
}

}  // namespace

json toJson(const DecodedAgentPayload& p) {
  json j = json::object();
  putString(j, "hostName", p.host_name);
  putString(j, "env", p.env);
  json tps = json::array();
  for (const auto& t : p.tracer_payloads) tps.push_back(tracerPayloadJson(t));
  j["tracerPayloads"] = std::move(tps);
  putMap(j, "tags", p.tags);
  putString(j, "agentVersion", p.agent_version);
  if (p.target_tps != 0) j["targetTPS"] = p.target_tps;
  if (p.error_tps != 0) j["errorTPS"] = p.error_tps;
  if (p.rare_sampler_enabled) j["rareSamplerEnabled"] = true;
  return j;
}

namespace {

template <typename V>
std::map<std::string, V> mapFrom(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_object()) return {};
  std::map<std::string, V> out;
  for (const auto& [k, v] : it->items()) {
    if constexpr (std::is_same_v<V, double>) {
      out.emplace(k, v.is_number() ? v.template get<double>() : 0.0);  // NaN is written as null
    } else {
      out.emplace(k, v.template get<V>());
    }
  }
  return out;
}

const json& arrayAt(const json& j, const char* key) {
  static const json kEmpty = json::array();
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : kEmpty;
}

DecodedSpan spanFrom(const json& j) {
  DecodedSpan s;
  s.service = j.value("service", "");
  s.name = j.value("name", "");
  s.resource = j.value("resource", "");
  s.trace_id = j.value("traceID", uint64_t{0});
  s.span_id = j.value("spanID", uint64_t{0});
  s.parent_id = j.value("parentID", uint64_t{0});
  s.start = j.value("start", int64_t{0});
  s.duration = j.value("duration", int64_t{0});
  s.error = j.value("error", 0);
  s.meta = mapFrom<std::string>(j, "meta");
  s.metrics = mapFrom<double>(j, "metrics");
  s.type = j.value("type", "");
  return s;
}

}  // namespace

common::Result<DecodedAgentPayload> agentPayloadFromJson(const json& j) {
  if (!j.is_object()) return common::invalidArgument("trace payload: expected an object");
  try {
    DecodedAgentPayload a;
    a.host_name = j.value("hostName", "");
    a.env = j.value("env", "");
    a.agent_version = j.value("agentVersion", "");
    a.target_tps = j.value("targetTPS", 0.0);
    a.error_tps = j.value("errorTPS", 0.0);
    a.rare_sampler_enabled = j.value("rareSamplerEnabled", false);
    a.tags = mapFrom<std::string>(j, "tags");
    for (const auto& t : arrayAt(j, "tracerPayloads")) {
      DecodedTracerPayload tp;
      tp.container_id = t.value("containerID", "");
      tp.language_name = t.value("languageName", "");
      tp.language_version = t.value("languageVersion", "");
      tp.tracer_version = t.value("tracerVersion", "");
      tp.runtime_id = t.value("runtimeID", "");
      tp.env = t.value("env", "");
      tp.hostname = t.value("hostname", "");
      tp.app_version = t.value("appVersion", "");
      tp.tags = mapFrom<std::string>(t, "tags");
      for (const auto& c : arrayAt(t, "chunks")) {
        DecodedTraceChunk dc;
        dc.priority = c.value("priority", 0);
        dc.origin = c.value("origin", "");
        dc.tags = mapFrom<std::string>(c, "tags");
        dc.dropped_trace = c.value("droppedTrace", false);
        for (const auto& s : arrayAt(c, "spans")) dc.spans.push_back(spanFrom(s));
        tp.chunks.push_back(std::move(dc));
      }
      a.tracer_payloads.push_back(std::move(tp));
    }
    return a;
  } catch (const std::exception& e) {
    return common::invalidArgument(std::string("trace payload: ") + e.what());
  }
}

}  // namespace ddsim::fakeintake
