#include "core/store/run_store.h"
#include "core/store/schema.h"
#include "core/store/sqlite_db.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <tuple>

#include "tests/support/poll.h"

namespace ddsim::store {
namespace {

namespace fs = std::filesystem;

using SeriesKey = std::tuple<int64_t, int64_t, double, int64_t>;  // context, ts, value, interval
using SketchKey = std::tuple<int64_t, int64_t, int64_t, double, double, double, double, int64_t>;

// Series of one payload: refs into one shared point list, as the intake hands them over.
struct Batch {
  Batch& add(std::string_view name, std::string_view host, const std::vector<std::string>* tags, std::string_view type,
             int64_t interval, std::initializer_list<SeriesPoint> pts) {
    series.push_back({name, host, tags, type, interval, static_cast<uint32_t>(points.size()),
                      static_cast<uint32_t>(pts.size())});
    points.insert(points.end(), pts);
    return *this;
  }
  std::vector<SeriesRef> series;
  std::vector<SeriesPoint> points;
};

class RunStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ddsim_store_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string file(const std::string& name = "run.sqlite") const { return (dir_ / name).string(); }

  static IntakePayloadRow payload(const std::string& route, int64_t received_ns, int64_t items, std::string_view body) {
    IntakePayloadRow p;
    p.route = route;
    p.received_ns = received_ns;
    p.status = 202;
    p.encoding = "zstd";
    p.compressed_bytes = static_cast<int64_t>(body.size());
    p.decoded_bytes = 4 * static_cast<int64_t>(body.size());
    p.items = items;
    p.points = items;
    p.body = body;
    return p;
  }

