#include "core/forwarder/transaction_factory.h"

namespace ddsim::forwarder {

common::Result<RouteInfo> routeFor(serializer::Endpoint endpoint, bool legacy_orchestrator) {
  using serializer::Endpoint;
  if (endpoint == Endpoint::kOrchestrator && legacy_orchestrator) endpoint = Endpoint::kOrchestratorLegacy;
  const serializer::EndpointInfo info = serializer::endpointInfo(endpoint);
  switch (endpoint) {
    case Endpoint::kSeriesV1:
    case Endpoint::kSeriesV2: return RouteInfo{info.route, info.name, TransactionKind::kSeries, false};
    case Endpoint::kSketches: return RouteInfo{info.route, info.name, TransactionKind::kSketches, false};
    case Endpoint::kCheckRun: return RouteInfo{info.route, info.name, TransactionKind::kCheckRuns, false};
    case Endpoint::kIntake: return RouteInfo{info.route, info.name, TransactionKind::kEvents, false};
    case Endpoint::kMetadata: return RouteInfo{info.route, info.name, TransactionKind::kMetadata, false};
    case Endpoint::kOrchestrator:
    case Endpoint::kOrchestratorLegacy:
    case Endpoint::kOrchestratorManifest: return RouteInfo{info.route, info.name, TransactionKind::kProcess, true};
    case Endpoint::kTraces:
    case Endpoint::kStats: return RouteInfo{info.route, info.name, TransactionKind::kTraces, false};
    case Endpoint::kValidate: break;
  }
  return common::invalidArgument("endpoint '" + std::string(info.route) + "' is not a submission endpoint");
}

TransactionFactory::TransactionFactory(const ForwarderOptions& options, std::vector<DomainConfig> domains,
                                       common::Clock& clock, std::atomic<uint64_t>& ids)
    : agent_version_(options.agent_version),
      allow_arbitrary_tags_(options.allow_arbitrary_tags),
      legacy_orchestrator_(options.use_legacy_orchestrator_endpoint),
      domains_(std::move(domains)),
      clock_(&clock),
      ids_(&ids) {}

common::Result<TransactionFactory::Created> TransactionFactory::create(
    const serializer::Submission& submission) const {
  auto route = routeFor(submission.endpoint, legacy_orchestrator_);
  if (!route.isOk()) return route.status();
  const bool intake = submission.endpoint == serializer::Endpoint::kIntake;
  // Host / agent-checks metadata go to /intake/ and are not storable (spec §5.1).
  const TransactionKind kind = intake && !submission.storable_on_disk ? TransactionKind::kMetadata : route->kind;
  Created out;
  const common::SystemTime now = clock_->systemNow();
  for (const serializer::PayloadPtr& payload : submission.payloads) {
    if (!payload) {
      ++out.null_payloads;
      continue;
    }
    for (const DomainConfig& d : domains_) {
      for (const std::string& key : d.api_keys) {
        auto t = std::make_unique<Transaction>();
        t->id = ids_->fetch_add(1);
        t->domain = d.domain;
        t->route = std::string(route->route);
        t->endpoint_name = std::string(route->name);
        t->payload = payload;
        t->created_at = now;
        t->priority = submission.priority;
        t->storable_on_disk = submission.storable_on_disk;
        t->kind = kind;
        t->counts_attempts = route->counts_attempts;
        setHeader(t->headers, "DD-Api-Key", key);
        setHeader(t->headers, "DD-Agent-Version", agent_version_);
        setHeader(t->headers, "User-Agent", "datadog-agent/" + agent_version_);
        if (allow_arbitrary_tags_) setHeader(t->headers, "Allow-Arbitrary-Tag-Value", "true");
        // agent behaviour: the serializer's extra headers are Set after the standard ones.
        for (const auto& [name, value] : submission.headers) setHeader(t->headers, name, value);
        if (intake) setHeader(t->headers, "Content-Type", "application/json");
        out.transactions.push_back(std::move(t));
      }
    }
  }
  return out;
}

}  // namespace ddsim::forwarder
