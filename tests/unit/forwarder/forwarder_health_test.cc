// Spec §6.8: API key validation against /api/v1/validate and the forwarder's verdict.
#include "core/forwarder/forwarder_health.h"

#include <gtest/gtest.h>

#include "core/forwarder/default_forwarder.h"
#include "core/forwarder/function_transport.h"
#include "core/forwarder/http_transport.h"
#include "tests/unit/forwarder/scripted_server.h"

namespace ddsim::forwarder {
namespace {

using fwdtest::Action;
using fwdtest::Behaviour;
using fwdtest::Recorded;
using fwdtest::ScriptedServer;

// Spec §6.8: 200 valid, 403 invalid, anything else (or no answer) "could not validate"; the
// verdict is true if any key is valid OR any validation failed.
TEST(ForwarderHealthTest, VerdictTable) {
  struct Case {
    std::vector<int> statuses;  // one per key; 0 = connection refused
    bool verdict;
    std::vector<ApiKeyStatus> want;
  };
  const Case cases[] = {
      {{200}, true, {ApiKeyStatus::kValid}},
      {{403}, false, {ApiKeyStatus::kInvalid}},
      {{403, 403}, false, {ApiKeyStatus::kInvalid, ApiKeyStatus::kInvalid}},
      {{403, 200}, true, {ApiKeyStatus::kInvalid, ApiKeyStatus::kValid}},
      {{403, 500}, true, {ApiKeyStatus::kInvalid, ApiKeyStatus::kUnexpectedStatus}},
      {{403, 0}, true, {ApiKeyStatus::kInvalid, ApiKeyStatus::kUnreachable}},
      {{404}, true, {ApiKeyStatus::kUnexpectedStatus}},
  };
  for (const Case& c : cases) {
    ScriptedServer server([&](const Recorded& r) {
      // Key "key-000N" answers statuses[N].
      const size_t idx = static_cast<size_t>(r.path.back() - '0');
      return Action{Behaviour::kStatus, c.statuses[idx], "{}", {}};
    });
    DomainConfig d;
    d.configured_url = server.url();
    d.domain = server.url();
    for (size_t i = 0; i < c.statuses.size(); ++i) d.api_keys.push_back("key-000" + std::to_string(i));
    DomainConfig refused = d;  // statuses of 0 go to a domain nobody listens on
    refused.configured_url = refused.domain = "http://127.0.0.1:1";
    std::vector<DomainConfig> domains;
    DomainConfig live = d;
    live.api_keys.clear();
    refused.api_keys.clear();
    for (size_t i = 0; i < c.statuses.size(); ++i) {
      (c.statuses[i] ? live : refused).api_keys.push_back("key-000" + std::to_string(i));
    }
    if (!live.api_keys.empty()) domains.push_back(live);
    if (!refused.api_keys.empty()) domains.push_back(refused);
    HttpTransport transport(common::SystemClock::instance());
    ForwarderHealth health(domains, transport, "7.57.0", std::chrono::minutes(60));
    EXPECT_EQ(health.requestTimeout(), std::chrono::seconds(10) / static_cast<int64_t>(c.statuses.size()));
    EXPECT_EQ(health.checkValidApiKeys(), c.verdict);
    EXPECT_EQ(health.lastVerdict(), c.verdict);
    const auto status = health.apiKeyStatus();
    for (size_t i = 0; i < c.statuses.size(); ++i) {
      EXPECT_EQ(status.at("API key ending with -000" + std::to_string(i)), c.want[i]) << i;
    }
    for (const auto& r : server.requests("GET")) {
      EXPECT_EQ(r.path.rfind("/api/v1/validate?api_key=key-000", 0), 0u) << r.path;
      EXPECT_EQ(r.headers.find("User-Agent")->second, "datadog-agent/7.57.0");
    }
  }
}

// Spec §6.8: the fake key is valid without a request; Datadog domains validate on api.<site>.
TEST(ForwarderHealthTest, FakeKeyAndApiDomain) {
  std::vector<std::string> urls;
  FunctionTransport transport([&](const TransportRequest& r) {
    urls.push_back(r.method + " " + r.url);
    TransportResult res;
    res.status = 200;
    return res;
  });
  DomainConfig fake{"https://app.datadoghq.eu", "https://7-57-0-app.agent.datadoghq.eu",
                    {std::string(kFakeApiKey), "realkey12345"}};
  ForwarderHealth health({fake}, transport, "7.57.0", std::chrono::minutes(0));
  EXPECT_EQ(health.interval(), std::chrono::minutes(60));  // <= 0 -> 60
  EXPECT_TRUE(health.checkValidApiKeys());
  EXPECT_EQ(urls, std::vector<std::string>{"GET https://api.datadoghq.eu/api/v1/validate?api_key=realkey12345"});
  EXPECT_EQ(health.apiKeyStatus().at("API key ending with 00000"), ApiKeyStatus::kFake);
}

// Virtual mode: a validation round at start, then every forwarder_apikey_validation_interval.
TEST(ForwarderHealthTest, VirtualForwarderValidatesAtStartAndEveryInterval) {
  common::ManualClock clock;
  int validations = 0;
  FunctionTransport transport([&](const TransportRequest& r) {
    if (r.method == "GET") ++validations;
    TransportResult res;
    res.status = r.method == "GET" ? 403 : 200;
    return res;
  });
  common::Random random(1);
  ForwarderOptions o;
  o.api_key = "invalidkey1";
  o.dd_url = "http://intake.test";
  o.run_mode = RunMode::kVirtual;
  o.forwarder_apikey_validation_interval = 30;
  auto f = DefaultForwarder::create(o, {transport, clock, random});
  ASSERT_TRUE(f.isOk());
  ASSERT_TRUE((*f)->start().isOk());
  (*f)->tick(clock.steadyNow());
  EXPECT_EQ(validations, 1);
  EXPECT_EQ((*f)->health()->nextDeadline(), clock.steadyNow() + std::chrono::minutes(30));
  clock.advance(std::chrono::minutes(30));
  (*f)->tick(clock.steadyNow());
  EXPECT_EQ(validations, 2);
  const auto snap = (*f)->telemetry();
  EXPECT_EQ(snap.at("forwarder.api_keys.invalid"), 1);
  EXPECT_EQ(snap.at("forwarder.api_keys.verdict_valid"), 0);
  // As in the agent snapshot, an invalid key does not stop the forwarder.
  EXPECT_TRUE((*f)->started());
}

// Live mode: the health thread validates the keys at start.
TEST(ForwarderHealthTest, LiveForwarderValidatesAtStart) {
  ScriptedServer server([](const Recorded& r) {
    return Action{Behaviour::kStatus, r.method == "GET" ? 403 : 200, "{}", {}};
  });
  HttpTransport transport(common::SystemClock::instance());
  common::Random random(1);
  ForwarderOptions o;
  o.api_key = "invalidkey1";
  o.dd_url = server.url();
  auto f = DefaultForwarder::create(o, {transport, common::SystemClock::instance(), random});
  ASSERT_TRUE(f.isOk());
  ASSERT_TRUE((*f)->start().isOk());
  ASSERT_TRUE(server.waitFor(1, "GET"));
  ddsim::testing::pollUntil([&] { return (*f)->health()->lastVerdict().has_value(); });
  EXPECT_EQ((*f)->health()->lastVerdict(), false);
  EXPECT_EQ(server.requests("GET").front().path, "/api/v1/validate?api_key=invalidkey1");
  (*f)->stop();
}

}  // namespace
}  // namespace ddsim::forwarder
