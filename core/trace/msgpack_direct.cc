// The receiver's msgpack decoders: one pass over the body with MsgpackReader, each value written
// straight into its span (no object tree). The rules are the reference decoder's
// (msgpack_decoder.cc), which follow the agent's decoder_bytes.go: nil reads as zero or empty,
// integers of any width, bin as a string, invalid UTF-8 repaired, unknown span keys skipped.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/trace/msgpack_decoder.h"
#include "core/trace/msgpack_reader.h"
#include "core/trace/msgpack_where.h"
#include "core/trace/utf8.h"

namespace ddsim::trace {
namespace {

using common::Result;
using common::Status;

// Spans reserved ahead of a trace's header count: a lying header costs nothing until its spans arrive.
constexpr uint64_t kMaxReserve = 256;
// Maps with more entries than this are built by appending and sorting once (SpanMap).
constexpr uint64_t kSortedInsertMax = 64;

Status typeError(const std::string& where, const char* expected, const MsgValue& v) {
  return common::invalidArgument(where + ": expected " + expected + ", got " + msgKindName(v.kind));
}

// Tracers send ASCII nearly always: test 8 bytes at a time before the full UTF-8 check.
bool isAscii(std::string_view s) {
  constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  size_t i = 0;
  uint64_t word = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::memcpy(&word, s.data() + i, 8);
    if ((word & kHighBits) != 0) return false;
  }
  if (i == s.size()) return true;
  if (s.size() >= 8) {  // the tail as the last eight bytes, overlapping what was checked
    std::memcpy(&word, s.data() + s.size() - 8, 8);
    return (word & kHighBits) == 0;
  }
  for (; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) >= 0x80) return false;
  }
  return true;
}

void assignString(std::string_view raw, std::string& out) {
  if (isAscii(raw) || isValidUtf8(raw)) {
    // A fresh span's strings are empty: appending (up to 15 bytes, libstdc++'s in-place capacity)
    // or constructing (longer ones: the exact size, where append would double the capacity) costs
    // less than assign's general replace.
    if (out.empty()) {
      if (raw.size() <= 15) {
        out.append(raw);
      } else {
        out = std::string(raw);
      }
    } else {
      out.assign(raw);
    }
  } else {
    out = repairUtf8(raw);
  }
}

// Every read returns false on error and leaves the reason in error() (no Status on the hot path).
class Decoder {
 public:
  Decoder(std::string_view body, const char* version) : reader_(body), version_(version) {}

  bool next(MsgValue& v) { return reader_.next(v); }
  // True (and the nil consumed) when the next value is nil.
  bool peekNil() { return reader_.skipNil(); }
  bool skip(const MsgValue& v, size_t level) { return reader_.skipChildren(v, level); }
  bool fail(Status s) {
    error_ = std::move(s);
    return false;
  }
  bool failType(const Where& where, const char* expected, const MsgValue& v) {
    return fail(typeError(where.str(), expected, v));
  }
  // The reader's errors carry the version prefix, as the reference's scan errors do.
  Status error() const {
    if (!error_.isOk()) return error_;
    const Status& r = reader_.error();
    return Status(r.code(), std::string(version_) + ": " + r.message());
  }

  bool readString(const Where& where, std::string& out) {
    MsgValue v;
    if (!next(v)) return false;
    switch (v.kind) {
      case MsgKind::kStr:
      case MsgKind::kBin: assignString(v.bytes, out); return true;
      case MsgKind::kNil: out.clear(); return true;
      default: return failType(where, "a string", v);
    }
  }

  bool readUint64(const Where& where, uint64_t& out) {
    MsgValue v;
    if (!next(v)) return false;
    switch (v.kind) {
      case MsgKind::kNil: out = 0; return true;
      case MsgKind::kUint: out = v.u; return true;
      case MsgKind::kInt: out = static_cast<uint64_t>(v.i); return true;  // Java sends signed ids
      default: return failType(where, "an integer", v);
    }
  }

  bool readInt64(const Where& where, int64_t& out) {
    MsgValue v;
    if (!next(v)) return false;
    switch (v.kind) {
      case MsgKind::kNil: out = 0; return true;
      case MsgKind::kInt: out = v.i; return true;
      case MsgKind::kUint:
        if (v.u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          return fail(common::invalidArgument(where.str() + ": uint64 " + std::to_string(v.u) + " overflows int64"));
        }
        out = static_cast<int64_t>(v.u);
        return true;
      default: return failType(where, "an integer", v);
    }
  }

