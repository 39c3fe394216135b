#include "fakeintake/core/http_message.h"

#include <cctype>
#include <cstdio>

#include "fakeintake/core/utf8.h"

namespace ddsim::fakeintake {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

void HeaderList::add(std::string name, std::string value) {
  entries_.emplace_back(std::move(name), std::move(value));
}

void HeaderList::set(std::string_view name, std::string value) {
  std::erase_if(entries_, [&](const Entry& e) { return equalsIgnoreCase(e.first, name); });
  entries_.emplace_back(std::string(name), std::move(value));
}

std::optional<std::string_view> HeaderList::get(std::string_view name) const {
  for (const auto& e : entries_) {
    if (equalsIgnoreCase(e.first, name)) return std::string_view(e.second);
  }
  return std::nullopt;
}

size_t HeaderList::byteSize() const {
  size_t n = 0;
  for (const auto& e : entries_) n += e.first.size() + e.second.size();
  return n;
}

std::optional<std::string_view> queryParam(const QueryParams& q, std::string_view name) {
  for (const auto& [k, v] : q) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

namespace {
int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string percentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string percentEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

QueryParams parseQueryString(std::string_view query) {
  QueryParams out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(percentDecode(part), "");
    } else {
      out.emplace_back(percentDecode(part.substr(0, eq)), percentDecode(part.substr(eq + 1)));
    }
  }
  return out;
}

std::string errorsJson(std::string_view message) {
  std::string text(message);
  sanitizeUtf8(text);  // messages quote input (paths, names): keep the answer valid JSON
  std::string out = "{\"errors\":[\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  return out + "\"]}";
}

}  // namespace ddsim::fakeintake
