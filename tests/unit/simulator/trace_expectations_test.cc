// The `stats` trace expectation (docs/scenarios.md "traces"): it reads the totals the intake
// stored with each decoded stats payload (run store payload_stats) and never decodes a body
// again; with client-side stats it also compares the tracers' totals with what the agent's client
// stats aggregator built. `spans_delivered` and `kept_rate` likewise read the trace totals the
// intake stored with each decoded trace payload (payload_traces).
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "core/store/run_store.h"
#include "simulator/expect/expectations.h"
#include "simulator/expect/trace_expectations.h"

namespace ddsim::expect {
namespace {

namespace fs = std::filesystem;

class TraceStatsExpectation : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() / ("ddsim_trace_expect_" + std::to_string(::getpid()) + "_" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".sqlite"))
                .string();
    fs::remove(path_);
    store_ = store::RunStore::open(path_).value();
  }
  void TearDown() override {
    store_.reset();
    fs::remove(path_);
  }
  // A stats payload row as the intake stores it, with `totals` decoded, a body that is not
  // msgpack (a decode here would fail) and the answered status; addRow is either kind.
  void addStats(int status, std::vector<store::StatsTotalsRow> totals, std::string decode_error = "") {
    addRow("/api/v0.2/stats", status, std::move(decode_error), totals, nullptr);
  }
  void addRow(const std::string& route, int status, std::string decode_error,
              const std::vector<store::StatsTotalsRow>& stats, const store::TraceTotalsRow* traces) {
    store::IntakePayloadRow row;
    row.intake = "main";
    row.route = route;
    row.method = "POST";
    row.status = status;
    row.decode_error = std::move(decode_error);
    const std::string body = "not a payload of " + route;  // row.body is a view: keep it alive
    row.body = body;
    ASSERT_TRUE(store_->addPayload(row, {}, {}, {}, {}, stats, traces).isOk());
  }
  // A trace payload row as the intake stores it: `totals` decoded (null: it did not decode), a
  // body that is not an AgentPayload, the answered status.
  void addTraces(int status, const store::TraceTotalsRow* totals, std::string decode_error = "") {
    addRow("/api/v0.2/traces", status, std::move(decode_error), {}, totals);
  }
  // What deliveredTraces reads from the store, as the facts of a run with a traces workload.
  TraceFacts readDelivered() {
    IntakeData data{*store_, {"main"}};
    auto d = deliveredTraces(data);
    EXPECT_TRUE(d.isOk()) << d.status().message();
    delivered_ = d.isOk() ? std::move(d).value() : DeliveredTraces{};
    TraceFacts f;
    f.present = true;
    f.delivered = &delivered_;
    return f;
  }
  // A trace check (spans_delivered or kept_rate) on what the store holds.
  ExpectationResult checkTrace(const scenario::TraceExpectation& e, int64_t spans_written) {
    TraceFacts f = readDelivered();
    f.spans_written = spans_written;
    f.load_start_unix = 100;
    f.load_end_unix = 110;
    return checkTraces(e, f);
  }
  // The stats check on what the store holds, against `built` (and, for client-side stats, the
  // tracers' totals against `built` as the client aggregator's).
  ExpectationResult check(const trace::StatsTally& built, const trace::StatsTally* tracer = nullptr) {
    TraceFacts f = readDelivered();
    f.stats_built = &built;
    if (tracer) {
      f.client_stats_built = &built;
      f.tracer_stats_present = true;
      f.tracer_stats = *tracer;
    }
    scenario::TraceExpectation e;
    e.check = scenario::TraceExpectation::Check::kStats;
    return checkTraces(e, f);
  }
  std::string path_;
  std::unique_ptr<store::RunStore> store_;
  DeliveredTraces delivered_;
};

TEST_F(TraceStatsExpectation, ReadsTheTotalsTheIntakeStoredWithoutDecodingBodies) {
  addStats(202, {{"api", "GET /", 5, 1, 5, 500, 2}, {"db", "SELECT", 3, 0, 0, 90, 1}});
  addStats(202, {{"api", "GET /", 2, 0, 2, 100, 1}});
  addStats(503, {{"api", "GET /", 100, 0, 100, 1, 1}});  // refused by a fault: not delivered
  trace::StatsTally built;
  built[{"api", "GET /"}].add(7, 1, 7, 600);
  built[{"db", "SELECT"}].add(3, 0, 0, 90);
  const ExpectationResult r = check(built);
  EXPECT_TRUE(r.passed) << r.detail;
  EXPECT_EQ(delivered_.stats_payloads, 2);
  EXPECT_EQ(delivered_.stats_undecodable, 0);  // the bodies were never decoded here
  ASSERT_EQ(delivered_.stats.size(), 2u);
  const trace::StatsTotals& api = delivered_.stats.at({"api", "GET /"});
  EXPECT_EQ(api.hits, 7);
  EXPECT_EQ(api.errors, 1);
  EXPECT_EQ(api.top_level_hits, 7);
  EXPECT_EQ(api.duration, 600);
  EXPECT_EQ(api.groups, 3);
  EXPECT_EQ(delivered_.stats.at({"db", "SELECT"}).duration, 90);
}