  fs::path dir_;
};

TEST_F(RunStoreTest, SeriesPointsAreFoundByNameTagsAndTypeWhateverTheTagOrder) {
  auto s = RunStore::open(file()).value();
  std::vector<std::string> t1 = {"env:prod", "service:web"};
  std::vector<std::string> t2 = {"service:web", "env:prod"};  // the same context
  std::vector<std::string> t3 = {"env:dev", "service:web"};
  Batch b;
  b.add("app.req", "h1", &t1, "count", 10, {{100, 1.0}, {110, 2.0}})
      .add("app.req", "h1", &t3, "count", 10, {{100, 5.0}})
      .add("app.lat", "h1", &t1, "gauge", 0, {{100, 7.0}});
  ASSERT_TRUE(s->addPayload(payload("/api/v2/series", 1, 3, "abc"), b.series, b.points, {}, {}).isOk());
  Batch more;
  more.add("app.req", "h1", &t2, "count", 10, {{120, 3.0}});
  ASSERT_TRUE(s->addPayload(payload("/api/v2/series", 2, 1, "def"), more.series, more.points, {}, {}).isOk());

  EXPECT_EQ(s->knownContexts(), 3u);
  PointQuery q;
  q.name = "app.req";
  q.tags = {"env:prod"};
  auto pts = s->seriesPoints(q).value();
  ASSERT_EQ(pts.size(), 3u);
  double sum = 0;
  for (const auto& p : pts) {
    sum += p.value;
    EXPECT_EQ(p.tags, "env:prod,service:web");
    EXPECT_EQ(p.interval, 10);
    EXPECT_EQ(p.context_id, pts[0].context_id);
  }
  EXPECT_EQ(sum, 6.0);
  q.tags = {};
  EXPECT_EQ(s->seriesPoints(q).value().size(), 4u);
  q.type = "gauge";
  EXPECT_TRUE(s->seriesPoints(q).value().empty());
  EXPECT_EQ(s->storedItems("main", "/api/v2/series").value(), 4);
}

TEST_F(RunStoreTest, SketchesKeepTheirBinsAndAreApartFromSeriesOfTheSameName) {
  auto s = RunStore::open(file()).value();
  std::vector<std::string> tags = {"env:prod"};
  std::vector<int32_t> keys = {1300, 1310};
  std::vector<uint32_t> counts = {3, 4};
  std::vector<SketchRef> sketches = {{"lat", "h1", &tags, {{100, 7, 1, 9, 30, 4.2857, &keys, &counts}}}};
  Batch b;
  b.add("lat", "h1", &tags, "gauge", 0, {{100, 1.0}});
  ASSERT_TRUE(s->addPayload(payload("/api/beta/sketches", 1, 1, "x"), {}, {}, sketches, {}).isOk());
  ASSERT_TRUE(s->addPayload(payload("/api/v2/series", 2, 1, "y"), b.series, b.points, {}, {}).isOk());
  PointQuery q;
  q.name = "lat";
  auto sk = s->sketchPoints(q).value();
  ASSERT_EQ(sk.size(), 1u);
  EXPECT_EQ(sk[0].count, 7);
  EXPECT_EQ(sk[0].keys, keys);
  EXPECT_EQ(sk[0].counts, counts);
  EXPECT_EQ(sk[0].host, "h1");
  EXPECT_EQ(s->seriesPoints(q).value().size(), 1u);
  EXPECT_EQ(s->knownContexts(), 2u);
}

TEST_F(RunStoreTest, RetentionEvictsTheOldestAndCountsThemPerRoute) {
  RunStoreOptions o;
  o.retention = std::chrono::seconds(10);
  auto s = RunStore::open(file(), o).value();
  std::vector<std::string> tags;
  for (int i = 0; i < 5; ++i) {
    Batch b;
    b.add("m", "h", &tags, "gauge", 0, {{i, 1.0}});
    ASSERT_TRUE(s->addPayload(payload("/api/v2/series", int64_t{i} * 5'000'000'000, 2, "b"), b.series, b.points, {}, {}).isOk());
  }
  // now = 25 s: payloads received before 15 s (at 0, 5, 10 s) go.
  ASSERT_TRUE(s->expire(25'000'000'000).isOk());
  auto ev = s->evictions().value();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].route, "/api/v2/series");
  EXPECT_EQ(ev[0].reason, "retention");
  EXPECT_EQ(ev[0].payloads, 3);
  EXPECT_EQ(ev[0].items, 6);
  PointQuery q;
  q.name = "m";
  EXPECT_EQ(s->seriesPoints(q).value().size(), 2u);  // their points went with them
  EXPECT_EQ(s->payloads("", "", 0, 0).value().size(), 2u);
  // Ids are never given twice, even once everything is gone (they are the intake's cursor).
  ASSERT_TRUE(s->expire(int64_t{1} << 62).isOk());
  EXPECT_TRUE(s->payloads("", "", 0, 0).value().empty());
  EXPECT_EQ(s->maxPayloadId(), 5);
  EXPECT_EQ(s->addPayload(payload("/api/v2/series", int64_t{1} << 62, 1, "b"), {}, {}, {}, {}).value(), 6);
}

TEST_F(RunStoreTest, TheDiskCapIsKeptByEvictingTheOldest) {
  RunStoreOptions o;
  o.max_disk_bytes = 1 << 20;
  auto s = RunStore::open(file(), o).value();
  const std::string body(64 * 1024, 'z');
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(s->addPayload(payload("/api/v2/series", i, 1, body), {}, {}, {}, {}).isOk());
  auto ev = s->evictions().value();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].reason, "disk");
  const auto kept = s->payloads("", "", 0, 0).value();
  EXPECT_EQ(static_cast<int64_t>(kept.size()) + ev[0].payloads, 200);
  EXPECT_LT(kept.size() * body.size(), size_t{2} << 20);
  EXPECT_EQ(kept.back().id, 200);  // the newest stay
}

TEST_F(RunStoreTest, AReopenedStoreKeepsPayloadsContextsAndIds) {
  std::vector<std::string> tags = {"a:b"};
  {
    auto s = RunStore::open(file()).value();
    Batch b;
    b.add("m", "h", &tags, "gauge", 0, {{1, 1.0}});
    ASSERT_TRUE(s->addPayload(payload("/api/v2/series", 1, 1, "first"), b.series, b.points, {}, {}).isOk());
  }
  auto s = RunStore::open(file()).value();
  EXPECT_EQ(s->knownContexts(), 1u);
  EXPECT_EQ(s->maxPayloadId(), 1);
  Batch b;
  b.add("m", "h", &tags, "gauge", 0, {{2, 2.0}});
  EXPECT_EQ(s->addPayload(payload("/api/v2/series", 2, 1, "second"), b.series, b.points, {}, {}).value(), 2);
  EXPECT_EQ(s->knownContexts(), 1u);
  int n = 0;
  ASSERT_TRUE(s->forEachPayload(0, [&](int64_t id, const IntakePayloadRow& r) {
                 ++n;
                 EXPECT_EQ(r.body, id == 1 ? "first" : "second");
               }).isOk());
  EXPECT_EQ(n, 2);
}

TEST_F(RunStoreTest, FinalizeBuildsThePointsTablesForSql) {
  auto s = RunStore::open(file()).value();
  std::vector<std::string> tags = {"env:prod"};
  Batch b;
  b.add("m", "h", &tags, "count", 10, {{1, 1.0}, {11, 2.0}});
  ASSERT_TRUE(s->addPayload(payload("/api/v2/series", 1, 1, "b"), b.series, b.points, {}, {}).isOk());
  ASSERT_TRUE(s->addFlush(FlushRow{0, 15.0, 0.01, 0.02, 0.01, 0.02, 1, 0, 0, 0, 1}).isOk());
  ASSERT_TRUE(s->addMarker(MarkerRow{20.0, "fault", "500 on /api/v2/series", "{}"}).isOk());
  ASSERT_TRUE(s->addTelemetry(15.0, {{"forwarder.retry_queue_items", 3}}).isOk());
  ASSERT_TRUE(s->finalize("complete").isOk());
  EXPECT_EQ(s->meta("status").value_or(""), "complete");

  auto db = Database::open(file(), false, true).value();
  auto q = db.prepare(
                 "SELECT SUM(p.value) FROM points p JOIN contexts c ON c.id = p.context_id "
                 "WHERE c.name = 'm' AND c.tags LIKE '%env:prod%'")
               .value();
  ASSERT_TRUE(q.step().value());
  EXPECT_EQ(q.real(0), 3.0);
  EXPECT_EQ(s->flushes().value().size(), 1u);
  EXPECT_EQ(s->markers().value().at(0).label, "500 on /api/v2/series");
  EXPECT_EQ(s->telemetrySeries("forwarder.retry_queue_items").value().at(0).second, 3.0);
}

TEST_F(RunStoreTest, AFileThatIsNotARunStoreIsRefusedWithItsName) {
  {
    std::ofstream out(file("junk.sqlite"));
    out << "this is not a database, just text that is long enough to fill a header page of sqlite";
  }
  auto s = RunStore::open(file("junk.sqlite"));
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.status().message().find("junk.sqlite"), std::string::npos) << s.status().message();
}

TEST_F(RunStoreTest, AStoreOfAnotherSchemaVersionIsRefused) {
  {
    auto s = RunStore::open(file()).value();
    ASSERT_TRUE(s->setMeta("schema_version", "99").isOk());
  }
  auto s = RunStore::open(file());
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.status().message().find("version 99"), std::string::npos) << s.status().message();
}

