// The fakeintake with a run store attached (`fakeintake --store FILE`): every stored payload is
// written to SQLite with its decoded points, whatever the memory cap evicts; a new handler on the
// same file is restored from it; the store's retention follows the intake's.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/store/run_store.h"
#include "core/trace/stats_payload.h"
#include "fakeintake/handler/intake_handler.h"
#include "proto/trace.pb.h"

namespace ddsim::fakeintake {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

IntakeRequest series(int i) {
  IntakeRequest r;
  r.method = "POST";
  r.path = "/api/v1/series";
  r.headers.add("Content-Type", "application/json");
  r.body = R"({"series":[{"metric":"app.req","points":[[1700000000,)" + std::to_string(i) +
           R"(]],"host":"h","tags":["env:prod","shard:)" + std::to_string(i % 2) + R"("],"type":"count","interval":10}]})";
  return r;
}

// The app.req points the store holds for env:prod.
std::vector<store::PointRow> prodPoints(store::RunStore& rs) {
  store::PointQuery q;
  q.name = "app.req";
  q.tags = {"env:prod"};
  return rs.seriesPoints(q).value();
}

double sumOf(const std::vector<store::PointRow>& pts) {
  double sum = 0;
  for (const auto& p : pts) sum += p.value;
  return sum;
}

class RunStoreIntake : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() /
             ("ddsim_fi_store_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".sqlite"))
                .string();
    clean();
  }
  void TearDown() override { clean(); }
  void clean() {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_ + suffix);
  }
  std::string path_;
};

TEST_F(RunStoreIntake, EveryPayloadReachesTheStoreWhateverTheMemoryCapEvicts) {
  common::ManualClock clock;
  IntakeOptions o;
  o.max_memory_bytes = 4096;  // a few payloads at most
  IntakeHandler h(o, clock);
  auto rs = store::RunStore::open(path_).value();
  h.attachRunStore(rs.get());
  double expected = 0;
  for (int i = 1; i <= 100; ++i) {
    ASSERT_EQ(h.handle(series(i)).status, 202);
    expected += i;
    clock.advance(1s);
  }
  EXPECT_GT(h.store().stats().evicted_memory, 50u);
  auto pts = prodPoints(*rs);
  ASSERT_EQ(pts.size(), 100u);
  EXPECT_EQ(sumOf(pts), expected);
  EXPECT_EQ(pts[0].interval, 10);
  EXPECT_EQ(pts[0].type, "count");
  store::PointQuery q;
  q.name = "app.req";
  q.tags = {"shard:1"};
  EXPECT_EQ(rs->seriesPoints(q).value().size(), 50u);
  EXPECT_EQ(rs->storedItems("main", "/api/v1/series").value(), 100);
  EXPECT_EQ(h.counters().snapshot().at("run_store.written"), 100);
  EXPECT_TRUE(rs->evictions().value().empty());
}

TEST_F(RunStoreIntake, FaultsThatDoNotStoreDoNotReachTheStoreAndDecodeErrorsDo) {
  common::ManualClock clock;
  IntakeHandler h(IntakeOptions{}, clock);
  auto rs = store::RunStore::open(path_).value();
  h.attachRunStore(rs.get());
  IntakeRequest bad = series(1);
  bad.body = "{not json";
  EXPECT_EQ(h.handle(std::move(bad)).status, 400);
  auto rows = rs->payloads("main", "", 0, 0).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].row.status, 400);
  EXPECT_FALSE(rows[0].row.decode_error.empty());
  EXPECT_EQ(rows[0].row.items, 0);
}

TEST_F(RunStoreIntake, ARestartedIntakeServesWhatTheStoreKeptWithinRetention) {
  common::ManualClock clock;
  IntakeOptions o;
  o.retention = 10min;
  {
    IntakeHandler h(o, clock);
    store::RunStoreOptions ro;
    ro.retention = o.retention;
    auto rs = store::RunStore::open(path_, ro).value();
    h.attachRunStore(rs.get());
    ASSERT_EQ(h.handle(series(1)).status, 202);
    clock.advance(8min);
    ASSERT_EQ(h.handle(series(2)).status, 202);
    ASSERT_EQ(h.handle(series(3)).status, 202);
  }
  clock.advance(5min);  // payload 1 is 13 min old now: past retention
  IntakeHandler restarted(o, clock);
  store::RunStoreOptions ro;
  ro.retention = o.retention;
  auto rs = store::RunStore::open(path_, ro).value();
  EXPECT_EQ(restarted.restoreFrom(*rs).value(), 2u);
  restarted.attachRunStore(rs.get());
  auto kept = restarted.store().query(PayloadQuery{"/api/v1/series"}, clock.systemNow());
  ASSERT_EQ(kept.size(), 2u);
  ASSERT_TRUE(kept[0]->decoded.has_value());
  EXPECT_NE(kept[0]->raw.find("1700000000,2"), std::string::npos);
  EXPECT_EQ(restarted.counters().snapshot().at("restored"), 2);
  // Restoring does not write the payloads a second time; a tick applies retention on disk.
  EXPECT_EQ(rs->payloads("main", "", 0, 0).value().size(), 3u);
  restarted.tick(clock.systemNow());
  EXPECT_EQ(rs->payloads("main", "", 0, 0).value().size(), 2u);
  ASSERT_EQ(rs->evictions().value().size(), 1u);
  EXPECT_EQ(rs->evictions().value()[0].reason, "retention");
}

