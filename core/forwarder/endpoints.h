#pragma once
// Destinations of the forwarder (spec §6.1): the main endpoint plus additional_endpoints, each
// with its API keys, and the agent's rewrite of Datadog app domains to version-prefixed ones.
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"
#include "core/forwarder/forwarder_options.h"

namespace ddsim::forwarder {

struct DomainConfig {
  std::string configured_url;         // as configured (dd_url / https://app.<site> / additional)
  std::string domain;                 // what transactions are sent to (version-prefixed if Datadog)
  std::vector<std::string> api_keys;  // trimmed, de-duplicated, configured order, non-empty
};

// Main endpoint first, then additional_endpoints in URL order. Keys are trimmed and
// de-duplicated; a domain left with no key is removed (logged). An unparsable URL is an
// InvalidArgument naming it.
common::Result<std::vector<DomainConfig>> resolveDomains(const ForwarderOptions& options);

// "https://app.datadoghq.com" -> "https://7-57-0-app.agent.datadoghq.com" when the host part
// matches the agent's Datadog app-domain pattern; any other URL is returned unchanged.
std::string addAgentVersionToDomain(std::string_view url, std::string_view agent_version);

// API-key validation base URL (spec §6.8): "https://api.<site>" for Datadog domains, else the
// configured URL itself.
std::string apiDomainForValidation(std::string_view configured_url);

}  // namespace ddsim::forwarder
