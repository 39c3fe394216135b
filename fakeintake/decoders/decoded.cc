#include "fakeintake/decoders/decoded.h"

namespace ddsim::fakeintake {

std::string_view DecodedSeries::host() const {
  for (const auto& r : resources) {
    if (r.type == "host") return r.name;
  }
  return {};
}

std::string_view seriesTypeName(int type) {
  switch (type) {
    case 1: return "count";
    case 2: return "rate";
    case 3: return "gauge";
    default: return "unspecified";
  }
}

int seriesTypeFromName(std::string_view name) {
  if (name == "count" || name == "COUNT") return 1;
  if (name == "rate" || name == "RATE") return 2;
  if (name == "gauge" || name == "GAUGE") return 3;
  if (name == "unspecified" || name == "UNSPECIFIED" || name.empty()) return 0;
  return -1;
}

size_t DecodedStatsPayload::groupCount() const {
  size_t n = 0;
  for (const auto& c : stats) {
    for (const auto& b : c.stats) n += b.stats.size();
  }
  return n;
}

size_t DecodedAgentPayload::chunkCount() const {
  size_t n = 0;
  for (const auto& t : tracer_payloads) n += t.chunks.size();
  return n;
}

size_t DecodedAgentPayload::spanCount() const {
  size_t n = 0;
  for (const auto& t : tracer_payloads) {
    for (const auto& c : t.chunks) n += c.spans.size();
  }
  return n;
}

namespace {

size_t str(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }
size_t strs(const std::vector<std::string>& v) {
  size_t n = v.capacity() * sizeof(std::string);
  for (const auto& s : v) n += str(s);
  return n;
}

// A std::map node: the pair plus three pointers and a colour, rounded up.
size_t map(const std::map<std::string, std::string>& m) {
  size_t n = m.size() * 96;
  for (const auto& [k, v] : m) n += str(k) + str(v);
  return n;
}

struct Estimator {
  size_t operator()(const std::monostate&) const { return 0; }
  size_t operator()(const std::vector<DecodedSeries>& v) const {
    size_t n = v.capacity() * sizeof(DecodedSeries);
    for (const auto& s : v) {
      n += s.resources.capacity() * sizeof(DecodedResource);
      for (const auto& r : s.resources) n += str(r.type) + str(r.name);
      n += str(s.metric) + strs(s.tags) + s.points.capacity() * sizeof(DecodedPoint) + str(s.unit) +
           str(s.source_type_name);
    }
    return n;
  }
  size_t operator()(const std::vector<DecodedSketch>& v) const {
    size_t n = v.capacity() * sizeof(DecodedSketch);
    for (const auto& s : v) {
      n += str(s.metric) + str(s.host) + strs(s.tags) + s.dogsketches.capacity() * sizeof(DecodedDogsketch);
      for (const auto& d : s.dogsketches) n += d.k.capacity() * 4 + d.n.capacity() * 4;
    }
    return n;
  }
  size_t operator()(const std::vector<DecodedCheckRun>& v) const {
    size_t n = v.capacity() * sizeof(DecodedCheckRun);
    for (const auto& c : v) n += str(c.check) + str(c.host_name) + str(c.message) + strs(c.tags);
    return n;
  }
  size_t operator()(const std::vector<DecodedEvent>& v) const {
    size_t n = v.capacity() * sizeof(DecodedEvent);
    for (const auto& e : v) {
      n += str(e.source) + str(e.title) + str(e.text) + str(e.priority) + str(e.host) + strs(e.tags) +
           str(e.alert_type) + str(e.aggregation_key) + str(e.source_type_name) + str(e.event_type);
    }
    return n;
  }
  size_t operator()(const std::vector<DecodedOrchestratorMessage>& v) const {
    size_t n = v.capacity() * sizeof(DecodedOrchestratorMessage);
    for (const auto& m : v) n += str(m.type_name) + str(m.message_name) + str(m.body_json);
    return n;
  }
  size_t operator()(const std::vector<DecodedAgentPayload>& v) const {
    size_t n = v.capacity() * sizeof(DecodedAgentPayload);
    for (const auto& a : v) {
      n += str(a.host_name) + str(a.env) + str(a.agent_version) + map(a.tags);
      for (const auto& t : a.tracer_payloads) {
        n += sizeof(t) + str(t.container_id) + str(t.language_name) + str(t.language_version) +
             str(t.tracer_version) + str(t.runtime_id) + str(t.env) + str(t.hostname) + str(t.app_version) + map(t.tags);
        for (const auto& c : t.chunks) {
          n += sizeof(c) + str(c.origin) + map(c.tags);
          for (const auto& s : c.spans) {
            n += sizeof(s) + str(s.service) + str(s.name) + str(s.resource) + str(s.type) + map(s.meta) +
                 s.metrics.size() * 64;
            for (const auto& [k, v2] : s.metrics) n += str(k);
          }
        }
      }
    }
    return n;
  }
  size_t operator()(const std::vector<DecodedStatsPayload>& v) const {
    size_t n = v.capacity() * sizeof(DecodedStatsPayload);
    for (const auto& p : v) {
      n += str(p.agent_hostname) + str(p.agent_env) + str(p.agent_version);
      for (const auto& c : p.stats) {
        n += sizeof(c) + str(c.hostname) + str(c.env) + str(c.version) + str(c.lang) + str(c.tracer_version) +
             str(c.runtime_id) + str(c.service) + str(c.container_id) + strs(c.tags) + str(c.git_commit_sha);
        for (const auto& b : c.stats) {
          n += sizeof(b);
          for (const auto& g : b.stats) {
            n += sizeof(g) + str(g.service) + str(g.name) + str(g.resource) + str(g.type) + str(g.span_kind) +
                 strs(g.peer_tags) + str(g.ok_summary) + str(g.error_summary);
          }
        }
      }
    }
    return n;
  }
  size_t operator()(const DecodedGeneric& g) const { return str(g.text); }
};

}  // namespace

size_t estimateMemory(const DecodedPayload& p) {
  size_t n = sizeof(DecodedPayload) + std::visit(Estimator{}, p.items);
  for (const auto& note : p.notes) n += sizeof(DecodeNote) + str(note.property) + str(note.message);
  return n;
}

}  // namespace ddsim::fakeintake