TEST_F(RunStoreIntake, AWriteTheStoreRefusesIsCountedAndThePayloadStillServed) {
  { auto created = store::RunStore::open(path_).value(); }
  store::RunStoreOptions ro;
  ro.read_only = true;  // every write fails, as on a full or read-only disk
  auto rs = store::RunStore::open(path_, ro).value();
  common::ManualClock clock;
  IntakeHandler h(IntakeOptions{}, clock);
  h.attachRunStore(rs.get());
  EXPECT_EQ(h.handle(series(1)).status, 202);
  EXPECT_EQ(h.counters().snapshot().at("run_store.write_errors"), 1);
  EXPECT_EQ(h.store().query(PayloadQuery{"/api/v1/series"}, clock.systemNow()).size(), 1u);
}

// The simulator's embedded intakes write through a RunStoreQueue (the answer does not wait for
// SQLite): after flushRunStore() the store holds exactly what inline writes would have written.
TEST_F(RunStoreIntake, QueuedWritesReachTheStoreWhenFlushedAndTheQueueKeepsItsBound) {
  common::ManualClock clock;
  IntakeOptions o;
  o.max_memory_bytes = 4096;
  IntakeHandler h(o, clock);
  auto rs = store::RunStore::open(path_).value();
  // A bound of one byte: every push waits until the writer has emptied the queue, so at most
  // one payload is ever queued.
  h.attachRunStore(rs.get(), "main", IntakeHandler::RunStoreWrites::kQueued, 1);
  ASSERT_NE(h.runStoreQueue(), nullptr);
  double expected = 0;
  for (int i = 1; i <= 100; ++i) {
    ASSERT_EQ(h.handle(series(i)).status, 202);
    expected += i;
    clock.advance(1s);
  }
  h.flushRunStore();
  auto pts = prodPoints(*rs);
  ASSERT_EQ(pts.size(), 100u);
  EXPECT_EQ(sumOf(pts), expected);
  EXPECT_EQ(rs->storedItems("main", "/api/v1/series").value(), 100);
  EXPECT_EQ(h.counters().snapshot().at("run_store.written"), 100);
  const auto last = h.store().all(0, clock.systemNow()).back();
  EXPECT_GT(h.runStoreQueue()->peakQueuedBytes(), 0u);
  EXPECT_LE(h.runStoreQueue()->peakQueuedBytes(), last->memory_bytes + 16);  // one payload (sizes differ by digits)
}

TEST_F(RunStoreIntake, AQueuedWriteTheStoreRefusesIsCountedOnceFlushed) {
  { auto created = store::RunStore::open(path_).value(); }
  store::RunStoreOptions ro;
  ro.read_only = true;
  auto rs = store::RunStore::open(path_, ro).value();
  common::ManualClock clock;
  IntakeHandler h(IntakeOptions{}, clock);
  h.attachRunStore(rs.get(), "main", IntakeHandler::RunStoreWrites::kQueued);
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(h.handle(series(i)).status, 202);
  h.flushRunStore();
  EXPECT_EQ(h.counters().snapshot().at("run_store.write_errors"), 3);
  EXPECT_EQ(h.store().query(PayloadQuery{"/api/v1/series"}, clock.systemNow()).size(), 3u);
}

TEST_F(RunStoreIntake, DetachingWritesWhatIsQueuedFirst) {
  common::ManualClock clock;
  IntakeHandler h(IntakeOptions{}, clock);
  auto rs = store::RunStore::open(path_).value();
  h.attachRunStore(rs.get(), "main", IntakeHandler::RunStoreWrites::kQueued);
  for (int i = 1; i <= 20; ++i) ASSERT_EQ(h.handle(series(i)).status, 202);
  h.attachRunStore(nullptr);
  EXPECT_EQ(h.runStoreQueue(), nullptr);
  EXPECT_EQ(rs->storedItems("main", "/api/v1/series").value(), 20);
}

