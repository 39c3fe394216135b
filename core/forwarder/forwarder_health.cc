#include "core/forwarder/forwarder_health.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace ddsim::forwarder {

std::string_view apiKeyStatusName(ApiKeyStatus s) {
  switch (s) {
    case ApiKeyStatus::kValid: return "API Key valid";
    case ApiKeyStatus::kInvalid: return "API Key invalid";
    case ApiKeyStatus::kUnreachable: return "Unable to reach the API Key validation endpoint";
    case ApiKeyStatus::kUnexpectedStatus: return "Unexpected response code from the API Key validation endpoint";
    case ApiKeyStatus::kFake: return "Fake API Key that skips validation";
  }
  return "unknown";
}

ForwarderHealth::ForwarderHealth(const std::vector<DomainConfig>& domains, Transport& transport,
                                 std::string agent_version, common::Duration interval)
    : transport_(&transport), agent_version_(std::move(agent_version)), interval_(interval) {
  if (interval_ <= common::Duration::zero()) interval_ = std::chrono::minutes(60);
  size_t key_count = 0;
  for (const DomainConfig& d : domains) {
    const std::string api = apiDomainForValidation(d.configured_url);
    auto it = std::find_if(keys_per_api_domain_.begin(), keys_per_api_domain_.end(),
                           [&](const auto& e) { return e.first == api; });
    if (it == keys_per_api_domain_.end()) {
      keys_per_api_domain_.push_back({api, {}});
      it = keys_per_api_domain_.end() - 1;
    }
    it->second.insert(it->second.end(), d.api_keys.begin(), d.api_keys.end());
    key_count += d.api_keys.size();
  }
  // agent behaviour: a 10 s budget shared by all keys.
  request_timeout_ = key_count ? kApiKeyValidationBudget / static_cast<int64_t>(key_count) : kApiKeyValidationBudget;
}

ApiKeyStatus ForwarderHealth::validate(const std::string& api_domain, const std::string& key) {
  if (key == kFakeApiKey) return ApiKeyStatus::kFake;
  TransportRequest req;
  req.method = "GET";
  req.url = api_domain + "/api/v1/validate?api_key=" + key;
  req.headers.emplace_back("User-Agent", "datadog-agent/" + agent_version_);
  req.timeout = request_timeout_;
  const TransportResult r = transport_->send(req);
  if (!r.hasResponse()) {
    spdlog::debug("forwarder: API key ending with {} for domain {} could not be validated: {}",
                  key.size() > 5 ? key.substr(key.size() - 5) : key, api_domain, r.error_message);
    return ApiKeyStatus::kUnreachable;
  }
  if (r.status == 200) return ApiKeyStatus::kValid;
  if (r.status == 403) return ApiKeyStatus::kInvalid;
  return ApiKeyStatus::kUnexpectedStatus;
}

bool ForwarderHealth::checkValidApiKeys() {
  bool any_valid = false;
  bool any_error = false;
  std::map<std::string, ApiKeyStatus> status;
  for (const auto& [api_domain, keys] : keys_per_api_domain_) {
    for (const std::string& key : keys) {
      const ApiKeyStatus s = validate(api_domain, key);
      status["API key ending with " + (key.size() > 5 ? key.substr(key.size() - 5) : key)] = s;
      switch (s) {
        case ApiKeyStatus::kValid:
        case ApiKeyStatus::kFake: any_valid = true; break;
        case ApiKeyStatus::kInvalid:
          spdlog::warn("forwarder: API key ending with {} for domain {} is invalid",
                       key.size() > 5 ? key.substr(key.size() - 5) : key, api_domain);
          break;
        case ApiKeyStatus::kUnreachable:
        case ApiKeyStatus::kUnexpectedStatus: any_error = true; break;
      }
    }
  }
  const bool verdict = any_error || any_valid;
  if (!verdict) spdlog::error("forwarder: no valid api key found, reporting the forwarder as unhealthy.");
  std::lock_guard lock(mu_);
  status_ = std::move(status);
  verdict_ = verdict;
  return verdict;
}

void ForwarderHealth::start(common::SteadyTime now) {
  std::lock_guard lock(mu_);
  next_check_ = now;
}

void ForwarderHealth::tick(common::SteadyTime now) {
  {
    std::lock_guard lock(mu_);
    if (!next_check_ || now < *next_check_) return;
    while (*next_check_ <= now) *next_check_ += interval_;
  }
  checkValidApiKeys();
}

std::optional<common::SteadyTime> ForwarderHealth::nextDeadline() const {
  std::lock_guard lock(mu_);
  return next_check_;
}

std::map<std::string, ApiKeyStatus> ForwarderHealth::apiKeyStatus() const {
  std::lock_guard lock(mu_);
  return status_;
}

std::optional<bool> ForwarderHealth::lastVerdict() const {
  std::lock_guard lock(mu_);
  return verdict_;
}

}  // namespace ddsim::forwarder
