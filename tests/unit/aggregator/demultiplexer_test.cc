#include "core/aggregator/demultiplexer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>

#include "tests/support/recording_serializer.h"
#include "tests/unit/aggregator/test_util.h"

namespace ddsim::aggregator {
namespace {

using testing::RecordingSerializer;
using testutil::findSerie;
using testutil::gauge;
using testutil::SampleSpec;
using Call = RecordingSerializer::Call;

DemultiplexerOptions baseOptions() {
  DemultiplexerOptions o;
  o.aggregator.hostname = "myhost";
  o.aggregator.agent_version = "7.57.0";
  o.aggregator.global_tags = {"env:test"};
  return o;
}

void addOne(Demultiplexer& d, SampleSpec s, double now) {
  const metrics::MetricSample v = s.view();
  d.addSamples(std::span<const metrics::MetricSample>(&v, 1), now);
}

// Spec §3.4 flush order: series (time samplers, check samplers, recurrent, running,
// payload.dropped) and sketches, then service checks (+ datadog.agent.up), events, manifests.
TEST(DemultiplexerTest, FlushOrder) {
  RecordingSerializer ser;
  Demultiplexer d(baseOptions(), &ser);
  addOne(d, gauge("dsd.gauge", 1), 1001);
  SampleSpec dist = gauge("dsd.dist", 2);
  dist.mtype = metrics::MetricType::kDistribution;
  addOne(d, dist, 1001);
  auto sender = d.getSender("mycheck:1").value();
  sender->gauge("check.gauge", 5, "", {"b", "a", "b"}, 1002);
  sender->commit(1002);
  sender->serviceCheck("my.check", metrics::ServiceCheckStatus::kWarning, "", {"z", "y"}, "msg", 1002);
  metrics::Event e;
  e.title = "t";
  e.tags = {"k:2", "k:1", "k:2"};
  d.addEvents({e});
  metrics::OrchestratorManifest mf;
  mf.cluster_id = "c1";
  sender->orchestratorManifest(mf);
  d.flush(1015.7);

  EXPECT_EQ(ser.callKinds(), (std::vector<Call>{Call::kSeries, Call::kSketches, Call::kServiceChecks,
                                                 Call::kEvents, Call::kOrchestratorManifests}));
  const auto series = ser.seriesBatches().at(0);
  std::vector<std::string> names;
  for (const auto& s : series) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"dsd.gauge", "check.gauge", "datadog.agent.running",
                                             "n_o_i_n_d_e_x.datadog.agent.payload.dropped"}));
  const auto& check = testutil::serie(series, "check.gauge");
  EXPECT_EQ(check.tags.toVector(), (std::vector<std::string>{"a", "b"}));  // sorted+uniq (spec §2.3)
  EXPECT_EQ(check.host, "myhost");                                         // default hostname
  const auto& running = testutil::serie(series, "datadog.agent.running");
  EXPECT_EQ(running.points[0].ts, 1015);  // whole seconds
  EXPECT_EQ(running.points[0].value, 1);
  EXPECT_EQ(running.tags.toVector(), (std::vector<std::string>{"env:test", "version:7.57.0"}));
  EXPECT_EQ(running.source_type_name, "System");
  const auto& dropped = testutil::serie(series, "n_o_i_n_d_e_x.datadog.agent.payload.dropped");
  EXPECT_TRUE(dropped.no_index);
  EXPECT_EQ(dropped.tags.toVector(), (std::vector<std::string>{"env:test"}));

  const auto checks = ser.serviceCheckBatches().at(0);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].check_name, "my.check");
  EXPECT_EQ(checks[0].tags, (std::vector<std::string>{"y", "z"}));
  EXPECT_EQ(checks[0].ts, 1002);
  EXPECT_EQ(checks[1].check_name, "datadog.agent.up");
  EXPECT_EQ(checks[1].status, metrics::ServiceCheckStatus::kOk);
  EXPECT_EQ(checks[1].ts, 1015);
  EXPECT_EQ(checks[1].host, "myhost");
  const auto events = ser.eventBatches().at(0);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].tags, (std::vector<std::string>{"k:1", "k:2"}));
  EXPECT_EQ(events[0].ts, 1015);  // ts 0 stamped when handled

  // Second flush: nothing but the defaults; series and the up check are always sent.
  ser.clear();
  d.flush(1030);
  EXPECT_EQ(ser.callKinds(), (std::vector<Call>{Call::kSeries, Call::kServiceChecks}));
  EXPECT_EQ(ser.seriesBatches()[0].size(), 2u);  // running and payload.dropped
}

