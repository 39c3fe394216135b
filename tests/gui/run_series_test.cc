#include "gui/model/run_series.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace ddsim::gui {
namespace {

TEST(RunSeriesTest, TheChartsOfARecordedRunShareOneTimeAxis) {
  const auto path = (std::filesystem::temp_directory_path() / ("ddsim_run_series_" + std::to_string(::getpid()) + ".sqlite")).string();
  for (const char* suffix : {"", "-journal"}) std::filesystem::remove(path + suffix);
  {
    auto s = store::RunStore::open(path).value();
    ASSERT_TRUE(s->addFlush({0, 15, 0.010, 0.030, 0.01, 0.03, 100, 0, 1, 0, 100}).isOk());
    ASSERT_TRUE(s->addFlush({1, 30, 0.020, 0.040, 0.02, 0.04, 100, 0, 1, 0, 100}).isOk());
    ASSERT_TRUE(s->addSentPayload({15.1, 0, "/api/v2/series", 1000, 5000, 100, 100}).isOk());
    ASSERT_TRUE(s->addSentPayload({30.1, 1, "/api/v2/series", 1100, 5100, 100, 100}).isOk());
    ASSERT_TRUE(s->addAttempt({15.2, "/api/v2/series", 202, "", 1000, 0.001}).isOk());
    ASSERT_TRUE(s->addAttempt({30.2, "/api/v2/series", 503, "", 1100, 0.001}).isOk());
    ASSERT_TRUE(s->addAttempt({30.7, "/api/v2/series", 0, "timeout", 1100, 20}).isOk());
    ASSERT_TRUE(s->addTelemetry(35, {{"forwarder.retry_queue.items", 1}}).isOk());
    ASSERT_TRUE(s->addMarker({25, "fault", "503 on /api/v2/series starts", "{}"}).isOk());
  }
  auto s = store::RunStore::open(path).value();
  auto r = RunSeries::load(*s).value();
  ASSERT_EQ(r.flush_seconds.size(), 2u);
  EXPECT_DOUBLE_EQ(r.flush_seconds[1].v, 0.060);
  EXPECT_EQ(r.flush_seconds[1].t, 30);
  EXPECT_EQ(r.compressed_bytes.at("/api/v2/series").size(), 2u);
  EXPECT_EQ(r.uncompressed_bytes.at("/api/v2/series")[1].v, 5100);
  EXPECT_EQ(r.attempts_per_second.at("2xx").at(0).t, 15);
  EXPECT_EQ(r.attempts_per_second.at("5xx").at(0).v, 1);
  EXPECT_EQ(r.attempts_per_second.at("error").at(0).t, 30);
  EXPECT_EQ(r.retry_queue_items.at(0).v, 1);
  ASSERT_EQ(r.markers.size(), 1u);
  EXPECT_EQ(r.markers[0].t, 25);
  EXPECT_DOUBLE_EQ(r.duration, 30.7);
  s.reset();
  for (const char* suffix : {"", "-journal"}) std::filesystem::remove(path + suffix);
}

}  // namespace
}  // namespace ddsim::gui
