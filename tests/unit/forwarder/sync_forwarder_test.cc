// Spec §6.9: the serverless SyncForwarder — same transactions, sent synchronously, one
// immediate retry, never an error for network outcomes.
#include "core/forwarder/sync_forwarder.h"

#include <gtest/gtest.h>

#include "core/forwarder/function_transport.h"
#include "core/forwarder/http_transport.h"
#include "tests/unit/forwarder/forwarder_harness.h"
#include "tests/unit/forwarder/scripted_server.h"

namespace ddsim::forwarder {
namespace {

using fwdtest::Action;
using fwdtest::Behaviour;
using fwdtest::Recorded;
using fwdtest::ScriptedServer;

TEST(SyncForwarderTest, RetriesExactlyOnceImmediately) {
  struct Case {
    std::vector<int> answers;  // status per attempt
    int want_requests;
    int64_t success, dropped_http, failed;
  };
  const Case cases[] = {
      {{200}, 1, 1, 0, 0},
      {{503, 200}, 2, 1, 0, 0},   // the connection may have been closed between invocations
      {{503, 503}, 2, 0, 0, 1},   // given up after the second attempt
      {{500, 502, 200}, 2, 0, 0, 1},
      {{400}, 1, 0, 1, 0},        // dropped per the table: no retry
      {{413}, 1, 0, 1, 0},
      {{403}, 1, 0, 1, 0},
  };
  for (const Case& c : cases) {
    size_t n = 0;
    ScriptedServer server([&](const Recorded&) {
      const int status = c.answers[std::min(n++, c.answers.size() - 1)];
      return Action{Behaviour::kStatus, status, "{}", {}};
    });
    HttpTransport transport(common::SystemClock::instance());
    common::ManualClock clock;
    ForwarderOptions o;
    o.api_key = "k";
    o.dd_url = server.url();
    auto f = SyncForwarder::create(o, transport, clock);
    ASSERT_TRUE(f.isOk());
    EXPECT_TRUE((*f)->submit(fwdtest::seriesSubmission("p")).isOk());  // always OK
    SCOPED_TRACE(c.answers.front());
    EXPECT_EQ(server.count(), static_cast<size_t>(c.want_requests));  // all done before submit returned
    EXPECT_EQ((*f)->counters().success(), c.success);
    EXPECT_EQ((*f)->counters().dropped(), c.dropped_http);
    EXPECT_EQ((*f)->counters().droppedByReason(DropReason::kSyncSendFailed), c.failed);
  }
}

// Same headers and version-prefixed domain as the default forwarder; metadata goes to /intake/
// as JSON; a network failure (unreachable) is retried once and never returned as an error.
TEST(SyncForwarderTest, SameTransactionsAsTheDefaultForwarder) {
  std::vector<TransportRequest> seen;
  std::vector<std::string> bodies;
  FunctionTransport transport([&](const TransportRequest& r) {
    seen.push_back(r);
    bodies.emplace_back(r.body);
    if (r.url.find("unreachable") != std::string::npos) return TransportResult::failure(TransportError::kConnect, "x");
    TransportResult res;
    res.status = 202;
    return res;
  });
  common::ManualClock clock;
  ForwarderOptions o;
  o.api_key = "k1";
  o.additional_endpoints["http://unreachable.test"] = {"k2"};
  auto f = SyncForwarder::create(o, transport, clock);
  ASSERT_TRUE(f.isOk());
  serializer::Submission s;
  s.endpoint = serializer::Endpoint::kIntake;
  s.payloads = {fwdtest::payloadOf("{\"x\":1}")};
  s.headers = {{"Content-Type", "text/plain"}};
  s.priority = serializer::TransactionPriority::kHigh;
  s.storable_on_disk = false;
  EXPECT_TRUE((*f)->submit(std::move(s)).isOk());
  ASSERT_EQ(seen.size(), 3u);  // main once, unreachable twice
  EXPECT_EQ(seen[0].url, "https://7-57-0-app.agent.datadoghq.com/intake/");
  EXPECT_EQ(seen[1].url, "http://unreachable.test/intake/");
  EXPECT_EQ(seen[2].url, "http://unreachable.test/intake/");
  EXPECT_EQ(seen[0].timeout, kServerlessFlushTimeout);
  EXPECT_EQ(headerValue(seen[0].headers, "Content-Type"), "application/json");
  EXPECT_EQ(headerValue(seen[0].headers, "Dd-Api-Key"), "k1");
  EXPECT_EQ(headerValue(seen[1].headers, "Dd-Api-Key"), "k2");
  EXPECT_EQ(bodies[0], "{\"x\":1}");
  EXPECT_EQ((*f)->counters().success(), 1);
  EXPECT_EQ((*f)->counters().droppedByReason(DropReason::kSyncSendFailed), 1);
}

// Virtual time: the caller learns how long the synchronous flush took.
TEST(SyncForwarderTest, ReportsSimulatedDuration) {
  FunctionTransport transport([](const TransportRequest&) {
    TransportResult r;
    r.status = 200;
    r.headers = {{"X-Ddsim-Simulated-Latency-Ms", "300"}};
    return r;
  });
  common::ManualClock clock;
  ForwarderOptions o;
  o.api_key = "k";
  o.dd_url = "http://intake.test";
  auto f = SyncForwarder::create(o, transport, clock);
  ASSERT_TRUE(f.isOk());
  serializer::Submission s = fwdtest::seriesSubmission("a");
  s.payloads.push_back(fwdtest::payloadOf("b"));
  EXPECT_TRUE((*f)->submit(std::move(s)).isOk());
  EXPECT_EQ((*f)->lastSubmitSimulatedDuration(), std::chrono::milliseconds(600));
}

}  // namespace
}  // namespace ddsim::forwarder