// A store written by an older ddsim (schema 1 had no payload_traces) is refused read-only with
// both versions named, not with SQLite's "no such table".
TEST_F(RunStoreTest, AnOlderStoreOpenedReadOnlyNamesItsVersion) {
  {
    auto s = RunStore::open(file()).value();
    ASSERT_TRUE(s->setMeta("schema_version", "1").isOk());
  }
  {
    auto db = Database::open(file(), false).value();
    ASSERT_TRUE(db.exec("DROP TABLE payload_traces").isOk());
  }
  RunStoreOptions ro;
  ro.read_only = true;
  auto s = RunStore::open(file(), ro);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.status().message().find("schema version 1; this ddsim reads version " + std::to_string(kSchemaVersion)),
            std::string::npos)
      << s.status().message();
}

// finalize() writes the SQL tables in many-row batches: every packed point must come out as
// exactly one row with its values, whatever the batch boundaries.
TEST_F(RunStoreTest, EveryPackedPointBecomesOneRowAcrossBatchBoundariesAndAgain) {
  auto s = RunStore::open(file()).value();
  // 3 payloads of 131 series x (1 or 2 points): 131 and 262 are not multiples of the batch.
  std::vector<std::vector<std::string>> tags;
  std::vector<std::string> names;
  for (int i = 0; i < 131; ++i) {
    tags.push_back({"env:prod", "i:" + std::to_string(i)});
    names.push_back("m" + std::to_string(i % 7));
  }
  std::vector<int64_t> points_per_payload;
  for (int pl = 0; pl < 3; ++pl) {
    std::vector<SeriesRef> series;
    std::vector<SeriesPoint> points;
    for (int i = 0; i < 131; ++i) {
      const uint32_t n = pl == 1 ? 2 : 1;
      series.push_back({names[i], "h", &tags[i], i % 2 ? "count" : "gauge", i % 2 ? 10 : 0,
                        static_cast<uint32_t>(points.size()), n});
      for (uint32_t k = 0; k < n; ++k) points.push_back({1000 + pl * 10 + k, i * 0.5 + pl + k});
    }
    points_per_payload.push_back(static_cast<int64_t>(points.size()));
    ASSERT_TRUE(s->addPayload(payload("/api/v2/series", pl, static_cast<int64_t>(points.size()), "body"), series, points, {}, {}).isOk());
  }
  std::vector<int32_t> keys = {1300, 1310, 1320};
  std::vector<uint32_t> counts = {3, 4, 5};
  std::vector<SketchRef> sketches;
  for (int i = 0; i < 140; ++i) {
    sketches.push_back({names[i % 131], "h", &tags[i % 131],
                        {{2000 + i, 12, -1.0 * i, 9.0 + i, 30.5, 2.5, &keys, &counts}}});
  }
  ASSERT_TRUE(s->addPayload(payload("/api/beta/sketches", 9, 140, "body"), {}, {}, sketches, {}).isOk());

  // What the readers decode from the packed form: the expected rows.
  std::vector<SeriesKey> want;
  std::vector<SketchKey> want_sketches;
  for (int i = 0; i < 7; ++i) {
    PointQuery q;
    q.name = "m" + std::to_string(i);
    for (const auto& p : s->seriesPoints(q).value()) want.emplace_back(p.context_id, p.ts, p.value, p.interval);
    for (const auto& p : s->sketchPoints(q).value()) {
      want_sketches.emplace_back(p.context_id, p.ts, p.count, p.min, p.max, p.sum, p.avg,
                                 static_cast<int64_t>(p.keys.size()));
    }
  }
  ASSERT_EQ(want.size(), 131u * 4);
  ASSERT_EQ(want_sketches.size(), 140u);
  std::sort(want.begin(), want.end());
  std::sort(want_sketches.begin(), want_sketches.end());

  for (int round = 0; round < 2; ++round) {  // a second finalize rebuilds, never duplicates
    const auto st = s->finalize("complete");
    ASSERT_TRUE(st.isOk()) << "round " << round << ": " << st.message();
    auto db = Database::open(file(), false, true).value();
    std::vector<SeriesKey> got;
    auto q = db.prepare("SELECT context_id, ts, value, interval FROM points").value();
    while (q.step().value()) got.emplace_back(q.int64(0), q.int64(1), q.real(2), q.int64(3));
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, want) << "round " << round;

    auto per_payload = db.prepare("SELECT payload_id, COUNT(*) FROM points GROUP BY payload_id ORDER BY payload_id").value();
    for (int64_t n : points_per_payload) {
      ASSERT_TRUE(per_payload.step().value());
      EXPECT_EQ(per_payload.int64(1), n);
    }
    EXPECT_FALSE(per_payload.step().value());

    std::vector<SketchKey> got_sketches;
    auto k = db.prepare("SELECT context_id, ts, count, min, max, sum, avg, bins FROM sketch_points").value();
    while (k.step().value()) {
      got_sketches.emplace_back(k.int64(0), k.int64(1), k.int64(2), k.real(3), k.real(4), k.real(5), k.real(6), k.int64(7));
    }
    std::sort(got_sketches.begin(), got_sketches.end());
    EXPECT_EQ(got_sketches, want_sketches) << "round " << round;

    auto idx = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type='index' AND name IN "
                          "('points_by_context','sketch_points_by_context')").value();
    ASSERT_TRUE(idx.step().value());
    EXPECT_EQ(idx.int64(0), 2);
  }
}

