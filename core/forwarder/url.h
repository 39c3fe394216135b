#pragma once
// Minimal absolute-URL splitting for intake URLs ("https://app.datadoghq.com",
// "http://127.0.0.1:8080/api/v2/series?x=1"). Not a general RFC 3986 parser: no user info,
// no IPv6 literals beyond "[...]" pass-through.
#include <string>
#include <string_view>

#include "core/common/status.h"

namespace ddsim::forwarder {

struct Url {
  std::string scheme;  // lower-case "http" or "https"
  std::string host;    // host name or address, as written (no port)
  int port = 0;        // explicit port, or the scheme default (80 / 443)
  bool explicit_port = false;
  std::string target;  // path + query, "/" when empty

  // "scheme://host[:port]" as written (the key of a connection pool).
  std::string origin() const;
  // "host[:port]" as in Go's url.URL.Host (port only when written).
  std::string hostPort() const;
};

// Splits an absolute http(s) URL. InvalidArgument (with the URL in the message) otherwise.
common::Result<Url> parseUrl(std::string_view url);

}  // namespace ddsim::forwarder
