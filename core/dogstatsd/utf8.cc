#include "core/dogstatsd/utf8.h"

#include <cstdint>
#include <cstring>

namespace ddsim::dogstatsd {

bool isAscii(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t acc = 0;
  // Four words per step: one OR chain each, so the loads overlap.
  uint64_t acc1 = 0, acc2 = 0, acc3 = 0;
  while (n >= 32) {
    uint64_t w[4];
    std::memcpy(w, p, 32);
    acc |= w[0];
    acc1 |= w[1];
    acc2 |= w[2];
    acc3 |= w[3];
    p += 32;
    n -= 32;
  }
  acc |= acc1 | acc2 | acc3;
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    acc |= w;
    p += 8;
    n -= 8;
  }
  if (n > 0 && s.size() >= 8) {
    // The last 8 bytes in one load (overlapping bytes already seen changes nothing).
    uint64_t w;
    std::memcpy(&w, s.data() + s.size() - 8, 8);
    acc |= w;
    n = 0;
  }
  while (n > 0) {
    acc |= static_cast<unsigned char>(*p);
    ++p;
    --n;
  }
  return (acc & 0x8080808080808080ULL) == 0;
}

bool isValidUtf8(std::string_view s) {
  if (isAscii(s)) return true;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;  // continuation byte, overlong 2-byte lead, or > U+10FFFF lead
    }
    if (static_cast<size_t>(end - p) < len) return false;
    for (size_t i = 1; i < len; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    p += len;
  }
  return true;
}

}  // namespace ddsim::dogstatsd
