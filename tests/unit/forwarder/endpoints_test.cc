// Spec §6.1 (domains and API keys) and §6.8 (API-key validation domain).
#include "core/forwarder/endpoints.h"

#include <gtest/gtest.h>

namespace ddsim::forwarder {
namespace {

// Spec §6.1: Datadog app domains are rewritten to <major>-<minor>-<patch>-app.agent.<rest>.
TEST(EndpointsTest, VersionPrefixedAppDomains) {
  struct Case {
    const char* url;
    const char* version;
    const char* want;
  };
  const Case cases[] = {
      {"https://app.datadoghq.com", "7.57.0", "https://7-57-0-app.agent.datadoghq.com"},
      {"https://app.datadoghq.eu", "7.57.0", "https://7-57-0-app.agent.datadoghq.eu"},
      {"https://app.us3.datadoghq.com", "7.57.0", "https://7-57-0-app.agent.us3.datadoghq.com"},
      {"https://app.ddog-gov.com", "7.57.0", "https://7-57-0-app.agent.ddog-gov.com"},
      {"https://app.datad0g.com", "7.57.0", "https://7-57-0-app.agent.datad0g.com"},
      {"https://app.datadoghq.com/", "7.57.1-rc.2", "https://7-57-1-app.agent.datadoghq.com/"},
      {"https://app.datadoghq.com", "6.0", "https://6-0-0-app.agent.datadoghq.com"},
      // Untouched: custom hosts, explicit ports (Go matches url.Host), other subdomains.
      {"https://app.datadoghq.com:443", "7.57.0", "https://app.datadoghq.com:443"},
      {"https://custom.datadoghq.com", "7.57.0", "https://custom.datadoghq.com"},
      {"https://app.myproxy.example", "7.57.0", "https://app.myproxy.example"},
      {"http://127.0.0.1:8080", "7.57.0", "http://127.0.0.1:8080"},
      {"https://app.datadoghq.com.evil.example", "7.57.0", "https://app.datadoghq.com.evil.example"},
      {"https://app.us33.datadoghq.com", "7.57.0", "https://app.us33.datadoghq.com"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    EXPECT_EQ(addAgentVersionToDomain(c.url, c.version), c.want);
  }
}

// Spec §6.8: the validation endpoint is https://api.<site> for Datadog domains.
TEST(EndpointsTest, ApiDomainForValidation) {
  struct Case {
    const char* url;
    const char* want;
  };
  const Case cases[] = {
      {"https://app.datadoghq.com", "https://api.datadoghq.com"},
      {"https://app.datadoghq.eu", "https://api.datadoghq.eu"},
      {"https://app.us3.datadoghq.com", "https://api.us3.datadoghq.com"},
      {"https://app.ddog-gov.com", "https://api.ddog-gov.com"},
      {"http://127.0.0.1:9999", "http://127.0.0.1:9999"},
      {"https://intake.example.com", "https://intake.example.com"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    EXPECT_EQ(apiDomainForValidation(c.url), c.want);
  }
}

// Spec §6.1: main endpoint first; additional endpoints merged; keys trimmed and de-duplicated;
// domains without a key removed.
TEST(EndpointsTest, ResolveDomainsMergesTrimsAndDedupes) {
  ForwarderOptions o;
  o.api_key = " main ";
  o.additional_endpoints = {
      {"https://app.datadoghq.com", {"main", "extra", "  "}},
      {"https://b.example.com", {"k1", "k2", "k1 "}},
      {"https://a.example.com", {"", "   "}},
  };
  auto r = resolveDomains(o);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].configured_url, "https://app.datadoghq.com");
  EXPECT_EQ((*r)[0].domain, "https://7-57-0-app.agent.datadoghq.com");
  EXPECT_EQ((*r)[0].api_keys, (std::vector<std::string>{"main", "extra"}));
  EXPECT_EQ((*r)[1].domain, "https://b.example.com");
  EXPECT_EQ((*r)[1].api_keys, (std::vector<std::string>{"k1", "k2"}));
}

TEST(EndpointsTest, ResolveDomainsMainEndpointChoice) {
  struct Case {
    const char* site;
    const char* dd_url;
    const char* want_domain;
  };
  const Case cases[] = {
      {"datadoghq.com", "", "https://7-57-0-app.agent.datadoghq.com"},
      {"datadoghq.eu", "", "https://7-57-0-app.agent.datadoghq.eu"},
      {"us5.datadoghq.com", "", "https://7-57-0-app.agent.us5.datadoghq.com"},
      {"datadoghq.eu", "http://127.0.0.1:1234", "http://127.0.0.1:1234"},  // dd_url wins
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.site);
    ForwarderOptions o;
    o.api_key = "k";
    o.site = c.site;
    o.dd_url = c.dd_url;
    auto r = resolveDomains(o);
    ASSERT_TRUE(r.isOk());
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ((*r)[0].domain, c.want_domain);
  }
}

TEST(EndpointsTest, ResolveDomainsRejectsBadUrlsAndDropsKeylessMain) {
  ForwarderOptions o;
  o.api_key = "k";
  o.additional_endpoints["not a url"] = {"k"};
  auto bad = resolveDomains(o);
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), common::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("not a url"), std::string::npos);

  ForwarderOptions keyless;  // no api_key: the main domain is removed
  keyless.additional_endpoints["http://127.0.0.1:1"] = {"k"};
  auto r = resolveDomains(keyless);
  ASSERT_TRUE(r.isOk());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].domain, "http://127.0.0.1:1");
}

}  // namespace
}  // namespace ddsim::forwarder
