#include "core/forwarder/transport.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <strings.h>

namespace ddsim::forwarder {

std::string_view transportErrorName(TransportError e) {
  switch (e) {
    case TransportError::kNone: return "none";
    case TransportError::kInvalidRequest: return "invalid_request";
    case TransportError::kDns: return "dns";
    case TransportError::kConnect: return "connect";
    case TransportError::kConnectTimeout: return "connect_timeout";
    case TransportError::kTls: return "tls";
    case TransportError::kWrite: return "write";
    case TransportError::kRead: return "read";
    case TransportError::kTimeout: return "timeout";
    case TransportError::kBodyRead: return "body_read";
    case TransportError::kCancelled: return "cancelled";
    case TransportError::kInternal: return "internal";
  }
  return "unknown";
}

void CancelToken::cancel() {
  // The hook runs under the lock so that clearHook() cannot return (and the transport free
  // what the hook refers to) while it is running.
  std::lock_guard lock(mu_);
  if (cancelled_) return;
  cancelled_ = true;
  if (hook_) hook_();
  hook_ = nullptr;
}

bool CancelToken::cancelled() const {
  std::lock_guard lock(mu_);
  return cancelled_;
}

void CancelToken::reset() {
  std::lock_guard lock(mu_);
  cancelled_ = false;
  hook_ = nullptr;
}

bool CancelToken::setHook(std::function<void()> hook) {
  std::lock_guard lock(mu_);
  if (cancelled_) return false;
  hook_ = std::move(hook);
  return true;
}

void CancelToken::clearHook() {
  std::lock_guard lock(mu_);
  hook_ = nullptr;
}

TransportResult TransportResult::failure(TransportError e, std::string message, int status) {
  TransportResult r;
  r.error = e;
  r.status = status;
  r.error_message = std::move(message);
  return r;
}

void applySimulationHeaders(TransportResult& r) {
  for (const auto& [name, value] : r.headers) {
    if (name.size() == kSimulatedLatencyHeader.size() &&
        strncasecmp(name.data(), kSimulatedLatencyHeader.data(), name.size()) == 0) {
      double ms = 0;
      const char* begin = value.data();
      const char* end = value.data() + value.size();
      auto [p, ec] = std::from_chars(begin, end, ms);
      if (ec != std::errc() || p != end || !(ms >= 0) || ms > 1e12) {
        spdlog::debug("forwarder: ignoring malformed {} header '{}'", kSimulatedLatencyHeader, value);
        continue;
      }
      r.simulated_latency = common::fromSeconds(ms / 1000.0);
    } else if (name.size() == kSimulatedTimeoutHeader.size() &&
               strncasecmp(name.data(), kSimulatedTimeoutHeader.data(), name.size()) == 0) {
      r.simulated_timeout = (value == "1" || value == "true");
    }
  }
}

}  // namespace ddsim::forwarder
