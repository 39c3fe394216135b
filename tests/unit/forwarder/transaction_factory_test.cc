// Spec §6.2 (transactions and headers), §5.1 (routes), §9.11 and §9.13.
#include "core/forwarder/transaction_factory.h"

#include <gtest/gtest.h>

namespace ddsim::forwarder {
namespace {

serializer::PayloadPtr payload(std::string bytes, int64_t points = 1) {
  auto p = std::make_shared<serializer::Payload>();
  p->bytes = std::move(bytes);
  p->point_count = points;
  return p;
}

struct Fixture {
  common::ManualClock clock;
  std::atomic<uint64_t> ids{1};
};

TEST(TransactionFactoryTest, OneTransactionPerPayloadDomainAndKey) {
  Fixture f;
  ForwarderOptions o;
  o.api_key = "k1";
  o.additional_endpoints = {{"https://app.datadoghq.com", {"k2"}}, {"http://127.0.0.1:9", {"k3", "k4"}}};
  auto domains = resolveDomains(o);
  ASSERT_TRUE(domains.isOk());
  TransactionFactory factory(o, *domains, f.clock, f.ids);
  serializer::Submission s;
  s.endpoint = serializer::Endpoint::kSeriesV2;
  s.payloads = {payload("a"), payload("b")};
  auto created = factory.create(s);
  ASSERT_TRUE(created.isOk());
  // 2 payloads x (2 keys on the main domain + 2 keys on the second) = 8, payload-major order.
  ASSERT_EQ(created->transactions.size(), 8u);
  const char* want[][3] = {
      {"a", "https://7-57-0-app.agent.datadoghq.com", "k1"}, {"a", "https://7-57-0-app.agent.datadoghq.com", "k2"},
      {"a", "http://127.0.0.1:9", "k3"},                     {"a", "http://127.0.0.1:9", "k4"},
      {"b", "https://7-57-0-app.agent.datadoghq.com", "k1"}, {"b", "https://7-57-0-app.agent.datadoghq.com", "k2"},
      {"b", "http://127.0.0.1:9", "k3"},                     {"b", "http://127.0.0.1:9", "k4"},
  };
  for (size_t i = 0; i < 8; ++i) {
    const Transaction& t = *created->transactions[i];
    SCOPED_TRACE(i);
    EXPECT_EQ(t.payload->bytes, want[i][0]);
    EXPECT_EQ(t.domain, want[i][1]);
    EXPECT_EQ(headerValue(t.headers, "DD-Api-Key"), want[i][2]);
    EXPECT_EQ(t.route, "/api/v2/series");
    EXPECT_EQ(t.endpoint_name, "series_v2");
    EXPECT_EQ(t.id, i + 1);
    EXPECT_EQ(t.created_at, f.clock.systemNow());
  }
  // The payload bytes are shared, not copied.
  EXPECT_EQ(created->transactions[0]->payload.get(), created->transactions[3]->payload.get());
}

// Spec §6.2 header table, with Go's canonical header names on the wire.
TEST(TransactionFactoryTest, HeadersAsTheAgentSendsThem) {
  Fixture f;
  ForwarderOptions o;
  o.api_key = "abcdef0123456789";
  o.dd_url = "http://127.0.0.1:9";
  o.allow_arbitrary_tags = true;
  auto domains = resolveDomains(o);
  ASSERT_TRUE(domains.isOk());
  TransactionFactory factory(o, *domains, f.clock, f.ids);

  struct Case {
    serializer::Endpoint endpoint;
    serializer::Headers extra;
    serializer::Headers want;
  };
  const Case cases[] = {
      {serializer::Endpoint::kSeriesV2,
       {{"Content-Type", "application/x-protobuf"}, {"Content-Encoding", "deflate"}, {"DD-Agent-Payload", "v5.0.125"}},
       {{"Dd-Api-Key", "abcdef0123456789"}, {"Dd-Agent-Version", "7.57.0"}, {"User-Agent", "datadog-agent/7.57.0"},
        {"Allow-Arbitrary-Tag-Value", "true"}, {"Content-Type", "application/x-protobuf"},
        {"Content-Encoding", "deflate"}, {"Dd-Agent-Payload", "v5.0.125"}}},
      // /intake/ forces application/json whatever the serializer said.
      {serializer::Endpoint::kIntake,
       {{"Content-Type", "text/plain"}, {"Content-Encoding", "zstd"}},
       {{"Dd-Api-Key", "abcdef0123456789"}, {"Dd-Agent-Version", "7.57.0"}, {"User-Agent", "datadog-agent/7.57.0"},
        {"Allow-Arbitrary-Tag-Value", "true"}, {"Content-Type", "application/json"}, {"Content-Encoding", "zstd"}}},
      // Extra headers are Set after the standard ones, so they replace them.
      {serializer::Endpoint::kCheckRun,
       {{"user-agent", "other"}, {"content-type", "application/json"}},
       {{"Dd-Api-Key", "abcdef0123456789"}, {"Dd-Agent-Version", "7.57.0"}, {"User-Agent", "other"},
        {"Allow-Arbitrary-Tag-Value", "true"}, {"Content-Type", "application/json"}}},
      {serializer::Endpoint::kOrchestrator,
       {{"X-Dd-Orchestrator-ClusterID", "c1"}},
       {{"Dd-Api-Key", "abcdef0123456789"}, {"Dd-Agent-Version", "7.57.0"}, {"User-Agent", "datadog-agent/7.57.0"},
        {"Allow-Arbitrary-Tag-Value", "true"}, {"X-Dd-Orchestrator-Clusterid", "c1"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(serializer::endpointInfo(c.endpoint).route);
    serializer::Submission s;
    s.endpoint = c.endpoint;
    s.payloads = {payload("x")};
    s.headers = c.extra;
    auto created = factory.create(s);
    ASSERT_TRUE(created.isOk());
    ASSERT_EQ(created->transactions.size(), 1u);
    EXPECT_EQ(created->transactions[0]->headers, c.want);
  }
}

// Spec §5.1: route, telemetry name and kind per submission endpoint.
TEST(TransactionFactoryTest, Routes) {
  using E = serializer::Endpoint;
  struct Case {
    E endpoint;
    bool legacy;
    const char* route;
    const char* name;
    TransactionKind kind;
    bool attempts;
  };
  const Case cases[] = {
      {E::kSeriesV1, false, "/api/v1/series", "series_v1", TransactionKind::kSeries, false},
      {E::kSeriesV2, false, "/api/v2/series", "series_v2", TransactionKind::kSeries, false},
      {E::kSketches, false, "/api/beta/sketches", "sketches_v2", TransactionKind::kSketches, false},
      {E::kCheckRun, false, "/api/v1/check_run", "check_run_v1", TransactionKind::kCheckRuns, false},
      {E::kIntake, false, "/intake/", "intake", TransactionKind::kEvents, false},
      {E::kMetadata, false, "/api/v1/metadata", "metadata_v1", TransactionKind::kMetadata, false},
      {E::kOrchestrator, false, "/api/v2/orch", "orchestrator", TransactionKind::kProcess, true},
      {E::kOrchestrator, true, "/api/v1/orchestrator", "orchestrator", TransactionKind::kProcess, true},
      {E::kOrchestratorManifest, false, "/api/v2/orchmanif", "orchmanifest", TransactionKind::kProcess, true},
      // The trace agent's writers (docs/trace-agent.md §6.1).
      {E::kTraces, false, "/api/v0.2/traces", "traces_v02", TransactionKind::kTraces, false},
      {E::kStats, false, "/api/v0.2/stats", "stats_v02", TransactionKind::kTraces, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.route);
    auto r = routeFor(c.endpoint, c.legacy);
    ASSERT_TRUE(r.isOk());
    EXPECT_EQ(r->route, c.route);
    EXPECT_EQ(r->name, c.name);
    EXPECT_EQ(r->kind, c.kind);
    EXPECT_EQ(r->counts_attempts, c.attempts);
  }
  EXPECT_EQ(routeFor(E::kValidate, false).status().code(), common::StatusCode::kInvalidArgument);
}

TEST(TransactionFactoryTest, HostMetadataIsHighPriorityAndNotStorable) {
  Fixture f;
  ForwarderOptions o;
  o.api_key = "k";
  auto domains = resolveDomains(o);
  ASSERT_TRUE(domains.isOk());
  TransactionFactory factory(o, *domains, f.clock, f.ids);
  serializer::Submission s;
  s.endpoint = serializer::Endpoint::kIntake;
  s.priority = serializer::TransactionPriority::kHigh;
  s.storable_on_disk = false;
  s.payloads = {payload("{}"), nullptr};
  auto created = factory.create(s);
  ASSERT_TRUE(created.isOk());
  EXPECT_EQ(created->null_payloads, 1u);
  ASSERT_EQ(created->transactions.size(), 1u);
  EXPECT_EQ(created->transactions[0]->priority, serializer::TransactionPriority::kHigh);
  EXPECT_FALSE(created->transactions[0]->storable_on_disk);
  EXPECT_EQ(created->transactions[0]->kind, TransactionKind::kMetadata);
}

TEST(TransactionTest, CanonicalHeaderKeyAndOrders) {
  EXPECT_EQ(canonicalHeaderKey("dd-api-key"), "Dd-Api-Key");
  EXPECT_EQ(canonicalHeaderKey("DD-AGENT-PAYLOAD"), "Dd-Agent-Payload");
  EXPECT_EQ(canonicalHeaderKey("content-type"), "Content-Type");
  EXPECT_EQ(canonicalHeaderKey("bad key"), "bad key");  // not a token: unchanged, as Go

  // Spec §6.4 / §6.6: retry = high first then newest; drop = the reverse.
  Transaction old_normal, new_normal, old_high;
  old_normal.id = 1;
  old_normal.created_at = common::SystemTime(std::chrono::seconds(100));
  new_normal.id = 2;
  new_normal.created_at = common::SystemTime(std::chrono::seconds(200));
  old_high.id = 3;
  old_high.created_at = common::SystemTime(std::chrono::seconds(50));
  old_high.priority = serializer::TransactionPriority::kHigh;
  EXPECT_TRUE(retryOrderLess(old_high, new_normal));
  EXPECT_TRUE(retryOrderLess(new_normal, old_normal));
  EXPECT_TRUE(dropOrderLess(old_normal, new_normal));
  EXPECT_TRUE(dropOrderLess(new_normal, old_high));
}

}  // namespace
}  // namespace ddsim::forwarder
