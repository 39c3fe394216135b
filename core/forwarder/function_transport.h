#pragma once
// An in-process Transport: each attempt calls a handler directly (no socket). The simulator
// plugs the fakeintake's request handler in here; tests use it as a scripted double.
#include <cstddef>
#include <functional>

#include "core/forwarder/transport.h"

namespace ddsim::forwarder {

class FunctionTransport final : public Transport {
 public:
  // Returns the response (status, headers, body) or a TransportResult::failure(...). The handler
  // may be called concurrently from several workers; it must be thread-safe if the forwarder
  // runs in live mode. Exceptions it throws become kInternal errors.
  using Handler = std::function<TransportResult(const TransportRequest&)>;

  // `max_response_body_bytes`: bodies beyond this are cut and flagged body_truncated.
  explicit FunctionTransport(Handler handler, size_t max_response_body_bytes = 64 * 1024);

  TransportResult send(const TransportRequest& request) override;

 private:
  Handler handler_;
  size_t max_body_;
};

}  // namespace ddsim::forwarder
