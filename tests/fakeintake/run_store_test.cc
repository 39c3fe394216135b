// The fakeintake with a run store attached (`fakeintake --store FILE`): every stored payload is
// written to SQLite with its decoded points, whatever the memory cap evicts; a new handler on the
// same file is restored from it; the store's retention follows the intake's.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/store/run_store.h"
#include "fakeintake/handler/intake_handler.h"

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
  store::PointQuery q;
  q.name = "app.req";
  q.tags = {"env:prod"};
  auto pts = rs->seriesPoints(q).value();
  ASSERT_EQ(pts.size(), 100u);
  double sum = 0;
  for (const auto& p : pts) sum += p.value;
  EXPECT_EQ(sum, expected);
  EXPECT_EQ(pts[0].interval, 10);
  EXPECT_EQ(pts[0].type, "count");
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

}  // namespace
}  // namespace ddsim::fakeintake