  bool readInt32(const Where& where, int32_t& out) {
    int64_t x = 0;
    if (!readInt64(where, x)) return false;
    if (x < std::numeric_limits<int32_t>::min() || x > std::numeric_limits<int32_t>::max()) {
      return fail(common::invalidArgument(where.str() + ": " + std::to_string(x) + " overflows int32"));
    }
    out = static_cast<int32_t>(x);
    return true;
  }

  // Agent behaviour: integers are accepted as floats, float32 is not (parseFloat64Bytes).
  bool readFloat64(const Where& where, double& out) {
    MsgValue v;
    if (!next(v)) return false;
    switch (v.kind) {
      case MsgKind::kNil: out = 0; return true;
      case MsgKind::kUint: out = static_cast<double>(v.u); return true;
      case MsgKind::kInt: out = static_cast<double>(v.i); return true;
      case MsgKind::kFloat64: out = v.f; return true;
      default: return failType(where, "a float64 or an integer", v);
    }
  }

  // A map field read entry by entry with `readKey`/`readValue`; nil is an empty map. The last of
  // two equal keys wins. `spare`: room reserved for entries the pipeline adds later.
  template <typename Map, typename ReadKey, typename ReadValue>
  bool readMap(const Where& where, Map& out, ReadKey readKey, ReadValue readValue, size_t spare = 0) {
    MsgValue v;
    if (!next(v)) return false;
    if (v.kind == MsgKind::kNil) return true;
    if (v.kind != MsgKind::kMap) return failType(where, "a map", v);
    if constexpr (requires { out.reserve(size_t{}); }) out.reserve(out.size() + std::min<uint64_t>(v.u, kMaxReserve) + spare);
    if constexpr (requires { out.finishAppends(); }) {
      // Many entries: appended as they come and sorted once (keys in reverse order would make
      // inserting each in place quadratic: a 25 MB body of one span's tags would not finish).
      if (v.u > kSortedInsertMax) {
        for (uint64_t j = 0; j < v.u; ++j) {
          std::string k;
          typename Map::mapped_type value{};
          if (!readKey(where.key(), k) || !readValue(where.entryOf(k), value)) {
            out.finishAppends();  // searchable again, though the payload is refused
            return false;
          }
          out.appendUnordered(std::move(k), std::move(value));
        }
        out.finishAppends();
        return true;
      }
    }
    if constexpr (requires { out.settleLast(); }) {
      // Read in place at the end of the map, no temporary key and value to move.
      for (uint64_t j = 0; j < v.u; ++j) {
        auto& e = out.appendEmpty();
        if (!readKey(where.key(), e.first) || !readValue(where.entryOf(e.first), e.second)) {
          out.dropLast();
          return false;
        }
        out.settleLast();
      }
      return true;
    }
    for (uint64_t j = 0; j < v.u; ++j) {
      std::string k;
      typename Map::mapped_type value{};
      if (!readKey(where.key(), k) || !readValue(where.entryOf(k), value)) return false;
      // Tracers often send keys in order: then the new entry goes at the end without a search.
      if (out.empty() || out.rbegin()->first < k) {
        out.emplace_hint(out.end(), std::move(k), std::move(value));
      } else {
        out.insert_or_assign(std::move(k), std::move(value));
      }
    }
    return true;
  }

  // traces[i][j], each span filled by `decodeSpan(where, span)`.
  template <typename DecodeSpan>
  Result<Traces> readTraces(DecodeSpan decodeSpan) {
    MsgValue root;
    if (!next(root)) return error();
    if (root.kind != MsgKind::kArray) return typeError(std::string(version_) + ": traces", "an array", root);
    Traces traces;
    traces.reserve(std::min(root.u, kMaxReserve));
    for (uint32_t t = 0; t < root.u; ++t) {
      MsgValue trace;
      if (!next(trace)) return error();
      if (trace.kind != MsgKind::kArray) {
        return typeError(std::string(version_) + ": traces[" + std::to_string(t) + "]", "an array of spans", trace);
      }
      Trace& spans = traces.emplace_back();
      spans.reserve(std::min(trace.u, kMaxReserve));
      for (uint32_t i = 0; i < trace.u; ++i) {
        if (!decodeSpan(Where{version_, t, i, {}}, spans.emplace_back())) return error();
      }
    }
    return traces;
  }

