// `ddsim compare` end to end through runCompare: report files, scenario files run with
// replicates, bad input, options and exit codes (docs/compare.md).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "core/common/logging.h"
#include "core/common/random.h"
#include "core/store/run_store.h"
#include "simulator/compare/run_compare.h"
#include "tests/unit/forwarder/temp_dir.h"

namespace ddsim::compare {
namespace {

using forwarder::fwdtest::TempDir;
using nlohmann::json;

// A report in `ddsim run`'s layout with `flushes` flushes whose aggregate and serialize times
// are noisy around 2 ms and 6 ms, times `slowdown`.
json craftedReport(int flushes, double slowdown, uint64_t seed) {
  common::Random rng(seed);
  json timings = json::array(), per_flush = json::array();
  for (int i = 0; i < flushes; ++i) {
    timings.push_back({{"index", i},
                       {"aggregate_seconds", rng.normal(0.002, 0.0001) * slowdown},
                       {"serialize_seconds", rng.normal(0.006, 0.0003) * slowdown},
                       {"send_seconds", rng.normal(0.004, 0.0002)}});
    per_flush.push_back({{"index", i},
                         {"series", 1000},
                         {"payloads", {{"/api/v2/series", {{"compressed_bytes", 27000 + i % 3 * 100}, {"items", 1000}}}}}});
  }
  return {{"ddsim_report_version", 1},
          {"summary", {{"samples_generated", 600000}, {"drops", json::object()}}},
          {"run", {{"real_seconds", 0.5 * slowdown}}},
          {"flushes", per_flush},
          {"timings", {{"flushes", timings}}}};
}

std::string write(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.path() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

struct Outcome {
  int code;
  std::string out, err;
};

Outcome compare(CompareArgs args) {
  (void)common::setLogLevel("critical");  // the simulated agents' logs are not under test
  std::ostringstream out, err;
  const int code = runCompare(args, out, err);
  return {code, out.str(), err.str()};
}

// The table row of a figure, e.g. "flush duration    flush  lower ...".
std::string rowOf(const std::string& table, const std::string& figure) {
  for (size_t pos = 0, next; pos < table.size(); pos = next + 1) {
    next = table.find('\n', pos);
    const std::string line = table.substr(pos, next - pos);
    if (line.rfind(figure + "  ", 0) == 0) return line;
  }
  return "";
}

bool ends(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

TEST(CompareCommandTest, OneReportPerSideIsOneObservationSoTimingIsNeverFlagged) {
  // Issue 11: flushes within a run are not independent samples; a run is one observation, so
  // two single runs cannot show a timing change (20 % slower here), only the exact figures can.
  TempDir dir;
  const auto base = write(dir, "base.json", craftedReport(30, 1.0, 1).dump());
  const auto cand = write(dir, "cand.json", craftedReport(30, 1.2, 2).dump());
  const auto r = compare({.base = base, .candidate = cand, .json_out = dir.path() + "/out/verdicts.json"});
  EXPECT_EQ(r.code, kCompareNoRegression) << r.out << r.err;
  for (const char* figure : {"flush duration", "serialize time", "send time", "throughput"}) {
    EXPECT_TRUE(ends(rowOf(r.out, figure), "insufficient data")) << figure << "\n" << r.out;
  }
  EXPECT_TRUE(ends(rowOf(r.out, "bytes per series"), "no change")) << r.out;  // exact: the same bytes

  std::ifstream in(dir.path() + "/out/verdicts.json");
  const json j = json::parse(in, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["regressions"], json::array());
  EXPECT_EQ(j["base"]["kind"], "report");
  EXPECT_EQ(j["base"]["file"], base);
}

TEST(CompareCommandTest, ExactFiguresOfVirtualRunsDifferingByTenPercentAreARegression) {
  TempDir dir;
  json a = craftedReport(10, 1.0, 1), b = craftedReport(10, 1.0, 1);
  for (auto& f : b["flushes"]) f["payloads"]["/api/v2/series"]["compressed_bytes"] = 30000;  // ~+10 %
  const auto r = compare({.base = write(dir, "a.json", a.dump()), .candidate = write(dir, "b.json", b.dump())});
  EXPECT_EQ(r.code, kCompareRegression) << r.out;
  EXPECT_TRUE(ends(rowOf(r.out, "bytes per series"), "REGRESSION")) << r.out;
}

TEST(CompareCommandTest, DifferentExperimentsAreRefusedUnlessAllowed) {
  TempDir dir;
  json a = craftedReport(10, 1.0, 1), b = craftedReport(10, 1.0, 1);
  a["scenario"] = {{"name", "default"}, {"seed", 7}, {"mode", "virtual"}, {"duration_seconds", 300},
                   {"agent_overrides", {{"serializer_compressor_kind", "zstd"}}}};
  b["scenario"] = {{"name", "steady-state"}, {"seed", 8}, {"mode", "virtual"}, {"duration_seconds", 300},
                   {"agent_overrides", {{"serializer_compressor_kind", "zlib"}}}};
  const auto pa = write(dir, "a.json", a.dump()), pb = write(dir, "b.json", b.dump());
  auto r = compare({.base = pa, .candidate = pb});
  EXPECT_EQ(r.code, kCompareBadInput) << r.out;
  EXPECT_NE(r.err.find("BASE and CANDIDATE ran different experiments (name \"default\" vs \"steady-state\"; seed 7 vs 8; "
                       "agent setting serializer_compressor_kind: \"zstd\" vs \"zlib\"). Pass --allow-different"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  r = compare({.base = pa, .candidate = pb, .allow_different = true});
  EXPECT_EQ(r.code, kCompareNoRegression) << r.err;
  EXPECT_NE(r.out.find("compared with --allow-different: name"), std::string::npos) << r.out;
}

TEST(CompareCommandTest, IdenticalReportsGiveNoChange) {
  TempDir dir;
  const auto a = write(dir, "a.json", craftedReport(25, 1.0, 5).dump(2));
  const auto b = write(dir, "b.json", craftedReport(25, 1.0, 5).dump());
  const auto r = compare({.base = a, .candidate = b});
  EXPECT_EQ(r.code, kCompareNoRegression) << r.out;
  // One run a side: timing is one observation each (insufficient); the exact figures match.
  for (const char* figure : {"flush duration", "serialize time", "send time"}) {
    EXPECT_TRUE(ends(rowOf(r.out, figure), "insufficient data")) << figure << "\n" << r.out;
  }
  for (const char* figure : {"bytes per series", "drops"}) {
    EXPECT_TRUE(ends(rowOf(r.out, figure), "no change")) << figure << "\n" << r.out;
  }
  EXPECT_NE(r.out.find("result: no regression"), std::string::npos);
}

// Issue 11: a run store (docs/run-store.md) is a side too: its run's report is read from it. A
// store without a report (a fakeintake's) is refused with the reason, exit 2.
TEST(CompareCommandTest, RunStoresAreComparedThroughTheReportTheyKeep) {
  TempDir dir;
  auto put = [&](const std::string& name, const std::optional<json>& report) {
    const std::string path = dir.path() + "/" + name;
    auto s = store::RunStore::open(path).value();
    if (report) EXPECT_TRUE(s->setMeta("report", report->dump()).isOk());
    EXPECT_TRUE(s->finalize("complete").isOk());
    return path;
  };
  const auto a = put("a.sqlite", craftedReport(25, 1.0, 5));
  const auto b = put("b.sqlite", craftedReport(25, 1.0, 5));
  const auto r = compare({.base = a, .candidate = b});
  EXPECT_EQ(r.code, kCompareNoRegression) << r.out << r.err;
  EXPECT_TRUE(ends(rowOf(r.out, "bytes per series"), "no change")) << r.out;

  const auto bare = put("fakeintake.sqlite", std::nullopt);
  const auto refused = compare({.base = a, .candidate = bare});
  EXPECT_EQ(refused.code, 2) << refused.out;
  EXPECT_NE(refused.err.find("fakeintake.sqlite: a run store without a run report"), std::string::npos) << refused.err;
}

TEST(CompareCommandTest, ASectionOneSideLacksIsSkippedNotAnError) {
  TempDir dir;
  json lacking = craftedReport(10, 1.0, 1);
  lacking.erase("timings");
  const auto r = compare({.base = write(dir, "a.json", craftedReport(10, 1.0, 1).dump()),
                          .candidate = write(dir, "b.json", lacking.dump())});
  EXPECT_EQ(r.code, kCompareNoRegression) << r.err;
  EXPECT_TRUE(ends(rowOf(r.out, "flush duration"), "skipped")) << r.out;
  EXPECT_NE(r.out.find("flush duration: candidate lacks it (the report has no timings.flushes)"), std::string::npos)
      << r.out;
}

TEST(CompareCommandTest, BadInputNamesTheFileAndWhyExitTwo) {
  TempDir dir;
  const auto good = write(dir, "good.json", craftedReport(5, 1.0, 1).dump());
  json bad_timing = craftedReport(5, 1.0, 1);
  bad_timing["timings"]["flushes"][3]["serialize_seconds"] = "slow";
  struct Case {
    const char* what;
    std::string file;
    std::string message;  // after "ddsim compare: CANDIDATE <file>: "
  };
  const Case cases[] = {
      {"missing file", dir.path() + "/nope.json", "cannot read: no such file"},
      {"a directory", dir.path(), "cannot read: not a regular file"},
      {"not JSON", write(dir, "text.json", "flush took 6 ms\n"),
       "neither a ddsim report nor a scenario: not JSON (parse error at line 1, column 2: syntax error"},
      {"JSON of another kind", write(dir, "other.json", R"({"series": []})"),
       "neither a ddsim report (no \"ddsim_report_version\") nor a scenario"},
      {"a JSON list", write(dir, "list.json", "[1, 2]"), "neither a ddsim report"},
      {"malformed report", write(dir, "bad_report.json", bad_timing.dump()),
       "$.timings.flushes[3].serialize_seconds: expected a number, got string"},
      {"future report version", write(dir, "v9.json", R"({"ddsim_report_version": 9})"),
       "$.ddsim_report_version: expected 1, got 9"},
      {"malformed scenario", write(dir, "bad_scenario.json", R"({"name": "x", "duration": "soon", "workloads": []})"),
       "$.duration"},
  };
  for (const auto& c : cases) {
    const auto r = compare({.base = good, .candidate = c.file});
    EXPECT_EQ(r.code, kCompareBadInput) << c.what;
    const std::string prefix = "ddsim compare: CANDIDATE " + c.file + ": ";
    EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << c.what << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.what << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << c.what << ": nothing is printed as a result";
  }
  const auto r = compare({.base = dir.path() + "/nope.json", .candidate = good});
  EXPECT_EQ(r.code, kCompareBadInput);
  EXPECT_EQ(r.err.rfind("ddsim compare: BASE " + dir.path() + "/nope.json: cannot read", 0), 0u) << r.err;
}

TEST(CompareCommandTest, ABadCandidateIsFoundBeforeAnyScenarioRuns) {
  TempDir dir;
  const auto scenario = write(dir, "s.json", R"({"name": "s", "duration": "1m", "workloads": []})");
  const auto r = compare({.base = scenario, .candidate = dir.path() + "/missing.json"});
  EXPECT_EQ(r.code, kCompareBadInput);
  EXPECT_EQ(r.err, "ddsim compare: CANDIDATE " + dir.path() + "/missing.json: cannot read: no such file\n");
}

TEST(CompareCommandTest, BadOptionsAndAnUnwritableJsonPath) {
  TempDir dir;
  const auto a = write(dir, "a.json", craftedReport(5, 1.0, 1).dump());
  struct Case {
    const char* what;
    CompareArgs args;
    int code;
    const char* message;
  };
  const Case cases[] = {
      {"zero replicates", {.base = a, .candidate = a, .replicates = 0}, kCompareBadInput, "--replicates must be at least 1"},
      {"negative effect", {.base = a, .candidate = a, .effect_pct = -5}, kCompareBadInput, "--effect must be"},
      {"confidence as a percentage", {.base = a, .candidate = a, .confidence = 90}, kCompareBadInput,
       "--confidence must be between 0 and 1 (0.9 = 90 %), got 90\n"},
      {"json into a file path", {.base = a, .candidate = a, .json_out = a + "/x.json"}, kCompareSetupError,
       "cannot write the JSON to"},
  };
  for (const auto& c : cases) {
    const auto r = compare(c.args);
    EXPECT_EQ(r.code, c.code) << c.what;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.what << ": " << r.err;
  }
}

// A one-minute virtual scenario with a few hundred contexts: a run takes a few milliseconds.
json tinyScenario(const json& agent = json::object()) {
  return {{"name", "tiny"},
          {"seed", 3},
          {"duration", "1m"},
          {"mode", "virtual"},
          {"intake", "inprocess"},
          {"agent", agent},
          {"workloads", json::array({{{"type", "dogstatsd"},
                                      {"contexts", 300},
                                      {"rate", {{"kind", "constant"}, {"per_second", 300}}}}})}};
}

TEST(CompareCommandTest, ScenarioRunsWithReplicatesProduceATable) {
  TempDir dir;
  const auto base = write(dir, "tiny.json", tinyScenario().dump());
  // agent behaviour: "none" has no stream compressor, so v2 series cannot be built and every
  // series is dropped (spec §5.10): drops appear, series bytes are gone.
  const auto cand = write(dir, "tiny-none.json", tinyScenario({{"serializer_compressor_kind", "none"}}).dump());
  const auto r = compare({.base = base,
                          .candidate = cand,
                          .replicates = 3,
                          .json_out = dir.path() + "/c.json",
                          .allow_different = true});
  EXPECT_EQ(r.code, kCompareRegression) << r.out << r.err;
  EXPECT_NE(r.out.find("base       " + base + " (scenario, 3 replicates, seeds 3-5)"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find(base + ": replicate 3/3 (seed 5) done"), std::string::npos) << r.err;
  // Replicates interleave: the candidate's first runs before the base's second.
  EXPECT_LT(r.err.find(cand + ": replicate 1/3 (seed 3) done"), r.err.find(base + ": replicate 2/3 (seed 4) running"))
      << r.err;
  // One observation per replicate, per-flush figures included (the median of its flushes).
  std::ifstream in(dir.path() + "/c.json");
  const json j = json::parse(in, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["base"]["seeds"], json({3, 4, 5}));
  std::map<std::string, json> fig;
  for (const auto& f : j["figures"]) fig[f["id"]] = f;
  EXPECT_EQ(fig["throughput"]["base_n"], 3);
  EXPECT_EQ(fig["drops"]["candidate_n"], 3);
  EXPECT_EQ(fig["flush_duration"]["base_n"], 3);
  EXPECT_EQ(fig["drops"]["verdict"], "REGRESSION");
  EXPECT_EQ(fig["drops"]["base_mean"], 0.0);
  EXPECT_GT(fig["drops"]["candidate_mean"].get<double>(), 0.0);
  EXPECT_EQ(fig["bytes_per_series"]["verdict"], "skipped");
  EXPECT_EQ(fig["bytes_per_series"]["note"], "candidate lacks it (no flush sent series payloads)");
  EXPECT_TRUE(ends(rowOf(r.out, "drops"), "REGRESSION")) << r.out;
}

TEST(CompareCommandTest, OneScenarioAgainstItselfWithASeedKeepsDeterministicFiguresUnchanged) {
  TempDir dir;
  const auto s = write(dir, "tiny.json", tinyScenario().dump());
  const auto r = compare({.base = s, .candidate = s, .replicates = 2, .seed = 42});
  ASSERT_NE(r.code, kCompareBadInput) << r.err;
  EXPECT_NE(r.out.find("(scenario, 2 replicates, seeds 42-43)"), std::string::npos) << r.out;
  // Virtual runs repeat byte for byte apart from measured timings: same bytes, no drops.
  EXPECT_TRUE(ends(rowOf(r.out, "bytes per series"), "no change")) << r.out;
  EXPECT_NE(rowOf(r.out, "bytes per series").find("+0.0 %"), std::string::npos) << r.out;
  EXPECT_TRUE(ends(rowOf(r.out, "drops"), "no change")) << r.out;
  EXPECT_NE(r.out.find("rule       flagged when |delta mean %| >= 5 % and the 90% CI of delta excludes 0 "
                       "(Welch t with under 30 samples a side, else bootstrap, 10000 resamples, seed 42)"),
            std::string::npos)
      << r.out;
}

TEST(CompareCommandTest, ScenarioAgainstReportAndDifferentSeedsAreNoted) {
  TempDir dir;
  const auto report = write(dir, "r.json", craftedReport(8, 1.0, 1).dump());
  json other = tinyScenario();
  other["seed"] = 9;
  const auto a = write(dir, "a.json", tinyScenario().dump());
  const auto b = write(dir, "b.json", other.dump());
  auto r = compare({.base = a, .candidate = report, .replicates = 2});
  ASSERT_NE(r.code, kCompareBadInput) << r.err;
  EXPECT_NE(r.out.find("candidate  " + report + " (report, 1 run)"), std::string::npos) << r.out;
  r = compare({.base = a, .candidate = b, .replicates = 2});
  EXPECT_EQ(r.code, kCompareBadInput);  // different seeds: different traffic, refused ...
  EXPECT_NE(r.err.find("seed 3 vs 9"), std::string::npos) << r.err;
  r = compare({.base = a, .candidate = b, .replicates = 2, .allow_different = true});  // ... unless allowed
  ASSERT_NE(r.code, kCompareBadInput) << r.err;
  EXPECT_NE(r.out.find("candidate: the two scenarios have different seeds"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ddsim::compare