// A stats payload's totals by (service, resource) are stored with it, as the intake decoded them
// (what the simulator's stats expectation reads instead of decoding the body again).
TEST_F(RunStoreIntake, StatsPayloadsAreStoredWithTheirTotals) {
  common::ManualClock clock;
  IntakeHandler h(IntakeOptions{}, clock);
  auto rs = store::RunStore::open(path_).value();
  h.attachRunStore(rs.get());
  // Two groups of the same (service, resource): (service, name, resource, status, type, db type,
  // hits, errors, duration, ok and error sketches, synthetics, top-level hits).
  const trace::GroupedStats a{"api", "http.request", "GET /", 0, "", "", 5, 1, 700, "", "", false, 5};
  const trace::GroupedStats b{"api", "http.other", "GET /", 0, "", "", 2, 1, 700, "", "", false, 5};
  trace::StatsPayload p;
  p.stats.push_back({});
  p.stats[0].stats.push_back({1'700'000'000'000'000'000, 10'000'000'000, {a, b}, 0});
  IntakeRequest r;
  r.method = "POST";
  r.path = "/api/v0.2/stats";
  r.headers.add("Content-Type", "application/msgpack");
  r.body = trace::encodeStatsPayloadMsgpack(p);
  ASSERT_EQ(h.handle(IntakeRequest(r)).status, 200);
  r.body = "\xc1";  // not msgpack: answered 400, stored without totals
  h.handle(std::move(r));
  int64_t payloads = 0, undecodable = 0;
  auto totals = rs->statsTotals("main", "/api/v0.2/stats", &payloads, &undecodable).value();
  EXPECT_EQ(payloads, 1);
  EXPECT_EQ(undecodable, 0);
  ASSERT_EQ(totals.size(), 1u);
  EXPECT_EQ(totals[0].service, "api");
  EXPECT_EQ(totals[0].resource, "GET /");
  EXPECT_EQ(totals[0].hits, 7);
  EXPECT_EQ(totals[0].errors, 2);
  EXPECT_EQ(totals[0].top_level_hits, 10);
  EXPECT_EQ(totals[0].duration, 1400);
  EXPECT_EQ(totals[0].groups, 2);
}

// A trace payload's spans, chunks and chunk ends (latest span end) are stored with it, as the
// intake decoded them (what the simulator's spans_delivered and kept_rate read instead of
// decoding the body again).
TEST_F(RunStoreIntake, TracePayloadsAreStoredWithTheirTotals) {
  common::ManualClock clock;
  IntakeHandler h(IntakeOptions{}, clock);
  auto rs = store::RunStore::open(path_).value();
  h.attachRunStore(rs.get());
  datadog::trace::AgentPayload p;
  auto* tp = p.add_tracerpayloads();
  constexpr int64_t kStart = 1'700'000'000'000'000'000;
  for (int chunk = 0; chunk < 2; ++chunk) {
    auto* c = tp->add_chunks();
    for (int i = 0; i < 3 - chunk; ++i) {
      auto* s = c->add_spans();
      s->set_service("api");
      s->set_name("http.request");
      s->set_resource("GET /");
      s->set_traceid(10 + chunk);
      s->set_spanid(100 + i);
      s->set_start(kStart + chunk * 1000 + i);
      s->set_duration(500 - 100 * i);  // the first span ends last: 500, 401, 302 after kStart
    }
  }
  IntakeRequest r;
  r.method = "POST";
  r.path = "/api/v0.2/traces";
  r.headers.add("Content-Type", "application/x-protobuf");
  r.body = p.SerializeAsString();
  ASSERT_EQ(h.handle(std::move(r)).status, 200);
  int64_t payloads = 0, undecodable = 0;
  const store::TraceTotalsRow t = rs->traceTotals("main", "/api/v0.2/traces", &payloads, &undecodable).value();
  EXPECT_EQ(payloads, 1);
  EXPECT_EQ(undecodable, 0);
  EXPECT_EQ(t.spans, 5);
  EXPECT_EQ(t.chunks, 2);
  EXPECT_EQ(t.chunk_ends, (std::vector<int64_t>{kStart + 500, kStart + 1500}));
}

}  // namespace
}  // namespace ddsim::fakeintake
