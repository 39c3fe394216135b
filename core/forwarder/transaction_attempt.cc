#include "core/forwarder/transaction_attempt.h"

#include <spdlog/spdlog.h>

#include <charconv>

namespace ddsim::forwarder {
namespace {

std::string_view truncatedForLog(const std::string& body) {
  return std::string_view(body).substr(0, 1000);
}

}  // namespace

TransportResult sendAttempt(Transaction& t, Transport& transport, common::Duration timeout, CancelToken* cancel) {
  if (t.counts_attempts) {
    // agent behaviour: the attempt handler of process-like payloads counts attempts in a header.
    const std::string_view current = headerValue(t.headers, "X-DD-Agent-Attempts");
    int64_t attempts = 0;
    std::from_chars(current.data(), current.data() + current.size(), attempts);
    setHeader(t.headers, "X-DD-Agent-Attempts", std::to_string(attempts + 1));
  }
  TransportRequest req;
  req.method = "POST";
  req.url = t.target();
  req.headers = t.headers;
  if (t.payload) req.body = t.payload->bytes;
  req.timeout = timeout;
  req.cancel = cancel;
  return transport.send(req);
}

PolicyDecision recordAttempt(Transaction& t, const TransportResult& r, ForwarderTelemetry& telemetry,
                             int64_t logging_frequency) {
  const PolicyDecision d = classifyResponse(r);
  if (r.error != TransportError::kNone) telemetry.onTransportError(r.error);
  if (r.body_truncated) telemetry.onBodyTruncated();
  if (d.http_error) telemetry.onHttpError(r.status);
  if (d.counts_error) telemetry.onError(r.error);
  if (d.increments_error_count) ++t.error_count;
  const std::string target = t.target();
  switch (d.outcome) {
    case Outcome::kSuccess: {
      telemetry.onSuccess(t.endpoint_name, t.payloadSize());
      const int64_t n = telemetry.success();
      if (n == 1) {
        spdlog::info("forwarder: successfully posted payload to \"{}\" ({}), the agent will only log transaction "
                     "success every {} transactions", target, r.status, logging_frequency);
      } else if (logging_frequency > 0 && n % logging_frequency == 0) {
        spdlog::info("forwarder: successfully posted payload to \"{}\" ({})", target, r.status);
      } else {
        spdlog::trace("forwarder: successfully posted payload to \"{}\" ({})", target, r.status);
      }
      break;
    }
    case Outcome::kDrop:
      if (d.drop_reason == DropReason::kHttp403) {
        spdlog::error("forwarder: API Key invalid, dropping transaction for {}", target);
      } else if (d.drop_reason == DropReason::kInvalidRequest) {
        spdlog::error("forwarder: could not create request for transaction to invalid URL \"{}\" (dropping "
                      "transaction): {}", target, r.error_message);
      } else {
        spdlog::error("forwarder: error code \"{}\" received while sending transaction to \"{}\": \"{}\", dropping it",
                      r.status, target, truncatedForLog(r.body));
      }
      telemetry.onDropped(t.endpoint_name, *d.drop_reason);
      break;
    case Outcome::kRetry:
      if (r.error == TransportError::kNone) {
        spdlog::error("forwarder: error \"{}\" while sending transaction to \"{}\", rescheduling it: \"{}\"", r.status,
                      target, truncatedForLog(r.body));
      } else {
        spdlog::error("forwarder: error while sending transaction to \"{}\", rescheduling it: {} ({})", target,
                      r.error_message, transportErrorName(r.error));
      }
      break;
    case Outcome::kRequeue:
      break;
  }
  return d;
}

TimedResult applyVirtualTiming(TransportResult r, common::Duration timeout) {
  TimedResult out;
  if (r.hasResponse() && (r.simulated_timeout || (r.simulated_latency && *r.simulated_latency > timeout))) {
    out.result = TransportResult::failure(TransportError::kTimeout, "no response within the timeout (simulated)");
    out.took = timeout;
    return out;
  }
  out.took = r.simulated_latency.value_or(common::Duration::zero());
  out.result = std::move(r);
  return out;
}

}  // namespace ddsim::forwarder