 private:
  MsgpackReader reader_;
  const char* version_;
  Status error_;
};

// ---- v0.4 -------------------------------------------------------------------------------

// Span maps sit at nesting level 3 in v0.4 (payload array, trace array, span map) and 5 in v0.7
// (payload map, chunks array, chunk map, spans array, span map).
constexpr size_t kV04SpanLevel = 3;
constexpr size_t kV07SpanLevel = 5;
// Metrics the processor adds to a span: _top_level, and a sampler's rate on a root.
constexpr size_t kMetricsAdded = 2;

// `key` (whose length the caller has checked is N - 1) spells `literal`: a fixed-size compare the
// compiler turns into a few integer compares (a string_view == was an out-of-line call per key).
template <size_t N>
bool spells(std::string_view key, const char (&literal)[N]) {
  return std::memcmp(key.data(), literal, N - 1) == 0;
}

// A span map as the agent's lenient span decoder reads it (v0.4 and the spans of v0.7).
bool decodeSpanMap(Decoder& d, const Where& where, Span& span, size_t level) {
  MsgValue m;
  if (!d.next(m)) return false;
  if (m.kind != MsgKind::kMap) return d.failType(where, "a span map", m);
  const auto readStr = [&d](const Where& w, std::string& out) { return d.readString(w, out); };
  const auto readF64 = [&d](const Where& w, double& out) { return d.readFloat64(w, out); };
  for (uint64_t i = 0; i < m.u; ++i) {
    MsgValue k;
    if (!d.next(k)) return false;
    if (k.kind != MsgKind::kStr && k.kind != MsgKind::kBin) return d.failType(where.at("").key(), "a string", k);
    const std::string_view key = k.bytes;
    const Where w = where.at(key);
    bool ok = false;
    switch (key.size()) {  // dispatch on length first: one comparison per key on the hot path
      case 4:
        if (spells(key, "name")) ok = d.readString(w, span.name);
        else if (spells(key, "meta")) ok = d.readMap(w, span.meta, readStr, readStr);
        else if (spells(key, "type")) ok = d.readString(w, span.type);
        else goto unknown;
        break;
      case 5:
        if (spells(key, "start")) ok = d.readInt64(w, span.start);
        else if (spells(key, "error")) ok = d.readInt32(w, span.error);
        else goto unknown;
        break;
      case 7:
        if (spells(key, "service")) ok = d.readString(w, span.service);
        else if (spells(key, "span_id")) ok = d.readUint64(w, span.span_id);
        else if (spells(key, "metrics")) ok = d.readMap(w, span.metrics, readStr, readF64, kMetricsAdded);
        else goto unknown;
        break;
      case 8:
        if (spells(key, "resource")) ok = d.readString(w, span.resource);
        else if (spells(key, "trace_id")) ok = d.readUint64(w, span.trace_id);
        else if (spells(key, "duration")) ok = d.readInt64(w, span.duration);
        else goto unknown;
        break;
      case 9:
        if (spells(key, "parent_id")) ok = d.readUint64(w, span.parent_id);
        else goto unknown;
        break;
      default:
      unknown: {
        // Other keys (meta_struct, span_links, span_events, unknown ones) are skipped for now.
        MsgValue v;
        ok = d.next(v) && d.skip(v, level + 1);
      }
    }
    if (!ok) return false;
  }
  return true;
}

// ---- v0.5 -------------------------------------------------------------------------------

constexpr uint32_t kV05SpanFields = 12;

class StringTable {
 public:
  bool load(Decoder& d) {
    MsgValue a;
    if (!d.next(a)) return false;
    if (a.kind != MsgKind::kArray) return d.fail(typeError("v0.5: string table", "an array", a));
    strings_.resize(a.u);  // bounded: the reader checked the count against the bytes left
    for (uint64_t i = 0; i < a.u; ++i) {
      MsgValue v;
      if (!d.next(v)) return false;
      if (v.kind != MsgKind::kStr && v.kind != MsgKind::kBin && v.kind != MsgKind::kNil) {
        return d.fail(typeError("v0.5: string table[" + std::to_string(i) + "]", "a string", v));
      }
      if (v.kind != MsgKind::kNil) assignString(v.bytes, strings_[i]);
    }
    return true;
  }

