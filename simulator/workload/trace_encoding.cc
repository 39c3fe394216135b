#include "simulator/workload/trace_encoding.h"

#include <msgpack.hpp>

#include <string_view>
#include <unordered_map>
#include <vector>

namespace ddsim::workload {

namespace {

using Writer = msgpack::packer<msgpack::sbuffer>;

void packText(Writer& w, std::string_view v) {
  w.pack_str(static_cast<uint32_t>(v.size()));
  w.pack_str_body(v.data(), static_cast<uint32_t>(v.size()));
}

// The v0.5 string table: each distinct string once, "" first, spans refer to it by position.
class StringTable {
 public:
  StringTable() { id(""); }
  uint32_t id(const std::string& s) {
    auto [it, fresh] = ids_.try_emplace(s, static_cast<uint32_t>(order_.size()));
    if (fresh) order_.push_back(&it->first);
    return it->second;
  }
  void pack(Writer& w) const {
    w.pack_array(static_cast<uint32_t>(order_.size()));
    for (const std::string* s : order_) packText(w, *s);
  }

 private:
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<const std::string*> order_;  // node-based map: the keys do not move
};

}  // namespace

std::string encodeTracesV04(const trace::Traces& traces) {
  msgpack::sbuffer out;
  Writer w(out);
  w.pack_array(static_cast<uint32_t>(traces.size()));
  for (const trace::Trace& t : traces) {
    w.pack_array(static_cast<uint32_t>(t.size()));
    for (const trace::Span& s : t) {
      // Identity first, then timing, then the tags, as the span.proto field order goes.
      w.pack_map(12);
      packText(w, "trace_id"), w.pack(s.trace_id);
      packText(w, "span_id"), w.pack(s.span_id);
      packText(w, "parent_id"), w.pack(s.parent_id);
      packText(w, "service"), packText(w, s.service);
      packText(w, "name"), packText(w, s.name);
      packText(w, "resource"), packText(w, s.resource);
      packText(w, "type"), packText(w, s.type);
      packText(w, "start"), w.pack(s.start);
      packText(w, "duration"), w.pack(s.duration);
      packText(w, "error"), w.pack(s.error);
      packText(w, "meta");
      w.pack_map(static_cast<uint32_t>(s.meta.size()));
      for (const auto& [k, v] : s.meta) packText(w, k), packText(w, v);
      packText(w, "metrics");
      w.pack_map(static_cast<uint32_t>(s.metrics.size()));
      for (const auto& [k, v] : s.metrics) packText(w, k), w.pack_double(v);
    }
  }
  return std::string(out.data(), out.size());
}

std::string encodeTracesV05(const trace::Traces& traces) {
  StringTable table;
  msgpack::sbuffer body;
  Writer w(body);
  w.pack_array(static_cast<uint32_t>(traces.size()));
  for (const trace::Trace& t : traces) {
    w.pack_array(static_cast<uint32_t>(t.size()));
    for (const trace::Span& s : t) {
      // v0.5 positions: service, name, resource, trace, span, parent, start, duration, error,
      // meta, metrics, type.
      w.pack_array(12);
      w.pack(table.id(s.service)), w.pack(table.id(s.name)), w.pack(table.id(s.resource));
      w.pack(s.trace_id), w.pack(s.span_id), w.pack(s.parent_id);
      w.pack(s.start), w.pack(s.duration), w.pack(s.error);
      w.pack_map(static_cast<uint32_t>(s.meta.size()));
      for (const auto& [k, v] : s.meta) w.pack(table.id(k)), w.pack(table.id(v));
      w.pack_map(static_cast<uint32_t>(s.metrics.size()));
      for (const auto& [k, v] : s.metrics) w.pack(table.id(k)), w.pack_double(v);
      w.pack(table.id(s.type));
    }
  }
  msgpack::sbuffer out;
  Writer head(out);
  head.pack_array(2);
  table.pack(head);
  out.write(body.data(), body.size());
  return std::string(out.data(), out.size());
}

}  // namespace ddsim::workload
