#pragma once
// The real-network Transport on cpp-httplib 0.11: keep-alive connections pooled per origin
// (like Go's MaxIdleConnsPerHost), TCP_NODELAY, connect/read/write timeouts from the request's
// timeout (forwarder_timeout), and a response-body cap so a huge answer never exhausts memory.
// http:// is what loopback needs; https:// works through cpp-httplib's OpenSSL client.
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/forwarder/transport.h"

namespace httplib {
class Client;
}

namespace ddsim::forwarder {

struct HttpTransportOptions {
  size_t max_idle_connections_per_host = 5;                              // Go MaxIdleConnsPerHost
  common::Duration idle_connection_timeout = std::chrono::seconds(45);   // Go IdleConnTimeout
  common::Duration dial_timeout = std::chrono::seconds(30);  // capped by the request timeout
  size_t max_response_body_bytes = 64 * 1024;  // the agent only logs the first 1000 bytes
  bool skip_ssl_validation = false;            // skip_ssl_validation
};

// Thread-safe: each attempt checks a connection out of the pool, so concurrent workers never
// share one. `clock` measures the attempt's deadline (use the real clock with real sockets).
class HttpTransport final : public Transport {
 public:
  explicit HttpTransport(common::Clock& clock, HttpTransportOptions options = {});
  ~HttpTransport() override;

  TransportResult send(const TransportRequest& request) override;
  void resetConnections() override;

  // Idle pooled connections (for tests of connection reuse).
  size_t idleConnections() const;

 private:
  struct Pooled {
    std::unique_ptr<httplib::Client> client;
    common::SteadyTime last_used;
  };
  std::unique_ptr<httplib::Client> checkout(const std::string& origin, bool https);
  void checkin(const std::string& origin, std::unique_ptr<httplib::Client> client);

  common::Clock* clock_;
  HttpTransportOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::vector<Pooled>> idle_;
};

}  // namespace ddsim::forwarder