  // An index must be a non-negative integer within the table (the agent reads a uint32).
  bool lookup(Decoder& d, const Where& where, std::string& out) const {
    MsgValue v;
    if (!d.next(v)) return false;
    uint64_t index = 0;
    if (v.kind == MsgKind::kUint) {
      index = v.u;
    } else if (v.kind != MsgKind::kNil) {
      return d.failType(where, "a string table index (uint)", v);
    }
    if (index >= strings_.size()) {
      return d.fail(common::invalidArgument(where.str() + ": string table index " + std::to_string(index) +
                                            " out of range (table has " + std::to_string(strings_.size()) +
                                            " strings)"));
    }
    out = strings_[index];
    return true;
  }

 private:
  std::vector<std::string> strings_;
};

bool decodeSpanArrayV05(Decoder& d, const StringTable& table, const Where& where, Span& span) {
  MsgValue a;
  if (!d.next(a)) return false;
  if (a.kind != MsgKind::kArray) return d.failType(where, "a span array", a);
  if (a.u != kV05SpanFields) {
    return d.fail(common::invalidArgument(where.str() + ": a span needs exactly 12 elements, got " +
                                          std::to_string(a.u)));
  }
  const auto lookup = [&d, &table](const Where& w, std::string& out) { return table.lookup(d, w, out); };
  const auto readF64 = [&d](const Where& w, double& out) { return d.readFloat64(w, out); };
  return table.lookup(d, where.at("service"), span.service) && table.lookup(d, where.at("name"), span.name) &&
         table.lookup(d, where.at("resource"), span.resource) && d.readUint64(where.at("trace_id"), span.trace_id) &&
         d.readUint64(where.at("span_id"), span.span_id) && d.readUint64(where.at("parent_id"), span.parent_id) &&
         d.readInt64(where.at("start"), span.start) && d.readInt64(where.at("duration"), span.duration) &&
         d.readInt32(where.at("error"), span.error) && d.readMap(where.at("meta"), span.meta, lookup, lookup) &&
         d.readMap(where.at("metrics"), span.metrics, lookup, readF64, kMetricsAdded) &&
         table.lookup(d, where.at("type"), span.type);
}

// ---- v0.7 -------------------------------------------------------------------------------
// A msgp TracerPayload (tracer_payload_gen.go): its own fields are read strictly, as msgp's
// generated code reads them (a str, an integer, a bool, a map or array header; nil refused),
// while its spans go through the lenient span decoder. nil chunks and nil spans are skipped.

bool readStrictString(Decoder& d, const std::string& where, std::string& out) {
  MsgValue v;
  if (!d.next(v)) return false;
  if (v.kind != MsgKind::kStr) return d.fail(typeError(where, "a str", v));
  assignString(v.bytes, out);
  return true;
}

bool readHeader(Decoder& d, const std::string& where, MsgKind kind, uint64_t& n) {
  MsgValue v;
  if (!d.next(v)) return false;
  if (v.kind != kind) return d.fail(typeError(where, kind == MsgKind::kMap ? "a map" : "an array", v));
  n = v.u;
  return true;
}

bool readStringMap(Decoder& d, const std::string& where, std::map<std::string, std::string>& out) {
  uint64_t n = 0;
  if (!readHeader(d, where, MsgKind::kMap, n)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    std::string k;
    std::string v;
    if (!readStrictString(d, where + " key", k) || !readStrictString(d, where + "[" + k + "]", v)) return false;
    out.insert_or_assign(std::move(k), std::move(v));
  }
  return true;
}

