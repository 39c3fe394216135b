// The default forwarder end to end against real cpp-httplib servers on 127.0.0.1:0 and the
// in-process transport: spec §6.1-§6.6, §6.10, §6.11, §9.12, §9.13.
#include "core/forwarder/default_forwarder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>

#include "core/forwarder/function_transport.h"
#include "core/forwarder/http_transport.h"
#include "tests/unit/forwarder/forwarder_harness.h"
#include "tests/unit/forwarder/scripted_server.h"
#include "tests/unit/forwarder/temp_dir.h"

namespace ddsim::forwarder {
namespace {

using fwdtest::Action;
using fwdtest::Behaviour;
using fwdtest::payloadOf;
using fwdtest::rawSubmission;
using fwdtest::Recorded;
using fwdtest::runUntil;
using fwdtest::ScriptedServer;
using fwdtest::seriesSubmission;
using fwdtest::TempDir;
using P = serializer::TransactionPriority;
using std::chrono::milliseconds;
using std::chrono::seconds;

ForwarderOptions virtualOptions(const std::string& url) {
  ForwarderOptions o;
  o.api_key = "api-key-0001";
  o.dd_url = url;
  o.run_mode = RunMode::kVirtual;
  o.disable_api_key_checking = true;
  return o;
}

ForwarderOptions liveOptions(const std::string& url) {
  ForwarderOptions o;
  o.api_key = "k";
  o.dd_url = url;
  o.disable_api_key_checking = true;
  return o;
}

std::unique_ptr<DefaultForwarder> make(const ForwarderOptions& o, Transport& t, common::Clock& c, common::Random& r) {
  // A fixed disk: how full the host's disk is must not decide what a test spills.
  auto f = DefaultForwarder::create(o, {t, c, r, &FixedDiskUsage::plenty()});
  EXPECT_TRUE(f.isOk()) << f.status().toString();
  if (!f.isOk()) return nullptr;
  EXPECT_TRUE((*f)->start().isOk());
  return std::move(f).value();
}

// Spec §6.2 / §9.13: two domains with two keys each get four transactions per payload. Live
// mode: worker threads and the driver thread over real HTTP.
TEST(DefaultForwarderTest, TwoDomainsTwoKeysFourTransactionsPerPayload) {
  ScriptedServer a, b;
  HttpTransport transport(common::SystemClock::instance());
  common::Random random(3);
  ForwarderOptions o;
  o.api_key = "key-a1";
  o.dd_url = a.url();
  o.additional_endpoints[a.url()] = {"key-a2"};
  o.additional_endpoints[b.url()] = {"key-b1", "key-b2"};
  o.disable_api_key_checking = true;
  auto f = make(o, transport, common::SystemClock::instance(), random);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->domains(), (std::vector<std::string>{a.url(), b.url()}));
  serializer::Submission s = seriesSubmission("p1");
  s.payloads.push_back(payloadOf(fwdtest::deflate("p2")));
  ASSERT_TRUE(f->submit(std::move(s)).isOk());
  ASSERT_TRUE(a.waitFor(4));
  ASSERT_TRUE(b.waitFor(4));
  f->stop();
  for (const ScriptedServer* srv : {&a, &b}) {
    std::multiset<std::string> seen;
    for (const auto& r : srv->requests()) {
      EXPECT_EQ(r.path, "/api/v2/series");
      EXPECT_EQ(r.headers.find("Dd-Agent-Version")->second, "7.57.0");
      EXPECT_EQ(r.headers.find("User-Agent")->second, "datadog-agent/7.57.0");
      EXPECT_EQ(r.headers.find("Content-Encoding")->second, "deflate");
      seen.insert(r.body + "/" + r.headers.find("Dd-Api-Key")->second);
    }
    const std::string k1 = srv == &a ? "key-a1" : "key-b1";
    const std::string k2 = srv == &a ? "key-a2" : "key-b2";
    EXPECT_EQ(seen, (std::multiset<std::string>{"p1/" + k1, "p1/" + k2, "p2/" + k1, "p2/" + k2}));
  }
  const auto snap = f->telemetry();
  EXPECT_EQ(snap.at("forwarder.transactions.input_count"), 8);
  EXPECT_EQ(snap.at("forwarder.transactions.success"), 8);
  EXPECT_EQ(snap.at("forwarder.transactions.success_by_endpoint.series_v2"), 8);
  EXPECT_EQ(snap.at("forwarder.transactions.success_bytes"),
            4.0 * (fwdtest::deflate("p1").size() + fwdtest::deflate("p2").size()));
}

// Spec §6.4-§6.6 / §9.12: an outage, then recovery: every retried payload is delivered, high
// priority first, then newest first. Virtual time over real HTTP; the breaker paces retries.
TEST(DefaultForwarderTest, OutageThenRecoveryDeliversEverythingHighPriorityFirst) {
  std::atomic<bool> down{true};
  std::vector<std::string> ok_order;  // bodies answered 200, in order
  std::mutex ok_mu;
  ScriptedServer server([&](const Recorded& r) {
    if (down) return Action{Behaviour::kStatus, 503, "down", {}};
    std::lock_guard lock(ok_mu);
    ok_order.push_back(r.body);
    return Action{};
  });
  HttpTransport transport(common::SystemClock::instance());
  common::ManualClock clock;
  common::Random random(11);
  auto f = make(virtualOptions(server.url()), transport, clock, random);
  ASSERT_NE(f, nullptr);

  // Ten normal and three high-priority payloads over ten minutes of outage.
  std::vector<std::pair<std::string, P>> sent;
  for (int i = 0; i < 13; ++i) {
    const P prio = i % 4 == 1 ? P::kHigh : P::kNormal;
    const std::string body = (prio == P::kHigh ? "high-" : "normal-") + std::to_string(i);
    sent.push_back({body, prio});
    ASSERT_TRUE(f->submit(seriesSubmission(body, prio)).isOk());
    runUntil(*f, clock, clock.steadyNow() + seconds(45));
  }
  EXPECT_EQ(f->counters().success(), 0);
  EXPECT_EQ(f->counters().dropped(), 0);
  DomainForwarder* df = f->domainForwarder(server.url());
  EXPECT_EQ(df->retryQueueCount(), 13u);
  // The breaker paced the probes: one request per unblocked window, not one per payload and
  // retry tick (13 payloads x 117 retry ticks).
  const size_t probes = server.count();
  EXPECT_GE(probes, 5u);
  EXPECT_LT(probes, 40u);

  down = false;
  runUntil(*f, clock, clock.steadyNow() + seconds(600));
  EXPECT_EQ(f->counters().success(), 13);
  EXPECT_EQ(df->retryQueueCount(), 0u);
  // Retry order (spec §6.4): high priority first, then newest first.
  std::vector<std::string> want;
  for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
    if (it->second == P::kHigh) want.push_back(it->first);
  }
  for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
    if (it->second == P::kNormal) want.push_back(it->first);
  }
  {
    std::lock_guard lock(ok_mu);
    EXPECT_EQ(ok_order, want);
  }
  const auto snap = f->telemetry();
  EXPECT_GT(snap.at("forwarder.transactions.retried"), 13);
  EXPECT_EQ(snap.at("forwarder.transactions.http_errors_by_code.503"), static_cast<double>(probes));
  EXPECT_EQ(snap.at("forwarder.transactions.retry_queue_size"), 0);
}

