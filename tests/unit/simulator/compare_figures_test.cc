// Figures read out of `ddsim run` reports (docs/compare.md, "Figures"): crafted report JSON in
// the layout simulator/runner/simulation_report.cc writes.
#include <gtest/gtest.h>

#include "simulator/compare/figures.h"

namespace ddsim::compare {
namespace {

using nlohmann::json;

json flushTiming(int index, double aggregate, double serialize, double send) {
  return {{"index", index}, {"aggregate_seconds", aggregate}, {"serialize_seconds", serialize}, {"send_seconds", send}};
}

json routeBytes(int64_t compressed, int64_t items) {
  return {{"payloads", 1}, {"compressed_bytes", compressed}, {"uncompressed_bytes", compressed * 5},
          {"items", items}, {"points", items}};
}

// Three flushes: v2 series, v1 series next to v2, and one without series (only check runs).
json craftedReport() {
  return {
      {"ddsim_report_version", 1},
      {"summary", {{"samples_generated", 120000}, {"drops", {{"serializer.too_big", 3}, {"forwarder.413", 4}}}}},
      {"run", {{"real_seconds", 0.5}, {"virtual_seconds", 60}}},
      {"flushes",
       json::array({{{"index", 0}, {"series", 100}, {"payloads", {{"/api/v2/series", routeBytes(3000, 100)},
                                                                  {"/api/v1/check_run", routeBytes(300, 5)}}}},
                    {{"index", 1},
                     {"series", 150},
                     {"payloads", {{"/api/v2/series", routeBytes(2000, 100)}, {"/api/v1/series", routeBytes(2500, 50)}}}},
                    {{"index", 2}, {"series", 0}, {"payloads", {{"/api/v1/check_run", routeBytes(250, 4)}}}}})},
      {"timings",
       {{"flushes", json::array({flushTiming(0, 0.002, 0.006, 0.004), flushTiming(1, 0.001, 0.003, 0.002),
                                 flushTiming(2, 0.0005, 0.0001, 0)})}}},
  };
}

TEST(CompareFiguresTest, EveryFigureFromACraftedReport) {
  auto r = figuresFromReport(craftedReport(), "r.json");
  ASSERT_TRUE(r.isOk()) << r.status().message();
  EXPECT_EQ(r->runs, 1);
  EXPECT_TRUE(r->missing.empty());
  struct Want {
    const char* id;
    std::vector<double> values;
  };
  const Want wants[] = {
      // One observation per run: the median of its flushes (0.008, 0.004, 0.0006: aggregate +
      // serialize).
      {"flush_duration", {0.004}},
      {"serialize_time", {0.003}},  // of 0.006, 0.003, 0.0001
      {"send_time", {0.002}},       // of 0.004, 0.002, 0
      // compressed bytes of /api/v2/series + /api/v1/series over their items: 30 and 4500 / 150
      // (flush 2 has none), median of two = their mean.
      {"bytes_per_series", {30.0}},
      {"throughput", {240000}},  // samples_generated / real_seconds
      {"drops", {7}},            // every reason summed
  };
  for (const auto& w : wants) {
    ASSERT_TRUE(r->samples.count(w.id)) << w.id;
    const auto& got = r->samples.at(w.id);
    ASSERT_EQ(got.size(), w.values.size()) << w.id;
    for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], w.values[i], 1e-12) << w.id << "[" << i << "]";
  }
}

TEST(CompareFiguresTest, TheTableHasEveryFigureWithItsDirection) {
  struct Want {
    const char* id;
    Granularity per;
    bool lower_is_better;
  };
  const Want wants[] = {{"flush_duration", Granularity::kPerFlush, true}, {"serialize_time", Granularity::kPerFlush, true},
                        {"send_time", Granularity::kPerFlush, true},      {"bytes_per_series", Granularity::kPerFlush, true},
                        {"throughput", Granularity::kPerRun, false},      {"drops", Granularity::kPerRun, true}};
  auto specs = figureSpecs();
  ASSERT_EQ(specs.size(), std::size(wants));
  for (size_t i = 0; i < specs.size(); ++i) {
    EXPECT_STREQ(specs[i].id, wants[i].id);
    EXPECT_EQ(specs[i].granularity, wants[i].per) << wants[i].id;
    EXPECT_EQ(specs[i].lower_is_better, wants[i].lower_is_better) << wants[i].id;
  }
}

