#include "core/trace/msgpack_scan.h"

#include <cstdint>
#include <string>

namespace ddsim::trace {
namespace {

uint64_t readBigEndian(std::string_view s, size_t pos, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(s[pos + i]);
  return v;
}

common::Status truncated(size_t offset, const char* what) {
  return common::dataLoss("msgpack truncated at byte " + std::to_string(offset) + ": " + what);
}

}  // namespace

common::Status scanMsgpack(std::string_view s, size_t* consumed) {
  uint64_t pending = 1;  // objects still expected
  size_t pos = 0;
  while (pending > 0) {
    if (pos >= s.size()) return truncated(pos, "expected another value");
    const auto b = static_cast<unsigned char>(s[pos]);
    const size_t at = pos;
    --pending;
    ++pos;
    uint64_t skip = 0;        // payload bytes after the header
    uint64_t children = 0;    // elements of a container (2 per map entry)
    size_t len_bytes = 0;     // size field of str/bin/ext/array/map
    int container = 0;        // 1 array, 2 map
    if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
      // fixint, nil, bool: nothing more
    } else if (b <= 0x8f) {
      children = 2u * (b & 0x0f);
    } else if (b <= 0x9f) {
      children = b & 0x0f;
    } else if (b <= 0xbf) {
      skip = b & 0x1f;
    } else {
      switch (b) {
        case 0xc1: return common::invalidArgument("msgpack byte 0xc1 (never used) at byte " + std::to_string(at));
        case 0xc4: case 0xd9: len_bytes = 1; break;
        case 0xc5: case 0xda: len_bytes = 2; break;
        case 0xc6: case 0xdb: len_bytes = 4; break;
        case 0xc7: len_bytes = 1, skip = 1; break;  // ext: + type byte
        case 0xc8: len_bytes = 2, skip = 1; break;
        case 0xc9: len_bytes = 4, skip = 1; break;
        case 0xca: skip = 4; break;
        case 0xcb: skip = 8; break;
        case 0xcc: case 0xd0: skip = 1; break;
        case 0xcd: case 0xd1: skip = 2; break;
        case 0xce: case 0xd2: skip = 4; break;
        case 0xcf: case 0xd3: skip = 8; break;
        case 0xd4: skip = 2; break;
        case 0xd5: skip = 3; break;
        case 0xd6: skip = 5; break;
        case 0xd7: skip = 9; break;
        case 0xd8: skip = 17; break;
        case 0xdc: len_bytes = 2, container = 1; break;
        case 0xdd: len_bytes = 4, container = 1; break;
        case 0xde: len_bytes = 2, container = 2; break;
        default: len_bytes = 4, container = 2; break;  // 0xdf
      }
    }
    if (len_bytes > 0) {
      if (s.size() - pos < len_bytes) return truncated(pos, "in a size field");
      const uint64_t n = readBigEndian(s, pos, len_bytes);
      pos += len_bytes;
      if (container == 1) {
        children = n;
      } else if (container == 2) {
        children = 2 * n;
      } else {
        skip += n;
      }
    }
    if (s.size() - pos < skip) {
      return common::dataLoss("msgpack truncated: the value at byte " + std::to_string(at) + " needs " +
                              std::to_string(skip) + " more bytes, " + std::to_string(s.size() - pos) +
                              " are left");
    }
    pos += skip;
    pending += children;
    if (pending > s.size() - pos) {
      return common::dataLoss("msgpack header at byte " + std::to_string(at) + " announces " +
                              std::to_string(children) + " elements but only " +
                              std::to_string(s.size() - pos) + " bytes are left");
    }
  }
  if (consumed != nullptr) *consumed = pos;
  return common::Status::ok();
}

}  // namespace ddsim::trace
