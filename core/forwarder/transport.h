#pragma once
// The seam between the forwarder and the network (STYLE "Transport"). The forwarder builds a
// TransportRequest per attempt and classifies the TransportResult with the response policy
// (response_policy.h); it never knows whether the bytes went over a socket (HttpTransport) or
// straight into an in-process handler (FunctionTransport, test doubles).
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/clock.h"
#include "core/serializer/payload.h"

namespace ddsim::forwarder {

// Why an attempt produced no (complete) HTTP response. Mirrors the failure points of the agent's
// Go HTTP client (spec §6.3, §6.11 ErrorsByType).
enum class TransportError {
  kNone = 0,         // an HTTP response was received (see TransportResult::status)
  kInvalidRequest,   // the request could not be built (bad URL, unsupported scheme)
  kDns,              // host name did not resolve
  kConnect,          // connection refused / unreachable
  kConnectTimeout,   // connect did not finish in time
  kTls,              // TLS handshake or verification failure
  kWrite,            // writing the request failed (peer closed, reset)
  kRead,             // reading the status line or headers failed (peer closed, reset)
  kTimeout,          // no (complete) response within the request timeout
  kBodyRead,         // status and headers arrived, then reading the body failed
  kCancelled,        // the caller cancelled the attempt (worker stopping)
  kInternal,         // anything else (an exception caught at the adapter, ...)
};

// Stable lower_snake name, used in telemetry keys and logs ("dns", "connect_timeout", ...).
std::string_view transportErrorName(TransportError e);

// A cancellation handle for one in-flight attempt. The owner calls cancel() from any thread;
// a transport that can abort a blocked socket installs a hook for the duration of the attempt.
// Thread-safe.
class CancelToken {
 public:
  // Marks the token cancelled and runs the installed hook (once). Idempotent.
  void cancel();
  bool cancelled() const;
  // Clears the cancelled flag so the token can be reused for the next attempt.
  void reset();
  // For transports: installs `hook`, run by cancel(). Returns false (and does not install it)
  // when the token is already cancelled, in which case the transport should not start.
  // The hook runs under the token's lock: it must be short and must not call the token.
  bool setHook(std::function<void()> hook);
  // Removes the hook; when cancel() is running it concurrently, waits until the hook returned.
  void clearHook();

 private:
  mutable std::mutex mu_;
  bool cancelled_ = false;
  std::function<void()> hook_;
};

struct TransportRequest {
  std::string method = "POST";  // "POST" for transactions, "GET" for API key validation
  std::string url;              // absolute: scheme://host[:port]/path[?query]
  serializer::Headers headers;  // sent as given (names already canonical)
  std::string_view body;        // must stay valid until send() returns
  common::Duration timeout = std::chrono::seconds(20);  // whole attempt (forwarder_timeout)
  CancelToken* cancel = nullptr;                         // optional
};

// Response header names the fakeintake sets in virtual mode instead of sleeping.
inline constexpr std::string_view kSimulatedLatencyHeader = "X-Ddsim-Simulated-Latency-Ms";
inline constexpr std::string_view kSimulatedTimeoutHeader = "X-Ddsim-Simulated-Timeout";

struct TransportResult {
  TransportError error = TransportError::kNone;
  // HTTP status when a status line was read: always set when error == kNone, and also with
  // kBodyRead (the body failed after the headers). 0 otherwise.
  int status = 0;
  serializer::Headers headers;  // response headers (when a response was read)
  std::string body;             // at most the transport's body cap; the rest is discarded
  bool body_truncated = false;  // the body was larger than the cap and was not read in full
  std::string error_message;    // human-readable detail for logs (empty on success)
  // Virtual time: the intake says the answer took this long (X-Ddsim-Simulated-Latency-Ms)...
  std::optional<common::Duration> simulated_latency;
  // ...or that it never answered (X-Ddsim-Simulated-Timeout: 1). The forwarder treats the
  // attempt as a timeout error after forwarder_timeout of virtual time.
  bool simulated_timeout = false;

  bool hasResponse() const { return error == TransportError::kNone; }
  static TransportResult failure(TransportError e, std::string message, int status = 0);
};

// Reads the X-Ddsim-Simulated-* headers of `r.headers` into its simulated fields. Malformed
// values are ignored (logged at debug). Both transports call this so they agree.
void applySimulationHeaders(TransportResult& r);

class Transport {
 public:
  virtual ~Transport() = default;
  // Performs one attempt. Never throws; every failure is a TransportResult with an error.
  // Thread-safe: the forwarder's workers call it concurrently.
  // Returns within about request.timeout (plus connect time bounded by the same timeout).
  virtual TransportResult send(const TransportRequest& request) = 0;
  // Drops idle keep-alive connections (agent's forwarder_connection_reset_interval). Optional.
  virtual void resetConnections() {}
};

}  // namespace ddsim::forwarder
