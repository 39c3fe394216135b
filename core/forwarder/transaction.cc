#include "core/forwarder/transaction.h"

#include <strings.h>

namespace ddsim::forwarder {
namespace {

bool isTokenChar(unsigned char c) {
  if (c >= 0x80 || c <= 0x20) return false;
  switch (c) {
    case '(': case ')': case '<': case '>': case '@': case ',': case ';': case ':': case '\\':
    case '"': case '/': case '[': case ']': case '?': case '=': case '{': case '}':
      return false;
    default:
      return c != 0x7f;
  }
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string canonicalHeaderKey(std::string_view key) {
  for (unsigned char c : key) {
    if (!isTokenChar(c)) return std::string(key);
  }
  std::string out(key);
  bool upper = true;
  for (char& c : out) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    else if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    upper = c == '-';
  }
  return out;
}

void setHeader(serializer::Headers& headers, std::string_view key, std::string value) {
  std::string canonical = canonicalHeaderKey(key);
  bool replaced = false;
  for (auto it = headers.begin(); it != headers.end();) {
    if (equalsIgnoreCase(it->first, canonical)) {
      if (!replaced) {
        it->first = canonical;
        it->second = std::move(value);
        replaced = true;
        ++it;
      } else {
        it = headers.erase(it);
      }
    } else {
      ++it;
    }
  }
  if (!replaced) headers.emplace_back(std::move(canonical), std::move(value));
}

std::string_view headerValue(const serializer::Headers& headers, std::string_view key) {
  for (const auto& [k, v] : headers) {
    if (equalsIgnoreCase(k, key)) return v;
  }
  return {};
}

bool retryOrderLess(const Transaction& a, const Transaction& b) {
  if (a.priority != b.priority) return a.priority > b.priority;
  if (a.created_at != b.created_at) return a.created_at > b.created_at;
  return a.id > b.id;
}

bool dropOrderLess(const Transaction& a, const Transaction& b) { return retryOrderLess(b, a); }

}  // namespace ddsim::forwarder
