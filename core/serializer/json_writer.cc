#include "core/serializer/json_writer.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace ddsim::serializer {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// true: byte can be copied as is in the jsoniter dialect.
constexpr std::array<bool, 256> makeJsoniterSafe() {
  std::array<bool, 256> t{};
  for (int b = 0; b < 256; ++b) t[b] = b >= 0x20 && b != '"' && b != '\\';
  return t;
}
constexpr std::array<bool, 256> kJsoniterSafe = makeJsoniterSafe();

// Whether any of 8 bytes needs escaping in the jsoniter dialect: a byte < 0x20, '"' or '\\'.
// (SWAR: "x has a byte < n" is (x - n*ones) & ~x & highs, exact as an any-byte test.)
inline bool anyUnsafe8(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  return (((w - kOnes * 0x20) & ~w & kHighs) | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\'))) != 0;
}

void appendUnicodeEscape(ByteBuffer& out, uint32_t cp) {
  char e[6] = {'\\', 'u', kHex[(cp >> 12) & 0xF], kHex[(cp >> 8) & 0xF], kHex[(cp >> 4) & 0xF], kHex[cp & 0xF]};
  out.append(e, 6);
}

// Escapes one ASCII byte that cannot be copied as is: a short escape where the dialect has
// one, else \u00xx.
void appendAsciiEscape(ByteBuffer& out, uint8_t b, bool go_json) {
  switch (b) {
    case '"': out.append("\\\"", 2); return;
    case '\\': out.append("\\\\", 2); return;
    case '\n': out.append("\\n", 2); return;
    case '\r': out.append("\\r", 2); return;
    case '\t': out.append("\\t", 2); return;
    case '\b':
      if (go_json) {
        out.append("\\b", 2);
        return;
      }
      break;
    case '\f':
      if (go_json) {
        out.append("\\f", 2);
        return;
      }
      break;
    default: break;
  }
  appendUnicodeEscape(out, b);
}

// Length of the valid UTF-8 sequence starting at s[i] (Go's utf8.DecodeRune rules: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0 when invalid. *cp gets the code point.
size_t validUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const auto b0 = static_cast<uint8_t>(s[i]);
  size_t n;
  uint32_t c;
  uint8_t lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    c = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    c = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    c = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<uint8_t>(s[i + k]);
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return 0;
    c = (c << 6) | (b & 0x3F);
  }
  *cp = c;
  return n;
}

void appendGoJsonString(ByteBuffer& out, std::string_view s) {
  size_t start = 0;
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<uint8_t>(s[i]);
    if (b < 0x80) {
      if (b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&') {
        ++i;
        continue;
      }
      out.append(s.data() + start, i - start);
      appendAsciiEscape(out, b, true);
      start = ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t n = validUtf8(s, i, &cp);
    if (n == 0) {
      out.append(s.data() + start, i - start);
      out.append("\\ufffd", 6);
      start = ++i;
      continue;
    }
    if (cp == 0x2028 || cp == 0x2029) {
      out.append(s.data() + start, i - start);
      appendUnicodeEscape(out, cp);
      start = i + n;
    }
    i += n;
  }
  out.append(s.data() + start, s.size() - start);
}

}  // namespace

void appendJsonString(ByteBuffer& out, std::string_view s, JsonDialect dialect) {
  out.push('"');
  if (dialect == JsonDialect::kEncodingJson) {
    appendGoJsonString(out, s);
  } else {
    size_t start = 0;
    size_t i = 0;
    while (i < s.size()) {
      if (i + 8 <= s.size()) {
        uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        if (!anyUnsafe8(w)) {
          i += 8;
          continue;
        }
      } else if (s.size() >= 8) {
        // The last 8 bytes, overlapping bytes already checked: a clean tail needs no byte loop.
        uint64_t w;
        std::memcpy(&w, s.data() + s.size() - 8, 8);
        if (!anyUnsafe8(w)) break;
      }
      const auto b = static_cast<uint8_t>(s[i]);
      if (!kJsoniterSafe[b]) {
        out.append(s.data() + start, i - start);
        appendAsciiEscape(out, b, false);
        start = i + 1;
      }
      ++i;
    }
    out.append(s.data() + start, s.size() - start);
  }
  out.push('"');
}

}  // namespace ddsim::serializer