// A timeline row added while another thread holds the connection (here, a reader inside
// forEachPayload's callback) does not wait for it; it is written, in the order rows were added,
// by the next call that takes the connection.
TEST_F(RunStoreTest, ATimelineRowAddedWhileTheConnectionIsBusyDoesNotWaitAndKeepsItsOrder) {
  auto s = RunStore::open(file()).value();
  ASSERT_TRUE(s->addPayload(payload("/api/v2/series", 1, 0, "x"), {}, {}, {}, {}).isOk());
  auto attempt = [](const std::string& route) {
    AttemptRow a;
    a.at = 5.0;  // one time for all: only the insertion order tells them apart
    a.route = route;
    a.status = 202;
    return a;
  };
  ASSERT_TRUE(s->addAttempt(attempt("before")).isOk());
  std::atomic<bool> added{false};
  std::thread adder;
  ASSERT_TRUE(s->forEachPayload(0, [&](int64_t, const IntakePayloadRow&) {
                 adder = std::thread([&] {
                   EXPECT_TRUE(s->addAttempt(attempt("while busy")).isOk());
                   EXPECT_TRUE(s->addMarker({5.0, "fault", "while busy", ""}).isOk());
                   added = true;
                 });
                 EXPECT_TRUE(ddsim::testing::pollUntil([&] { return added.load(); }))
                     << "addAttempt waited for the connection";
               }).isOk());
  adder.join();
  ASSERT_TRUE(s->addAttempt(attempt("after")).isOk());
  auto rows = s->attempts().value();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].route, "before");
  EXPECT_EQ(rows[1].route, "while busy");
  EXPECT_EQ(rows[2].route, "after");
  auto markers = s->markers().value();
  ASSERT_EQ(markers.size(), 1u);
  EXPECT_EQ(markers[0].label, "while busy");
  EXPECT_TRUE(s->deferredWriteStatus().isOk());
}

