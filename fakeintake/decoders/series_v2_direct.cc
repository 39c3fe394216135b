#include "fakeintake/decoders/series_v2_direct.h"

#include <cstdint>
#include <cstring>

#include "fakeintake/core/utf8.h"

namespace ddsim::fakeintake {

namespace {

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

// A forward-only reader over one message's bytes. Every read reports failure instead of
// throwing; a failed read leaves the reader unusable (the caller gives up on the body).
class Reader {
 public:
  explicit Reader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}
  bool done() const { return p_ == end_; }

  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
      const auto b = static_cast<uint8_t>(*p_++);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (b < 0x80) return true;
    }
    return false;  // truncated, or longer than 10 bytes
  }
  // The next field's number and wire type.
  bool key(uint32_t& field, uint32_t& wire) {
    uint64_t k = 0;
    if (!varint(k) || k > 0xFFFFFFFFu) return false;
    field = static_cast<uint32_t>(k >> 3);
    wire = static_cast<uint32_t>(k & 7);
    return field != 0;
  }
  bool bytes(std::string_view& out) {
    uint64_t n = 0;
    if (!varint(n) || n > static_cast<uint64_t>(end_ - p_)) return false;
    out = std::string_view(p_, static_cast<size_t>(n));
    p_ += n;
    return true;
  }
  bool fixed64(uint64_t& v) {
    if (end_ - p_ < 8) return false;
    std::memcpy(&v, p_, 8);  // little-endian hosts only (x86-64, aarch64)
    p_ += 8;
    return true;
  }

 private:
  const char* p_;
  const char* end_;
};

// proto3 strings must be UTF-8; ASCII (the usual case) is checked eight bytes at a time.
bool utf8(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w = 0;
    std::memcpy(&w, s.data() + i, 8);
    if (w & 0x8080808080808080ULL) return isValidUtf8(s.substr(i));
  }
  for (; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) >= 0x80) return isValidUtf8(s.substr(i));
  }
  return true;
}

bool text(Reader& r, uint32_t wire, std::string_view& out) { return wire == kLen && r.bytes(out) && utf8(out); }

// Every function templated on kBuild runs the same checks either way; with kBuild false it
// builds nothing (validateSeriesV2Direct), so the two can never disagree on what is accepted.
template <bool kBuild>
bool str(Reader& r, uint32_t wire, std::string& out) {
  std::string_view v;
  if (!text(r, wire, v)) return false;
  if constexpr (kBuild) out.assign(v.data(), v.size());
  return true;
}

template <bool kBuild>
bool resource(std::string_view bytes, DecodedResource& out) {
  if constexpr (kBuild) {  // `out` may hold an earlier payload's values (decodeSeriesV2Direct)
    out.type.clear();
    out.name.clear();
  }
  Reader r(bytes);
  uint32_t field = 0, wire = 0;
  while (!r.done()) {
    if (!r.key(field, wire)) return false;
    if (field == 1) {
      if (!str<kBuild>(r, wire, out.type)) return false;
    } else if (field == 2) {
      if (!str<kBuild>(r, wire, out.name)) return false;
    } else {
      return false;
    }
  }
  return true;
}

bool point(std::string_view bytes, DecodedPoint& out) {
  out = DecodedPoint{};
  Reader r(bytes);
  uint32_t field = 0, wire = 0;
  while (!r.done()) {
    if (!r.key(field, wire)) return false;
    if (field == 1 && wire == kFixed64) {
      uint64_t bits = 0;
      if (!r.fixed64(bits)) return false;
      std::memcpy(&out.value, &bits, sizeof bits);
    } else if (field == 2 && wire == kVarint) {
      uint64_t v = 0;
      if (!r.varint(v)) return false;
      out.timestamp = static_cast<int64_t>(v);
    } else {
      return false;
    }
  }
  return true;
}

bool origin(std::string_view bytes, DecodedOrigin& out) {
  Reader r(bytes);
  uint32_t field = 0, wire = 0;
  while (!r.done()) {
    uint64_t v = 0;
    if (!r.key(field, wire) || wire != kVarint || !r.varint(v)) return false;
    const auto u = static_cast<uint32_t>(v);  // uint32 fields keep the low 32 bits
    switch (field) {
      case 3: out.metric_type = u; break;
      case 4: out.product = u; break;
      case 5: out.category = u; break;
      case 6: out.service = u; break;
      default: return false;  // 1 and 2 are reserved: libprotobuf keeps them as unknown fields
    }
  }
  return true;
}

// Metadata { Origin origin = 1; }: a second origin would be merged into the first; not mine.
bool metadata(std::string_view bytes, DecodedOrigin& out) {
  Reader r(bytes);
  uint32_t field = 0, wire = 0;
  bool seen = false;
  while (!r.done()) {
    std::string_view m;
    if (!r.key(field, wire) || field != 1 || wire != kLen || seen || !r.bytes(m) || !origin(m, out)) return false;
    seen = true;
  }
  return true;
}

