#pragma once
// A pull reader over one msgpack body: each next() reads one value's header (and a scalar's or a
// string's bytes), bounded by the bytes that are left, so a container never announces more
// elements than could follow (docs/trace-agent.md §4). Values are classified as msgpack-cxx
// classifies them (a signed encoding of a non-negative number is kUint), so the direct decoder
// and the reference decoder agree on types. Allocation-free; internal to core/trace.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

#include "core/common/status.h"

namespace ddsim::trace {

enum class MsgKind : uint8_t { kNil, kBool, kUint, kInt, kFloat32, kFloat64, kStr, kBin, kArray, kMap, kExt };

struct MsgValue {
  MsgKind kind = MsgKind::kNil;
  uint64_t u = 0;          // kUint value, kBool (0/1), kArray/kMap element count
  int64_t i = 0;           // kInt value (negative)
  double f = 0;            // kFloat32/kFloat64
  std::string_view bytes;  // kStr/kBin/kExt payload, a view into the body
};

// "nil", "uint", "str", ... as the decoders' error messages name types.
const char* msgKindName(MsgKind k);

class MsgpackReader {
 public:
  explicit MsgpackReader(std::string_view body) : body_(body) {}

  // Reads the next value; false on error, and error() says what: kDataLoss when the body ends
  // early or a container announces more elements than bytes remain, kInvalidArgument for 0xc1.
  // Messages name the byte offset. The small one-byte forms are read inline (the hot path).
  bool next(MsgValue& v) {
    if (pos_ < body_.size()) {
      const auto b = static_cast<unsigned char>(body_[pos_]);
      if (b <= 0x7f) {
        ++pos_;
        v.kind = MsgKind::kUint, v.u = b;
        return true;
      }
      if (b >= 0xa0 && b <= 0xbf && body_.size() - pos_ > size_t{b & 0x1fu}) {
        v.kind = MsgKind::kStr, v.bytes = body_.substr(pos_ + 1, b & 0x1fu);
        pos_ += 1 + (b & 0x1fu);
        return true;
      }
      // fixmap / fixarray whose elements can still follow (span maps, traces): nextSlow checks
      // and words the error otherwise.
      if (b >= 0x80 && b <= 0x9f) {
        const size_t count = b & 0x0fu;
        const size_t elements = b <= 0x8f ? 2 * count : count;
        if (elements <= body_.size() - pos_ - 1) {
          ++pos_;
          v.kind = b <= 0x8f ? MsgKind::kMap : MsgKind::kArray, v.u = count;
          return true;
        }
      }
      // uint64 and float64 (ids, times, metrics) with their 8 bytes present.
      if (std::endian::native == std::endian::little && (b == 0xcf || b == 0xcb) && body_.size() - pos_ > 8) {
        uint64_t raw;
        std::memcpy(&raw, body_.data() + pos_ + 1, 8);
        raw = __builtin_bswap64(raw);  // big-endian on the wire
        pos_ += 9;
        if (b == 0xcf) {
          v.kind = MsgKind::kUint, v.u = raw;
        } else {
          v.kind = MsgKind::kFloat64;
          std::memcpy(&v.f, &raw, 8);
        }
        return true;
      }
    }
    return nextSlow(v);
  }

  // Consumes a nil and returns true when the next byte is one; otherwise reads nothing.
  bool skipNil() {
    if (pos_ < body_.size() && static_cast<unsigned char>(body_[pos_]) == 0xc0) {
      ++pos_;
      return true;
    }
    return false;
  }

  // Skips the elements of a container `v` just read at nesting `level` (the root is level 1);
  // containers deeper than kMaxMsgpackDepth are refused as the reference decoder refuses them.
  bool skipChildren(const MsgValue& v, size_t level);

  const common::Status& error() const { return error_; }
  size_t offset() const { return pos_; }

 private:
  bool nextSlow(MsgValue& v);
  bool fail(common::Status s) {
    error_ = std::move(s);
    return false;
  }

  std::string_view body_;
  size_t pos_ = 0;
  common::Status error_;
};

}  // namespace ddsim::trace
