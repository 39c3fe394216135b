#pragma once
// Turns a serializer Submission into transactions exactly as the agent's
// createAdvancedHTTPTransactions does (spec §6.2): one per payload x domain x API key, in that
// nesting order, with the agent's headers. Shared by the default and the sync forwarder.
// Thread-safe (ids come from an atomic counter).
#include <atomic>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/common/clock.h"
#include "core/common/status.h"
#include "core/forwarder/endpoints.h"
#include "core/forwarder/forwarder_options.h"
#include "core/forwarder/transaction.h"
#include "core/serializer/payload.h"

namespace ddsim::forwarder {

struct RouteInfo {
  std::string_view route;
  std::string_view name;
  TransactionKind kind;
  bool counts_attempts;  // process-like payloads send X-DD-Agent-Attempts
};

// The route, telemetry name and kind of a submission endpoint (spec §5.1). kOrchestrator goes
// to the legacy route when `legacy_orchestrator` is set. InvalidArgument for kValidate.
common::Result<RouteInfo> routeFor(serializer::Endpoint endpoint, bool legacy_orchestrator);

class TransactionFactory {
 public:
  // `ids` is shared with everything else that creates transactions (disk reload) so ids stay
  // unique; it must outlive the factory.
  TransactionFactory(const ForwarderOptions& options, std::vector<DomainConfig> domains, common::Clock& clock,
                     std::atomic<uint64_t>& ids);

  struct Created {
    std::vector<TransactionPtr> transactions;
    size_t null_payloads = 0;  // skipped (bad input)
  };
  // Null payloads are skipped and counted in `null_payloads`; the rest are created.
  common::Result<Created> create(const serializer::Submission& submission) const;

  const std::vector<DomainConfig>& domains() const { return domains_; }

 private:
  std::string agent_version_;
  bool allow_arbitrary_tags_;
  bool legacy_orchestrator_;
  std::vector<DomainConfig> domains_;
  common::Clock* clock_;
  std::atomic<uint64_t>* ids_;
};

}  // namespace ddsim::forwarder