// Spec §6.6: an overflowing retry queue evicts exactly what the agent would: normal priority
// before high, oldest first, until the new payload fits; evictions are counted as dropped.
TEST(DefaultForwarderTest, OverflowingQueueEvictsExactlyWhatTheAgentWould) {
  std::atomic<bool> down{true};
  ScriptedServer server([&](const Recorded&) { return down ? Action{Behaviour::kStatus, 500, "", {}} : Action{}; });
  HttpTransport transport(common::SystemClock::instance());
  common::ManualClock clock;
  common::Random random(5);
  ForwarderOptions o = virtualOptions(server.url());
  o.forwarder_retry_queue_payloads_max_size = 1000;
  auto f = make(o, transport, clock, random);
  ASSERT_NE(f, nullptr);
  // p0..p4 then one high-priority payload, 300 bytes each, all failing at once.
  const std::vector<std::string> names = {"p0", "p1", "p2", "p3", "p4", "hi"};
  for (const auto& n : names) {
    ASSERT_TRUE(f->submit(rawSubmission(n + std::string(298, '.'), n == "hi" ? P::kHigh : P::kNormal)).isOk());
  }
  f->tick(clock.steadyNow());
  // Adding p3 evicts p0, p4 evicts p1, hi evicts p2 (1000-byte budget, 300-byte payloads).
  EXPECT_EQ(f->counters().droppedByReason(DropReason::kRetryQueueFull), 3);
  EXPECT_EQ(f->counters().dropped(), 3);
  EXPECT_EQ(f->telemetry().at("forwarder.transactions.dropped_by_endpoint.series_v2"), 3);
  EXPECT_EQ(f->telemetry().at("forwarder.retry_queue.points_dropped"), 3);

  down = false;
  runUntil(*f, clock, clock.steadyNow() + seconds(300));
  std::vector<std::string> ok;
  for (const auto& r : server.requests()) ok.push_back(r.body.substr(0, 2));
  // The first request was the failed p0; after recovery: hi, then newest first.
  ASSERT_GE(ok.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(ok.end() - 3, ok.end()), (std::vector<std::string>{"hi", "p4", "p3"}));
  EXPECT_EQ(f->counters().success(), 3);
}