TEST(DemultiplexerTest, FlavorAndPayloadDrops) {
  RecordingSerializer ser;
  auto o = baseOptions();
  o.aggregator.flavor = "iot_agent";
  o.aggregator.package_version = "7.57.0-1";
  o.aggregator.payload_drops = [] { return int64_t{3}; };
  o.aggregator.djm_enabled = true;
  Demultiplexer d(o, &ser);
  d.flush(2000);
  const auto series = ser.allSeries();
  ASSERT_NE(findSerie(series, "datadog.iot_agent.running"), nullptr);
  EXPECT_EQ(testutil::serie(series, "datadog.iot_agent.running").tags.toVector(),
            (std::vector<std::string>{"env:test", "version:7.57.0", "package_version:7.57.0-1"}));
  EXPECT_EQ(testutil::serie(series, "n_o_i_n_d_e_x.datadog.iot_agent.payload.dropped").points[0].value, 3);
  const auto& djm = testutil::serie(series, "datadog.djm.agent_host");
  EXPECT_EQ(djm.host, "myhost");
  EXPECT_EQ(djm.points[0].ts, 2000);
  EXPECT_EQ(djm.source_type_name, "System");
  EXPECT_EQ(ser.allServiceChecks().back().check_name, "datadog.iot_agent.up");
}

// "tick, don't own threads": the 15 s ticker in virtual time.
TEST(DemultiplexerTest, TickerFlushesEvery15Seconds) {
  RecordingSerializer ser;
  Demultiplexer d(baseOptions(), &ser);
  d.start(1000);
  EXPECT_EQ(d.nextDeadline(), 1015);
  d.tick(1014.9);
  EXPECT_TRUE(ser.calls().empty());
  d.tick(1015);
  EXPECT_EQ(ser.seriesBatches().size(), 1u);
  EXPECT_EQ(d.nextDeadline(), 1030);
  d.tick(1061);  // late: one flush, then the next tick after now
  EXPECT_EQ(ser.seriesBatches().size(), 2u);
  EXPECT_EQ(d.nextDeadline(), 1075);
}

// waitForSerializer: the ticker's flush hands service checks/events/manifests to the executor;
// series are always sent before flush() returns.
TEST(DemultiplexerTest, WaitForSerializerSwitch) {
  RecordingSerializer ser;
  std::vector<std::function<void()>> deferred;
  auto o = baseOptions();
  o.aggregator.async_executor = [&](std::function<void()> f) { deferred.push_back(std::move(f)); };
  Demultiplexer d(o, &ser);
  d.addEvents({metrics::Event{}});
  d.flush(1000, /*wait_for_serializer=*/false);
  EXPECT_EQ(ser.callKinds(), (std::vector<Call>{Call::kSeries}));
  ASSERT_EQ(deferred.size(), 2u);
  for (auto& f : deferred) f();
  EXPECT_EQ(ser.callKinds(), (std::vector<Call>{Call::kSeries, Call::kServiceChecks, Call::kEvents}));
  deferred.clear();
  ser.clear();
  d.flush(1015, /*wait_for_serializer=*/true);
  EXPECT_TRUE(deferred.empty());
  EXPECT_EQ(ser.callKinds(), (std::vector<Call>{Call::kSeries, Call::kServiceChecks}));
}

// Orchestrator metadata is handed on as soon as it is handled, not at flush time.
TEST(DemultiplexerTest, OrchestratorMetadataImmediateManifestsBuffered) {
  RecordingSerializer ser;
  Demultiplexer d(baseOptions(), &ser);
  auto sender = d.getDefaultSender().value();
  metrics::OrchestratorMetadata md;
  md.cluster_id = "c";
  md.messages.push_back({1, "body"});
  sender->orchestratorMetadata(md);
  sender->orchestratorManifest(metrics::OrchestratorManifest{});
  d.processPending(1000);
  EXPECT_EQ(ser.callKinds(), (std::vector<Call>{Call::kOrchestratorMetadata}));
  ser.failOrchestrator(common::unavailable("down"));
  sender->orchestratorMetadata(md);
  d.flush(1015);
  const auto tel = d.telemetry();
  EXPECT_EQ(tel.at("aggregator.OrchestratorMetadata"), 2);
  // agent behaviour: both the failed metadata and the failed manifest count here.
  EXPECT_EQ(tel.at("aggregator.OrchestratorMetadataErrors"), 2);
  EXPECT_EQ(tel.at("aggregator.OrchestratorManifests"), 1);
}

// Spec §3.5: shard = fastrange(key of name, host and the sample's own tags, N).
TEST(DemultiplexerTest, ShardsByOwnKey) {
  RecordingSerializer ser;
  auto o = baseOptions();
  o.pipeline_count = 4;
  Demultiplexer d(o, &ser);
  std::vector<SampleSpec> specs;
  for (int i = 0; i < 400; ++i) specs.push_back(gauge(testutil::cat("m", i), i, {testutil::cat("t:", i % 7)}));
  std::vector<metrics::MetricSample> views;
  for (auto& s : specs) views.push_back(s.view());
  d.addSamples(views, 1001);
  const auto tel = d.telemetry();
  double total = 0;
  for (int i = 0; i < 4; ++i) {
    const double n = tel.at(testutil::cat("aggregator.dogstatsd_contexts.shard_", i));
    EXPECT_GT(n, 50) << i;  // spread over every shard
    total += n;
  }
  EXPECT_EQ(total, 400);
  // The same context always lands in the same shard, so each flushes one serie per context.
  d.addSamples(views, 1002);
  d.flush(1010);
  EXPECT_EQ(ser.seriesBatches()[0].size(), 400u + 2u);
  EXPECT_EQ(d.dogstatsdContextCount(), 400u);
}

