#include "core/trace/tag_normalizer.h"

#include <clocale>
#include <cwctype>
#include <locale.h>  // newlocale, iswalpha_l (POSIX)
#include <utility>
#include <vector>

#include "core/trace/utf8.h"

namespace ddsim::trace {
namespace {

constexpr size_t kMaxNameLen = 100;

// Non-ASCII letters and case come from glibc's C.UTF-8 tables (Go uses its own Unicode tables;
// they agree on letters and case). Without that locale, non-ASCII runes are "other".
locale_t unicodeLocale() {
  static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return loc;
}

bool isUpperRune(char32_t r) {
  const locale_t loc = unicodeLocale();
  return loc != nullptr && iswupper_l(static_cast<wint_t>(r), loc) != 0;
}
char32_t toLowerRune(char32_t r) {
  const locale_t loc = unicodeLocale();
  return loc == nullptr ? r : static_cast<char32_t>(towlower_l(static_cast<wint_t>(r), loc));
}
bool isLetterRune(char32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  const locale_t loc = unicodeLocale();
  return loc != nullptr && r != kRuneError && iswalpha_l(static_cast<wint_t>(r), loc) != 0;
}

bool isStartChar(char c) { return (c >= 'a' && c <= 'z') || c == ':'; }
bool isTagChar(char c) {
  return isStartChar(c) || (c >= '0' && c <= '9') || c == '.' || c == '/' || c == '-';
}
bool isAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isAsciiAlnum(char c) { return isAsciiAlpha(c) || (c >= '0' && c <= '9'); }

// Already normalized ASCII: returned untouched (the agent's fast path).
bool isNormalizedAscii(std::string_view tag, bool check_start) {
  if (tag.empty()) return true;
  if (tag.size() > kMaxTagLength) return false;
  size_t i = 0;
  if (check_start) {
    if (!isStartChar(tag[0])) return false;
    i = 1;
  }
  for (; i < tag.size(); ++i) {
    if (isTagChar(tag[i])) continue;
    if (tag[i] != '_') return false;
    ++i;  // an underscore must be followed by a valid, non-underscore character
    if (i == tag.size() || !isTagChar(tag[i])) return false;
  }
  return true;
}

std::string normalizeImpl(std::string_view v, bool trim_leading_non_letters) {
  if (isNormalizedAscii(v, trim_leading_non_letters)) return std::string(v);
  std::string tag(v);
  size_t trim = 0;
  size_t chars = 0;
  std::vector<std::pair<size_t, size_t>> cuts;  // [begin, end) byte ranges that become one '_'
  size_t last = 0;
  size_t last_width = 0;
  for (size_t i = 0; i < v.size(); i += last_width) {
    const DecodedRune d = decodeRune(v.substr(i));
    char32_t r = d.rune;
    last = i;
    last_width = d.width;
    if ((r >= 'a' && r <= 'z') || r == ':') {
      ++chars;
    } else if (r >= 'A' && r <= 'Z') {
      tag[i] = static_cast<char>(tag[i] + ('a' - 'A'));
      ++chars;
    } else {
      if (isUpperRune(r)) {
        const char32_t low = toLowerRune(r);
        if (runeLength(low) == runeLength(r)) {
          std::string enc;
          appendRune(enc, low);
          tag.replace(i, enc.size(), enc);
          r = low;
        }
      }
      if (isLetterRune(r)) {
        ++chars;
      } else if (trim_leading_non_letters && chars == 0) {
        trim = i + d.width;
      } else if ((r >= '0' && r <= '9') || r == '.' || r == '/' || r == '-') {
        ++chars;
      } else {
        ++chars;
        if (!cuts.empty() && cuts.back().second >= i) {
          cuts.back().second += d.width;
        } else {
          cuts.emplace_back(i, i + d.width);
        }
      }
    }
    if (i + d.width >= 2 * kMaxTagLength) break;  // mostly non-letters: give up early
    if (chars >= kMaxTagLength) break;
  }
  const size_t end = last + last_width;
  std::string out = tag.substr(trim, end - trim);
  size_t delta = trim;
  for (const auto& [cut_begin, cut_end] : cuts) {
    const size_t b = cut_begin - delta;
    const size_t e = cut_end - delta;
    if (e >= out.size()) {  // a run reaching the end is dropped
      out.resize(b);
      break;
    }
    out[b] = '_';
    if (e - b > 1) {
      out.erase(b + 1, e - b - 1);
      delta += cut_end - cut_begin - 1;
    }
  }
  return out;
}

// Letter first, then letters, digits, '.' not after '_', '_' not after '_'.
bool isValidMetricName(std::string_view name) {
  if (name.empty() || !isAsciiAlpha(name[0])) return false;
  for (size_t j = 1; j < name.size(); ++j) {
    const char b = name[j];
    const bool ok = isAsciiAlnum(b) || ((b == '.' || b == '_') && name[j - 1] != '_');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string normalizeTagValue(std::string_view v) { return normalizeImpl(v, false); }
bool isNormalTagValue(std::string_view v) { return isNormalizedAscii(v, false); }

bool isNormalMetricName(std::string_view name) {
  // normalizeMetricName's first exit: no leading non-letter to skip, valid, no trailing '_'.
  return !name.empty() && name.size() <= kMaxNameLen && isValidMetricName(name) && name.back() != '_';
}
std::string normalizeTag(std::string_view v) { return normalizeImpl(v, true); }

std::optional<std::string> normalizeMetricName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLen) return std::nullopt;
  size_t i = 0;
  while (i < name.size() && !isAsciiAlpha(name[i])) ++i;
  if (i == name.size()) return std::nullopt;
  name.remove_prefix(i);
  if (isValidMetricName(name)) {
    if (name.back() == '_') name.remove_suffix(1);
    return std::string(name);
  }
  std::string res;
  res.reserve(name.size());
  for (const char c : name) {
    if (isAsciiAlnum(c)) {
      res.push_back(c);
    } else if (c == '.') {
      if (res.back() == '_') {
        res.back() = '.';
      } else {
        res.push_back('.');
      }
    } else if (res.back() != '.' && res.back() != '_') {
      res.push_back('_');
    }
  }
  if (res.back() == '_') res.pop_back();
  return res;
}

}  // namespace ddsim::trace
