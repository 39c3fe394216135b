// Deferred ingest (IntakeOptions::deferred_ingest_bytes, the simulator's embedded intakes): the
// intake answers once a payload is validated and stores it afterwards, in arrival order, on a
// thread of its own. Once drained it must hold exactly what an intake that stores first holds:
// the same answers, payloads in the same order with the same decoded values and violations,
// the same counters and route stats. Only a payload larger than the memory store's whole cap
// differs (kept alone instead of a 413: the answer was already given). Also the OrderedWorker
// it runs on.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "core/store/run_store.h"
#include "fakeintake/core/ordered_worker.h"
#include "fakeintake/decoders/decoded_json.h"
#include "fakeintake/handler/intake_handler.h"
#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using namespace std::chrono_literals;
using testing::SeriesSpec;
using testing::seriesPayload;
using testing::testData;
using testing::everyKindOfIngest;
using testing::intakePost;
using testing::zstdCompress;

TEST(OrderedWorker, RunsJobsInOrderAndDrainWaitsForThem) {
  std::vector<int> ran;
  OrderedWorker w("test-worker", 1 << 20);
  for (int i = 0; i < 200; ++i) w.push([&ran, i] { ran.push_back(i); }, 10);
  w.drain();
  ASSERT_EQ(ran.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(ran[static_cast<size_t>(i)], i);
  EXPECT_LE(w.peakQueuedBytes(), 2000u);
}

TEST(OrderedWorker, APushWaitsWhileTheBoundIsFullAndAnOversizedJobGoesInAlone) {
  OrderedWorker w("test-worker", 100);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> ran{0};
  EXPECT_FALSE(w.push([gate, &ran] { gate.wait(); ++ran; }, 60));  // runs, holds the worker
  EXPECT_FALSE(w.push([&ran] { ++ran; }, 40));                     // 100 of 100: still room
  auto third = std::async(std::launch::async, [&] { return w.push([&ran] { ++ran; }, 500); });
  EXPECT_EQ(third.wait_for(100ms), std::future_status::timeout);  // full: waits
  release.set_value();
  EXPECT_TRUE(third.get());  // went in alone once the queue was empty
  w.drain();
  EXPECT_EQ(ran.load(), 3);
  EXPECT_EQ(w.peakQueuedBytes(), 500u);
}

TEST(OrderedWorker, TheDestructorRunsWhatIsQueuedAndJobsAreFreedBeforeTheyCountAsDone) {
  auto held = std::make_shared<int>(1);
  std::weak_ptr<int> watch = held;
  int ran = 0;
  {
    OrderedWorker w("test-worker", 1 << 20);
    w.push([held = std::move(held)] {}, 1);
    w.drain();
    EXPECT_TRUE(watch.expired());  // the job's captures are gone once drain() returns
    for (int i = 0; i < 50; ++i) w.push([&ran] { ++ran; }, 1);
  }
  EXPECT_EQ(ran, 50);
}

nlohmann::json storedJson(IntakeHandler& h, const common::Clock& clock) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : h.store().all(0, clock.systemNow())) {
    nlohmann::json v = nlohmann::json::array();
    for (const auto& x : p->violations) v.push_back({x.property, x.message});
    out.push_back({{"id", p->id},
                   {"route", p->route},
                   {"status", p->response_status},
                   {"error", p->decode_error},
                   {"size", p->uncompressed_size},
                   {"items", p->decoded ? itemsToJson(p->decoded->items) : nlohmann::json()},
                   {"notes", p->decoded ? p->decoded->notes.size() : 0},
                   {"violations", v},
                   {"violation_count", p->violation_count},
                   {"memory", p->memory_bytes}});
  }
  return out;
}

nlohmann::json routeStatsJson(const IntakeHandler& h) {
  nlohmann::json out;
  for (const auto& [route, s] : h.routeStats().snapshot()) {
    out[route] = {s.requests, s.bytes_compressed, s.bytes_uncompressed, s.decode_errors, s.violations, s.faults,
                  s.status_counts};
  }
  return out;
}

TEST(DeferredIngest, OnceDrainedTheIntakeHoldsWhatAnIntakeThatStoresFirstHolds) {
  common::ManualClock clock;
  IntakeOptions first, deferred;
  deferred.deferred_ingest_bytes = 1 << 20;
  IntakeHandler a(first, clock), b(deferred, clock);
  int statuses_seen[600] = {};
  for (const auto& req : everyKindOfIngest()) {
    // Two copies, so both bodies have the same capacity (part of a payload's memory estimate).
    IntakeRequest for_a = req, for_b = req;
    const std::string path = req.path;
    IntakeResponse ra = a.handle(std::move(for_a));
    IntakeResponse rb = b.handle(std::move(for_b));
    ASSERT_EQ(ra.status, rb.status) << path;
    EXPECT_EQ(ra.body, rb.body);
    ++statuses_seen[ra.status];
    clock.advance(1s);
  }
  EXPECT_GT(statuses_seen[202], 20);  // every branch above was taken
  EXPECT_GT(statuses_seen[400], 0);
  EXPECT_GT(statuses_seen[415], 0);
  b.drainIngest();
  EXPECT_EQ(storedJson(a, clock), storedJson(b, clock));
  EXPECT_EQ(routeStatsJson(a), routeStatsJson(b));
  auto ca = a.counters().snapshot(), cb = b.counters().snapshot();
  EXPECT_EQ(cb.at("deferred.decoded_after_answer"), 24);  // the valid protobuf series, not the rest
  cb.erase("deferred.decoded_after_answer");
  cb.erase("deferred.queue_waits");
  EXPECT_EQ(ca, cb);
  EXPECT_GT(ca.at("violations.Pyld50"), 0);  // the declined and the checked paths were taken
  EXPECT_GT(ca.at("decode_errors"), 0);
}