TEST_F(TraceStatsExpectation, AnAcceptedPayloadTheIntakeCouldNotDecodeMakesItIncomplete) {
  addStats(202, {{"api", "GET /", 1, 0, 1, 10, 1}});
  addStats(202, {}, "msgpack: truncated");
  trace::StatsTally built;
  built[{"api", "GET /"}].add(1, 0, 1, 10);
  const ExpectationResult r = check(built);
  EXPECT_EQ(delivered_.stats_payloads, 2);
  EXPECT_EQ(delivered_.stats_undecodable, 1);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.detail.find("1 stats payloads did not decode"), std::string::npos) << r.detail;
}

// Client-side stats: the intake matches the agent, but the agent aggregated less than the
// tracers computed (a stats payload it took and lost): the expectation fails and says where.
TEST_F(TraceStatsExpectation, TracerTotalsMustEqualWhatTheAgentAggregated) {
  addStats(202, {{"api", "GET /", 4, 0, 4, 40, 1}});
  trace::StatsTally built, tracer;
  built[{"api", "GET /"}].add(4, 0, 4, 40);
  tracer[{"api", "GET /"}].add(5, 0, 5, 50);
  ExpectationResult r = check(built, &tracer);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.detail.find("1 pairs differ from what the agent aggregated, first api GET /: tracers hits 5"),
            std::string::npos)
      << r.detail;
  r = check(built, &built);
  EXPECT_TRUE(r.passed) << r.detail;
}

TEST_F(TraceStatsExpectation, SpansDeliveredReadsTheTraceTotalsTheIntakeStoredWithoutDecodingBodies) {
  const store::TraceTotalsRow a{5, 2, {101'000'000'000, 102'500'000'000}}, b{3, 1, {109'000'000'000}};
  const store::TraceTotalsRow refused{100, 100, {}};
  addTraces(202, &a);
  addTraces(202, &b);
  addTraces(503, &refused);  // refused by a fault: not delivered
  scenario::TraceExpectation e;
  e.check = scenario::TraceExpectation::Check::kSpansDelivered;
  ExpectationResult r = checkTrace(e, 8);
  EXPECT_TRUE(r.passed) << r.detail;
  EXPECT_EQ(delivered_.payloads, 2);
  EXPECT_EQ(delivered_.chunks, 3);
  EXPECT_EQ(delivered_.spans, 8);
  EXPECT_EQ(delivered_.undecodable, 0);  // the bodies were never decoded here
  EXPECT_EQ(delivered_.chunk_ends, (std::vector<int64_t>{101'000'000'000, 102'500'000'000, 109'000'000'000}));
  EXPECT_EQ(r.detail, "the intake decoded 8 spans in 3 traces of 2 payloads");
  r = checkTrace(e, 9);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.detail.find("(off by -1)"), std::string::npos) << r.detail;
  // kept_rate reads the stored chunk ends: after +2 s of a 100..110 s load, 2 traces in 8 s
  // (the one that ended at 101 s is left out).
  e.check = scenario::TraceExpectation::Check::kKeptRate;
  e.after = 2;
  e.value = 0.25;
  e.tolerance = 0.01;
  r = checkTrace(e, 8);
  EXPECT_TRUE(r.passed) << r.detail;
}

TEST_F(TraceStatsExpectation, AnAcceptedTracePayloadTheIntakeCouldNotDecodeFailsSpansDelivered) {
  const store::TraceTotalsRow a{4, 1, {100'000'000'000}};
  addTraces(202, &a);
  addTraces(202, nullptr, "protobuf: truncated");
  scenario::TraceExpectation e;
  e.check = scenario::TraceExpectation::Check::kSpansDelivered;
  const ExpectationResult r = checkTrace(e, 4);
  EXPECT_EQ(delivered_.payloads, 2);
  EXPECT_EQ(delivered_.undecodable, 1);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.detail.find("1 payloads did not decode"), std::string::npos) << r.detail;
}

TEST_F(TraceStatsExpectation, EvictedTracePayloadsMakeSpansDeliveredIncomplete) {
  const store::TraceTotalsRow a{4, 1, {100'000'000'000}};
  addTraces(202, &a);
  ASSERT_TRUE(store_->countEviction("main", "/api/v0.2/traces", "disk", 1, 3).isOk());
  scenario::TraceExpectation e;
  e.check = scenario::TraceExpectation::Check::kSpansDelivered;
  const ExpectationResult r = checkTrace(e, 4);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.detail.rfind("incomplete: ", 0), 0u) << r.detail;
}

}  // namespace
}  // namespace ddsim::expect
