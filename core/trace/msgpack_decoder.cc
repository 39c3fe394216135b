#include "core/trace/msgpack_decoder.h"

#include <cstdint>
#include <exception>
#include <limits>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "core/trace/msgpack_scan.h"
#include "core/trace/msgpack_where.h"
#include "core/trace/utf8.h"

namespace ddsim::trace {
namespace {

using common::Result;
using common::Status;
using msgpack::object;
namespace mt = msgpack::type;

constexpr size_t kMaxDepth = kMaxMsgpackDepth;

const char* typeName(const object& o) {
  switch (o.type) {
    case mt::NIL: return "nil";
    case mt::BOOLEAN: return "bool";
    case mt::POSITIVE_INTEGER: return "uint";
    case mt::NEGATIVE_INTEGER: return "int";
    case mt::FLOAT32: return "float32";
    case mt::FLOAT64: return "float64";
    case mt::STR: return "str";
    case mt::BIN: return "bin";
    case mt::ARRAY: return "array";
    case mt::MAP: return "map";
    case mt::EXT: return "ext";
  }
  return "unknown";
}

Status typeError(const std::string& where, const char* expected, const object& o) {
  return common::invalidArgument(where + ": expected " + expected + ", got " + typeName(o));
}
Status typeError(const Where& where, const char* expected, const object& o) {
  return typeError(where.str(), expected, o);
}

Status expect(const object& o, mt::object_type type, const Where& where, const char* what) {
  return o.type == type ? Status::ok() : typeError(where, what, o);
}

// The agent's value readers (decoder_bytes.go): nil reads as zero/empty everywhere.
template <typename W>
Status readString(const object& o, const W& where, std::string& out) {
  std::string_view raw;
  if (o.type == mt::STR) {
    raw = std::string_view(o.via.str.ptr, o.via.str.size);
  } else if (o.type == mt::BIN) {
    raw = std::string_view(o.via.bin.ptr, o.via.bin.size);
  } else if (o.type == mt::NIL) {
    out.clear();
    return Status::ok();
  } else {
    return typeError(where, "a string", o);
  }
  if (isValidUtf8(raw)) {
    out.assign(raw);
  } else {
    out = repairUtf8(raw);
  }
  return Status::ok();
}

Status readUint64(const object& o, const Where& where, uint64_t& out) {
  switch (o.type) {
    case mt::NIL: out = 0; return Status::ok();
    case mt::POSITIVE_INTEGER: out = o.via.u64; return Status::ok();
    case mt::NEGATIVE_INTEGER: out = static_cast<uint64_t>(o.via.i64); return Status::ok();  // Java sends signed ids
    default: return typeError(where, "an integer", o);
  }
}

Status readInt64(const object& o, const Where& where, int64_t& out) {
  switch (o.type) {
    case mt::NIL: out = 0; return Status::ok();
    case mt::NEGATIVE_INTEGER: out = o.via.i64; return Status::ok();
    case mt::POSITIVE_INTEGER:
      if (o.via.u64 > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return common::invalidArgument(where.str() + ": uint64 " + std::to_string(o.via.u64) + " overflows int64");
      }
      out = static_cast<int64_t>(o.via.u64);
      return Status::ok();
    default: return typeError(where, "an integer", o);
  }
}

Status readInt32(const object& o, const Where& where, int32_t& out) {
  int64_t v = 0;
  if (Status s = readInt64(o, where, v); !s.isOk()) return s;
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    return common::invalidArgument(where.str() + ": " + std::to_string(v) + " overflows int32");
  }
  out = static_cast<int32_t>(v);
  return Status::ok();
}

// Agent behaviour: integers are accepted as floats, float32 is not (parseFloat64Bytes).
Status readFloat64(const object& o, const Where& where, double& out) {
  switch (o.type) {
    case mt::NIL: out = 0; return Status::ok();
    case mt::POSITIVE_INTEGER: out = static_cast<double>(o.via.u64); return Status::ok();
    case mt::NEGATIVE_INTEGER: out = static_cast<double>(o.via.i64); return Status::ok();
    case mt::FLOAT64: out = o.via.f64; return Status::ok();
    default: return typeError(where, "a float64 or an integer", o);
  }
}

// Unpacks after the structural scan, which bounds every container by the bytes left.
Result<msgpack::object_handle> unpackBody(std::string_view body, const char* version) {
  if (Status s = scanMsgpack(body); !s.isOk()) {
    return Status(s.code(), std::string(version) + ": " + s.message());
  }
  try {
    size_t offset = 0;
    const msgpack::unpack_limit limit(body.size(), body.size() / 2, body.size(), body.size(), body.size(),
                                      kMaxDepth);
    return msgpack::unpack(body.data(), body.size(), offset, nullptr, nullptr, limit);
  } catch (const msgpack::depth_size_overflow&) {
    return common::invalidArgument(std::string(version) + ": values nested deeper than " + std::to_string(kMaxDepth));
  } catch (const std::exception& e) {
    return common::invalidArgument(std::string(version) + ": msgpack error: " + e.what());
  }
}

// Reads a map field into `out` with `readKey`/`readValue`; nil is an empty map.
template <typename Map, typename ReadKey, typename ReadValue>
Status readMap(const object& o, const Where& where, Map& out, ReadKey readKey, ReadValue readValue) {
  if (o.type == mt::NIL) return Status::ok();
  if (Status s = expect(o, mt::MAP, where, "a map"); !s.isOk()) return s;
  // Appended and sorted once (SpanMap): inserting each key in place is quadratic when keys come
  // in reverse order; the result is the same (a repeated key's later value wins).
  for (uint32_t j = 0; j < o.via.map.size; ++j) {
    std::string k;
    typename Map::mapped_type v{};
    Status s = readKey(o.via.map.ptr[j].key, where.key(), k);
    if (s.isOk()) s = readValue(o.via.map.ptr[j].val, where.entryOf(k), v);
    if (!s.isOk()) {
      out.finishAppends();
      return s;
    }
    out.appendUnordered(std::move(k), std::move(v));
  }
  out.finishAppends();
  return Status::ok();
}

// ---- v0.4 -------------------------------------------------------------------------------

Status decodeSpanMapV04(const object& o, const Where& where, Span& span) {
  if (Status s = expect(o, mt::MAP, where, "a span map"); !s.isOk()) return s;
  const auto readStr = [](const object& v, const Where& w, std::string& out) { return readString(v, w, out); };
  for (uint32_t i = 0; i < o.via.map.size; ++i) {
    const object& k = o.via.map.ptr[i].key;
    const object& v = o.via.map.ptr[i].val;
    if (k.type != mt::STR && k.type != mt::BIN) return typeError(where.at("").key(), "a string", k);
    const std::string_view key = k.type == mt::STR ? std::string_view(k.via.str.ptr, k.via.str.size)
                                                   : std::string_view(k.via.bin.ptr, k.via.bin.size);
    const Where w = where.at(key);
    Status s;
    if (key == "service") s = readString(v, w, span.service);
    else if (key == "name") s = readString(v, w, span.name);
    else if (key == "resource") s = readString(v, w, span.resource);
    else if (key == "trace_id") s = readUint64(v, w, span.trace_id);
    else if (key == "span_id") s = readUint64(v, w, span.span_id);
    else if (key == "parent_id") s = readUint64(v, w, span.parent_id);
    else if (key == "start") s = readInt64(v, w, span.start);
    else if (key == "duration") s = readInt64(v, w, span.duration);
    else if (key == "error") s = readInt32(v, w, span.error);
    else if (key == "type") s = readString(v, w, span.type);
    else if (key == "meta") s = readMap(v, w, span.meta, readStr, readStr);
    else if (key == "metrics") s = readMap(v, w, span.metrics, readStr, readFloat64);
    // Other keys (meta_struct, span_links, span_events, unknown ones) are skipped for now.
    if (!s.isOk()) return s;
  }
  return Status::ok();
}

// ---- v0.5 -------------------------------------------------------------------------------

class StringTable {
 public:
  Status load(const object& o) {
    if (o.type != mt::ARRAY) return typeError(std::string("v0.5: string table"), "an array", o);
    strings_.resize(o.via.array.size);
    for (uint32_t i = 0; i < o.via.array.size; ++i) {
      if (Status s = readString(o.via.array.ptr[i], "v0.5: string table[" + std::to_string(i) + "]", strings_[i]);
          !s.isOk()) {
        return s;
      }
    }
    return Status::ok();
  }

