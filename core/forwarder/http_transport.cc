#include "core/forwarder/http_transport.h"

#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <exception>

#include "core/forwarder/url.h"

namespace ddsim::forwarder {
namespace {

// True when `host` is a name that does not resolve (a literal address never "fails DNS").
bool dnsFails(const std::string& host) {
  std::string h = host;
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') return false;
  addrinfo hints {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST;
  addrinfo* res = nullptr;
  if (getaddrinfo(h.c_str(), nullptr, &hints, &res) == 0) {
    freeaddrinfo(res);
    return false;
  }
  hints.ai_flags = 0;
  const int rc = getaddrinfo(h.c_str(), nullptr, &hints, &res);
  if (rc == 0) freeaddrinfo(res);
  return rc != 0;
}

template <typename F>
void splitDuration(common::Duration d, F&& set) {
  if (d < common::Duration::zero()) d = common::Duration::zero();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  set(static_cast<time_t>(us / 1'000'000), static_cast<time_t>(us % 1'000'000));
}

}  // namespace

HttpTransport::HttpTransport(common::Clock& clock, HttpTransportOptions options)
    : clock_(&clock), options_(options) {}

HttpTransport::~HttpTransport() = default;

size_t HttpTransport::idleConnections() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [origin, v] : idle_) n += v.size();
  return n;
}

void HttpTransport::resetConnections() {
  std::map<std::string, std::vector<Pooled>> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(idle_);
  }
  // Clients (and their sockets) are closed outside the lock.
}

std::unique_ptr<httplib::Client> HttpTransport::checkout(const std::string& origin, bool https) {
  {
    std::lock_guard lock(mu_);
    auto it = idle_.find(origin);
    if (it != idle_.end()) {
      const common::SteadyTime now = clock_->steadyNow();
      auto& v = it->second;
      while (!v.empty()) {
        Pooled p = std::move(v.back());
        v.pop_back();
        if (now - p.last_used <= options_.idle_connection_timeout) return std::move(p.client);
      }
    }
  }
  auto client = std::make_unique<httplib::Client>(origin);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  client->set_follow_location(false);
  client->set_decompress(true);
  if (https) client->enable_server_certificate_verification(!options_.skip_ssl_validation);
  return client;
}

void HttpTransport::checkin(const std::string& origin, std::unique_ptr<httplib::Client> client) {
  if (!client || client->is_socket_open() == 0) return;
  std::lock_guard lock(mu_);
  auto& v = idle_[origin];
  if (v.size() >= options_.max_idle_connections_per_host) return;
  v.push_back({std::move(client), clock_->steadyNow()});
}

