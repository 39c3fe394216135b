#pragma once
// Builds /v0.4/traces and /v0.5/traces bodies from spans with msgpack-cxx's packer, for the
// trace tests and benchmarks (docs/trace-agent.md §3-4). Link msgpack::cxx.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <msgpack.hpp>

#include "core/trace/span.h"

namespace ddsim::trace::testing {

using Packer = msgpack::packer<msgpack::sbuffer>;

// A span with only its identity set.
inline Span makeSpan(std::string service, std::string name, uint64_t trace_id, uint64_t span_id,
                     uint64_t parent_id = 0) {
  Span s;
  s.service = std::move(service);
  s.name = std::move(name);
  s.trace_id = trace_id;
  s.span_id = span_id;
  s.parent_id = parent_id;
  return s;
}

// A span with every field of §2 set (error, meta, metrics, type), for round trips.
inline Span sampleSpan(uint64_t trace_id, uint64_t span_id, uint64_t parent_id) {
  Span s;
  s.service = "web-store";
  s.name = "http.request";
  s.resource = "GET /cart";
  s.trace_id = trace_id;
  s.span_id = span_id;
  s.parent_id = parent_id;
  s.start = 1'700'000'000'123'456'789;
  s.duration = 42'000;
  s.error = 1;
  s.meta = {{"env", "prod"}, {"http.status_code", "500"}};
  s.metrics = {{"_sampling_priority_v1", 2}, {"_top_level", 1}};
  s.type = "web";
  return s;
}

inline std::string bufferString(const msgpack::sbuffer& b) { return std::string(b.data(), b.size()); }

// A span's meta or metrics as a msgpack map, in key order.
template <typename Map>
void packSpanMap(Packer& p, const Map& m) {
  p.pack_map(static_cast<uint32_t>(m.size()));
  for (const auto& [k, v] : m) p.pack(k), p.pack(v);
}

// One span as a v0.4 map of its 12 fields.
inline void packSpanV04(Packer& p, const Span& s) {
  p.pack_map(12);
  p.pack("service"), p.pack(s.service), p.pack("name"), p.pack(s.name);
  p.pack("resource"), p.pack(s.resource), p.pack("trace_id"), p.pack(s.trace_id);
  p.pack("span_id"), p.pack(s.span_id), p.pack("parent_id"), p.pack(s.parent_id);
  p.pack("start"), p.pack(s.start), p.pack("duration"), p.pack(s.duration);
  p.pack("error"), p.pack(s.error), p.pack("meta"), packSpanMap(p, s.meta);
  p.pack("metrics"), packSpanMap(p, s.metrics), p.pack("type"), p.pack(s.type);
}

inline std::string packV04(const Traces& traces) {
  msgpack::sbuffer b;
  Packer p(b);
  p.pack_array(static_cast<uint32_t>(traces.size()));
  for (const Trace& t : traces) {
    p.pack_array(static_cast<uint32_t>(t.size()));
    for (const Span& s : t) packSpanV04(p, s);
  }
  return bufferString(b);
}

// A v0.5 body: the table holds every string once; spans refer to it by index.
inline std::string packV05(const Traces& traces) {
  std::vector<std::string> table;
  std::map<std::string, uint32_t> index;
  auto ref = [&](const std::string& v) {
    auto [it, added] = index.emplace(v, static_cast<uint32_t>(table.size()));
    if (added) table.push_back(v);
    return it->second;
  };
  msgpack::sbuffer spans;
  Packer sp(spans);
  sp.pack_array(static_cast<uint32_t>(traces.size()));
  for (const Trace& t : traces) {
    sp.pack_array(static_cast<uint32_t>(t.size()));
    for (const Span& s : t) {
      sp.pack_array(12);
      sp.pack(ref(s.service)), sp.pack(ref(s.name)), sp.pack(ref(s.resource));
      sp.pack(s.trace_id), sp.pack(s.span_id), sp.pack(s.parent_id);
      sp.pack(s.start), sp.pack(s.duration), sp.pack(s.error);
      sp.pack_map(static_cast<uint32_t>(s.meta.size()));
      for (const auto& [k, v] : s.meta) sp.pack(ref(k)), sp.pack(ref(v));
      sp.pack_map(static_cast<uint32_t>(s.metrics.size()));
      for (const auto& [k, v] : s.metrics) sp.pack(ref(k)), sp.pack(v);
      sp.pack(ref(s.type));
    }
  }
  msgpack::sbuffer b;
  Packer p(b);
  p.pack_array(2);
  p.pack(table);
  b.write(spans.data(), spans.size());
  return bufferString(b);
}

}  // namespace ddsim::trace::testing