// Counts the repeated fields of a series so its vectors are allocated once, at their size.
bool countRepeated(std::string_view bytes, size_t& resources, size_t& tags, size_t& points) {
  Reader r(bytes);
  uint32_t field = 0, wire = 0;
  while (!r.done()) {
    if (!r.key(field, wire)) return false;
    if (wire == kLen) {
      std::string_view skip;
      if (!r.bytes(skip)) return false;
      resources += field == 1;
      tags += field == 3;
      points += field == 4;
    } else if (wire == kVarint) {
      uint64_t skip = 0;
      if (!r.varint(skip)) return false;
    } else {
      return false;  // no fixed-width field in MetricSeries
    }
  }
  return true;
}

// The element `next` of a vector being refilled: the existing one, or a new one at the end.
template <typename T>
T& slot(std::vector<T>& v, size_t& next) {
  return next < v.size() ? v[next++] : (++next, v.emplace_back());
}

// With kBuild false, `out` is scratch: only fixed-size fields are written, nothing allocated.
// With kBuild true, `out` may hold an earlier series (a reused vector): every field is reset
// and its strings and vectors are refilled in place, keeping their memory. A new series counts
// its repeated fields first so that its vectors are allocated once, at their size; a reused one
// skips that pass (its vectors usually fit already).
template <bool kBuild>
bool series(std::string_view bytes, DecodedSeries& out) {
  size_t next_resource = 0, next_tag = 0, next_point = 0;
  if constexpr (kBuild) {
    if (out.tags.capacity() == 0 && out.points.capacity() == 0) {
      size_t n_resources = 0, n_tags = 0, n_points = 0;
      if (!countRepeated(bytes, n_resources, n_tags, n_points)) return false;
      out.resources.reserve(n_resources);
      out.tags.reserve(n_tags);
      out.points.reserve(n_points);
    }
    out.metric.clear();
    out.unit.clear();
    out.source_type_name.clear();
    out.type = 0;
    out.interval = 0;
  }
  out.origin.reset();  // a series may hold one metadata: each series starts without
  Reader r(bytes);
  uint32_t field = 0, wire = 0;
  while (!r.done()) {
    if (!r.key(field, wire)) return false;
    std::string_view m;
    uint64_t v = 0;
    switch (field) {
      case 1:
        if constexpr (kBuild) {
          if (wire != kLen || !r.bytes(m) || !resource<true>(m, slot(out.resources, next_resource))) return false;
        } else {
          DecodedResource scratch;
          if (wire != kLen || !r.bytes(m) || !resource<false>(m, scratch)) return false;
        }
        break;
      case 2:
        if (!str<kBuild>(r, wire, out.metric)) return false;
        break;
      case 3:  // the bulk of a payload's strings: assigned in place (a reused string keeps its buffer)
        if (!text(r, wire, m)) return false;
        if constexpr (kBuild) slot(out.tags, next_tag).assign(m.data(), m.size());
        break;
      case 4:
        if constexpr (kBuild) {
          if (wire != kLen || !r.bytes(m) || !point(m, slot(out.points, next_point))) return false;
        } else {
          DecodedPoint scratch;
          if (wire != kLen || !r.bytes(m) || !point(m, scratch)) return false;
        }
        break;
      case 5:  // open enum: any int32 is kept
        if (wire != kVarint || !r.varint(v)) return false;
        out.type = static_cast<int32_t>(static_cast<uint32_t>(v));
        break;
      case 6:
        if (!str<kBuild>(r, wire, out.unit)) return false;
        break;
      case 7:
        if (!str<kBuild>(r, wire, out.source_type_name)) return false;
        break;
      case 8:
        if (wire != kVarint || !r.varint(v)) return false;
        out.interval = static_cast<int64_t>(v);
        break;
      case 9:  // a second metadata would be merged into the first: not mine
        if (wire != kLen || out.origin || !r.bytes(m)) return false;
        if (!metadata(m, out.origin.emplace())) return false;
        break;
      default: return false;
    }
  }
  if constexpr (kBuild) {  // what an earlier series had beyond this one's goes
    out.resources.resize(next_resource);
    out.tags.resize(next_tag);
    out.points.resize(next_point);
  }
  return true;
}

}  // namespace

namespace {

// The top level: field 1 (series) only; anything else goes to libprotobuf.
template <bool kBuild>
bool payload(std::string_view body, std::vector<DecodedSeries>& out) {
  Reader count(body);
  size_t n = 0;
  uint32_t field = 0, wire = 0;
  while (!count.done()) {
    std::string_view skip;
    if (!count.key(field, wire) || field != 1 || wire != kLen || !count.bytes(skip)) return false;
    ++n;
  }
  if constexpr (kBuild) out.resize(n);  // existing elements are reused, refilled in place
  DecodedSeries scratch;
  Reader r(body);
  size_t i = 0;
  while (!r.done()) {
    std::string_view m;
    if (!r.key(field, wire) || !r.bytes(m)) return false;
    if constexpr (kBuild) {
      if (!series<true>(m, out[i++])) return false;
    } else {
      if (!series<false>(m, scratch)) return false;
    }
  }
  return true;
}

}  // namespace

bool decodeSeriesV2Direct(std::string_view body, std::vector<DecodedSeries>& out) {
  return payload<true>(body, out);
}

bool validateSeriesV2Direct(std::string_view body) {
  std::vector<DecodedSeries> unused;
  return payload<false>(body, unused);
}

}  // namespace ddsim::fakeintake