TransportResult HttpTransport::send(const TransportRequest& request) {
  auto url = parseUrl(request.url);
  if (!url.isOk()) return TransportResult::failure(TransportError::kInvalidRequest, url.status().message());
  if (request.cancel && request.cancel->cancelled()) {
    return TransportResult::failure(TransportError::kCancelled, "cancelled before sending");
  }
  // Always name the port so the pool key and the client agree.
  const std::string origin = url->scheme + "://" + url->host + ":" + std::to_string(url->port);
  const common::SteadyTime start = clock_->steadyNow();
  const common::SteadyTime deadline = start + request.timeout;

  try {
    std::unique_ptr<httplib::Client> client = checkout(origin, url->scheme == "https");
    if (!client->is_valid()) {
      return TransportResult::failure(TransportError::kInvalidRequest, "unsupported URL " + request.url);
    }
    splitDuration(std::min(options_.dial_timeout, request.timeout),
                  [&](time_t s, time_t us) { client->set_connection_timeout(s, us); });
    splitDuration(request.timeout, [&](time_t s, time_t us) { client->set_read_timeout(s, us); });
    splitDuration(request.timeout, [&](time_t s, time_t us) { client->set_write_timeout(s, us); });

    TransportResult result;
    bool got_headers = false;
    bool deadline_hit = false;
    const size_t cap = options_.max_response_body_bytes;

    httplib::Request req;
    req.method = request.method;
    req.path = url->target;
    for (const auto& [name, value] : request.headers) req.headers.emplace(name, value);
    if (!request.body.empty()) {
      const char* data = request.body.data();
      const size_t size = request.body.size();
      req.content_length_ = size;
      req.content_provider_ = [data, size](size_t offset, size_t length, httplib::DataSink& sink) {
        return sink.write(data + offset, std::min(length, size - offset));
      };
    }
    req.response_handler = [&](const httplib::Response& res) {
      got_headers = true;
      result.status = res.status;
      for (const auto& [name, value] : res.headers) result.headers.emplace_back(name, value);
      if (res.has_header("Content-Length")) {
        const auto len = res.get_header_value<uint64_t>("Content-Length");
        if (len > cap) {
          result.body_truncated = true;  // do not even start reading it
          return false;
        }
      }
      return true;
    };
    req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
      if (clock_->steadyNow() > deadline) {
        deadline_hit = true;
        return false;
      }
      const size_t room = cap - std::min(cap, result.body.size());
      result.body.append(data, std::min(n, room));
      if (n > room) {
        result.body_truncated = true;
        return false;
      }
      return true;
    };

    bool hooked = false;
    if (request.cancel) {
      httplib::Client* raw = client.get();
      hooked = request.cancel->setHook([raw] { raw->stop(); });
      if (!hooked) return TransportResult::failure(TransportError::kCancelled, "cancelled before sending");
    }
    httplib::Response res;
    httplib::Error err = httplib::Error::Success;
    const bool ok = client->send(req, res, err);
    if (hooked) request.cancel->clearHook();
    const bool cancelled = request.cancel && request.cancel->cancelled();

    // A complete response counts even if a cancel arrived meanwhile: the intake has the payload.
    if (ok) {
      if (!got_headers) {  // 204 and HEAD answers skip the response handler
        result.status = res.status;
        for (const auto& [name, value] : res.headers) result.headers.emplace_back(name, value);
      }
      applySimulationHeaders(result);
      checkin(origin, std::move(client));
      return result;
    }
    const auto elapsed = clock_->steadyNow() - start;
    if (cancelled) return TransportResult::failure(TransportError::kCancelled, "cancelled while sending");
    if (got_headers && result.body_truncated && !deadline_hit) {
      // A response over the body cap: classified by its status like any other response; the
      // rest of the body is never read (the connection is closed).
      applySimulationHeaders(result);
      return result;
    }
    if (deadline_hit) {
      return TransportResult::failure(TransportError::kBodyRead, "response body not read within the timeout",
                                      result.status);
    }
    switch (err) {
      case httplib::Error::Connection:
        if (dnsFails(url->host)) {
          return TransportResult::failure(TransportError::kDns, "cannot resolve host '" + url->host + "'");
        }
        return TransportResult::failure(TransportError::kConnect, "cannot connect to " + url->hostPort());
      case httplib::Error::ConnectionTimeout:
        return TransportResult::failure(TransportError::kConnectTimeout, "connect to " + url->hostPort() + " timed out");
      case httplib::Error::SSLConnection:
      case httplib::Error::SSLLoadingCerts:
      case httplib::Error::SSLServerVerification:
        return TransportResult::failure(TransportError::kTls, "TLS error: " + httplib::to_string(err));
      case httplib::Error::Write:
        return TransportResult::failure(TransportError::kWrite, "writing the request failed");
      case httplib::Error::Read:
        if (got_headers) {
          return TransportResult::failure(TransportError::kBodyRead, "reading the response body failed",
                                          result.status);
        }
        if (elapsed >= request.timeout) {
          return TransportResult::failure(TransportError::kTimeout, "no response within the timeout");
        }
        return TransportResult::failure(TransportError::kRead, "reading the response failed (connection closed)");
      default:
        return TransportResult::failure(TransportError::kInternal, "HTTP client error: " + httplib::to_string(err));
    }
  } catch (const std::exception& e) {
    return TransportResult::failure(TransportError::kInternal, std::string("HTTP client threw: ") + e.what());
  } catch (...) {
    return TransportResult::failure(TransportError::kInternal, "HTTP client threw a non-standard exception");
  }
}

}  // namespace ddsim::forwarder