bool readChunkV07(Decoder& d, uint32_t c, V07Chunk& chunk, Trace& spans) {
  const std::string where = "v0.7: chunks[" + std::to_string(c) + "]";
  uint64_t fields = 0;
  if (!readHeader(d, where, MsgKind::kMap, fields)) return false;
  for (uint64_t f = 0; f < fields; ++f) {
    std::string key;
    if (!readStrictString(d, where + " key", key)) return false;
    MsgValue v;
    if (key == "priority") {
      int64_t p = 0;
      if (!d.next(v)) return false;
      if (v.kind == MsgKind::kUint && v.u <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
        p = static_cast<int64_t>(v.u);
      } else if (v.kind == MsgKind::kInt && v.i >= std::numeric_limits<int32_t>::min()) {
        p = v.i;
      } else {
        return d.fail(typeError(where + ".priority", "an int32", v));
      }
      chunk.priority = static_cast<int32_t>(p);
    } else if (key == "origin") {
      if (!readStrictString(d, where + ".origin", chunk.origin)) return false;
    } else if (key == "tags") {
      if (!readStringMap(d, where + ".tags", chunk.tags)) return false;
    } else if (key == "dropped_trace") {
      if (!d.next(v)) return false;
      if (v.kind != MsgKind::kBool) return d.fail(typeError(where + ".dropped_trace", "a bool", v));
      chunk.dropped_trace = v.u != 0;
    } else if (key == "spans") {
      uint64_t n = 0;
      if (!readHeader(d, where + ".spans", MsgKind::kArray, n)) return false;
      spans.clear();
      spans.reserve(std::min(n, kMaxReserve));
      for (uint32_t i = 0; i < n; ++i) {
        if (d.peekNil()) continue;
        if (!decodeSpanMap(d, Where{"v0.7", c, i, {}}, spans.emplace_back(), kV07SpanLevel)) return false;
      }
    } else if (!d.next(v) || !d.skip(v, 4)) {  // unknown chunk key: its value sits at level 4
      return false;
    }
  }
  return true;
}

}  // namespace

Result<V07Payload> decodeV07(std::string_view body) {
  Decoder d(body, "v0.7");
  V07Payload p;
  uint64_t fields = 0;
  if (!readHeader(d, "v0.7: payload", MsgKind::kMap, fields)) return d.error();
  for (uint64_t f = 0; f < fields; ++f) {
    std::string key;
    if (!readStrictString(d, "v0.7: payload key", key)) return d.error();
    const std::string where = "v0.7: " + key;
    std::string* text = key == "container_id"       ? &p.container_id
                        : key == "language_name"    ? &p.language_name
                        : key == "language_version" ? &p.language_version
                        : key == "tracer_version"   ? &p.tracer_version
                        : key == "runtime_id"       ? &p.runtime_id
                        : key == "env"              ? &p.env
                        : key == "hostname"         ? &p.hostname
                        : key == "app_version"      ? &p.app_version
                                                    : nullptr;
    bool ok = true;
    if (text != nullptr) {
      ok = readStrictString(d, where, *text);
    } else if (key == "tags") {
      ok = readStringMap(d, where, p.tags);
    } else if (key == "chunks") {
      uint64_t n = 0;
      ok = readHeader(d, where, MsgKind::kArray, n);
      for (uint32_t c = 0; ok && c < n; ++c) {
        if (d.peekNil()) continue;
        V07Chunk chunk;
        Trace spans;
        ok = readChunkV07(d, c, chunk, spans);
        if (ok) {
          p.chunks.push_back(std::move(chunk));
          p.traces.push_back(std::move(spans));
        }
      }
    } else {
      MsgValue v;
      ok = d.next(v) && d.skip(v, 2);  // unknown payload key: its value sits at level 2
    }
    if (!ok) return d.error();
  }
  return p;
}

Result<Traces> decodeV04(std::string_view body) {
  Decoder d(body, "v0.4");
  return d.readTraces([&d](const Where& where, Span& span) { return decodeSpanMap(d, where, span, kV04SpanLevel); });
}

Result<Traces> decodeV05(std::string_view body) {
  Decoder d(body, "v0.5");
  MsgValue root;
  if (!d.next(root)) return d.error();
  if (root.kind != MsgKind::kArray) return typeError("v0.5: payload", "an array [strings, traces]", root);
  if (root.u != 2) {
    return common::invalidArgument("v0.5: payload needs 2 elements [strings, traces], got " + std::to_string(root.u));
  }
  StringTable table;
  if (!table.load(d)) return d.error();
  return d.readTraces([&d, &table](const Where& where, Span& span) { return decodeSpanArrayV05(d, table, where, span); });
}

}  // namespace ddsim::trace
