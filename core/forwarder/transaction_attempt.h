#pragma once
// One attempt of one transaction, shared by the default and the sync forwarder: build the
// request, send it, classify the answer with the response policy, count and log it as the agent
// does (transaction.go Process / internalProcess).
#include <cstdint>

#include "core/common/clock.h"
#include "core/forwarder/forwarder_telemetry.h"
#include "core/forwarder/response_policy.h"
#include "core/forwarder/transaction.h"
#include "core/forwarder/transport.h"

namespace ddsim::forwarder {

// Sends `t` once (bumping X-DD-Agent-Attempts for process-like transactions).
TransportResult sendAttempt(Transaction& t, Transport& transport, common::Duration timeout, CancelToken* cancel);

// Classifies `r`, updates the transaction's ErrorCount and the counters, logs like the agent,
// and returns the decision. Drops are counted here; retries and requeues are the caller's job.
PolicyDecision recordAttempt(Transaction& t, const TransportResult& r, ForwarderTelemetry& telemetry,
                             int64_t logging_frequency);

// Virtual time: how long the attempt takes and what it amounts to. A simulated timeout, or a
// simulated latency beyond `timeout`, becomes a kTimeout error after `timeout`; otherwise the
// result is unchanged and takes its simulated latency (0 when none).
struct TimedResult {
  TransportResult result;
  common::Duration took = common::Duration::zero();
};
TimedResult applyVirtualTiming(TransportResult r, common::Duration timeout);

}  // namespace ddsim::forwarder
