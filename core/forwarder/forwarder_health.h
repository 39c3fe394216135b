#pragma once
// API key validation and forwarder health (spec §6.8, forwarder_health.go). At start and every
// forwarder_apikey_validation_interval minutes each configured key is checked with
// GET <api-domain>/api/v1/validate?api_key=<key>. The verdict is "valid" when any key is valid
// OR any check could not be completed (to avoid false alarms during outages). As in the agent
// snapshot, an invalid verdict only produces error logs and key statuses; it does not make the
// forwarder unhealthy.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/forwarder/endpoints.h"
#include "core/forwarder/transport.h"

namespace ddsim::forwarder {

// The agent's fake key: valid without a request.
inline constexpr std::string_view kFakeApiKey = "00000000000000000000000000000000";

enum class ApiKeyStatus { kValid, kInvalid, kUnreachable, kUnexpectedStatus, kFake };
std::string_view apiKeyStatusName(ApiKeyStatus s);

class ForwarderHealth {
 public:
  // `domains` as configured (their configured_url decides the API domain). `transport` must
  // outlive this object.
  ForwarderHealth(const std::vector<DomainConfig>& domains, Transport& transport, std::string agent_version,
                  common::Duration interval);

  // One validation round over every (API domain, key); returns the verdict. Thread-safe.
  bool checkValidApiKeys();

  // Virtual mode: runs a round when due (the first one at start).
  void start(common::SteadyTime now);
  void tick(common::SteadyTime now);
  std::optional<common::SteadyTime> nextDeadline() const;

  // "API key ending with <last 5 chars>" -> status of the last round.
  std::map<std::string, ApiKeyStatus> apiKeyStatus() const;
  std::optional<bool> lastVerdict() const;
  common::Duration interval() const { return interval_; }
  common::Duration requestTimeout() const { return request_timeout_; }

 private:
  ApiKeyStatus validate(const std::string& api_domain, const std::string& key);

  Transport* transport_;
  std::string agent_version_;
  common::Duration interval_;
  common::Duration request_timeout_;
  std::vector<std::pair<std::string, std::vector<std::string>>> keys_per_api_domain_;
  mutable std::mutex mu_;
  std::map<std::string, ApiKeyStatus> status_;
  std::optional<bool> verdict_;
  std::optional<common::SteadyTime> next_check_;
};

}  // namespace ddsim::forwarder