TEST(CompareFiguresTest, AbsentSectionsMakeFiguresMissingWithAReason) {
  struct Case {
    const char* what;
    std::vector<std::string> erase;  // top-level sections removed
    std::map<std::string, std::string> missing;  // figure -> words the reason must contain
  };
  const Case cases[] = {
      {"no timings", {"timings"},
       {{"flush_duration", "timings"}, {"serialize_time", "timings"}, {"send_time", "timings"}}},
      {"no flushes", {"flushes"}, {{"bytes_per_series", "no flushes"}}},
      {"no run section", {"run"}, {{"throughput", "real_seconds"}}},
      {"no summary", {"summary"}, {{"throughput", "samples_generated"}, {"drops", "summary.drops"}}},
  };
  for (const auto& c : cases) {
    json report = craftedReport();
    for (const auto& k : c.erase) report.erase(k);
    auto r = figuresFromReport(report, "r.json");
    ASSERT_TRUE(r.isOk()) << c.what << ": " << r.status().message();
    EXPECT_EQ(r->missing.size(), c.missing.size()) << c.what;
    for (const auto& [id, words] : c.missing) {
      ASSERT_TRUE(r->missing.count(id)) << c.what << ": " << id;
      EXPECT_NE(r->missing.at(id).find(words), std::string::npos) << c.what << ": " << r->missing.at(id);
      EXPECT_FALSE(r->samples.count(id)) << c.what << ": " << id;
    }
  }
}

TEST(CompareFiguresTest, NoSeriesPayloadsAndZeroRealSecondsAreMissing) {
  json report = craftedReport();
  for (auto& f : report["flushes"]) f["payloads"].erase("/api/v2/series"), f["payloads"].erase("/api/v1/series");
  report["run"]["real_seconds"] = 0;
  auto r = figuresFromReport(report, "r.json");
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r->missing.at("bytes_per_series"), "no flush sent series payloads");
  EXPECT_EQ(r->missing.at("throughput"), "run.real_seconds is 0");
}

TEST(CompareFiguresTest, MalformedReportsAreErrorsWithTheFileAndPath) {
  struct Case {
    const char* what;
    json report;
    const char* message;
  };
  auto with = [](const char* ptr, json value) {
    json r = craftedReport();
    r[json::json_pointer(ptr)] = std::move(value);
    return r;
  };
  const Case cases[] = {
      {"not a report", json{{"name", "x"}}, "r.json: not a ddsim report (no \"ddsim_report_version\")"},
      {"an array", json::array({1, 2}), "r.json: not a ddsim report"},
      {"unknown version", with("/ddsim_report_version", 2), "r.json: $.ddsim_report_version: expected 1, got 2"},
      {"timing is a string", with("/timings/flushes/1/send_seconds", "fast"),
       "r.json: $.timings.flushes[1].send_seconds: expected a number, got string"},
      {"timing absent", [&] {
         json r = craftedReport();
         r["timings"]["flushes"][2].erase("serialize_seconds");
         return r;
       }(),
       "r.json: $.timings.flushes[2].serialize_seconds: is required"},
      {"timings.flushes not a list", with("/timings/flushes", 3), "r.json: $.timings.flushes: expected a list"},
      {"bytes not a number", with("/flushes/0/payloads/~1api~1v2~1series/compressed_bytes", nullptr),
       "r.json: $.flushes[0].payloads[\"/api/v2/series\"].compressed_bytes: expected a number, got null"},
      {"drops not an object", with("/summary/drops", json::array()), "r.json: $.summary.drops: expected an object"},
      {"a drop count not a number", with("/summary/drops/x", "many"),
       "r.json: $.summary.drops.x: expected a number, got string"},
  };
  for (const auto& c : cases) {
    auto r = figuresFromReport(c.report, "r.json");
    ASSERT_FALSE(r.isOk()) << c.what;
    EXPECT_EQ(r.status().code(), common::StatusCode::kInvalidArgument) << c.what;
    EXPECT_EQ(r.status().message().rfind(c.message, 0), 0u) << c.what << ": " << r.status().message();
  }
}