// Spec §6.7 / §6.10: an agent restarted during an outage loses nothing: the first forwarder
// (live mode) spills its retry queue to disk when it overflows and at stop; the second
// (virtual mode) reloads the files at start and delivers every payload.
TEST(DefaultForwarderTest, RestartWithDiskSpillDeliversEverythingWrittenBeforeIt) {
  TempDir dir;
  std::atomic<bool> down{true};
  ScriptedServer server([&](const Recorded&) { return down ? Action{Behaviour::kStatus, 502, "", {}} : Action{}; });
  ForwarderOptions o;
  o.api_key = "secret-api-key-123";
  o.dd_url = server.url();
  o.disable_api_key_checking = true;
  o.forwarder_storage_path = dir.path();
  o.forwarder_storage_max_size_in_bytes = 10 * 1024 * 1024;
  o.forwarder_retry_queue_payloads_max_size = 2000;  // 3 payloads: the rest spills to disk
  const int kPayloads = 12;
  {
    HttpTransport transport(common::SystemClock::instance());
    common::Random random(1);
    auto first = make(o, transport, common::SystemClock::instance(), random);
    ASSERT_NE(first, nullptr);
    for (int i = 0; i < kPayloads; ++i) {
      ASSERT_TRUE(first->submit(rawSubmission(fwdtest::numbered("payload-", i) + std::string(600, '#'))).isOk());
    }
    // Every transaction failed or found its target blocked, and the driver thread moved it
    // into the retry queue (poll with a bounded wait: live threads).
    ddsim::testing::pollUntil([&] { return first->counters().requeued() >= kPayloads; });
    ASSERT_GE(first->counters().requeued(), kPayloads);
    first->stop();
    const auto snap = first->telemetry();
    EXPECT_EQ(snap.at("forwarder.transactions.success"), 0);
    EXPECT_FALSE(snap.count("forwarder.transactions.dropped_by_reason.retry_queue_full"));
    EXPECT_GE(snap.at("forwarder.disk.files_written"), 2);
    EXPECT_EQ(snap.at("forwarder.disk.store_errors"), 0);
    for (const auto& [k, v] : snap) {
      if (k.rfind("forwarder.transactions.dropped_by_reason.", 0) == 0) ADD_FAILURE() << k << " = " << v;
    }
  }
  down = false;
  const size_t before = server.count();
  HttpTransport transport(common::SystemClock::instance());
  common::ManualClock clock;
  common::Random random(2);
  ForwarderOptions o2 = o;
  o2.run_mode = RunMode::kVirtual;
  auto second = make(o2, transport, clock, random);
  ASSERT_NE(second, nullptr);
  EXPECT_GE(second->telemetry().at("forwarder.disk.reloaded_files"), 2);
  runUntil(*second, clock, clock.steadyNow() + seconds(120));
  std::set<std::string> got;
  const auto reqs = server.requests();
  for (size_t i = before; i < reqs.size(); ++i) {
    got.insert(reqs[i].body.substr(0, reqs[i].body.find('#')));
    EXPECT_EQ(reqs[i].headers.find("Dd-Api-Key")->second, "secret-api-key-123");
  }
  std::set<std::string> want;
  for (int i = 0; i < kPayloads; ++i) want.insert(fwdtest::numbered("payload-", i));
  EXPECT_EQ(got, want);
  EXPECT_EQ(reqs.size() - before, static_cast<size_t>(kPayloads));
  EXPECT_EQ(second->telemetry().at("forwarder.disk.files"), 0);
}

