#pragma once
// The serverless flavour's synchronous forwarder (spec §6.9, sync_forwarder.go): the same
// transactions as the default forwarder (headers, domains, version-prefixed domain), sent one
// after the other on the caller's thread. A failed attempt is retried exactly once, at once;
// then the transaction is given up with a warning. No queues, no retry queue, no circuit
// breaker, no health check. submit() always succeeds, like the agent's.
#include <memory>

#include "core/common/clock.h"
#include "core/common/status.h"
#include "core/forwarder/forwarder_options.h"
#include "core/forwarder/forwarder_telemetry.h"
#include "core/forwarder/transaction_factory.h"
#include "core/forwarder/transport.h"
#include "core/serializer/forwarder_interface.h"

namespace ddsim::forwarder {

class SyncForwarder final : public serializer::PayloadForwarder {
 public:
  // `timeout`: the per-attempt HTTP timeout (serverless uses its 5 s flush timeout).
  static common::Result<std::unique_ptr<SyncForwarder>> create(ForwarderOptions options, Transport& transport,
                                                              common::Clock& clock,
                                                              common::Duration timeout = kServerlessFlushTimeout);

  // Sends every transaction of the submission before returning. Only a non-submission
  // endpoint or null payloads give an error (InvalidArgument); network outcomes never do.
  // Not meant for concurrent callers (the serverless flush is sequential), but safe.
  common::Status submit(serializer::Submission&& submission) override;

  // Virtual time: the sum of the simulated latencies of the last submit's attempts (the caller
  // advances its clock by it; a simulated timeout counts as the full timeout).
  common::Duration lastSubmitSimulatedDuration() const { return last_duration_; }

  common::TelemetrySnapshot telemetry() const { return telemetry_.snapshot(); }
  const ForwarderTelemetry& counters() const { return telemetry_; }

 private:
  SyncForwarder(ForwarderOptions options, Transport& transport, common::Clock& clock, common::Duration timeout);

  ForwarderOptions options_;
  Transport& transport_;
  common::Duration timeout_;
  ForwarderTelemetry telemetry_;
  std::atomic<uint64_t> ids_{1};
  std::unique_ptr<TransactionFactory> factory_;
  common::Duration last_duration_ = common::Duration::zero();
};

}  // namespace ddsim::forwarder
