// The console summary names each drop in its own unit and shows restarts and disk spill
// (issue 11: "items lost" mixed transactions and samples; restarts and spill were missing).
#include "simulator/report/console_summary.h"

#include <gtest/gtest.h>

namespace ddsim::report {
namespace {

using nlohmann::json;

json reportWith(json summary_extra, json telemetry) {
  json summary = {{"samples_generated", 1000}, {"dogstatsd_packets", 10}, {"flushes", 4}, {"series_flushed", 900},
                  {"sketches_flushed", 0},      {"service_checks_flushed", 50}, {"events_flushed", 50},
                  {"payloads", 10},             {"bytes_compressed", 1000}, {"bytes_uncompressed", 5000},
                  {"transactions", 10},         {"transactions_delivered", 7}, {"retries", 2},
                  {"drops", json::object()},    {"loss", 0}, {"violations", 0}, {"restarts", 0},
                  {"accounting_holds", true},   {"passed", true}};
  summary.update(summary_extra);
  return {{"scenario", {{"name", "t"}, {"mode", "virtual"}, {"intake", "http"}, {"seed", 1}}},
          {"summary", summary},
          {"run", {{"virtual_seconds", 60.0}, {"real_seconds", 0.5}, {"speedup", 120.0}}},
          {"payloads", json::object()},
          {"violations", json::object()},
          {"telemetry", telemetry},
          {"timings", json::object()},
          {"expectations", json::array()},
          {"failures", json::array()}};
}

TEST(ConsoleSummaryTest, EachDropCountsInItsOwnUnit) {
  const std::string text = consoleSummary(reportWith(
      {{"drops", {{"forwarder.retry_queue_full", 3}, {"dogstatsd_parse.invalid", 5}, {"serializer.series_v1.noindex", 2}}},
       {"drop_units", {{"forwarder.retry_queue_full", "transactions"}, {"dogstatsd_parse.invalid", "messages"},
                       {"serializer.series_v1.noindex", "series"}}},
       {"loss", 8},
       {"loss_by_unit", {{"transactions", 3}, {"messages", 5}}}},
      json::object()));
  EXPECT_NE(text.find("drops     5 messages, 3 transactions lost (a transaction carries ~100 items on average); by reason:"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  forwarder.retry_queue_full: 3 transactions\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  serializer.series_v1.noindex: 2 series\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("agent     "), std::string::npos) << text;
}

TEST(ConsoleSummaryTest, ByDesignSkipsAloneAreNotCalledLoss) {
  const std::string text = consoleSummary(reportWith(
      {{"drops", {{"serializer.series_v1.noindex", 2}}}, {"drop_units", {{"serializer.series_v1.noindex", "series"}}},
       {"loss_by_unit", json::object()}},
      json::object()));
  EXPECT_NE(text.find("drops     nothing lost; skipped by design:\n  serializer.series_v1.noindex: 2 series\n"),
            std::string::npos)
      << text;
}

TEST(ConsoleSummaryTest, TheTraceFunnelIsOneLine) {
  const json extra = json::parse(R"({"traces": {"spans_generated": 1000, "traces_generated": 100,
      "spans_received": 990, "traces_dropped_by_normalizer": {"trace_id_zero": 1},
      "traces_sampled_out": {"priority_sampler": 80, "user_reject": 9}, "spans_written": 100,
      "payloads_written": 3, "payloads_lost": 0, "intake": {"spans": 100}}})");
  const std::string text = consoleSummary(reportWith(extra, json::object()));
  EXPECT_NE(text.find("traces    1000 spans generated (100 traces), 990 received, 1 traces refused by the normalizer, 89 "
                      "sampled out, 100 spans written in 3 payloads, 100 delivered (0 payloads lost)\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(consoleSummary(reportWith(json::object(), json::object())).find("traces    "), std::string::npos);
}

TEST(ConsoleSummaryTest, RestartsAndDiskSpillAreShown) {
  const std::string text = consoleSummary(reportWith(
      {{"restarts", 2}},
      {{"forwarder.disk.transactions_written", 26.0}, {"forwarder.disk.transactions_read", 26.0}}));
  EXPECT_NE(text.find("agent     2 restarts; disk spill: 26 transactions written, 26 read back\n"), std::string::npos)
      << text;
}

TEST(ConsoleSummaryTest, AnInterruptedRunSaysSoInsteadOfPassedOrFailed) {
  const std::string text =
      consoleSummary(reportWith({{"interrupted", true}, {"interrupted_at_seconds", 12.5}, {"passed", false}}, json::object()));
  EXPECT_NE(text.find("INTERRUPTED at +12.5 s"), std::string::npos) << text;
  EXPECT_EQ(text.find("FAILED"), std::string::npos) << text;
}

}  // namespace
}  // namespace ddsim::report