TEST(DeferredIngest, APayloadLargerThanTheWholeMemoryCapIsKeptAloneInsteadOf413) {
  common::ManualClock clock;
  IntakeOptions first, deferred;
  first.max_memory_bytes = deferred.max_memory_bytes = 64 * 1024;
  deferred.deferred_ingest_bytes = 1 << 20;
  IntakeHandler a(first, clock), b(deferred, clock);
  std::vector<SeriesSpec> many;
  for (int i = 0; i < 1000; ++i) many.push_back({"app.big", {"n:" + std::to_string(i)}, {{1700000000, 1.0}}});
  const std::string small = seriesPayload({{"app.small", {}, {{1700000000, 1.0}}}});
  for (IntakeHandler* h : {&a, &b}) {
    ASSERT_EQ(h->handle(intakePost("/api/v2/series", small, "application/x-protobuf")).status, 202);
  }
  EXPECT_EQ(a.handle(intakePost("/api/v2/series", seriesPayload(many), "application/x-protobuf")).status, 413);
  EXPECT_EQ(b.handle(intakePost("/api/v2/series", seriesPayload(many), "application/x-protobuf")).status, 202);
  b.drainIngest();
  const auto kept = b.store().all(0, clock.systemNow());
  ASSERT_EQ(kept.size(), 1u);  // the small one was evicted to make room
  EXPECT_GT(kept[0]->memory_bytes, deferred.max_memory_bytes);
  EXPECT_EQ(a.store().all(0, clock.systemNow()).size(), 1u);
  EXPECT_EQ(a.counters().snapshot().at("rejected.store_too_large"), 1);
  EXPECT_EQ(b.counters().snapshot().count("rejected.store_too_large"), 0u);
}

TEST(DeferredIngest, EveryAnsweredPayloadReachesTheRunStoreAfterFlushRunStore) {
  const auto path = (std::filesystem::temp_directory_path() /
                     ("ddsim_deferred_" + std::to_string(::getpid()) + ".sqlite"))
                        .string();
  std::filesystem::remove(path);
  {
    common::ManualClock clock;
    IntakeOptions o;
    o.deferred_ingest_bytes = 1;  // every request waits for the one before: the bound holds
    o.max_memory_bytes = 8192;
    IntakeHandler h(o, clock);
    auto rs = store::RunStore::open(path).value();
    h.attachRunStore(rs.get(), "main", IntakeHandler::RunStoreWrites::kQueued, 1);
    double expected = 0;
    for (int i = 1; i <= 60; ++i) {
      SeriesSpec s{"app.req", {"env:prod"}, {{1700000000 + i, static_cast<double>(i)}}};
      ASSERT_EQ(h.handle(intakePost("/api/v2/series", zstdCompress(seriesPayload({s})), "application/x-protobuf", "zstd")).status, 202);
      expected += i;
      clock.advance(1s);
    }
    h.flushRunStore();
    store::PointQuery q;
    q.name = "app.req";
    q.tags = {"env:prod"};
    const auto pts = rs->seriesPoints(q).value();
    ASSERT_EQ(pts.size(), 60u);
    double sum = 0;
    for (const auto& p : pts) sum += p.value;
    EXPECT_EQ(sum, expected);
    EXPECT_EQ(h.counters().snapshot().at("stored"), 60);
  }
  std::filesystem::remove(path);
}

// A client that was answered finds its payload in the next control query: control requests
// drain the deferred work first.
TEST(DeferredIngest, AControlQueryAfterTheAnswerSeesThePayload) {
  common::ManualClock clock;
  IntakeOptions o;
  o.deferred_ingest_bytes = 64 << 20;
  IntakeHandler h(o, clock);
  std::vector<SeriesSpec> many;
  for (int i = 0; i < 500; ++i) many.push_back({"app.q", {"n:" + std::to_string(i)}, {{1700000000, 1.0}}});
  const std::string body = zstdCompress(seriesPayload(many));
  for (int round = 1; round <= 3; ++round) {
    for (int i = 0; i < 5; ++i) {
      ASSERT_EQ(h.handle(intakePost("/api/v2/series", body, "application/x-protobuf", "zstd")).status, 202);
    }
    IntakeRequest q;
    q.method = "GET";
    q.path = "/fakeintake/payloads";
    q.query = parseQueryString("endpoint=/api/v2/series&format=json");
    IntakeResponse r = h.handle(std::move(q));
    ASSERT_EQ(r.status, 200);
    const auto j = nlohmann::json::parse(r.body);
    ASSERT_EQ(j["payloads"].size(), static_cast<size_t>(5 * round)) << "round " << round;
    EXPECT_EQ(j["payloads"].back()["data"].size(), 500u);  // decoded, not only answered
  }
}

}  // namespace
}  // namespace ddsim::fakeintake
