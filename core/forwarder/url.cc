#include "core/forwarder/url.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ddsim::forwarder {

std::string Url::origin() const { return scheme + "://" + hostPort(); }

std::string Url::hostPort() const {
  return explicit_port ? host + ":" + std::to_string(port) : host;
}

common::Result<Url> parseUrl(std::string_view url) {
  const auto bad = [&](std::string_view why) {
    return common::invalidArgument("invalid URL '" + std::string(url) + "': " + std::string(why));
  };
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return bad("missing scheme");
  Url u;
  u.scheme = std::string(url.substr(0, sep));
  std::transform(u.scheme.begin(), u.scheme.end(), u.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (u.scheme != "http" && u.scheme != "https") return bad("scheme must be http or https");
  std::string_view rest = url.substr(sep + 3);
  const size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!u.target.empty() && u.target[0] == '?') u.target = "/" + u.target;
  if (authority.empty()) return bad("missing host");
  if (authority.find('@') != std::string_view::npos) return bad("user info is not supported");
  size_t colon = authority.rfind(':');
  if (authority.front() == '[') {  // IPv6 literal
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 literal");
    colon = close + 1 < authority.size() && authority[close + 1] == ':' ? close + 1 : std::string_view::npos;
  }
  if (colon != std::string_view::npos) {
    std::string_view port = authority.substr(colon + 1);
    int p = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || p <= 0 || p > 65535) {
      return bad("invalid port");
    }
    u.port = p;
    u.explicit_port = true;
    authority = authority.substr(0, colon);
  } else {
    u.port = u.scheme == "https" ? 443 : 80;
  }
  if (authority.empty()) return bad("missing host");
  for (char c : authority) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '\\') return bad("invalid host");
  }
  u.host = std::string(authority);
  return u;
}

}  // namespace ddsim::forwarder
