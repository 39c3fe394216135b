#include "core/trace/msgpack_reader.h"

#include <cstring>
#include <string>

#include "core/trace/msgpack_where.h"

namespace ddsim::trace {
namespace {

uint64_t bigEndian(const unsigned char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

common::Status truncatedAt(size_t offset, const char* what) {
  return common::dataLoss("msgpack truncated at byte " + std::to_string(offset) + ": " + what);
}

common::Status needsMore(size_t at, size_t needed, size_t left) {
  return common::dataLoss("msgpack truncated: the value at byte " + std::to_string(at) + " needs " +
                          std::to_string(needed) + " more bytes, " + std::to_string(left) + " are left");
}

}  // namespace

const char* msgKindName(MsgKind k) {
  switch (k) {
    case MsgKind::kNil: return "nil";
    case MsgKind::kBool: return "bool";
    case MsgKind::kUint: return "uint";
    case MsgKind::kInt: return "int";
    case MsgKind::kFloat32: return "float32";
    case MsgKind::kFloat64: return "float64";
    case MsgKind::kStr: return "str";
    case MsgKind::kBin: return "bin";
    case MsgKind::kArray: return "array";
    case MsgKind::kMap: return "map";
    case MsgKind::kExt: return "ext";
  }
  return "unknown";
}

bool MsgpackReader::nextSlow(MsgValue& v) {
  const auto* p = reinterpret_cast<const unsigned char*>(body_.data());
  const size_t size = body_.size();
  if (pos_ >= size) return fail(truncatedAt(pos_, "expected another value"));
  const size_t at = pos_;
  const unsigned char b = p[pos_++];
  size_t len_bytes = 0;  // width of a str/bin/ext/array/map size field
  size_t fixed = 0;      // width of a number's payload
  // The common cases first: small strings, maps, arrays and integers carry their size in the byte.
  if (b <= 0x7f) {
    v.kind = MsgKind::kUint, v.u = b;
    return true;
  }
  if (b >= 0xa0 && b <= 0xbf) {
    const size_t n = b & 0x1f;
    if (size - pos_ < n) {
      return fail(needsMore(at, n, size - pos_));
    }
    v.kind = MsgKind::kStr, v.bytes = body_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  if (b >= 0xe0) {
    v.kind = MsgKind::kInt, v.i = static_cast<int8_t>(b);
    return true;
  }
  MsgKind container = MsgKind::kNil;
  uint64_t count = 0;
  if (b <= 0x8f) {
    container = MsgKind::kMap, count = b & 0x0f;
  } else if (b <= 0x9f) {
    container = MsgKind::kArray, count = b & 0x0f;
  } else {
    switch (b) {
      case 0xc0: v.kind = MsgKind::kNil; return true;
      case 0xc1: return fail(common::invalidArgument("msgpack byte 0xc1 (never used) at byte " + std::to_string(at)));
      case 0xc2: case 0xc3: v.kind = MsgKind::kBool, v.u = b & 1; return true;
      case 0xc4: v.kind = MsgKind::kBin, len_bytes = 1; break;
      case 0xc5: v.kind = MsgKind::kBin, len_bytes = 2; break;
      case 0xc6: v.kind = MsgKind::kBin, len_bytes = 4; break;
      case 0xc7: v.kind = MsgKind::kExt, len_bytes = 1; break;
      case 0xc8: v.kind = MsgKind::kExt, len_bytes = 2; break;
      case 0xc9: v.kind = MsgKind::kExt, len_bytes = 4; break;
      case 0xca: v.kind = MsgKind::kFloat32, fixed = 4; break;
      case 0xcb: v.kind = MsgKind::kFloat64, fixed = 8; break;
      case 0xcc: v.kind = MsgKind::kUint, fixed = 1; break;
      case 0xcd: v.kind = MsgKind::kUint, fixed = 2; break;
      case 0xce: v.kind = MsgKind::kUint, fixed = 4; break;
      case 0xcf: v.kind = MsgKind::kUint, fixed = 8; break;
      case 0xd0: v.kind = MsgKind::kInt, fixed = 1; break;
      case 0xd1: v.kind = MsgKind::kInt, fixed = 2; break;
      case 0xd2: v.kind = MsgKind::kInt, fixed = 4; break;
      case 0xd3: v.kind = MsgKind::kInt, fixed = 8; break;
      case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: v.kind = MsgKind::kExt; break;
      case 0xd9: v.kind = MsgKind::kStr, len_bytes = 1; break;
      case 0xda: v.kind = MsgKind::kStr, len_bytes = 2; break;
      case 0xdb: v.kind = MsgKind::kStr, len_bytes = 4; break;
      case 0xdc: container = MsgKind::kArray, len_bytes = 2; break;
      case 0xdd: container = MsgKind::kArray, len_bytes = 4; break;
      case 0xde: container = MsgKind::kMap, len_bytes = 2; break;
      default: container = MsgKind::kMap, len_bytes = 4; break;  // 0xdf
    }
  }
  if (len_bytes > 0) {
    if (size - pos_ < len_bytes) return fail(truncatedAt(pos_, "in a size field"));
    const uint64_t n = bigEndian(p + pos_, len_bytes);
    pos_ += len_bytes;
    if (container != MsgKind::kNil) {
      count = n;
    } else {
      fixed = n + (v.kind == MsgKind::kExt ? 1 : 0);  // ext: a type byte, then the data
    }
  } else if (v.kind == MsgKind::kExt && container == MsgKind::kNil) {
    fixed = 1 + (size_t{1} << (b - 0xd4));  // fixext 1, 2, 4, 8, 16
  }
  if (container != MsgKind::kNil) {
    const uint64_t elements = container == MsgKind::kMap ? 2 * count : count;
    if (elements > size - pos_) {
      return fail(common::dataLoss("msgpack header at byte " + std::to_string(at) + " announces " +
                                   std::to_string(elements) + " elements but only " + std::to_string(size - pos_) +
                                   " bytes are left"));
    }
    v.kind = container, v.u = count;
    return true;
  }
  if (size - pos_ < fixed) {
    return fail(needsMore(at, fixed, size - pos_));
  }
  const unsigned char* q = p + pos_;
  pos_ += fixed;
  switch (v.kind) {
    case MsgKind::kUint: v.u = bigEndian(q, fixed); break;
    case MsgKind::kInt: {
      const uint64_t raw = bigEndian(q, fixed);
      const unsigned shift = static_cast<unsigned>(64 - 8 * fixed);
      const int64_t x = static_cast<int64_t>(raw << shift) >> shift;  // sign-extend
      if (x >= 0) {
        v.kind = MsgKind::kUint, v.u = static_cast<uint64_t>(x);  // as msgpack-cxx classifies it
      } else {
        v.i = x;
      }
      break;
    }
    case MsgKind::kFloat32: {
      const auto bits = static_cast<uint32_t>(bigEndian(q, 4));
      float f = 0;
      std::memcpy(&f, &bits, 4);
      v.f = f;
      break;
    }
    case MsgKind::kFloat64: {
      const uint64_t bits = bigEndian(q, 8);
      std::memcpy(&v.f, &bits, 8);
      break;
    }
    default:  // str, bin, ext
      v.bytes = std::string_view(reinterpret_cast<const char*>(q), fixed);
      break;
  }
  return true;
}

bool MsgpackReader::skipChildren(const MsgValue& v, size_t level) {
  if (v.kind != MsgKind::kArray && v.kind != MsgKind::kMap) return true;
  if (level > kMaxMsgpackDepth) {
    return fail(common::invalidArgument("values nested deeper than " + std::to_string(kMaxMsgpackDepth)));
  }
  const uint64_t elements = v.kind == MsgKind::kMap ? 2 * v.u : v.u;
  MsgValue child;
  for (uint64_t i = 0; i < elements; ++i) {
    if (!next(child) || !skipChildren(child, level + 1)) return false;
  }
  return true;
}

}  // namespace ddsim::trace