// Spec §6.5 at the forwarder level: under a manual clock, the block after each failure equals
// the formula evaluated with the same seeded draws, and retries only go out once it expired.
TEST(DefaultForwarderTest, BreakerDelaysMatchTheFormula) {
  std::vector<common::SteadyTime> request_times;
  common::ManualClock clock;
  FunctionTransport transport([&](const TransportRequest&) {
    request_times.push_back(clock.steadyNow());
    TransportResult r;
    r.status = 500;
    return r;
  });
  const uint64_t seed = 1234;
  common::Random random(seed);
  auto f = make(virtualOptions("http://intake.test"), transport, clock, random);
  ASSERT_NE(f, nullptr);
  const common::SteadyTime t0 = clock.steadyNow();
  ASSERT_TRUE(f->submit(seriesSubmission("x")).isOk());
  runUntil(*f, clock, t0 + seconds(600));

  // Independent model: the forwarder forks one Random per domain for its breaker (no disk).
  common::Random mirror(seed);
  common::Random breaker_random = mirror.fork();
  const BackoffPolicy policy = BackoffPolicy::fromOptions(ForwarderOptions{});
  std::vector<common::SteadyTime> want;
  int errors = 0;
  common::SteadyTime until = t0;
  want.push_back(t0);  // the first attempt goes out at once
  errors = policy.incError(errors);
  until = t0 + policy.backoff(errors, breaker_random);
  for (common::SteadyTime t = t0 + kRetryInterval; t <= t0 + seconds(600); t += kRetryInterval) {
    if (t < until) continue;  // still blocked: requeued without a request
    want.push_back(t);
    errors = policy.incError(errors);
    until = t + policy.backoff(errors, breaker_random);
  }
  EXPECT_EQ(request_times, want);
  DomainForwarder* df = f->domainForwarder("http://intake.test");
  EXPECT_EQ(df->breaker().errorCount("http://intake.test/api/v2/series"), 6);
  EXPECT_EQ(df->breaker().blockedUntil("http://intake.test/api/v2/series"), until);
}

// Virtual time: a simulated latency keeps the worker busy; forwarder_num_workers workers run
// attempts side by side; nextDeadline() is the next completion.
TEST(DefaultForwarderTest, SimulatedLatencyKeepsWorkersBusy) {
  common::ManualClock clock;
  int calls = 0;
  FunctionTransport transport(fwdtest::answerAfter("2000", &calls));
  common::Random random(1);
  ForwarderOptions o = virtualOptions("http://intake.test");
  o.forwarder_num_workers = 2;
  auto f = make(o, transport, clock, random);
  ASSERT_NE(f, nullptr);
  const common::SteadyTime t0 = clock.steadyNow();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(f->submit(seriesSubmission(fwdtest::numbered("p", i))).isOk());
  EXPECT_EQ(f->nextDeadline(), t0);  // work is waiting for the free workers
  f->tick(t0);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(f->counters().success(), 0);
  EXPECT_EQ(f->domainForwarder("http://intake.test")->inFlight(), 2u);
  EXPECT_EQ(f->nextDeadline(), t0 + seconds(2));
  struct Step {
    int at_s;
    int calls, success;
  };
  const Step steps[] = {{2, 4, 2}, {4, 5, 4}, {6, 5, 5}};
  for (const Step& s : steps) {
    clock.advance(t0 + seconds(s.at_s) - clock.steadyNow());
    f->tick(clock.steadyNow());
    EXPECT_EQ(calls, s.calls) << s.at_s;
    EXPECT_EQ(f->counters().success(), s.success) << s.at_s;
  }
  EXPECT_EQ(f->nextDeadline(), t0 + kRetryInterval * 2);  // only the retry cadence is left
}

