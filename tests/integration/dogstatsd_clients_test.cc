// Real DogStatsD clients against ddsim's listeners (issue 6, "Real clients"): the npm hot-shots
// client and Debian's python3-aiodogstatsd send every kind they support over UDP and a Unix
// datagram socket; the test checks what reached the SampleSink. Skipped (with the reason) only
// when node / python3 or the client libraries are absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "core/dogstatsd/server.h"
#include "tests/integration/client_runner.h"
#include "tests/unit/dogstatsd/recording_sink.h"
#include "tests/unit/dogstatsd/test_sockets.h"

namespace ddsim::integration {
namespace {

using dogstatsd::DogStatsdServer;
using dogstatsd::ServerOptions;
using dogstatsd::testing::RecordedSample;
using dogstatsd::testing::RecordingSink;
using dogstatsd::testing::TempDir;
using metrics::MetricType;

const std::string kNodeScript = std::string(DDSIM_SOURCE_DIR) + "/tests/integration/node/send_hot_shots.js";
const std::string kPythonScript =
    std::string(DDSIM_SOURCE_DIR) + "/tests/integration/python/send_aiodogstatsd.py";

// What one metric call of a client should become.
struct Expected {
  const char* name;
  MetricType type;
  double value;
  const char* raw_value;
  const char* kind_tag;
};

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// A server with UDP on 127.0.0.1:0 and a Unix datagram socket in `dir`.
ServerOptions serverOptions(const TempDir& dir) {
  ServerOptions o;
  o.port = ServerOptions::kRandomPort;
  o.bind_host = "127.0.0.1";
  o.socket_path = dir.file("dsd.socket");
  o.so_rcvbuf = 4 << 20;
  o.workers_count = 2;
  o.processor.enrich.default_hostname = "ddsim-host";
  return o;
}

std::string target(const std::string& transport, const DogStatsdServer& s, const ServerOptions& o) {
  return transport == "udp" ? std::to_string(s.udpPort()) : o.socket_path;
}

void checkSamples(const std::vector<RecordedSample>& got, const std::vector<Expected>& want,
                  const std::string& client_tag) {
  ASSERT_EQ(got.size(), want.size());
  std::multimap<std::string, const RecordedSample*> by_name;
  for (const auto& s : got) by_name.emplace(s.name, &s);
  for (const auto& w : want) {
    SCOPED_TRACE(w.name);
    auto [lo, hi] = by_name.equal_range(w.name);
    ASSERT_NE(lo, hi) << "no sample named " << w.name;
    bool matched = false;
    for (auto it = lo; it != hi && !matched; ++it) {
      const RecordedSample& s = *it->second;
      if (s.mtype != w.type || s.value != w.value || s.raw_value != w.raw_value) continue;
      matched = true;
      EXPECT_EQ(sorted(s.tags), sorted({w.kind_tag, client_tag}));
      EXPECT_EQ(s.host, "ddsim-host");
      EXPECT_EQ(s.sample_rate, 1.0);
      EXPECT_EQ(s.timestamp, 0);
      EXPECT_FALSE(s.no_aggregation);
    }
    EXPECT_TRUE(matched) << "no " << w.name << " with the expected type and value";
  }
}

class HotShotsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(HotShotsTest, EveryMessageKindArrives) {
  if (!onPath("node")) GTEST_SKIP() << "node is not installed";
  TempDir dir;
  ServerOptions o = serverOptions(dir);
  RecordingSink sink;
  DogStatsdServer server(o, sink);
  ASSERT_TRUE(server.start().isOk());
  auto run = runClient("node " + kNodeScript + " " + GetParam() + " " + target(GetParam(), server, o));
  if (run.exit_code == 77) GTEST_SKIP() << run.output;
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // The client process has exited: its datagrams are in the socket, and stop() reads them.
  server.stop();

  const std::vector<Expected> want = {
      {"hs.gauge", MetricType::kGauge, 42.5, "", "kind:gauge"},
      {"hs.counter", MetricType::kCounter, 3, "", "kind:counter"},
      {"hs.histogram", MetricType::kHistogram, 7, "", "kind:histogram"},
      {"hs.distribution", MetricType::kDistribution, 11, "", "kind:distribution"},
      {"hs.set", MetricType::kSet, 0, "member-1", "kind:set"},
      {"hs.timing", MetricType::kHistogram, 250, "", "kind:timing"},
  };
  checkSamples(sink.samples(), want, "client:hot-shots");

  auto events = sink.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].title, "deploy");
  EXPECT_EQ(events[0].text, "line one\nline two");  // sent escaped, unescaped by the parser
  EXPECT_EQ(events[0].host, "web-1");
  EXPECT_EQ(events[0].aggregation_key, "deploys");
  EXPECT_EQ(events[0].priority, "low");
  EXPECT_EQ(events[0].source_type_name, "jenkins");
  EXPECT_EQ(events[0].alert_type, "success");
  EXPECT_EQ(sorted(events[0].tags), sorted({"kind:event", "client:hot-shots"}));

  auto checks = sink.serviceChecks();
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].check_name, "hs.service.up");
  EXPECT_EQ(checks[0].status, metrics::ServiceCheckStatus::kWarning);
  EXPECT_EQ(checks[0].host, "web-1");
  EXPECT_EQ(checks[0].message, "degraded");
  EXPECT_EQ(sorted(checks[0].tags), sorted({"kind:check", "client:hot-shots"}));

  EXPECT_EQ(server.stats().get(dogstatsd::Stat::kMetricParseErrors), 0u);
  EXPECT_EQ(server.stats().get(dogstatsd::Stat::kEventParseErrors), 0u);
  EXPECT_EQ(server.stats().get(dogstatsd::Stat::kServiceCheckParseErrors), 0u);
}

INSTANTIATE_TEST_SUITE_P(Transports, HotShotsTest, ::testing::Values("udp", "uds"));

class AioDogStatsdTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AioDogStatsdTest, EveryMetricKindArrives) {
  const std::string python = systemPython();
  if (python == "python3" && !onPath("python3")) GTEST_SKIP() << "python3 is not installed";
  TempDir dir;
  ServerOptions o = serverOptions(dir);
  RecordingSink sink;
  DogStatsdServer server(o, sink);
  ASSERT_TRUE(server.start().isOk());
  auto run = runClient(python + " " + kPythonScript + " " + GetParam() + " " + target(GetParam(), server, o));
  if (run.exit_code == 77) GTEST_SKIP() << run.output;
  ASSERT_EQ(run.exit_code, 0) << run.output;
  server.stop();

  // aiodogstatsd has no sets, events or service checks.
  const std::vector<Expected> want = {
      {"aio.gauge", MetricType::kGauge, 42.5, "", "kind:gauge"},
      {"aio.counter", MetricType::kCounter, 3, "", "kind:counter"},
      {"aio.counter", MetricType::kCounter, -1, "", "kind:counter"},
      {"aio.histogram", MetricType::kHistogram, 7, "", "kind:histogram"},
      {"aio.distribution", MetricType::kDistribution, 11, "", "kind:distribution"},
      {"aio.timing", MetricType::kHistogram, 250, "", "kind:timing"},
  };
  checkSamples(sink.samples(), want, "client:aiodogstatsd");
  EXPECT_EQ(server.stats().get(dogstatsd::Stat::kMetricParseErrors), 0u);
}

INSTANTIATE_TEST_SUITE_P(Transports, AioDogStatsdTest, ::testing::Values("udp", "uds"));

}  // namespace
}  // namespace ddsim::integration
