#include "core/trace/stats_payload.h"

#include <exception>
#include <limits>

#include <msgpack.hpp>

namespace ddsim::trace {

namespace {

using common::Result;
using common::Status;
using Packer = msgpack::packer<msgpack::sbuffer>;
namespace mt = msgpack::type;

void key(Packer& pk, std::string_view k) {
  pk.pack_str(static_cast<uint32_t>(k.size()));
  pk.pack_str_body(k.data(), static_cast<uint32_t>(k.size()));
}
void str(Packer& pk, std::string_view k, std::string_view v) {
  key(pk, k);
  pk.pack_str(static_cast<uint32_t>(v.size()));
  pk.pack_str_body(v.data(), static_cast<uint32_t>(v.size()));
}
void bin(Packer& pk, std::string_view k, std::string_view v) {
  key(pk, k);
  pk.pack_bin(static_cast<uint32_t>(v.size()));
  pk.pack_bin_body(v.data(), static_cast<uint32_t>(v.size()));
}
void strings(Packer& pk, std::string_view k, const std::vector<std::string>& v) {
  key(pk, k);
  pk.pack_array(static_cast<uint32_t>(v.size()));
  for (const std::string& s : v) {
    pk.pack_str(static_cast<uint32_t>(s.size()));
    pk.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
  }
}

void packGroup(Packer& pk, const GroupedStats& g) {
  pk.pack_map(16);
  str(pk, "Service", g.service);
  str(pk, "Name", g.name);
  str(pk, "Resource", g.resource);
  key(pk, "HTTPStatusCode");
  pk.pack_uint32(g.http_status_code);
  str(pk, "Type", g.type);
  str(pk, "DBType", g.db_type);
  key(pk, "Hits");
  pk.pack_uint64(g.hits);
  key(pk, "Errors");
  pk.pack_uint64(g.errors);
  key(pk, "Duration");
  pk.pack_uint64(g.duration);
  bin(pk, "OkSummary", g.ok_summary);
  bin(pk, "ErrorSummary", g.error_summary);
  key(pk, "Synthetics");
  g.synthetics ? pk.pack_true() : pk.pack_false();
  key(pk, "TopLevelHits");
  pk.pack_uint64(g.top_level_hits);
  str(pk, "SpanKind", g.span_kind);
  strings(pk, "PeerTags", g.peer_tags);
  key(pk, "IsTraceRoot");
  pk.pack_int32(static_cast<int32_t>(g.is_trace_root));
}

void packBucket(Packer& pk, const StatsBucket& b) {
  // msgp's omitempty: Stats is left out when there is none.
  pk.pack_map(b.stats.empty() ? 3 : 4);
  key(pk, "Start");
  pk.pack_uint64(b.start);
  key(pk, "Duration");
  pk.pack_uint64(b.duration);
  if (!b.stats.empty()) {
    key(pk, "Stats");
    pk.pack_array(static_cast<uint32_t>(b.stats.size()));
    for (const GroupedStats& g : b.stats) packGroup(pk, g);
  }
  key(pk, "AgentTimeShift");
  pk.pack_int64(b.agent_time_shift);
}

void packClient(Packer& pk, const ClientStatsPayload& p) {
  pk.pack_map(p.stats.empty() ? 13 : 14);
  str(pk, "Hostname", p.hostname);
  str(pk, "Env", p.env);
  str(pk, "Version", p.version);
  if (!p.stats.empty()) {
    key(pk, "Stats");
    pk.pack_array(static_cast<uint32_t>(p.stats.size()));
    for (const StatsBucket& b : p.stats) packBucket(pk, b);
  }
  str(pk, "Lang", p.lang);
  str(pk, "TracerVersion", p.tracer_version);
  str(pk, "RuntimeID", p.runtime_id);
  key(pk, "Sequence");
  pk.pack_uint64(p.sequence);
  str(pk, "AgentAggregation", p.agent_aggregation);
  str(pk, "Service", p.service);
  str(pk, "ContainerID", p.container_id);
  strings(pk, "Tags", p.tags);
  str(pk, "GitCommitSha", p.git_commit_sha);
  str(pk, "ImageTag", p.image_tag);
}

// ---- decoding ----

std::string join(const std::string& where, std::string_view field) {
  return where.empty() ? std::string(field) : where + "." + std::string(field);
}

Status typeError(const std::string& where, const char* expected) {
  return common::invalidArgument("stats payload: " + where + ": expected " + expected);
}

Status readString(const msgpack::object& o, const std::string& where, std::string& out) {
  if (o.type == mt::NIL) { out.clear(); return Status::ok(); }
  if (o.type == mt::STR) { out.assign(o.via.str.ptr, o.via.str.size); return Status::ok(); }
  if (o.type == mt::BIN) { out.assign(o.via.bin.ptr, o.via.bin.size); return Status::ok(); }
  return typeError(where, "string");
}

Status readUint(const msgpack::object& o, const std::string& where, uint64_t max, uint64_t& out) {
  if (o.type == mt::NIL) { out = 0; return Status::ok(); }
  if (o.type == mt::POSITIVE_INTEGER && o.via.u64 <= max) { out = o.via.u64; return Status::ok(); }
  return typeError(where, max == std::numeric_limits<uint32_t>::max() ? "uint32" : "uint64");
}

Status readInt(const msgpack::object& o, const std::string& where, int64_t& out) {
  if (o.type == mt::NIL) { out = 0; return Status::ok(); }
  if (o.type == mt::NEGATIVE_INTEGER) { out = o.via.i64; return Status::ok(); }
  if (o.type == mt::POSITIVE_INTEGER && o.via.u64 <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    out = static_cast<int64_t>(o.via.u64);
    return Status::ok();
  }
  return typeError(where, "int64");
}

Status readBool(const msgpack::object& o, const std::string& where, bool& out) {
  if (o.type == mt::NIL) { out = false; return Status::ok(); }
  if (o.type == mt::BOOLEAN) { out = o.via.boolean; return Status::ok(); }
  return typeError(where, "bool");
}

Status readStrings(const msgpack::object& o, const std::string& where, std::vector<std::string>& out) {
  out.clear();
  if (o.type == mt::NIL) return Status::ok();
  if (o.type != mt::ARRAY) return typeError(where, "array of strings");
  out.resize(o.via.array.size);
  for (uint32_t i = 0; i < o.via.array.size; ++i) {
    if (auto st = readString(o.via.array.ptr[i], where + "[" + std::to_string(i) + "]", out[i]); !st.isOk()) return st;
  }
  return Status::ok();
}

// Calls field(name, value, where) for each entry of a map.
template <typename F>
Status forEachField(const msgpack::object& o, const std::string& where, F&& field) {
  if (o.type != mt::MAP) return typeError(where.empty() ? "payload" : where, "map");
  for (uint32_t i = 0; i < o.via.map.size; ++i) {
    const msgpack::object& k = o.via.map.ptr[i].key;
    if (k.type != mt::STR) return typeError(where.empty() ? "payload" : where, "string keys");
    const std::string_view name(k.via.str.ptr, k.via.str.size);
    if (auto st = field(name, o.via.map.ptr[i].val, join(where, name)); !st.isOk()) return st;
  }
  return Status::ok();
}

template <typename T, typename F>
Status readArray(const msgpack::object& o, const std::string& where, std::vector<T>& out, F&& read) {
  out.clear();
  if (o.type == mt::NIL) return Status::ok();
  if (o.type != mt::ARRAY) return typeError(where, "array");
  out.resize(o.via.array.size);
  for (uint32_t i = 0; i < o.via.array.size; ++i) {
    if (auto st = read(o.via.array.ptr[i], where + "[" + std::to_string(i) + "]", out[i]); !st.isOk()) return st;
  }
  return Status::ok();
}

Status readGroup(const msgpack::object& o, const std::string& where, GroupedStats& g) {
  return forEachField(o, where, [&g](std::string_view n, const msgpack::object& v, const std::string& w) -> Status {
    constexpr uint64_t kU32 = std::numeric_limits<uint32_t>::max();
    constexpr uint64_t kU64 = std::numeric_limits<uint64_t>::max();
    uint64_t u = 0;
    if (n == "Service") return readString(v, w, g.service);
    if (n == "Name") return readString(v, w, g.name);
    if (n == "Resource") return readString(v, w, g.resource);
    if (n == "HTTPStatusCode") {
      auto st = readUint(v, w, kU32, u);
      g.http_status_code = static_cast<uint32_t>(u);
      return st;
    }
    if (n == "Type") return readString(v, w, g.type);
    if (n == "DBType") return readString(v, w, g.db_type);
    if (n == "Hits") return readUint(v, w, kU64, g.hits);
    if (n == "Errors") return readUint(v, w, kU64, g.errors);
    if (n == "Duration") return readUint(v, w, kU64, g.duration);
    if (n == "OkSummary") return readString(v, w, g.ok_summary);
    if (n == "ErrorSummary") return readString(v, w, g.error_summary);
    if (n == "Synthetics") return readBool(v, w, g.synthetics);
    if (n == "TopLevelHits") return readUint(v, w, kU64, g.top_level_hits);
    if (n == "SpanKind") return readString(v, w, g.span_kind);
    if (n == "PeerTags") return readStrings(v, w, g.peer_tags);
    if (n == "IsTraceRoot") {
      int64_t i = 0;
      auto st = readInt(v, w, i);
      if (st.isOk() && (i < 0 || i > 2)) return typeError(w, "TraceRootFlag 0..2");
      g.is_trace_root = static_cast<TraceRootFlag>(i);
      return st;
    }
    return Status::ok();  // unknown keys are skipped, as msgp does
  });
}

Status readBucket(const msgpack::object& o, const std::string& where, StatsBucket& b) {
  return forEachField(o, where, [&b](std::string_view n, const msgpack::object& v, const std::string& w) -> Status {
    constexpr uint64_t kU64 = std::numeric_limits<uint64_t>::max();
    if (n == "Start") return readUint(v, w, kU64, b.start);
    if (n == "Duration") return readUint(v, w, kU64, b.duration);
    if (n == "Stats") return readArray(v, w, b.stats, readGroup);
    if (n == "AgentTimeShift") return readInt(v, w, b.agent_time_shift);
    return Status::ok();
  });
}

Status readClient(const msgpack::object& o, const std::string& where, ClientStatsPayload& p) {
  return forEachField(o, where, [&p](std::string_view n, const msgpack::object& v, const std::string& w) -> Status {
    if (n == "Hostname") return readString(v, w, p.hostname);
    if (n == "Env") return readString(v, w, p.env);
    if (n == "Version") return readString(v, w, p.version);
    if (n == "Stats") return readArray(v, w, p.stats, readBucket);
    if (n == "Lang") return readString(v, w, p.lang);
    if (n == "TracerVersion") return readString(v, w, p.tracer_version);
    if (n == "RuntimeID") return readString(v, w, p.runtime_id);
    if (n == "Sequence") return readUint(v, w, std::numeric_limits<uint64_t>::max(), p.sequence);
    if (n == "AgentAggregation") return readString(v, w, p.agent_aggregation);
    if (n == "Service") return readString(v, w, p.service);
    if (n == "ContainerID") return readString(v, w, p.container_id);
    if (n == "Tags") return readStrings(v, w, p.tags);
    if (n == "GitCommitSha") return readString(v, w, p.git_commit_sha);
    if (n == "ImageTag") return readString(v, w, p.image_tag);
    return Status::ok();
  });
}

Status readPayload(const msgpack::object& o, StatsPayload& p) {
  return forEachField(o, "", [&p](std::string_view n, const msgpack::object& v, const std::string& w) -> Status {
    if (n == "AgentHostname") return readString(v, w, p.agent_hostname);
    if (n == "AgentEnv") return readString(v, w, p.agent_env);
    if (n == "Stats") return readArray(v, w, p.stats, readClient);
    if (n == "AgentVersion") return readString(v, w, p.agent_version);
    if (n == "ClientComputed") return readBool(v, w, p.client_computed);
    if (n == "SplitPayload") return readBool(v, w, p.split_payload);
    return Status::ok();
  });
}

// Unpacks one msgpack value covering the whole body, with limits that keep a hostile body from
// allocating much more than its size.
template <typename T, typename F>
Result<T> decodeWhole(std::string_view body, F&& read) {
  try {
    size_t off = 0;
    // Depth and sizes bounded by the body: each element takes at least one byte.
    const auto n = static_cast<size_t>(body.size());
    msgpack::unpack_limit limit(n, n, n, n, n, 32);
    msgpack::object_handle oh = msgpack::unpack(body.data(), body.size(), off, nullptr, nullptr, limit);
    if (off != body.size()) {
      return common::invalidArgument("stats payload: " + std::to_string(body.size() - off) +
                                     " bytes after the payload at offset " + std::to_string(off));
    }
    T out;
    if (auto st = read(oh.get(), out); !st.isOk()) return st;
    return out;
  } catch (const msgpack::insufficient_bytes&) {
    return common::invalidArgument("stats payload: unexpected end of msgpack input (" + std::to_string(body.size()) +
                                   " bytes)");
  } catch (const std::exception& e) {
    return common::invalidArgument(std::string("stats payload: invalid msgpack: ") + e.what());
  }
}

}  // namespace

size_t statsEntries(const StatsPayload& p) {
  size_t n = 0;
  for (const ClientStatsPayload& c : p.stats) {
    for (const StatsBucket& b : c.stats) n += b.stats.size();
  }
  return n;
}

std::string encodeStatsPayloadMsgpack(const StatsPayload& p) {
  msgpack::sbuffer buf;
  Packer pk(buf);
  pk.pack_map(p.stats.empty() ? 5 : 6);
  str(pk, "AgentHostname", p.agent_hostname);
  str(pk, "AgentEnv", p.agent_env);
  if (!p.stats.empty()) {
    key(pk, "Stats");
    pk.pack_array(static_cast<uint32_t>(p.stats.size()));
    for (const ClientStatsPayload& c : p.stats) packClient(pk, c);
  }
  str(pk, "AgentVersion", p.agent_version);
  key(pk, "ClientComputed");
  p.client_computed ? pk.pack_true() : pk.pack_false();
  key(pk, "SplitPayload");
  p.split_payload ? pk.pack_true() : pk.pack_false();
  return std::string(buf.data(), buf.size());
}

std::string encodeClientStatsPayloadMsgpack(const ClientStatsPayload& p) {
  msgpack::sbuffer buf;
  Packer pk(buf);
  packClient(pk, p);
  return std::string(buf.data(), buf.size());
}

Result<ClientStatsPayload> decodeClientStatsPayloadMsgpack(std::string_view body) {
  return decodeWhole<ClientStatsPayload>(body, [](const msgpack::object& o, ClientStatsPayload& p) {
    return readClient(o, "", p);
  });
}

Result<StatsPayload> decodeStatsPayloadMsgpack(std::string_view body) {
  return decodeWhole<StatsPayload>(body, [](const msgpack::object& o, StatsPayload& p) { return readPayload(o, p); });
}

}  // namespace ddsim::trace
