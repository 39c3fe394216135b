#include "core/trace/msgpack_decoder.h"

#include <cstdint>
#include <exception>
#include <limits>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "core/trace/msgpack_scan.h"
#include "core/trace/utf8.h"

namespace ddsim::trace {
namespace {

using common::Result;
using common::Status;
using msgpack::object;
namespace mt = msgpack::type;

// Deep enough for every v0.4 field, including span links and events which are skipped.
constexpr size_t kMaxDepth = 16;

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

// The agent's value readers (decoder_bytes.go): nil reads as zero/empty everywhere.
Status readString(const object& o, const std::string& where, std::string& out) {
  if (o.type == mt::NIL) {
    out.clear();
    return Status::ok();
  }
  if (o.type != mt::STR && o.type != mt::BIN) return typeError(where, "a string", o);
  const std::string_view raw = o.type == mt::STR ? std::string_view(o.via.str.ptr, o.via.str.size)
                                                 : std::string_view(o.via.bin.ptr, o.via.bin.size);
  out = isValidUtf8(raw) ? std::string(raw) : repairUtf8(raw);
  return Status::ok();
}

Status readUint64(const object& o, const std::string& where, uint64_t& out) {
  switch (o.type) {
    case mt::NIL: out = 0; return Status::ok();
    case mt::POSITIVE_INTEGER: out = o.via.u64; return Status::ok();
    case mt::NEGATIVE_INTEGER: out = static_cast<uint64_t>(o.via.i64); return Status::ok();  // Java sends signed ids
    default: return typeError(where, "an integer", o);
  }
}

Status readInt64(const object& o, const std::string& where, int64_t& out) {
  switch (o.type) {
    case mt::NIL: out = 0; return Status::ok();
    case mt::NEGATIVE_INTEGER: out = o.via.i64; return Status::ok();
    case mt::POSITIVE_INTEGER:
      if (o.via.u64 > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return common::invalidArgument(where + ": uint64 " + std::to_string(o.via.u64) + " overflows int64");
      }
      out = static_cast<int64_t>(o.via.u64);
      return Status::ok();
    default: return typeError(where, "an integer", o);
  }
}

Status readInt32(const object& o, const std::string& where, int32_t& out) {
  int64_t v = 0;
  if (Status s = readInt64(o, where, v); !s.isOk()) return s;
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    return common::invalidArgument(where + ": " + std::to_string(v) + " overflows int32");
  }
  out = static_cast<int32_t>(v);
  return Status::ok();
}

// Agent behaviour: integers are accepted as floats, float32 is not (parseFloat64Bytes).
Status readFloat64(const object& o, const std::string& where, double& out) {
  switch (o.type) {
    case mt::NIL: out = 0; return Status::ok();
    case mt::POSITIVE_INTEGER: out = static_cast<double>(o.via.u64); return Status::ok();
    case mt::NEGATIVE_INTEGER: out = static_cast<double>(o.via.i64); return Status::ok();
    case mt::FLOAT64: out = o.via.f64; return Status::ok();
    default: return typeError(where, "a float64 or an integer", o);
  }
}

Status expect(const object& o, mt::object_type type, const std::string& where, const char* what) {
  return o.type == type ? Status::ok() : typeError(where, what, o);
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

std::string spanPath(const char* version, size_t t, size_t s) {
  return std::string(version) + ": traces[" + std::to_string(t) + "][" + std::to_string(s) + "]";
}

// ---- v0.4 -------------------------------------------------------------------------------

Status decodeSpanMapV04(const object& o, const std::string& path, Span& span) {
  if (Status s = expect(o, mt::MAP, path, "a span map"); !s.isOk()) return s;
  for (uint32_t i = 0; i < o.via.map.size; ++i) {
    const object& k = o.via.map.ptr[i].key;
    const object& v = o.via.map.ptr[i].val;
    if (k.type != mt::STR && k.type != mt::BIN) return typeError(path + " key", "a string", k);
    const std::string_view key = k.type == mt::STR ? std::string_view(k.via.str.ptr, k.via.str.size)
                                                   : std::string_view(k.via.bin.ptr, k.via.bin.size);
    const std::string where = path + "." + std::string(key);
    Status s;
    if (key == "service") s = readString(v, where, span.service);
    else if (key == "name") s = readString(v, where, span.name);
    else if (key == "resource") s = readString(v, where, span.resource);
    else if (key == "trace_id") s = readUint64(v, where, span.trace_id);
    else if (key == "span_id") s = readUint64(v, where, span.span_id);
    else if (key == "parent_id") s = readUint64(v, where, span.parent_id);
    else if (key == "start") s = readInt64(v, where, span.start);
    else if (key == "duration") s = readInt64(v, where, span.duration);
    else if (key == "error") s = readInt32(v, where, span.error);
    else if (key == "type") s = readString(v, where, span.type);
    else if (key == "meta" && v.type != mt::NIL) {
      if (s = expect(v, mt::MAP, where, "a map"); !s.isOk()) return s;
      for (uint32_t j = 0; j < v.via.map.size && s.isOk(); ++j) {
        std::string mk, mv;
        s = readString(v.via.map.ptr[j].key, where + " key", mk);
        if (s.isOk()) s = readString(v.via.map.ptr[j].val, where + "[" + mk + "]", mv);
        if (s.isOk()) span.meta[std::move(mk)] = std::move(mv);
      }
    } else if (key == "metrics" && v.type != mt::NIL) {
      if (s = expect(v, mt::MAP, where, "a map"); !s.isOk()) return s;
      for (uint32_t j = 0; j < v.via.map.size && s.isOk(); ++j) {
        std::string mk;
        double mv = 0;
        s = readString(v.via.map.ptr[j].key, where + " key", mk);
        if (s.isOk()) s = readFloat64(v.via.map.ptr[j].val, where + "[" + mk + "]", mv);
        if (s.isOk()) span.metrics[std::move(mk)] = mv;
      }
    }
    // Other keys (meta_struct, span_links, span_events, unknown ones) are skipped for now.
    if (!s.isOk()) return s;
  }
  return Status::ok();
}

// ---- v0.5 -------------------------------------------------------------------------------

class StringTable {
 public:
  Status load(const object& o) {
    if (Status s = expect(o, mt::ARRAY, "v0.5: string table", "an array"); !s.isOk()) return s;
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
  Status lookup(const object& o, const std::string& where, std::string& out) const {
    uint64_t index = 0;
    if (o.type == mt::POSITIVE_INTEGER) {
      index = o.via.u64;
    } else if (o.type != mt::NIL) {
      return typeError(where, "a string table index (uint)", o);
    }
    if (index >= strings_.size()) {
      return common::invalidArgument(where + ": string table index " + std::to_string(index) +
                                     " out of range (table has " + std::to_string(strings_.size()) + " strings)");
    }
    out = strings_[index];
    return Status::ok();
  }

 private:
  std::vector<std::string> strings_;
};

constexpr uint32_t kV05SpanFields = 12;

Status decodeSpanArrayV05(const object& o, const std::string& path, const StringTable& table, Span& span) {
  if (Status s = expect(o, mt::ARRAY, path, "a span array"); !s.isOk()) return s;
  if (o.via.array.size != kV05SpanFields) {
    return common::invalidArgument(path + ": a span needs exactly 12 elements, got " + std::to_string(o.via.array.size));
  }
  const object* f = o.via.array.ptr;
  Status s = table.lookup(f[0], path + ".service", span.service);
  if (s.isOk()) s = table.lookup(f[1], path + ".name", span.name);
  if (s.isOk()) s = table.lookup(f[2], path + ".resource", span.resource);
  if (s.isOk()) s = readUint64(f[3], path + ".trace_id", span.trace_id);
  if (s.isOk()) s = readUint64(f[4], path + ".span_id", span.span_id);
  if (s.isOk()) s = readUint64(f[5], path + ".parent_id", span.parent_id);
  if (s.isOk()) s = readInt64(f[6], path + ".start", span.start);
  if (s.isOk()) s = readInt64(f[7], path + ".duration", span.duration);
  if (s.isOk()) s = readInt32(f[8], path + ".error", span.error);
  if (!s.isOk()) return s;
  if (f[9].type != mt::NIL) {
    if (s = expect(f[9], mt::MAP, path + ".meta", "a map"); !s.isOk()) return s;
    for (uint32_t j = 0; j < f[9].via.map.size && s.isOk(); ++j) {
      std::string k, v;
      s = table.lookup(f[9].via.map.ptr[j].key, path + ".meta key", k);
      if (s.isOk()) s = table.lookup(f[9].via.map.ptr[j].val, path + ".meta[" + k + "]", v);
      if (s.isOk()) span.meta[std::move(k)] = std::move(v);
    }
  }
  if (s.isOk() && f[10].type != mt::NIL) {
    if (s = expect(f[10], mt::MAP, path + ".metrics", "a map"); !s.isOk()) return s;
    for (uint32_t j = 0; j < f[10].via.map.size && s.isOk(); ++j) {
      std::string k;
      double v = 0;
      s = table.lookup(f[10].via.map.ptr[j].key, path + ".metrics key", k);
      if (s.isOk()) s = readFloat64(f[10].via.map.ptr[j].val, path + ".metrics[" + k + "]", v);
      if (s.isOk()) span.metrics[std::move(k)] = v;
    }
  }
  if (s.isOk()) s = table.lookup(f[11], path + ".type", span.type);
  return s;
}

// Shared walk over traces[i][j]; `decodeSpan` fills one span.
template <typename DecodeSpan>
Result<Traces> decodeTraces(const object& root, const char* version, DecodeSpan decodeSpan) {
  if (Status s = expect(root, mt::ARRAY, std::string(version) + ": traces", "an array"); !s.isOk()) return s;
  Traces traces(root.via.array.size);
  for (uint32_t t = 0; t < root.via.array.size; ++t) {
    const object& trace = root.via.array.ptr[t];
    const std::string trace_path = std::string(version) + ": traces[" + std::to_string(t) + "]";
    if (Status s = expect(trace, mt::ARRAY, trace_path, "an array of spans"); !s.isOk()) return s;
    traces[t].resize(trace.via.array.size);
    for (uint32_t i = 0; i < trace.via.array.size; ++i) {
      if (Status s = decodeSpan(trace.via.array.ptr[i], spanPath(version, t, i), traces[t][i]); !s.isOk()) return s;
    }
  }
  return traces;
}

}  // namespace

Result<Traces> decodeV04(std::string_view body) {
  Result<msgpack::object_handle> handle = unpackBody(body, "v0.4");
  if (!handle.isOk()) return handle.status();
  return decodeTraces(handle->get(), "v0.4", decodeSpanMapV04);
}

Result<Traces> decodeV05(std::string_view body) {
  Result<msgpack::object_handle> handle = unpackBody(body, "v0.5");
  if (!handle.isOk()) return handle.status();
  const object& root = handle->get();
  if (Status s = expect(root, mt::ARRAY, "v0.5: payload", "an array [strings, traces]"); !s.isOk()) return s;
  if (root.via.array.size != 2) {
    return common::invalidArgument("v0.5: payload needs 2 elements [strings, traces], got " +
                                   std::to_string(root.via.array.size));
  }
  StringTable table;
  if (Status s = table.load(root.via.array.ptr[0]); !s.isOk()) return s;
  return decodeTraces(root.via.array.ptr[1], "v0.5",
                      [&table](const object& o, const std::string& path, Span& span) {
                        return decodeSpanArrayV05(o, path, table, span);
                      });
}

}  // namespace ddsim::trace
