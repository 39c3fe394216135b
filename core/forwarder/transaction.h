#pragma once
// One HTTP transaction: a payload bound for one domain with one API key (spec §6.2).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/clock.h"
#include "core/serializer/payload.h"

namespace ddsim::forwarder {

// The agent's transaction kinds (transaction.Kind); only used for routing decisions and telemetry.
enum class TransactionKind { kSeries, kSketches, kServiceChecks, kEvents, kCheckRuns, kMetadata, kProcess, kTraces };

struct Transaction {
  uint64_t id = 0;             // creation sequence; the tie-breaker that makes ordering total
  std::string domain;          // e.g. "https://7-57-0-app.agent.datadoghq.com"
  std::string route;           // e.g. "/api/v2/series"
  std::string endpoint_name;   // telemetry name, e.g. "series_v2"
  serializer::Headers headers; // canonical names, DD-Api-Key included
  serializer::PayloadPtr payload;
  common::SystemTime created_at;
  int64_t error_count = 0;     // network errors and HTTP > 400 other than 403/413
  bool retryable = true;
  bool storable_on_disk = true;
  serializer::TransactionPriority priority = serializer::TransactionPriority::kNormal;
  TransactionKind kind = TransactionKind::kSeries;
  // Process-like payloads (orchestrator) carry X-DD-Agent-Attempts, incremented per attempt.
  bool counts_attempts = false;

  // domain + route: the circuit breaker's key and the request URL.
  std::string target() const { return domain + route; }
  size_t payloadSize() const { return payload ? payload->bytes.size() : 0; }
  int64_t pointCount() const { return payload ? payload->point_count : 0; }
};

using TransactionPtr = std::unique_ptr<Transaction>;

// Go's http.CanonicalHeaderKey: "dd-api-key" -> "Dd-Api-Key". Keys with characters outside
// the token set are returned unchanged, as Go does.
std::string canonicalHeaderKey(std::string_view key);
// http.Header.Set: replaces every value of the (canonicalised) key, else appends.
void setHeader(serializer::Headers& headers, std::string_view key, std::string value);
// First value of the key (case-insensitive), or "" when absent.
std::string_view headerValue(const serializer::Headers& headers, std::string_view key);

// The agent's SortByCreatedTimeAndPriority with a total order (ties broken by id):
// retry order = high priority first, then newest first (spec §6.4).
bool retryOrderLess(const Transaction& a, const Transaction& b);
// drop order = the exact reverse: normal priority first, then oldest first (spec §6.6).
bool dropOrderLess(const Transaction& a, const Transaction& b);

}  // namespace ddsim::forwarder
