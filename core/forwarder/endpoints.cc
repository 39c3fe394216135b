#include "core/forwarder/endpoints.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "core/forwarder/url.h"

namespace ddsim::forwarder {
namespace {

std::string trim(std::string_view s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  auto b = std::find_if(s.begin(), s.end(), not_space);
  auto e = std::find_if(s.rbegin(), s.rend(), not_space).base();
  return b < e ? std::string(b, e) : std::string();
}

// Major, minor and patch of "7.57.0", "7.57.0-rc.1+git.5": missing parts are 0.
std::string versionPrefix(std::string_view version) {
  int parts[3] = {0, 0, 0};
  size_t i = 0;
  for (int p = 0; p < 3 && i < version.size(); ++p) {
    int v = 0;
    while (i < version.size() && std::isdigit(static_cast<unsigned char>(version[i]))) {
      v = v * 10 + (version[i] - '0');
      ++i;
    }
    parts[p] = v;
    if (i < version.size() && version[i] == '.') {
      ++i;
    } else {
      break;
    }
  }
  return std::to_string(parts[0]) + "-" + std::to_string(parts[1]) + "-" + std::to_string(parts[2]);
}

}  // namespace

std::string addAgentVersionToDomain(std::string_view url, std::string_view agent_version) {
  static const std::regex kAppDomain(R"(^app(\.[a-z]{2}\d)?\.(datad(oghq|0g)\.(com|eu)|ddog-gov\.com)$)");
  auto parsed = parseUrl(url);
  if (!parsed.isOk()) return std::string(url);
  // agent behaviour: Go matches url.Host, which includes an explicit port, so
  // "https://app.datadoghq.com:443" is left alone.
  const std::string host = parsed->hostPort();
  if (!std::regex_match(host, kAppDomain)) return std::string(url);
  const std::string prefixed = versionPrefix(agent_version) + "-app.agent";
  std::string out(url);
  const size_t at = out.find(host);
  out.replace(at, 3, prefixed);  // the host starts with "app"
  return out;
}

std::string apiDomainForValidation(std::string_view configured_url) {
  static const std::regex kSite(R"(([a-z]{2}\d\.)?(datadoghq\.[a-z]+|ddog-gov\.com)$)");
  std::string s(configured_url);
  std::smatch m;
  if (std::regex_search(s, m, kSite)) return "https://api." + m.str(0);
  return s;
}

common::Result<std::vector<DomainConfig>> resolveDomains(const ForwarderOptions& options) {
  std::string main_url = options.dd_url;
  if (main_url.empty()) main_url = "https://app." + trim(options.site.empty() ? "datadoghq.com" : options.site);
  if (auto u = parseUrl(main_url); !u.isOk()) {
    return common::invalidArgument("main endpoint: " + u.status().message());
  }
  // Merge: the main endpoint first, then additional endpoints in URL order.
  std::vector<std::pair<std::string, std::vector<std::string>>> merged;
  merged.push_back({main_url, {options.api_key}});
  for (const auto& [url, keys] : options.additional_endpoints) {
    if (auto u = parseUrl(url); !u.isOk()) {
      return common::invalidArgument("additional_endpoints: " + u.status().message());
    }
    if (url == main_url) {
      merged.front().second.insert(merged.front().second.end(), keys.begin(), keys.end());
    } else {
      merged.push_back({url, keys});
    }
  }
  std::vector<DomainConfig> out;
  std::set<std::string> seen_domains;
  for (auto& [url, keys] : merged) {
    DomainConfig d;
    d.configured_url = url;
    std::set<std::string> seen;
    for (const auto& k : keys) {
      std::string t = trim(k);
      if (!t.empty() && seen.insert(t).second) d.api_keys.push_back(std::move(t));
    }
    if (d.api_keys.empty()) {
      spdlog::info("forwarder: no API key provided for domain \"{}\", removing domain from endpoints", url);
      continue;
    }
    d.domain = addAgentVersionToDomain(url, options.agent_version);
    if (!seen_domains.insert(d.domain).second) {
      // Two configured URLs that rewrite to the same domain share one domain forwarder.
      auto it = std::find_if(out.begin(), out.end(), [&](const DomainConfig& o) { return o.domain == d.domain; });
      for (auto& k : d.api_keys) {
        if (std::find(it->api_keys.begin(), it->api_keys.end(), k) == it->api_keys.end()) it->api_keys.push_back(k);
      }
      continue;
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace ddsim::forwarder
