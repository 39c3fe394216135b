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

}  // namespace ddsim::fakeintake
