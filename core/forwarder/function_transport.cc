#include "core/forwarder/function_transport.h"

#include <exception>

namespace ddsim::forwarder {

FunctionTransport::FunctionTransport(Handler handler, size_t max_response_body_bytes)
    : handler_(std::move(handler)), max_body_(max_response_body_bytes) {}

TransportResult FunctionTransport::send(const TransportRequest& request) {
  if (request.cancel && request.cancel->cancelled()) {
    return TransportResult::failure(TransportError::kCancelled, "cancelled before sending");
  }
  if (!handler_) return TransportResult::failure(TransportError::kInternal, "no handler installed");
  TransportResult r;
  try {
    r = handler_(request);
  } catch (const std::exception& e) {
    return TransportResult::failure(TransportError::kInternal, std::string("handler threw: ") + e.what());
  } catch (...) {
    return TransportResult::failure(TransportError::kInternal, "handler threw a non-standard exception");
  }
  if (r.body.size() > max_body_) {
    r.body.resize(max_body_);
    r.body_truncated = true;
  }
  if (r.hasResponse()) applySimulationHeaders(r);
  return r;
}

}  // namespace ddsim::forwarder
