#pragma once
// The agent's response handling (spec §6.3, transaction.go internalProcess + worker.go) as ONE
// table: every attempt's TransportResult matches exactly one row, first match wins.
//
// | row             | matches                              | outcome   | errors++ | http_errors | breaker |
// |-----------------|--------------------------------------|-----------|----------|-------------|---------|
// | invalid_request | request could not be built           | drop      | yes (1)  | no          | recover |
// | cancelled       | attempt cancelled (worker stopping)  | requeue   | no       | no          | recover |
// | body_read       | headers read, body failed            | retry     | no       | no          | close   |
// | network         | any other transport error            | retry     | yes      | no          | close   |
// | http_400        | status 400                           | drop      | no       | yes         | recover |
// | http_413        | status 413                           | drop      | no       | yes         | recover |
// | http_403        | status 403 ("API Key invalid")       | drop      | no       | yes         | recover |
// | http_gt_400     | any other status > 400 (404, 429...) | retry     | yes      | yes         | close   |
// | success         | status < 400                         | success   | no       | no          | recover |
// (1) counted as SentRequestErrors, not in the transaction's ErrorCount.
// Drops count as successes for the circuit breaker; there is no attempt limit.
#include <optional>
#include <string_view>

#include "core/forwarder/forwarder_telemetry.h"
#include "core/forwarder/transport.h"

namespace ddsim::forwarder {

enum class Outcome { kSuccess, kDrop, kRetry, kRequeue };
enum class BreakerAction { kRecover, kClose };

struct PolicyDecision {
  std::string_view row;                   // the table row that matched
  Outcome outcome = Outcome::kSuccess;
  std::optional<DropReason> drop_reason;  // set iff outcome == kDrop
  bool counts_error = false;              // forwarder errors++ (and the transaction's ErrorCount++)
  bool increments_error_count = false;    // the transaction's ErrorCount++
  bool http_error = false;                // HTTPErrors and HTTPErrorsByCode[status]
  BreakerAction breaker = BreakerAction::kRecover;
};

// Classifies one attempt. Pure and thread-safe.
PolicyDecision classifyResponse(const TransportResult& result);

}  // namespace ddsim::forwarder