// A run's per-flush figure is the median of its flushes: the middle one for an odd count, the
// mean of the two middle ones for an even count, whatever the order of the flushes.
TEST(CompareFiguresTest, APerFlushFigureIsTheMedianOfTheRunsFlushes) {
  struct Case {
    std::vector<double> sends;
    double median;
  };
  for (const Case& c : {Case{{5}, 5}, Case{{9, 1}, 5}, Case{{7, 1, 3}, 3}, Case{{8, 2, 6, 4}, 5},
                        Case{{1, 100, 2, 3, 4}, 3}, Case{{10, 1, 1, 10}, 5.5}}) {
    json report = craftedReport();
    json timings = json::array();
    for (size_t i = 0; i < c.sends.size(); ++i) timings.push_back(flushTiming(static_cast<int>(i), 1, 1, c.sends[i]));
    report["timings"]["flushes"] = timings;
    auto r = figuresFromReport(report, "r.json");
    ASSERT_TRUE(r.isOk()) << r.status().message();
    ASSERT_EQ(r->samples.at("send_time").size(), 1u);
    EXPECT_DOUBLE_EQ(r->samples.at("send_time")[0], c.median) << c.sends.size() << " flushes";
  }
}

// Thread CPU time where the report has it (what another process on the machine does not
// inflate); wall time in reports older than it.
TEST(CompareFiguresTest, TimingsPreferCpuSeconds) {
  json report = craftedReport();
  json timings = json::array();
  for (int i = 0; i < 3; ++i) {
    json t = flushTiming(i, 1, 2, 3);
    t["aggregate_cpu_seconds"] = 0.1;
    t["serialize_cpu_seconds"] = 0.2;
    timings.push_back(t);
  }
  report["timings"]["flushes"] = timings;
  auto r = figuresFromReport(report, "r.json");
  ASSERT_TRUE(r.isOk()) << r.status().message();
  EXPECT_NEAR(r->samples.at("flush_duration")[0], 0.3, 1e-12);
  EXPECT_NEAR(r->samples.at("serialize_time")[0], 0.2, 1e-12);
  EXPECT_NEAR(r->samples.at("send_time")[0], 3, 1e-12);  // sending waits on the network: wall time
}

TEST(CompareFiguresTest, PoolingAppendsSamplesAndKeepsMissingFigures) {
  auto one = figuresFromReport(craftedReport(), "a");
  json lacking = craftedReport();
  lacking.erase("summary");
  auto two = figuresFromReport(lacking, "b");
  ASSERT_TRUE(one.isOk() && two.isOk());
  FigureSet pooled;
  pooled.add(*one);
  pooled.add(*one);
  EXPECT_EQ(pooled.runs, 2);
  // One observation per run, per-flush figures (their median) and per-run figures alike.
  EXPECT_EQ(pooled.samples.at("flush_duration"), (std::vector<double>{0.004, 0.004}));
  EXPECT_EQ(pooled.samples.at("throughput").size(), 2u);
  pooled.add(*two);
  EXPECT_EQ(pooled.runs, 3);
  EXPECT_EQ(pooled.samples.at("flush_duration").size(), 3u);
  EXPECT_FALSE(pooled.samples.count("drops"));
  EXPECT_TRUE(pooled.missing.count("drops"));
  pooled.add(*one);  // a figure one run lacks stays missing
  EXPECT_FALSE(pooled.samples.count("drops"));
}

}  // namespace
}  // namespace ddsim::compare