// Virtual time: the fakeintake's "never answer" is a timeout error after forwarder_timeout
// (and so is a latency beyond it); the transaction is retried.
TEST(DefaultForwarderTest, SimulatedTimeoutIsATimeoutAfterForwarderTimeout) {
  struct Case {
    const char* header;
    const char* value;
  };
  const Case cases[] = {{"X-Ddsim-Simulated-Timeout", "1"}, {"X-Ddsim-Simulated-Latency-Ms", "25000"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.header);
    common::ManualClock clock;
    FunctionTransport transport([&](const TransportRequest&) {
      TransportResult r;
      r.status = 200;
      r.headers = {{c.header, c.value}};
      return r;
    });
    common::Random random(1);
    auto f = make(virtualOptions("http://intake.test"), transport, clock, random);
    ASSERT_NE(f, nullptr);
    const common::SteadyTime t0 = clock.steadyNow();
    ASSERT_TRUE(f->submit(seriesSubmission("p")).isOk());
    f->tick(t0);
    EXPECT_EQ(f->nextDeadline(), t0 + kRetryInterval);  // the retry tick comes before the timeout
    runUntil(*f, clock, t0 + seconds(19));
    EXPECT_EQ(f->counters().errors(), 0);
    runUntil(*f, clock, t0 + seconds(20));
    EXPECT_EQ(f->counters().errors(), 1);
    EXPECT_EQ(f->counters().success(), 0);
    EXPECT_EQ(f->telemetry().at("forwarder.transactions.errors_by_transport_error.timeout"), 1);
    EXPECT_EQ(f->domainForwarder("http://intake.test")->retryQueueCount(), 1u);
  }
}

// The same seed gives the same run, request for request (STYLE seam 5).
TEST(DefaultForwarderTest, SameSeedSameRun) {
  const auto run = [](uint64_t seed) {
    common::ManualClock clock;
    std::vector<std::string> log;
    const common::SteadyTime t0 = clock.steadyNow();
    FunctionTransport transport([&](const TransportRequest& req) {
      const auto at = std::chrono::duration_cast<milliseconds>(clock.steadyNow() - t0).count();
      log.push_back(std::to_string(at) + " " + std::string(req.body));
      TransportResult r;
      r.status = clock.steadyNow() - t0 < seconds(300) ? 503 : 200;  // a five-minute outage
      r.headers = {{"X-Ddsim-Simulated-Latency-Ms", "120"}};
      return r;
    });
    common::Random random(seed);
    auto f = make(virtualOptions("http://intake.test"), transport, clock, random);
    for (int i = 0; i < 40; ++i) {
      EXPECT_TRUE(f->submit(seriesSubmission(fwdtest::numbered("p", i))).isOk());
      runUntil(*f, clock, clock.steadyNow() + seconds(15));
    }
    runUntil(*f, clock, clock.steadyNow() + seconds(600));
    EXPECT_EQ(f->counters().success(), 40);
    auto snap = f->telemetry();
    f->stop();
    return std::make_pair(log, snap);
  };
  const auto a = run(77), b = run(77), c = run(78);
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second, b.second);
  EXPECT_NE(a.first, c.first);  // the breaker's draws depend on the seed
}

// Spec §6.4: a full high-priority channel sends new transactions to the retry queue.
TEST(DefaultForwarderTest, FullHighPriorityChannelGoesToTheRetryQueue) {
  common::ManualClock clock;
  FunctionTransport transport([](const TransportRequest&) { return TransportResult{}; });
  common::Random random(1);
  ForwarderOptions o = virtualOptions("http://intake.test");
  o.forwarder_high_prio_buffer_size = 2;
  auto f = make(o, transport, clock, random);
  ASSERT_NE(f, nullptr);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(f->submit(seriesSubmission("p")).isOk());
  DomainForwarder* df = f->domainForwarder("http://intake.test");
  EXPECT_EQ(df->highPriorityQueued(), 2u);
  EXPECT_EQ(df->retryQueueCount(), 3u);
  EXPECT_EQ(f->telemetry().at("forwarder.transactions.high_priority_queue_full"), 3);
}

