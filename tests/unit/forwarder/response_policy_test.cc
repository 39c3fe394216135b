// Spec §6.3 (response handling) and §9.12 (retry matrix): ONE table, checked three ways —
// classifyResponse on synthetic results, the same statuses from a real HTTP server, and the
// effect on a running forwarder (drop / requeue / breaker).
#include "core/forwarder/response_policy.h"

#include <gtest/gtest.h>

#include "core/forwarder/default_forwarder.h"
#include "core/forwarder/http_transport.h"
#include "tests/unit/forwarder/scripted_server.h"

namespace ddsim::forwarder {
namespace {

using fwdtest::Action;
using fwdtest::Behaviour;
using fwdtest::ScriptedServer;

struct Row {
  int status;              // HTTP status answered (0: a transport error instead)
  TransportError error;    // when status == 0
  const char* row;         // expected policy row
  Outcome outcome;
  bool counts_error;
  bool http_error;
  BreakerAction breaker;
};

// Spec §6.3 table, row by row.
const Row kTable[] = {
    {200, TransportError::kNone, "success", Outcome::kSuccess, false, false, BreakerAction::kRecover},
    {202, TransportError::kNone, "success", Outcome::kSuccess, false, false, BreakerAction::kRecover},
    {204, TransportError::kNone, "success", Outcome::kSuccess, false, false, BreakerAction::kRecover},
    {302, TransportError::kNone, "success", Outcome::kSuccess, false, false, BreakerAction::kRecover},
    {399, TransportError::kNone, "success", Outcome::kSuccess, false, false, BreakerAction::kRecover},
    {400, TransportError::kNone, "http_400", Outcome::kDrop, false, true, BreakerAction::kRecover},
    {401, TransportError::kNone, "http_gt_400", Outcome::kRetry, true, true, BreakerAction::kClose},
    {403, TransportError::kNone, "http_403", Outcome::kDrop, false, true, BreakerAction::kRecover},
    {404, TransportError::kNone, "http_gt_400", Outcome::kRetry, true, true, BreakerAction::kClose},
    {408, TransportError::kNone, "http_gt_400", Outcome::kRetry, true, true, BreakerAction::kClose},
    {413, TransportError::kNone, "http_413", Outcome::kDrop, false, true, BreakerAction::kRecover},
    {429, TransportError::kNone, "http_gt_400", Outcome::kRetry, true, true, BreakerAction::kClose},
    {500, TransportError::kNone, "http_gt_400", Outcome::kRetry, true, true, BreakerAction::kClose},
    {502, TransportError::kNone, "http_gt_400", Outcome::kRetry, true, true, BreakerAction::kClose},
    {503, TransportError::kNone, "http_gt_400", Outcome::kRetry, true, true, BreakerAction::kClose},
    {504, TransportError::kNone, "http_gt_400", Outcome::kRetry, true, true, BreakerAction::kClose},
    {0, TransportError::kDns, "network", Outcome::kRetry, true, false, BreakerAction::kClose},
    {0, TransportError::kConnect, "network", Outcome::kRetry, true, false, BreakerAction::kClose},
    {0, TransportError::kConnectTimeout, "network", Outcome::kRetry, true, false, BreakerAction::kClose},
    {0, TransportError::kTls, "network", Outcome::kRetry, true, false, BreakerAction::kClose},
    {0, TransportError::kWrite, "network", Outcome::kRetry, true, false, BreakerAction::kClose},
    {0, TransportError::kRead, "network", Outcome::kRetry, true, false, BreakerAction::kClose},
    {0, TransportError::kTimeout, "network", Outcome::kRetry, true, false, BreakerAction::kClose},
    {0, TransportError::kInternal, "network", Outcome::kRetry, true, false, BreakerAction::kClose},
    {0, TransportError::kBodyRead, "body_read", Outcome::kRetry, false, false, BreakerAction::kClose},
    {0, TransportError::kCancelled, "cancelled", Outcome::kRequeue, false, false, BreakerAction::kRecover},
    {0, TransportError::kInvalidRequest, "invalid_request", Outcome::kDrop, true, false, BreakerAction::kRecover},
};

TEST(ResponsePolicyTest, TableOnSyntheticResults) {
  for (const Row& r : kTable) {
    SCOPED_TRACE(::testing::Message() << r.status << " " << transportErrorName(r.error));
    TransportResult res;
    res.error = r.error;
    res.status = r.error == TransportError::kNone ? r.status : (r.error == TransportError::kBodyRead ? 200 : 0);
    const PolicyDecision d = classifyResponse(res);
    EXPECT_EQ(d.row, r.row);
    EXPECT_EQ(d.outcome, r.outcome);
    EXPECT_EQ(d.counts_error, r.counts_error);
    EXPECT_EQ(d.http_error, r.http_error);
    EXPECT_EQ(d.breaker, r.breaker);
    EXPECT_EQ(d.drop_reason.has_value(), r.outcome == Outcome::kDrop);
  }
}

// The HTTP rows, answered by a real cpp-httplib server over loopback.
TEST(ResponsePolicyTest, TableAgainstARealServer) {
  ScriptedServer server;
  HttpTransport transport(common::SystemClock::instance());
  for (const Row& r : kTable) {
    if (r.status == 0) continue;
    SCOPED_TRACE(r.status);
    server.setScript([&](const fwdtest::Recorded&) { return Action{Behaviour::kStatus, r.status, "{}", {}}; });
    TransportRequest req;
    req.url = server.url() + "/api/v2/series";
    req.body = "payload";
    req.timeout = std::chrono::seconds(5);
    const TransportResult res = transport.send(req);
    ASSERT_EQ(res.error, TransportError::kNone) << res.error_message;
    EXPECT_EQ(res.status, r.status);
    EXPECT_EQ(classifyResponse(res).row, r.row);
  }
}

// What each row does to a running forwarder: the transaction is delivered, dropped (counted
// with its reason) or requeued into the retry queue, and the breaker closes or recovers.
TEST(ResponsePolicyTest, TableEffectOnTheForwarder) {
  for (const Row& r : kTable) {
    if (r.status == 0) continue;
    SCOPED_TRACE(r.status);
    ScriptedServer server([&](const fwdtest::Recorded&) { return Action{Behaviour::kStatus, r.status, "{}", {}}; });
    HttpTransport transport(common::SystemClock::instance());
    common::ManualClock clock;
    common::Random random(1);
    ForwarderOptions o;
    o.api_key = "key";
    o.dd_url = server.url();
    o.run_mode = RunMode::kVirtual;
    o.disable_api_key_checking = true;
    auto f = DefaultForwarder::create(o, {transport, clock, random});
    ASSERT_TRUE(f.isOk());
    ASSERT_TRUE((*f)->start().isOk());
    serializer::Submission s;
    s.endpoint = serializer::Endpoint::kSeriesV2;
    auto p = std::make_shared<serializer::Payload>();
    p->bytes = "abc";
    s.payloads = {p};
    ASSERT_TRUE((*f)->submit(std::move(s)).isOk());
    (*f)->tick(clock.steadyNow());
    const ForwarderTelemetry& c = (*f)->counters();
    DomainForwarder* df = (*f)->domainForwarder(server.url());
    ASSERT_NE(df, nullptr);
    EXPECT_EQ(server.count(), 1u);
    EXPECT_EQ(c.success(), r.outcome == Outcome::kSuccess ? 1 : 0);
    EXPECT_EQ(c.dropped(), r.outcome == Outcome::kDrop ? 1 : 0);
    EXPECT_EQ(c.requeued(), r.outcome == Outcome::kRetry ? 1 : 0);
    EXPECT_EQ(df->retryQueueCount(), r.outcome == Outcome::kRetry ? 1u : 0u);
    EXPECT_EQ(c.errors(), r.counts_error ? 1 : 0);
    const std::string target = server.url() + "/api/v2/series";
    EXPECT_EQ(df->breaker().errorCount(target), r.breaker == BreakerAction::kClose ? 1 : 0);
    const auto snap = (*f)->telemetry();
    if (r.http_error) {
      EXPECT_EQ(snap.at("forwarder.transactions.http_errors_by_code." + std::to_string(r.status)), 1);
    }
    if (r.outcome == Outcome::kDrop) {
      EXPECT_EQ(snap.at("forwarder.transactions.dropped_by_endpoint.series_v2"), 1);
      EXPECT_EQ(snap.at("forwarder.transactions.dropped_by_reason.http_" + std::to_string(r.status)), 1);
      EXPECT_EQ(snap.at("forwarder.transactions.dropped_by_endpoint_reason.series_v2.http_" + std::to_string(r.status)),
                1);
    }
  }
}

}  // namespace
}  // namespace ddsim::forwarder
