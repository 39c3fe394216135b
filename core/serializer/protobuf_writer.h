#pragma once
// A hand-written streaming protobuf encoder with the agent's (molecule's) semantics: scalar
// fields equal to zero and empty strings are omitted, embedded messages are always written,
// fields come out in the order they are written. Appends to a ByteBuffer; does not allocate
// beyond the buffer's growth. Not thread-safe.
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/serializer/byte_buffer.h"

namespace ddsim::serializer {

enum class WireType : uint8_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

inline constexpr size_t varintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

inline char* encodeVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(static_cast<uint8_t>(v) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

// Unchecked writes at a raw position: the caller has reserved room for everything it writes.
// A local ProtoCursor whose methods inline stays in registers, which is what makes the hot
// encoders fast (no buffer bookkeeping reloaded after every byte store).
struct ProtoCursor {
  char* p;

  void varint(uint64_t v) { p = encodeVarint(p, v); }
  void key(uint32_t field, WireType wt) { varint((static_cast<uint64_t>(field) << 3) | static_cast<uint8_t>(wt)); }
  void stringAlways(uint32_t field, std::string_view s) {
    key(field, WireType::kLengthDelimited);
    varint(s.size());
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
  void string(uint32_t field, std::string_view s) {
    if (!s.empty()) stringAlways(field, s);
  }
  void uint64(uint32_t field, uint64_t v) {
    if (v == 0) return;
    key(field, WireType::kVarint);
    varint(v);
  }
  void int64(uint32_t field, int64_t v) { uint64(field, static_cast<uint64_t>(v)); }
  void doubleField(uint32_t field, double v) {
    if (v == 0.0) return;
    key(field, WireType::kFixed64);
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(p, &v, 8);
    } else {
      uint64_t bits;
      std::memcpy(&bits, &v, sizeof bits);
      for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(bits >> (8 * i));
    }
    p += 8;
  }
  // Returns where the one-byte length placeholder is; endEmbedded widens it when needed.
  char* beginEmbedded(uint32_t field) {
    key(field, WireType::kLengthDelimited);
    *p = 0;
    return p++;
  }
  void endEmbedded(char* mark) {
    const auto len = static_cast<size_t>(p - mark - 1);
    if (len < 0x80) {
      *mark = static_cast<char>(len);
      return;
    }
    const size_t n = varintSize(len);
    std::memmove(mark + n, mark + 1, len);
    p += n - 1;
    encodeVarint(mark, len);
  }
};

// Room a ProtoCursor needs around a field's payload: key plus the longest length varint.
inline constexpr size_t kProtoFieldOverhead = 16;

class ProtoWriter {
 public:
  // A position returned by beginEmbedded, to hand back to endEmbedded.
  using Mark = size_t;

  explicit ProtoWriter(ByteBuffer& buf) : buf_(buf) {}

  void varint(uint64_t v) {
    char* p = buf_.prepare(10);
    buf_.commit(static_cast<size_t>(encodeVarint(p, v) - p));
  }
  void key(uint32_t field, WireType wt) { varint((static_cast<uint64_t>(field) << 3) | static_cast<uint8_t>(wt)); }

  // string / bytes; omitted when empty.
  void string(uint32_t field, std::string_view s) {
    if (s.empty()) return;
    stringAlways(field, s);
  }
  // string / bytes written even when empty (a repeated element in gogoproto's layout).
  void stringAlways(uint32_t field, std::string_view s) {
    char* start = buf_.prepare(kProtoFieldOverhead + s.size());
    ProtoCursor c{start};
    c.stringAlways(field, s);
    buf_.commit(static_cast<size_t>(c.p - start));
  }
  // int64 / int32 / enum: negative values take ten bytes (two's complement); omitted when zero.
  void int64(uint32_t field, int64_t v) {
    if (v == 0) return;
    key(field, WireType::kVarint);
    varint(static_cast<uint64_t>(v));
  }
  void int32(uint32_t field, int32_t v) { int64(field, v); }
  void uint64(uint32_t field, uint64_t v) {
    if (v == 0) return;
    key(field, WireType::kVarint);
    varint(v);
  }
  void uint32(uint32_t field, uint32_t v) { uint64(field, v); }
  void boolean(uint32_t field, bool v) { uint64(field, v ? 1 : 0); }
  // double (fixed64, little endian); omitted when == 0.0 (so -0.0 too); NaN is written.
  void doubleField(uint32_t field, double v) {
    char* start = buf_.prepare(kProtoFieldOverhead);
    ProtoCursor c{start};
    c.doubleField(field, v);
    buf_.commit(static_cast<size_t>(c.p - start));
  }

  // Embedded message: beginEmbedded writes the key and reserves the length; endEmbedded fills
  // it in (always written, even when empty). Nested calls are allowed.
  Mark beginEmbedded(uint32_t field) {
    key(field, WireType::kLengthDelimited);
    buf_.push(0);
    return buf_.size() - 1;
  }
  void endEmbedded(Mark mark) {
    const size_t len = buf_.size() - mark - 1;
    if (len < 0x80) {
      buf_.data()[mark] = static_cast<char>(len);
      return;
    }
    const size_t n = varintSize(len);
    buf_.insertGap(mark + 1, n - 1);
    encodeVarint(buf_.data() + mark, len);
  }

  // Packed repeated fields; omitted when empty. `get(i)` yields element i.
  template <typename Get>
  void packedSint32(uint32_t field, size_t count, Get&& get) {
    if (count == 0) return;
    Mark m = beginEmbedded(field);
    for (size_t i = 0; i < count; ++i) {
      const int32_t v = get(i);
      varint(static_cast<uint32_t>((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31)));
    }
    endEmbedded(m);
  }
  template <typename Get>
  void packedUint32(uint32_t field, size_t count, Get&& get) {
    if (count == 0) return;
    Mark m = beginEmbedded(field);
    for (size_t i = 0; i < count; ++i) varint(static_cast<uint32_t>(get(i)));
    endEmbedded(m);
  }

  // The key and length prefix of a length-delimited field holding `len` bytes, for callers that
  // encode a message body apart and emit the prefix separately. Returns the prefix length
  // (at most 15 bytes are written to out).
  static size_t lengthDelimitedPrefix(uint32_t field, size_t len, char* out) {
    ProtoCursor c{out};
    c.key(field, WireType::kLengthDelimited);
    c.varint(len);
    return static_cast<size_t>(c.p - out);
  }

  ByteBuffer& buffer() { return buf_; }

 private:
  ByteBuffer& buf_;
};

}  // namespace ddsim::serializer