  // An index must be a non-negative integer within the table (the agent reads a uint32).
  Status lookup(const object& o, const Where& where, std::string& out) const {
    uint64_t index = 0;
    if (o.type == mt::POSITIVE_INTEGER) {
      index = o.via.u64;
    } else if (o.type != mt::NIL) {
      return typeError(where, "a string table index (uint)", o);
    }
    if (index >= strings_.size()) {
      return common::invalidArgument(where.str() + ": string table index " + std::to_string(index) +
                                     " out of range (table has " + std::to_string(strings_.size()) + " strings)");
    }
    out = strings_[index];
    return Status::ok();
  }

 private:
  std::vector<std::string> strings_;
};

constexpr uint32_t kV05SpanFields = 12;

Status decodeSpanArrayV05(const object& o, const Where& where, const StringTable& table, Span& span) {
  if (Status s = expect(o, mt::ARRAY, where, "a span array"); !s.isOk()) return s;
  if (o.via.array.size != kV05SpanFields) {
    return common::invalidArgument(where.str() + ": a span needs exactly 12 elements, got " +
                                   std::to_string(o.via.array.size));
  }
  const auto lookup = [&table](const object& v, const Where& w, std::string& out) { return table.lookup(v, w, out); };
  const object* f = o.via.array.ptr;
  Status s = table.lookup(f[0], where.at("service"), span.service);
  if (s.isOk()) s = table.lookup(f[1], where.at("name"), span.name);
  if (s.isOk()) s = table.lookup(f[2], where.at("resource"), span.resource);
  if (s.isOk()) s = readUint64(f[3], where.at("trace_id"), span.trace_id);
  if (s.isOk()) s = readUint64(f[4], where.at("span_id"), span.span_id);
  if (s.isOk()) s = readUint64(f[5], where.at("parent_id"), span.parent_id);
  if (s.isOk()) s = readInt64(f[6], where.at("start"), span.start);
  if (s.isOk()) s = readInt64(f[7], where.at("duration"), span.duration);
  if (s.isOk()) s = readInt32(f[8], where.at("error"), span.error);
  if (s.isOk()) s = readMap(f[9], where.at("meta"), span.meta, lookup, lookup);
  if (s.isOk()) s = readMap(f[10], where.at("metrics"), span.metrics, lookup, readFloat64);
  if (s.isOk()) s = table.lookup(f[11], where.at("type"), span.type);
  return s;
}

// Shared walk over traces[i][j]; `decodeSpan` fills one span.
template <typename DecodeSpan>
Result<Traces> decodeTraces(const object& root, const char* version, DecodeSpan decodeSpan) {
  if (root.type != mt::ARRAY) return typeError(std::string(version) + ": traces", "an array", root);
  Traces traces(root.via.array.size);
  for (uint32_t t = 0; t < root.via.array.size; ++t) {
    const object& trace = root.via.array.ptr[t];
    if (trace.type != mt::ARRAY) {
      return typeError(std::string(version) + ": traces[" + std::to_string(t) + "]", "an array of spans", trace);
    }
    traces[t].resize(trace.via.array.size);
    for (uint32_t i = 0; i < trace.via.array.size; ++i) {
      if (Status s = decodeSpan(trace.via.array.ptr[i], Where{version, t, i, {}}, traces[t][i]); !s.isOk()) return s;
    }
  }
  return traces;
}

}  // namespace

Result<Traces> decodeV04Tree(std::string_view body) {
  Result<msgpack::object_handle> handle = unpackBody(body, "v0.4");
  if (!handle.isOk()) return handle.status();
  return decodeTraces(handle->get(), "v0.4", decodeSpanMapV04);
}

Result<Traces> decodeV05Tree(std::string_view body) {
  Result<msgpack::object_handle> handle = unpackBody(body, "v0.5");
  if (!handle.isOk()) return handle.status();
  const object& root = handle->get();
  if (root.type != mt::ARRAY) return typeError(std::string("v0.5: payload"), "an array [strings, traces]", root);
  if (root.via.array.size != 2) {
    return common::invalidArgument("v0.5: payload needs 2 elements [strings, traces], got " +
                                   std::to_string(root.via.array.size));
  }
  StringTable table;
  if (Status s = table.load(root.via.array.ptr[0]); !s.isOk()) return s;
  return decodeTraces(root.via.array.ptr[1], "v0.5", [&table](const object& o, const Where& where, Span& span) {
    return decodeSpanArrayV05(o, where, table, span);
  });
}

}  // namespace ddsim::trace
