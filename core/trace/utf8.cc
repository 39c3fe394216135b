#include "core/trace/utf8.h"

namespace ddsim::trace {
namespace {

bool isContinuation(unsigned char b) { return (b & 0xC0) == 0x80; }

}  // namespace

DecodedRune decodeRune(std::string_view s) {
  if (s.empty()) return {kRuneError, 0};
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return {b0, 1};
  size_t need = 0;
  char32_t r = 0;
  char32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1, r = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2, r = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3, r = b0 & 0x07, min = 0x10000;
  } else {
    return {kRuneError, 1};
  }
  if (s.size() < need + 1) return {kRuneError, 1};
  for (size_t i = 1; i <= need; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (!isContinuation(b)) return {kRuneError, 1};
    r = (r << 6) | (b & 0x3F);
  }
  if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return {kRuneError, 1};
  return {r, need + 1};
}

size_t runeLength(char32_t r) {
  if (r < 0x80) return 1;
  if (r < 0x800) return 2;
  if (r < 0x10000) return 3;
  return 4;
}

void appendRune(std::string& out, char32_t r) {
  auto put = [&out](char32_t v) { out.push_back(static_cast<char>(v)); };
  switch (runeLength(r)) {
    case 1: put(r); break;
    case 2: put(0xC0 | (r >> 6)); put(0x80 | (r & 0x3F)); break;
    case 3: put(0xE0 | (r >> 12)); put(0x80 | ((r >> 6) & 0x3F)); put(0x80 | (r & 0x3F)); break;
    default:
      put(0xF0 | (r >> 18)); put(0x80 | ((r >> 12) & 0x3F));
      put(0x80 | ((r >> 6) & 0x3F)); put(0x80 | (r & 0x3F));
  }
}

bool isValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {  // ASCII, the common case: no decoding
      ++i;
      continue;
    }
    const DecodedRune d = decodeRune(s.substr(i));
    if (d.rune == kRuneError && d.width == 1) return false;
    i += d.width;
  }
  return true;
}

std::string repairUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const DecodedRune d = decodeRune(s.substr(i));
    appendRune(out, d.rune);
    i += d.width;
  }
  return out;
}

std::string_view truncateUtf8(std::string_view s, size_t limit) {
  if (s.size() <= limit) return s;
  size_t last_start = 0;
  for (size_t i = 0; i < s.size(); i += decodeRune(s.substr(i)).width) {
    if (i > limit) return s.substr(0, last_start);
    last_start = i;
  }
  return s;
}

}  // namespace ddsim::trace
