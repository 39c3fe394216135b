// Retention (default 15 min, the agent fakeintake's) and the memory cap, driven by a ManualClock:
// what they remove is counted and the store never holds more than the cap.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakeintake/store/payload_store.h"
#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

IntakeRequest seriesRequest(int i) {
  IntakeRequest r;
  r.path = "/api/v1/series";
  r.headers.add("Content-Type", "application/json");
  r.body = R"({"series":[{"metric":"m)" + std::to_string(i) + R"(","points":[[1700000000,1]],"host":"h","type":"gauge"}]})";
  return r;
}

TEST(Retention, DropsPayloadsOlderThanFifteenMinutesByDefault) {
  common::ManualClock clock;
  IntakeHandler h(IntakeOptions{}, clock);
  EXPECT_EQ(h.options().retention, std::chrono::minutes(15));
  h.handle(seriesRequest(0));
  clock.advance(10min);
  h.handle(seriesRequest(1));
  ASSERT_TRUE(h.nextDeadline().has_value());
  EXPECT_EQ(*h.nextDeadline(), common::fromUnixSeconds(1'700'000'000 + 15 * 60));
  clock.advance(5min);  // payload 0 is exactly 15 min old: kept
  h.tick(clock.systemNow());
  EXPECT_EQ(h.store().stats().payloads, 2u);
  clock.advance(1s);
  h.tick(clock.systemNow());
  auto left = h.store().query(PayloadQuery{"/api/v1/series"}, clock.systemNow());
  ASSERT_EQ(left.size(), 1u);
  EXPECT_NE(left[0]->raw.find("\"m1\""), std::string::npos);
  EXPECT_EQ(h.store().stats().evicted_retention, 1u);
  // Queries expire too, without a tick.
  clock.advance(10min);
  EXPECT_TRUE(h.store().query(PayloadQuery{"/api/v1/series"}, clock.systemNow()).empty());
  EXPECT_EQ(h.store().stats().evicted_retention, 2u);
  EXPECT_EQ(h.telemetry().at("fakeintake.store.evicted.retention"), 2);
}

TEST(Retention, ConfiguredRetentionOverHttp) {
  IntakeOptions o;
  o.retention = 30s;
  testing::TestServer s(o);
  ASSERT_TRUE(s.post("/api/v1/series", seriesRequest(0).body, "", "application/json"));
  s.clock().advance(31s);
  auto r = s.client()->Get("/fakeintake/routestats");
  EXPECT_EQ(json::parse(r->body)["routes"]["/api/v1/series"]["count"], 0);
  auto m = s.client()->Get("/metrics");
  EXPECT_NE(m->body.find("fakeintake_store_evictions_total{reason=\"retention\"} 1"), std::string::npos);
}

TEST(MemoryCap, EvictsOldestFirstAndNeverExceedsTheCap) {
  common::ManualClock clock;
  IntakeOptions o;
  o.max_memory_bytes = 64 * 1024;
  IntakeHandler h(o, clock);
  std::string big(2000, 'x');
  for (int i = 0; i < 200; ++i) {
    IntakeRequest r;
    r.path = i % 2 ? "/odd" : "/even";
    r.body = big + std::to_string(i);
    r.headers.add("Content-Type", "text/plain");
    EXPECT_EQ(h.handle(std::move(r)).status, 200);
    EXPECT_LE(h.store().stats().memory_bytes, o.max_memory_bytes);
    clock.advance(1s);
  }
  StoreStats st = h.store().stats();
  EXPECT_GT(st.evicted_memory, 100u);
  EXPECT_EQ(st.evicted_memory + st.payloads, 200u);
  EXPECT_EQ(st.stored_total, 200u);
  // What is left is the newest, contiguous in arrival order.
  auto all = h.store().all(0, clock.systemNow());
  ASSERT_EQ(all.size(), st.payloads);
  EXPECT_NE(all.back()->raw.find("199"), std::string::npos);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_EQ(all[i]->id, all[i - 1]->id + 1);
  // Both routes lost their oldest entries, consistently with the global order.
  auto odd = h.store().query(PayloadQuery{"/odd"}, clock.systemNow());
  auto even = h.store().query(PayloadQuery{"/even"}, clock.systemNow());
  EXPECT_EQ(odd.size() + even.size(), st.payloads);
}

TEST(MemoryCap, APayloadLargerThanTheWholeCapIsRefusedWith413) {
  common::ManualClock clock;
  IntakeOptions o;
  o.max_memory_bytes = 10 * 1024;
  IntakeHandler h(o, clock);
  IntakeRequest small;
  small.path = "/x";
  small.body = "keep me";
  h.handle(small);
  IntakeRequest huge;
  huge.path = "/x";
  huge.body = std::string(20 * 1024, 'y');
  IntakeResponse r = h.handle(huge);
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("more than the whole cap"), std::string::npos) << r.body;
  // Nothing stored was lost for it.
  EXPECT_EQ(h.store().stats().payloads, 1u);
  EXPECT_EQ(h.store().stats().rejected_too_large, 1u);
  EXPECT_EQ(h.counters().get("rejected.store_too_large"), 1);
}

// The intake answers before it frees what a new payload evicted: the store hands the evicted
// payloads to the caller, and the intake's response holds them until the transport drops it,
// one answer at a time (so at most one payload's evictions are held over the cap).
TEST(MemoryCap, EvictedPayloadsAreFreedAfterTheAnswerNotBefore) {
  common::ManualClock clock;
  auto payload = [&](int i) {
    auto p = std::make_shared<StoredPayload>();
    p->route = "/r";
    p->raw = std::string(2000, 'a') + std::to_string(i);
    p->received = clock.systemNow();
    return p;
  };
  const size_t one = payload(0)->estimateMemory();
  PayloadStore store(StoreOptions{.retention = {}, .max_memory_bytes = 2 * one + one / 2});  // room for two
  std::weak_ptr<StoredPayload> first = [&] {
    auto p = payload(0);
    EXPECT_TRUE(store.add(p, clock.systemNow()).isOk());
    return std::weak_ptr<StoredPayload>(p);
  }();
  ASSERT_TRUE(store.add(payload(1), clock.systemNow()).isOk());
  std::vector<StoredPayloadPtr> evicted;
  ASSERT_TRUE(store.add(payload(2), clock.systemNow(), &evicted).isOk());
  ASSERT_EQ(evicted.size(), 1u);
  EXPECT_EQ(evicted[0]->id, 1u);
  EXPECT_FALSE(first.expired()) << "freed inside add()";
  EXPECT_EQ(store.stats().evicted_memory, 1u);
  evicted.clear();
  EXPECT_TRUE(first.expired());
  // Without the out-parameter, add() frees them itself.
  ASSERT_TRUE(store.add(payload(3), clock.systemNow()).isOk());
  EXPECT_EQ(store.stats().evicted_memory, 2u);

  // Through the handler: a response that evicted carries them, one that did not carries nothing.
  auto request = [](int i) {
    IntakeRequest r;
    r.path = "/x";
    r.body = std::string(2000, 'b') + std::to_string(i);
    r.headers.add("Content-Type", "text/plain");
    return r;
  };
  IntakeOptions o;
  IntakeHandler probe(o, clock);
  probe.handle(request(0));
  const size_t stored = probe.store().stats().memory_bytes;
  o.max_memory_bytes = 2 * stored + stored / 2;
  IntakeHandler h(o, clock);
  auto send = [&](int i) { return h.handle(request(i)); };
  EXPECT_EQ(send(0).release_after_answer, nullptr);
  EXPECT_EQ(send(1).release_after_answer, nullptr);
  IntakeResponse third = send(2);
  EXPECT_EQ(third.status, 200);
  ASSERT_NE(third.release_after_answer, nullptr);
  EXPECT_EQ(h.store().stats().evicted_memory, 1u);
  // Bounded: one answer at a time holds. While the third is not written yet, what the fourth
  // evicts is freed before it answers, and is still counted as evicted.
  IntakeResponse fourth = send(3);
  EXPECT_EQ(fourth.status, 200);
  EXPECT_EQ(fourth.release_after_answer, nullptr);
  EXPECT_EQ(h.store().stats().evicted_memory, 2u);
  third = IntakeResponse{};  // the transport is done with the third: its hold is released
  EXPECT_NE(send(4).release_after_answer, nullptr);
  EXPECT_EQ(h.store().stats().evicted_memory, 3u);
}

TEST(PayloadStore, FlushClearsAndCounts) {
  PayloadStore store(StoreOptions{});
  common::ManualClock clock;
  for (int i = 0; i < 3; ++i) {
    StoredPayload p;
    p.route = "/r";
    p.received = clock.systemNow();
    ASSERT_TRUE(store.add(std::move(p), clock.systemNow()).isOk());
  }
  EXPECT_EQ(store.lastId(), 3u);
  store.clear();
  EXPECT_EQ(store.stats().payloads, 0u);
  EXPECT_EQ(store.stats().memory_bytes, 0u);
  EXPECT_EQ(store.stats().flushed, 3u);
  EXPECT_TRUE(store.countsByRoute().empty());
}

}  // namespace
}  // namespace ddsim::fakeintake
