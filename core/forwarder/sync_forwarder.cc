#include "core/forwarder/sync_forwarder.h"

#include <spdlog/spdlog.h>

#include "core/forwarder/transaction_attempt.h"

namespace ddsim::forwarder {

SyncForwarder::SyncForwarder(ForwarderOptions options, Transport& transport, common::Clock& clock,
                             common::Duration timeout)
    : options_(std::move(options)), transport_(transport), timeout_(timeout) {
  (void)clock;
}

common::Result<std::unique_ptr<SyncForwarder>> SyncForwarder::create(ForwarderOptions options, Transport& transport,
                                                                    common::Clock& clock, common::Duration timeout) {
  if (auto st = options.validate(); !st.isOk()) return st;
  if (timeout <= common::Duration::zero()) return common::invalidArgument("sync forwarder timeout must be > 0");
  auto domains = resolveDomains(options);
  if (!domains.isOk()) return domains.status();
  std::unique_ptr<SyncForwarder> f(new SyncForwarder(std::move(options), transport, clock, timeout));
  f->factory_ = std::make_unique<TransactionFactory>(f->options_, std::move(domains).value(), clock, f->ids_);
  return f;
}

common::Status SyncForwarder::submit(serializer::Submission&& submission) {
  // agent behaviour: the serverless forwarder sends every kind with normal priority.
  submission.priority = serializer::TransactionPriority::kNormal;
  auto created = factory_->create(submission);
  if (!created.isOk()) return created.status();
  if (factory_->domains().empty()) {
    telemetry_.onDropped(serializer::endpointInfo(submission.endpoint).name, DropReason::kNoDestination,
                         static_cast<int64_t>(submission.payloads.size() - created->null_payloads));
  }
  common::Duration total = common::Duration::zero();
  // One attempt: sends, counts; true when the agent's Process() would return an error.
  const auto attempt = [&](Transaction& t) {
    TimedResult timed = applyVirtualTiming(sendAttempt(t, transport_, timeout_, nullptr), timeout_);
    total += timed.took;
    const PolicyDecision d = recordAttempt(t, timed.result, telemetry_, options_.logging_frequency);
    return d.outcome == Outcome::kRetry && t.retryable;
  };
  for (TransactionPtr& t : created->transactions) {
    telemetry_.onInput(t->endpoint_name, t->payloadSize());
    if (!attempt(*t)) continue;
    // agent behaviour: the connection may have been closed between invocations; retry once.
    spdlog::debug("forwarder: sync forwarder retrying transaction to {}", t->target());
    if (attempt(*t)) {
      spdlog::warn("forwarder: sync forwarder failed to send a transaction to {}", t->target());
      telemetry_.onDropped(t->endpoint_name, DropReason::kSyncSendFailed);
    }
  }
  spdlog::debug("forwarder: sync forwarder has flushed {} transactions", created->transactions.size());
  last_duration_ = total;
  if (created->null_payloads > 0) {
    return common::invalidArgument("submission had " + std::to_string(created->null_payloads) +
                                   " null payload(s); they were skipped");
  }
  return common::Status::ok();
}

}  // namespace ddsim::forwarder