// Spec §6.4: a requeue the retry loop cannot take is dropped and (in ddsim) counted.
TEST(DefaultForwarderTest, RequeueChannelFullDropsAndCounts) {
  common::ManualClock clock;
  FunctionTransport transport([](const TransportRequest&) { return TransportResult::failure(TransportError::kConnect, "down"); });
  common::Random random(1);
  ForwarderOptions o = virtualOptions("http://intake.test");
  o.forwarder_requeue_buffer_size = 0;
  auto f = make(o, transport, clock, random);
  ASSERT_NE(f, nullptr);
  ASSERT_TRUE(f->submit(seriesSubmission("p")).isOk());
  f->tick(clock.steadyNow());
  EXPECT_EQ(f->counters().droppedByReason(DropReason::kRequeueBufferFull), 1);
  EXPECT_EQ(f->counters().dropped(), 0);  // the agent does not count it in Dropped
  EXPECT_EQ(f->telemetry().at("forwarder.transactions.errors_by_type.connection"), 1);
}

// Spec §6.10: submitting when not started fails; start twice fails; stop is idempotent.
TEST(DefaultForwarderTest, StartStopSemantics) {
  common::ManualClock clock;
  FunctionTransport transport([](const TransportRequest&) { return TransportResult{}; });
  common::Random random(1);
  auto created = DefaultForwarder::create(virtualOptions("http://intake.test"), {transport, clock, random});
  ASSERT_TRUE(created.isOk());
  DefaultForwarder& f = **created;
  const common::Status before = f.submit(seriesSubmission("p"));
  EXPECT_EQ(before.code(), common::StatusCode::kFailedPrecondition);
  EXPECT_EQ(before.message(), "the forwarder is not started");
  EXPECT_FALSE(f.nextDeadline().has_value());
  ASSERT_TRUE(f.start().isOk());
  EXPECT_EQ(f.start().code(), common::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(f.submit(seriesSubmission("p")).isOk());
  f.stop();
  f.stop();
  EXPECT_EQ(f.submit(seriesSubmission("p")).code(), common::StatusCode::kFailedPrecondition);
  EXPECT_EQ(f.start().code(), common::StatusCode::kFailedPrecondition);
  // The un-sent high-priority transaction was purged at stop (virtual purge).
  EXPECT_EQ(f.counters().success(), 1);

  // Bad input: null payloads are skipped and reported; the rest is sent.
  auto g = make(virtualOptions("http://intake.test"), transport, clock, random);
  serializer::Submission s = seriesSubmission("ok");
  s.payloads.push_back(nullptr);
  const common::Status st = g->submit(std::move(s));
  EXPECT_EQ(st.code(), common::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("null payload"), std::string::npos);
  serializer::Submission v = seriesSubmission("v");
  v.endpoint = serializer::Endpoint::kValidate;
  EXPECT_EQ(g->submit(std::move(v)).code(), common::StatusCode::kInvalidArgument);
  g->tick(clock.steadyNow());
  EXPECT_EQ(g->counters().success(), 1);

  // Invalid configuration is a clear error at creation.
  ForwarderOptions bad = virtualOptions("http://intake.test");
  bad.forwarder_num_workers = 0;
  auto e = DefaultForwarder::create(bad, {transport, clock, random});
  ASSERT_FALSE(e.isOk());
  EXPECT_NE(e.status().message().find("forwarder_num_workers"), std::string::npos);
}

// Spec §6.10 virtual stop: an attempt in flight is cancelled and requeued, high priority is
// purged within forwarder_stop_timeout of virtual time, the rest is counted as lost.
TEST(DefaultForwarderTest, VirtualStopPurgesWithinTheStopTimeout) {
  common::ManualClock clock;
  int calls = 0;
  FunctionTransport transport(fwdtest::answerAfter("1500", &calls));
  common::Random random(1);
  auto f = make(virtualOptions("http://intake.test"), transport, clock, random);
  ASSERT_NE(f, nullptr);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(f->submit(seriesSubmission(fwdtest::numbered("p", i))).isOk());
  f->stop();  // purge: p0 answers at 1.5 s, p1 would answer at 3.0 s > 2 s
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(f->counters().success(), 1);
  EXPECT_EQ(f->counters().droppedByReason(DropReason::kStopTimeout), 2);
}

// Spec §6.10 live stop: workers stop, remaining high-priority transactions are sent
// synchronously, the retry queue is flushed; nothing sent is lost.
TEST(DefaultForwarderTest, LiveStopPurgesHighPriority) {
  ScriptedServer server;
  HttpTransport transport(common::SystemClock::instance());
  common::Random random(1);
  ForwarderOptions o = liveOptions(server.url());
  auto f = make(o, transport, common::SystemClock::instance(), random);
  ASSERT_NE(f, nullptr);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(f->submit(seriesSubmission(fwdtest::numbered("p", i))).isOk());
  f->stop();
  // Everything is delivered, except (agent behaviour) an attempt the stopping worker cancelled:
  // it is requeued and, with no disk storage, lost at stop — and counted.
  const int64_t lost = f->counters().droppedByReason(DropReason::kRetryQueueAtStop);
  EXPECT_LE(lost, 1);
  EXPECT_EQ(f->counters().success() + lost, 30);
  EXPECT_GE(static_cast<int64_t>(server.count()), f->counters().success());
  for (const auto& [k, v] : f->telemetry()) {
    if (k.rfind("forwarder.transactions.dropped_by_reason.", 0) == 0 &&
        k != "forwarder.transactions.dropped_by_reason.retry_queue_at_stop") {
      ADD_FAILURE() << k << " = " << v;
    }
  }
}

// Bad input over real HTTP (issue): unreachable host, DNS failure, reset mid-body, a server
// that never answers, a 2 GiB answer — retried or dropped per the table, counted, no hang.
TEST(DefaultForwarderTest, BadInputIsRetriedOrDroppedPerTheTable) {
  ScriptedServer server;
  struct Case {
    const char* name;
    std::string url;
    Action action;
    const char* counter;  // incremented by exactly one attempt
    bool retried;
  };
  const Case cases[] = {
      {"unreachable", "http://127.0.0.1:1", {}, "forwarder.transactions.errors_by_transport_error.connect", true},
      {"dns", "http://nonexistent-host.invalid", {}, "forwarder.transactions.errors_by_type.dns", true},
      {"reset mid-body", server.url(), Action{Behaviour::kResetMidBody, 200, "", {}},
       "forwarder.transactions.errors_by_transport_error.body_read", true},
      {"never answers", server.url(), Action{Behaviour::kNeverAnswer, 200, "", {}},
       "forwarder.transactions.errors_by_transport_error.timeout", true},
      {"2 GiB 200", server.url(), Action{Behaviour::kHugeChunked, 200, "", {}},
       "forwarder.transactions.success", false},
      {"2 GiB 413", server.url(), Action{Behaviour::kHugeContentLength, 413, "", {}},
       "forwarder.transactions.dropped_by_reason.http_413", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    server.setScript([&](const Recorded&) { return c.action; });
    HttpTransport transport(common::SystemClock::instance());
    common::ManualClock clock;
    common::Random random(1);
    ForwarderOptions o = virtualOptions(c.url);
    o.forwarder_timeout = milliseconds(300);
    auto f = make(o, transport, clock, random);
    ASSERT_NE(f, nullptr);
    ASSERT_TRUE(f->submit(seriesSubmission("p")).isOk());
    f->tick(clock.steadyNow());
    const auto snap = f->telemetry();
    ASSERT_TRUE(snap.count(c.counter)) << c.counter;
    EXPECT_EQ(snap.at(c.counter), 1);
    EXPECT_EQ(f->domainForwarder(c.url)->retryQueueCount(), c.retried ? 1u : 0u);
  }
}

// Spec §6.2: process-like payloads (orchestrator) carry X-DD-Agent-Attempts, counted per
// attempt; the legacy route is used when orchestrator_explorer.use_legacy_endpoint is set.
TEST(DefaultForwarderTest, OrchestratorAttemptsHeaderCountsAttempts) {
  common::ManualClock clock;
  std::vector<std::string> attempts, urls;
  FunctionTransport transport([&](const TransportRequest& r) {
    attempts.emplace_back(headerValue(r.headers, "X-Dd-Agent-Attempts"));
    urls.push_back(r.url);
    TransportResult res;
    res.status = attempts.size() < 3 ? 500 : 200;
    return res;
  });
  common::Random random(1);
  ForwarderOptions o = virtualOptions("http://intake.test");
  o.use_legacy_orchestrator_endpoint = true;
  auto f = make(o, transport, clock, random);
  ASSERT_NE(f, nullptr);
  serializer::Submission s;
  s.endpoint = serializer::Endpoint::kOrchestrator;
  s.payloads = {payloadOf("orch")};
  ASSERT_TRUE(f->submit(std::move(s)).isOk());
  runUntil(*f, clock, clock.steadyNow() + seconds(120));
  EXPECT_EQ(attempts, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(urls.front(), "http://intake.test/api/v1/orchestrator");
  EXPECT_EQ(f->counters().success(), 1);
}

// Live mode with concurrent workers: successes never leave the breaker blocked, so nothing is
// requeued. (Regression: a time read before the breaker's lock could predate a concurrent
// recover() and see a stale block.)
TEST(DefaultForwarderTest, ConcurrentLiveWorkersNeverSeeAStaleBlock) {
  ScriptedServer server;
  HttpTransport transport(common::SystemClock::instance());
  common::Random random(1);
  ForwarderOptions o;
  o.api_key = "k";
  o.dd_url = server.url();
  o.forwarder_num_workers = 4;
  o.disable_api_key_checking = true;
  auto f = make(o, transport, common::SystemClock::instance(), random);
  ASSERT_NE(f, nullptr);
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 40; ++i) ASSERT_TRUE(f->submit(seriesSubmission(fwdtest::numbered("p", i))).isOk());
    ASSERT_TRUE(server.waitFor(static_cast<size_t>(40 * (round + 1))));
  }
  f->stop();
  EXPECT_EQ(f->counters().success(), 400);
  EXPECT_EQ(f->counters().requeued(), 0);
}

// Live mode without the driver thread: worker threads send, the caller drives the retry loop
// with tick() under a manual clock (the breaker uses the same clock).
TEST(DefaultForwarderTest, LiveWorkersWithACallerDrivenRetryLoop) {
  std::atomic<bool> down{true};
  ScriptedServer server([&](const Recorded&) { return down ? Action{Behaviour::kStatus, 503, "", {}} : Action{}; });
  HttpTransport transport(common::SystemClock::instance());
  common::ManualClock clock;
  common::Random random(1);
  ForwarderOptions o = liveOptions(server.url());
  o.live_driver_thread = false;
  auto f = make(o, transport, clock, random);
  ASSERT_NE(f, nullptr);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(f->submit(seriesSubmission(fwdtest::numbered("p", i))).isOk());
  DomainForwarder* df = f->domainForwarder(server.url());
  // The workers fail or find the target blocked and requeue; tick() moves them to the retry queue.
  ddsim::testing::pollUntil([&] { return df->retryQueueCount() >= 3; }, [&] { f->tick(clock.steadyNow()); });
  ASSERT_EQ(df->retryQueueCount(), 3u);
  EXPECT_EQ(server.count(), 1u);  // one probe, then the breaker blocked the target
  down = false;
  clock.advance(seconds(5));  // first retry tick; the 2-4 s block has expired
  f->tick(clock.steadyNow());
  ddsim::testing::pollUntil([&] { return f->counters().success() >= 3; }, [&] {
    clock.advance(seconds(5));
    f->tick(clock.steadyNow());
  });
  EXPECT_EQ(f->counters().success(), 3);
  f->stop();
}

}  // namespace
}  // namespace ddsim::forwarder
