// Real clients through the whole intake: hot-shots / aiodogstatsd -> DogStatsD server ->
// aggregator Demultiplexer -> flush -> serializer (a recording double). Checks the flushed
// series against the agent's DogStatsD flush semantics (spec §1.3, §1.4, §3.2, §3.4).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/aggregator/demultiplexer.h"
#include "core/dogstatsd/server.h"
#include "tests/integration/client_runner.h"
#include "tests/support/recording_serializer.h"
#include "tests/unit/dogstatsd/test_sockets.h"

namespace ddsim::integration {
namespace {

using metrics::ApiMetricType;

const std::string kNodeScript = std::string(DDSIM_SOURCE_DIR) + "/tests/integration/node/send_hot_shots.js";
const std::string kPythonScript =
    std::string(DDSIM_SOURCE_DIR) + "/tests/integration/python/send_aiodogstatsd.py";

constexpr double kReceiveTime = 1'700'000'003;  // bucket [1'700'000'000, 1'700'000'010)
constexpr double kFlushTime = 1'700'000'020;

struct Flushed {
  std::vector<metrics::Serie> series;
  std::vector<metrics::SketchSeries> sketches;
  std::vector<metrics::Event> events;
  std::vector<metrics::ServiceCheck> checks;
};

// Runs `command` (given the UDP port) against a server feeding a demultiplexer, then flushes.
// Returns false (and sets *skip) when the client is not available here.
bool sendAndFlush(const std::string& command, Flushed& out, std::string* skip) {
  testing::RecordingSerializer serializer;
  aggregator::DemultiplexerOptions dopts;
  dopts.aggregator.hostname = "ddsim-host";
  aggregator::Demultiplexer demux(dopts, &serializer);
  common::ManualClock clock(common::fromUnixSeconds(kReceiveTime));
  dogstatsd::ServerOptions o = dogstatsd::testing::loopbackUdpOptions(4 << 20);
  o.processor.enrich.default_hostname = "ddsim-host";
  dogstatsd::DogStatsdServer server(o, demux, clock);
  EXPECT_TRUE(server.start().isOk());
  auto run = runClient(command + " " + std::to_string(server.udpPort()));
  server.stop();  // every datagram the client sent is parsed and in the demultiplexer now
  if (run.exit_code == 77) {
    *skip = run.output;
    return false;
  }
  EXPECT_EQ(run.exit_code, 0) << run.output;
  demux.flush(kFlushTime);
  for (auto& b : serializer.seriesBatches()) out.series.insert(out.series.end(), b.begin(), b.end());
  for (auto& b : serializer.sketchBatches()) out.sketches.insert(out.sketches.end(), b.begin(), b.end());
  for (auto& b : serializer.eventBatches()) out.events.insert(out.events.end(), b.begin(), b.end());
  for (auto& b : serializer.serviceCheckBatches()) out.checks.insert(out.checks.end(), b.begin(), b.end());
  return true;
}

const metrics::Serie* findSerie(const Flushed& f, const std::string& name) {
  for (const auto& s : f.series) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// One expected flushed series: spec §1.3 (Counter: sum/10 as a rate; Set: distinct count) and
// §1.4 (histogram aggregates max, median, avg, count as a rate, 95th percentile).
struct ExpectedSerie {
  const char* name;
  ApiMetricType type;
  double value;
};

void checkSeries(const Flushed& f, const std::vector<ExpectedSerie>& want, const std::string& client) {
  for (const auto& w : want) {
    SCOPED_TRACE(w.name);
    const metrics::Serie* s = findSerie(f, w.name);
    ASSERT_NE(s, nullptr) << "not flushed";
    EXPECT_EQ(s->mtype, w.type);
    ASSERT_EQ(s->points.size(), 1u);
    EXPECT_DOUBLE_EQ(s->points[0].value, w.value);
    EXPECT_EQ(s->points[0].ts, 1'700'000'000);  // the bucket start (spec §3.2)
    EXPECT_EQ(s->interval, 10);
    EXPECT_EQ(s->host, "ddsim-host");
    auto tags = s->tags.toVector();
    EXPECT_NE(std::find(tags.begin(), tags.end(), client), tags.end());
  }
}

TEST(DogStatsdPipelineTest, HotShotsThroughTheAggregator) {
  if (!onPath("node")) GTEST_SKIP() << "node is not installed";
  Flushed f;
  std::string skip;
  if (!sendAndFlush("node " + kNodeScript + " udp", f, &skip)) GTEST_SKIP() << skip;
  checkSeries(f,
              {
                  {"hs.gauge", ApiMetricType::kGauge, 42.5},
                  {"hs.counter", ApiMetricType::kRate, 0.3},
                  {"hs.set", ApiMetricType::kGauge, 1},
                  {"hs.histogram.max", ApiMetricType::kGauge, 7},
                  {"hs.histogram.median", ApiMetricType::kGauge, 7},
                  {"hs.histogram.avg", ApiMetricType::kGauge, 7},
                  {"hs.histogram.count", ApiMetricType::kRate, 0.1},
                  {"hs.histogram.95percentile", ApiMetricType::kGauge, 7},
                  {"hs.timing.max", ApiMetricType::kGauge, 250},
                  {"hs.timing.count", ApiMetricType::kRate, 0.1},
              },
              "client:hot-shots");
  ASSERT_EQ(f.sketches.size(), 1u);
  EXPECT_EQ(f.sketches[0].name, "hs.distribution");
  ASSERT_EQ(f.sketches[0].points.size(), 1u);
  EXPECT_EQ(f.sketches[0].points[0].ts, 1'700'000'000);
  EXPECT_EQ(f.sketches[0].points[0].sketch.basic.cnt, 1);
  EXPECT_EQ(f.sketches[0].points[0].sketch.basic.sum, 11);

  ASSERT_EQ(f.events.size(), 1u);
  EXPECT_EQ(f.events[0].title, "deploy");
  EXPECT_EQ(f.events[0].text, "line one\nline two");
  std::vector<std::string> check_names;
  for (const auto& c : f.checks) check_names.push_back(c.check_name);
  std::sort(check_names.begin(), check_names.end());
  // The agent adds datadog.agent.up to every flush (spec §3.4).
  EXPECT_EQ(check_names, (std::vector<std::string>{"datadog.agent.up", "hs.service.up"}));
}

TEST(DogStatsdPipelineTest, AioDogStatsdThroughTheAggregator) {
  const std::string python = systemPython();
  if (python == "python3" && !onPath("python3")) GTEST_SKIP() << "python3 is not installed";
  Flushed f;
  std::string skip;
  if (!sendAndFlush(python + " " + kPythonScript + " udp", f, &skip)) GTEST_SKIP() << skip;
  checkSeries(f,
              {
                  {"aio.gauge", ApiMetricType::kGauge, 42.5},
                  {"aio.counter", ApiMetricType::kRate, 0.2},  // +3 and -1 in one bucket
                  {"aio.histogram.avg", ApiMetricType::kGauge, 7},
                  {"aio.histogram.count", ApiMetricType::kRate, 0.1},
                  {"aio.timing.median", ApiMetricType::kGauge, 250},
              },
              "client:aiodogstatsd");
  ASSERT_EQ(f.sketches.size(), 1u);
  EXPECT_EQ(f.sketches[0].name, "aio.distribution");
}

}  // namespace
}  // namespace ddsim::integration