// Telemetry samples (hundreds of rows each in a simulation) are not written by the thread that
// adds them: they wait for the next call that takes the connection (the intake storing a
// payload, a reader), and the adding thread writes them itself only once 64 wait, so the
// queue is bounded. A second connection sees only what was written.
TEST_F(RunStoreTest, TelemetryWaitsForTheNextConnectionAndAtMost64Samples) {
  auto s = RunStore::open(file()).value();
  auto written = [&] {
    auto db = Database::open(file(), false, true).value();
    auto q = db.prepare("SELECT COUNT(*) FROM telemetry").value();
    EXPECT_TRUE(q.step().value());
    return q.int64(0);
  };
  auto sample = [&](int i) {
    return s->addTelemetry(i, {{"a", static_cast<double>(i)}, {"b", 1.0}});
  };
  ASSERT_TRUE(sample(0).isOk());
  EXPECT_EQ(written(), 0);
  ASSERT_TRUE(s->addPayload(payload("/api/v2/series", 1, 0, "x"), {}, {}, {}, {}).isOk());
  EXPECT_EQ(written(), 2) << "the payload's writer takes the queued sample along";
  for (int i = 1; i < 64; ++i) ASSERT_TRUE(sample(i).isOk());
  EXPECT_EQ(written(), 2) << "63 samples wait";
  ASSERT_TRUE(sample(64).isOk());
  EXPECT_EQ(written(), 2 + 64 * 2) << "the 64th waiting sample makes the adder write them";
  ASSERT_TRUE(sample(65).isOk());
  auto a = s->telemetrySeries("a").value();  // a reader sees every sample added before it
  ASSERT_EQ(a.size(), 66u);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].second, static_cast<double>(i));
  EXPECT_TRUE(s->deferredWriteStatus().isOk());
}

// A queued row the store then refuses is counted, not lost silently.
TEST_F(RunStoreTest, AQueuedTimelineRowThatCannotBeWrittenIsCounted) {
  auto s = RunStore::open(file()).value();
  ASSERT_TRUE(s->addPayload(payload("/api/v2/series", 1, 0, "x"), {}, {}, {}, {}).isOk());
  {
    auto db = Database::open(file(), false, false).value();
    ASSERT_TRUE(db.exec("DROP TABLE attempts").isOk());
  }
  std::atomic<bool> added{false};
  std::thread adder;
  ASSERT_TRUE(s->forEachPayload(0, [&](int64_t, const IntakePayloadRow&) {
                 adder = std::thread([&] {
                   EXPECT_TRUE(s->addAttempt({1.0, "/api/v2/series", 500, "", 10, 0.1}).isOk());
                   added = true;
                 });
                 EXPECT_TRUE(ddsim::testing::pollUntil([&] { return added.load(); }));
               }).isOk());
  adder.join();
  auto st = s->deferredWriteStatus();
  EXPECT_FALSE(st.isOk());
  EXPECT_NE(st.message().find("1 timeline rows could not be written"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace ddsim::store
