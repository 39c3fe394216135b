#include "core/forwarder/response_policy.h"

#include <array>

namespace ddsim::forwarder {
namespace {

struct Row {
  bool (*matches)(const TransportResult&);
  PolicyDecision decision;
};

bool isError(const TransportResult& r, TransportError e) { return r.error == e; }

// The table itself; see the header for the same table in prose (spec §6.3).
const std::array<Row, 9> kPolicy = {{
    {[](const TransportResult& r) { return isError(r, TransportError::kInvalidRequest); },
     {"invalid_request", Outcome::kDrop, DropReason::kInvalidRequest, true, false, false, BreakerAction::kRecover}},
    {[](const TransportResult& r) { return isError(r, TransportError::kCancelled); },
     {"cancelled", Outcome::kRequeue, std::nullopt, false, false, false, BreakerAction::kRecover}},
    {[](const TransportResult& r) { return isError(r, TransportError::kBodyRead); },
     {"body_read", Outcome::kRetry, std::nullopt, false, false, false, BreakerAction::kClose}},
    {[](const TransportResult& r) { return r.error != TransportError::kNone; },
     {"network", Outcome::kRetry, std::nullopt, true, true, false, BreakerAction::kClose}},
    {[](const TransportResult& r) { return r.status == 400; },
     {"http_400", Outcome::kDrop, DropReason::kHttp400, false, false, true, BreakerAction::kRecover}},
    {[](const TransportResult& r) { return r.status == 413; },
     {"http_413", Outcome::kDrop, DropReason::kHttp413, false, false, true, BreakerAction::kRecover}},
    {[](const TransportResult& r) { return r.status == 403; },
     {"http_403", Outcome::kDrop, DropReason::kHttp403, false, false, true, BreakerAction::kRecover}},
    {[](const TransportResult& r) { return r.status > 400; },
     {"http_gt_400", Outcome::kRetry, std::nullopt, true, true, true, BreakerAction::kClose}},
    {[](const TransportResult&) { return true; },
     {"success", Outcome::kSuccess, std::nullopt, false, false, false, BreakerAction::kRecover}},
}};

}  // namespace

PolicyDecision classifyResponse(const TransportResult& result) {
  for (const Row& row : kPolicy) {
    if (row.matches(result)) return row.decision;
  }
  return kPolicy.back().decision;  // unreachable: the last row matches everything
}

}  // namespace ddsim::forwarder