TEST(DemultiplexerTest, StartupTelemetry) {
  RecordingSerializer ser;
  Demultiplexer d(baseOptions(), &ser);
  d.addAgentStartupTelemetry(1001);
  d.flush(1010);
  const auto all = ser.allSeries();
  const auto& started = testutil::serie(all, "datadog.agent.started");
  EXPECT_EQ(started.mtype, metrics::ApiMetricType::kCount);
  EXPECT_EQ(started.points[0].value, 1);
  EXPECT_EQ(started.tags.toVector(), (std::vector<std::string>{"env:test", "version:7.57.0"}));
  const auto events = ser.allEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].text, "Version 7.57.0");
  EXPECT_EQ(events[0].event_type, "Agent Startup");
  EXPECT_EQ(events[0].source_type_name, "System");
  EXPECT_TRUE(events[0].title.empty());

  RecordingSerializer ser2;
  auto o = baseOptions();
  o.aggregator.hostname = "";
  Demultiplexer d2(o, &ser2);
  d2.addAgentStartupTelemetry(1001);
  d2.flush(1010);
  EXPECT_TRUE(ser2.allEvents().empty());  // no event without a hostname
}

TEST(DemultiplexerTest, TelemetryCounters) {
  RecordingSerializer ser;
  Demultiplexer d(baseOptions(), &ser);
  addOne(d, gauge("a", 1), 1001);
  addOne(d, gauge("b", std::nan("")), 1001);
  SampleSpec c = gauge("c", 1);
  c.mtype = metrics::MetricType::kCounter;
  addOne(d, c, 1001);
  d.addServiceChecks({metrics::ServiceCheck{}});
  d.flush(1010);
  const auto t = d.telemetry();
  EXPECT_EQ(t.at("aggregator.DogstatsdMetricSample"), 3);
  EXPECT_EQ(t.at("aggregator.ServiceCheck"), 1);
  EXPECT_EQ(t.at("aggregator.SeriesFlushed"), 4);  // a, c, running, dropped
  EXPECT_EQ(t.at("aggregator.ServiceCheckFlushed"), 2);
  EXPECT_EQ(t.at("aggregator.NumberOfFlush"), 1);
  EXPECT_EQ(t.at("aggregator.DogstatsdContexts"), 3);
  EXPECT_EQ(t.at("aggregator.DogstatsdContextsByMtype.Gauge"), 2);
  EXPECT_EQ(t.at("aggregator.DogstatsdContextsByMtype.Counter"), 1);
  EXPECT_EQ(t.at("aggregator.dropped.non_finite_value"), 1);
  EXPECT_EQ(t.at("aggregator.FlushCount.Series"), 4);
  EXPECT_EQ(t.count("aggregator_tags_store.entries.timesampler_0"), 1u);
  ser.failSeries(common::unavailable("x"));
  d.flush(1020);
  EXPECT_EQ(d.telemetry().at("aggregator.SeriesFlushErrors"), 1);
}

TEST(DemultiplexerTest, StopFlushesAndRefuses) {
  RecordingSerializer ser;
  Demultiplexer d(baseOptions(), &ser);
  addOne(d, gauge("a", 1), 1001);
  d.stop(1011, /*flush=*/true);
  EXPECT_NE(findSerie(ser.allSeries(), "a"), nullptr);
  EXPECT_TRUE(d.stopped());
  ser.clear();
  d.flush(1030);
  EXPECT_TRUE(ser.calls().empty());  // no flush once stopped
  addOne(d, gauge("late", 1), 1031);
  EXPECT_EQ(d.telemetry().at("aggregator.dropped.after_stop"), 1);
}

// SampleSink is safe from several listener threads while the driver flushes: nothing is lost
// and nothing is counted twice (run under the sanitizer build).
TEST(DemultiplexerTest, ConcurrentSamplesWithFlushes) {
  RecordingSerializer ser;
  auto o = baseOptions();
  o.pipeline_count = 2;
  Demultiplexer d(o, &ser);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      SampleSpec s = gauge(testutil::cat("c", t), 1, {testutil::cat("thread:", t)});
      s.mtype = metrics::MetricType::kCount;
      for (int i = 0; i < kPerThread; ++i) {
        s.tags[0] = testutil::cat(testutil::cat("thread:", t) + ":", i % 50);
        addOne(d, s, 1001);  // all in bucket 1000
      }
      done++;
    });
  }
  while (done.load() < kThreads) d.flush(1005);  // bucket still open: flushes must not lose it
  for (auto& th : threads) th.join();
  d.flush(1010);
  double total = 0;
  for (const auto& s : ser.allSeries()) {
    if (s.name.size() == 2 && s.name[0] == 'c') {
      for (const auto& p : s.points) total += p.value;
    }
  }
  EXPECT_EQ(total, double(kThreads) * kPerThread);
  EXPECT_EQ(d.telemetry().at("aggregator.DogstatsdMetricSample"), double(kThreads) * kPerThread);
}

}  // namespace
}  // namespace ddsim::aggregator
