// Framing, enrichment and batching of the worker pipeline (spec §8.1, §8.2, §3.5, §3.6;
// comp/dogstatsd/server/server.go parsePackets, enrich.go, batch.go).
#include "core/dogstatsd/packet_processor.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/unit/dogstatsd/recording_sink.h"

namespace ddsim::dogstatsd {
namespace {

using metrics::MetricType;
using testing::RecordedSample;
using testing::RecordingSink;

std::vector<std::string> names(const std::vector<RecordedSample>& v) {
  std::vector<std::string> out;
  for (const auto& s : v) out.push_back(s.name);
  return out;
}

// Processes one packet with a fresh processor and flushes it.
struct Run {
  RecordingSink sink;
  ProcessorCounters counters;
};
std::unique_ptr<Run> runOnce(const ProcessorOptions& o, std::string_view packet,
                             Transport t = Transport::kUdp, double now = 1700000000) {
  auto r = std::make_unique<Run>();
  PacketProcessor p(o, r->sink);
  p.process(packet, t, now);
  p.flush();
  r->counters = p.counters();
  return r;
}

// ---------------------------------------------------------------------------------------------
// Spec §8.1: framing.
struct FramingCase {
  const char* packet;
  Transport transport;
  std::vector<std::string> eol_required;
  std::vector<std::string> want_names;
  uint64_t want_unterminated;
  uint64_t want_parse_errors;
};

TEST(DsdPacketProcessorTest, FramingSpec81) {
  const FramingCase cases[] = {
      {"a:1|c", Transport::kUdp, {}, {"a"}, 0, 0},
      {"a:1|c\nb:2|c", Transport::kUdp, {}, {"a", "b"}, 0, 0},
      {"a:1|c\r\nb:2|c\r\n", Transport::kUdp, {}, {"a", "b"}, 0, 0},
      {"\n\na:1|c\n\n\r\n", Transport::kUdp, {}, {"a"}, 0, 0},
      {"a:1|c\nbad line\nb:2|c", Transport::kUdp, {}, {"a", "b"}, 0, 1},
      {"a:1|c\nb:2|c", Transport::kUdp, {"udp"}, {"a"}, 1, 0},
      {"a:1|c\nb:2|c\n", Transport::kUdp, {"udp"}, {"a", "b"}, 0, 0},
      {"a:1|c\nb:2|c", Transport::kUds, {"udp"}, {"a", "b"}, 0, 0},
      {"a:1|c\nb:2|c", Transport::kUds, {"uds"}, {"a"}, 1, 0},
      {"a:1|c\nb:2|c", Transport::kUdsStream, {"uds"}, {"a"}, 1, 0},
      {"a:1|c\r", Transport::kUdp, {"udp"}, {}, 1, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.packet);
    ProcessorOptions o;
    o.eol_required = c.eol_required;
    auto r = runOnce(o, c.packet, c.transport);
    EXPECT_EQ(names(r->sink.samples()), c.want_names);
    EXPECT_EQ(r->counters.get(Stat::kUnterminatedMetricErrors), c.want_unterminated);
    EXPECT_EQ(r->counters.get(Stat::kMetricParseErrors), c.want_parse_errors);
  }
}

// ---------------------------------------------------------------------------------------------
// Spec §8.2: enrichment of metric samples.
struct EnrichCase {
  const char* line;
  EnrichOptions options;
  std::vector<std::string> want_names;  // one per sample
  std::vector<std::string> want_tags;   // of the first sample
  const char* want_host;
  MetricType want_type;
};

EnrichOptions withHost(const char* h) {
  EnrichOptions o;
  o.default_hostname = h;
  return o;
}
EnrichOptions withNamespace(const char* ns) {
  EnrichOptions o;
  o.metric_namespace = ns;
  return o;
}
EnrichOptions withBlocklist(std::vector<std::string> names, bool prefix, const char* ns = "") {
  EnrichOptions o;
  o.metric_blocklist = std::move(names);
  o.metric_blocklist_match_prefix = prefix;
  o.metric_namespace = ns;
  return o;
}
EnrichOptions withExtraTags(std::vector<std::string> tags) {
  EnrichOptions o;
  o.extra_tags = std::move(tags);
  return o;
}
EnrichOptions withHistogramCopy(const char* prefix) {
  EnrichOptions o;
  o.histogram_copy_to_distribution = true;
  o.histogram_copy_to_distribution_prefix = prefix;
  return o;
}
EnrichOptions serverless() {
  EnrichOptions o;
  o.default_hostname = "agent-host";
  o.serverless = true;
  return o;
}

TEST(DsdPacketProcessorTest, MetricEnrichmentSpec82) {
  using MT = MetricType;
  const EnrichCase cases[] = {
      // Types: c is a Counter, ms a Histogram (spec §1.1).
      {"m:1|g", {}, {"m"}, {}, "", MT::kGauge},
      {"m:1|c", {}, {"m"}, {}, "", MT::kCounter},
      {"m:1|h", {}, {"m"}, {}, "", MT::kHistogram},
      {"m:1|ms", {}, {"m"}, {}, "", MT::kHistogram},
      {"m:1|d", {}, {"m"}, {}, "", MT::kDistribution},
      {"m:x|s", {}, {"m"}, {}, "", MT::kSet},
      // Host: default hostname, `host:` tag (last wins), taken out of the tags.
      {"m:1|g|#a", withHost("agent-host"), {"m"}, {"a"}, "agent-host", MT::kGauge},
      {"m:1|g|#host:h1,a,host:h2", withHost("agent-host"), {"m"}, {"a"}, "h2", MT::kGauge},
      {"m:1|g|#host:", withHost("agent-host"), {"m"}, {}, "", MT::kGauge},
      {"m:1|g|#host:h1", serverless(), {"m"}, {}, "", MT::kGauge},
      // dd.internal.* tags are removed.
      {"m:1|g|#a,dd.internal.entity_id:pod1,dd.internal.card:high,b", {}, {"m"}, {"a", "b"},
       "", MT::kGauge},
      // Namespace, with '.' appended, unless the name starts with a blacklisted prefix.
      {"m:1|g", withNamespace("app"), {"app.m"}, {}, "", MT::kGauge},
      {"m:1|g", withNamespace("app."), {"app.m"}, {}, "", MT::kGauge},
      {"datadog.agent.x:1|g", withNamespace("app"), {"datadog.agent.x"}, {}, "", MT::kGauge},
      {"jvm.heap:1|g", withNamespace("app"), {"jvm.heap"}, {}, "", MT::kGauge},
      // Blocklist: exact or prefix, on the name after the namespace.
      {"m:1|g", withBlocklist({"m"}, false), {}, {}, "", MT::kGauge},
      {"mx:1|g", withBlocklist({"m"}, false), {"mx"}, {}, "", MT::kGauge},
      {"mx:1|g", withBlocklist({"m"}, true), {}, {}, "", MT::kGauge},
      {"m:1|g", withBlocklist({"m"}, false, "app"), {"app.m"}, {}, "", MT::kGauge},
      {"m:1|g", withBlocklist({"app.m"}, false, "app"), {}, {}, "", MT::kGauge},
      // dogstatsd_tags: sorted, deduplicated, after the message's tags.
      {"m:1|g|#z,a", withExtraTags({"env:b", "env:a", "env:b"}), {"m"},
       {"z", "a", "env:a", "env:b"}, "", MT::kGauge},
      // Protocol 1.1: one sample per value, same tags.
      {"m:1:2:3|g|#t", {}, {"m", "m", "m"}, {"t"}, "", MT::kGauge},
      // histogram_copy_to_distribution: histograms and timings also go out as distributions.
      {"m:1|h", withHistogramCopy("dist."), {"m", "dist.m"}, {}, "", MT::kHistogram},
      {"m:1|ms", withHistogramCopy(""), {"m", "m"}, {}, "", MT::kHistogram},
      {"m:1|d", withHistogramCopy("dist."), {"m"}, {}, "", MT::kDistribution},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    ProcessorOptions o;
    o.enrich = c.options;
    auto r = runOnce(o, c.line);
    auto got = r->sink.samples();
    ASSERT_EQ(names(got), c.want_names);
    if (got.empty()) {
      EXPECT_EQ(r->counters.get(Stat::kMetricsBlocklisted), 1u);
      continue;
    }
    EXPECT_EQ(got[0].tags, c.want_tags);
    EXPECT_EQ(got[0].host, c.want_host);
    EXPECT_EQ(got[0].mtype, c.want_type);
    EXPECT_EQ(got[0].source, metrics::MetricSource::kDogstatsd);
    for (const auto& s : got) EXPECT_EQ(s.tags, c.want_tags);
    if (c.want_names.size() == 2 && c.options.histogram_copy_to_distribution) {
      EXPECT_EQ(got[1].mtype, MetricType::kDistribution);
      EXPECT_EQ(r->counters.get(Stat::kHistogramCopies), 1u);
    }
  }
}

// Issue 10: dd.internal.jmx_check_name:<check> sets the metric's source as the agent's
// comp/dogstatsd/server/enrich.go does, through pkg/metrics/metricsource.go
// JMXCheckNameToMetricSource: the fifteen JMX integrations by name, anything else JMX custom.
// The source decides the v2 origin service (spec §5.6): kafka 90, tomcat 163, JMX custom 9.
TEST(DsdPacketProcessorTest, JmxCheckNameTagPicksTheIntegrationsSource) {
  using S = metrics::MetricSource;
  const struct {
    std::string check;
    S want;
    uint32_t service;
  } cases[] = {
      {"activemq", S::kActivemq, 12},   {"cassandra", S::kCassandra, 28},
      {"confluent_platform", S::kConfluentPlatform, 40},
      {"hazelcast", S::kHazelcast, 70}, {"hive", S::kHive, 73},         {"hivemq", S::kHivemq, 74},
      {"hudi", S::kHudi, 76},           {"ignite", S::kIgnite, 83},     {"jboss_wildfly", S::kJbossWildfly, 87},
      {"kafka", S::kKafka, 90},         {"presto", S::kPresto, 130},    {"solr", S::kSolr, 147},
      {"sonarqube", S::kSonarqube, 148}, {"tomcat", S::kTomcat, 163},   {"weblogic", S::kWeblogic, 172},
      {"my_own_jmx_app", S::kJmxCustom, 9},
      {"", S::kJmxCustom, 9},
      {"Kafka", S::kJmxCustom, 9},      // names match exactly, as the agent's switch does
      {"docker", S::kJmxCustom, 9},     // a core check's name is not a JMX integration
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.check);
    RecordingSink sink;
    PacketProcessor p(ProcessorOptions{}, sink);
    // The packet's bytes must outlive flush(): samples point into them until then.
    const std::string packet = "jvm.heap:1|g|#env:prod,dd.internal.jmx_check_name:" + c.check;
    p.process(packet, Transport::kUdp, 1700000000);
    p.flush();
    auto got = sink.samples();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].source, c.want);
    EXPECT_EQ(metrics::originService(got[0].source), c.service);
    EXPECT_EQ(metrics::originCategory(got[0].source), metrics::kOriginCategoryIntegration);
    ASSERT_EQ(got[0].tags.size(), 1u);  // the internal tag is taken out
  }
}

TEST(DsdPacketProcessorTest, SampleFieldsAndValues) {
  RecordingSink sink;
  PacketProcessor p(ProcessorOptions{}, sink);
  p.process("a:1.5|c|@0.25|#x\nb:4:5|h\ns:member|s\nj:1|g|#dd.internal.jmx_check_name:kafka",
            Transport::kUdp, 1700000123.5);
  p.flush();
  auto got = sink.samples();
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0].value, 1.5);
  EXPECT_EQ(got[0].sample_rate, 0.25);
  EXPECT_EQ(got[0].timestamp, 0);
  EXPECT_EQ(got[0].now, 1700000123.5);
  EXPECT_FALSE(got[0].no_aggregation);
  EXPECT_EQ(got[1].value, 4);
  EXPECT_EQ(got[2].value, 5);
  EXPECT_EQ(got[3].raw_value, "member");
  EXPECT_EQ(got[3].value, 0);
  EXPECT_EQ(got[4].source, metrics::MetricSource::kKafka);
  EXPECT_TRUE(got[4].tags.empty());
  EXPECT_EQ(p.counters().get(Stat::kMetricPackets), 5u);
}

TEST(DsdPacketProcessorTest, TimestampedSamplesGoToTheNoAggregationPath) {
  // Spec §3.6 / batch.go appendLateSample: samples with T<ts> skip the time samplers; the
  // histogram copy of one still goes to them (appendSample).
  RecordingSink sink;
  ProcessorOptions o;
  o.enrich.histogram_copy_to_distribution = true;
  o.enrich.histogram_copy_to_distribution_prefix = "d.";
  PacketProcessor p(o, sink);
  p.process("g:1|g|T1700000000\nc:2|c\nh:3|h|T1700000001", Transport::kUdp, 1700000100);
  p.flush();
  auto got = sink.samples();
  ASSERT_EQ(got.size(), 4u);
  int no_agg = 0;
  for (const auto& s : got) {
    if (s.no_aggregation) {
      ++no_agg;
      EXPECT_GT(s.timestamp, 0);
    } else if (s.name == "d.h") {
      EXPECT_EQ(s.timestamp, 1700000001);
      EXPECT_EQ(s.mtype, MetricType::kDistribution);
    } else {
      EXPECT_EQ(s.name, "c");
    }
  }
  EXPECT_EQ(no_agg, 2);
  EXPECT_EQ(p.counters().get(Stat::kSamplesWithTimestamp), 2u);
}

// ---------------------------------------------------------------------------------------------
// Spec §8.3 / §8.4 enrichment of events and service checks.
TEST(DsdPacketProcessorTest, EventsAndServiceChecksAreEnriched) {
  RecordingSink sink;
  ProcessorOptions o;
  o.enrich.default_hostname = "agent-host";
  o.enrich.extra_tags = {"env:test"};
  PacketProcessor p(o, sink);
  p.process(
      "_e{6,11}:ti\\ntl|line\\nbreak|#host:tagged,a\n"
      "_e{1,1}:t|x|h:explicit|#host:tagged\n"
      "_e{1,1}:t|x|p:low|t:success|k:key|s:src|d:1700000000\n"
      "_sc|check|2|#host:tagged,b|m:down\n"
      "_sc|check|0|h:explicit\n",
      Transport::kUdp, 1700000100);
  p.flush();
  auto events = sink.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].title, "ti\ntl");
  EXPECT_EQ(events[0].text, "line\nbreak");
  EXPECT_EQ(events[0].host, "tagged");
  EXPECT_EQ(events[0].tags, (std::vector<std::string>{"a", "env:test"}));
  EXPECT_EQ(events[0].priority, "normal");
  EXPECT_EQ(events[0].alert_type, "info");
  EXPECT_EQ(events[0].ts, 0);
  EXPECT_EQ(events[1].host, "explicit");  // h: wins over the host tag
  EXPECT_EQ(events[2].host, "agent-host");
  EXPECT_EQ(events[2].priority, "low");
  EXPECT_EQ(events[2].alert_type, "success");
  EXPECT_EQ(events[2].aggregation_key, "key");
  EXPECT_EQ(events[2].source_type_name, "src");
  EXPECT_EQ(events[2].ts, 1700000000);
  auto checks = sink.serviceChecks();
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].check_name, "check");
  EXPECT_EQ(checks[0].status, metrics::ServiceCheckStatus::kCritical);
  EXPECT_EQ(checks[0].host, "tagged");
  EXPECT_EQ(checks[0].message, "down");
  EXPECT_EQ(checks[0].tags, (std::vector<std::string>{"b", "env:test"}));
  EXPECT_EQ(checks[1].host, "explicit");
  EXPECT_EQ(p.counters().get(Stat::kEventPackets), 3u);
  EXPECT_EQ(p.counters().get(Stat::kServiceCheckPackets), 2u);
}

// ---------------------------------------------------------------------------------------------
// Rejections are counted by reason; the rest of the packet is parsed (spec §8).
TEST(DsdPacketProcessorTest, EveryRejectionIsCountedByReasonAndTheRestSurvives) {
  RecordingSink sink;
  PacketProcessor p(ProcessorOptions{}, sink);
  p.process(
      "ok1:1|c\n"
      "nobar\n"
      "m:1|zz\n"
      "m:x|g\n"
      "m:1|c|@rate\n"
      "m:1|g|T0\n"
      "_e{0,1}:|x\n"
      "_e{9,9}:short|x\n"
      "_sc|x|7\n"
      "_sc|x\n"
      "ok2:2|g\n",
      Transport::kUdp, 1700000000);
  p.flush();
  EXPECT_EQ(names(sink.samples()), (std::vector<std::string>{"ok1", "ok2"}));
  const auto& c = p.counters();
  EXPECT_EQ(c.get(Stat::kMetricParseErrors), 5u);
  EXPECT_EQ(c.get(Stat::kEventParseErrors), 2u);
  EXPECT_EQ(c.get(Stat::kServiceCheckParseErrors), 2u);
  EXPECT_EQ(c.rejectedBy(ParseError::kMetricFormat), 1u);
  EXPECT_EQ(c.rejectedBy(ParseError::kMetricType), 1u);
  EXPECT_EQ(c.rejectedBy(ParseError::kMetricValue), 1u);
  EXPECT_EQ(c.rejectedBy(ParseError::kMetricSampleRate), 1u);
  EXPECT_EQ(c.rejectedBy(ParseError::kMetricTimestamp), 1u);
  EXPECT_EQ(c.rejectedBy(ParseError::kEventEmptyTitle), 1u);
  EXPECT_EQ(c.rejectedBy(ParseError::kEventLength), 1u);
  EXPECT_EQ(c.rejectedBy(ParseError::kServiceCheckStatus), 1u);
  EXPECT_EQ(c.rejectedBy(ParseError::kServiceCheckFormat), 1u);
  EXPECT_EQ(c.get(Stat::kMessages), 11u);
}

// ---------------------------------------------------------------------------------------------
// Spec §3.1: batches of MetricSamplePoolBatchSize (32) samples per sink call.
TEST(DsdPacketProcessorTest, SamplesAreHandedOverInBatches) {
  RecordingSink sink;
  PacketProcessor p(ProcessorOptions{}, sink);
  std::string packet;
  for (int i = 0; i < 100; ++i) packet += "m" + std::to_string(i) + ":1|c|#k:" + std::to_string(i) + "\n";
  p.process(packet, Transport::kUdp, 1700000000);
  EXPECT_EQ(sink.batchCount(), 3u);  // 96 handed over while parsing
  p.flush();
  EXPECT_EQ(sink.batchCount(), 4u);
  auto got = sink.samples();
  ASSERT_EQ(got.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(got[i].name, "m" + std::to_string(i));
    EXPECT_EQ(got[i].tags, (std::vector<std::string>{"k:" + std::to_string(i)}));
  }
}

TEST(DsdPacketProcessorTest, ManyTagsOverflowTheArenaWithoutLosingAnything) {
  // More tags than the tag arena holds: the processor hands over what it has, then goes on.
  RecordingSink sink;
  ProcessorOptions o;
  o.enrich.extra_tags = {"extra:1"};
  PacketProcessor p(o, sink);
  std::vector<std::string> packets;
  for (int k = 0; k < 40; ++k) {
    std::string line = "wide" + std::to_string(k) + ":1|g|#";
    for (int t = 0; t < 1000; ++t) line += (t ? "," : "") + std::string("t") + std::to_string(t);
    packets.push_back(line);
  }
  for (const auto& pk : packets) p.process(pk, Transport::kUdp, 1700000000);
  p.flush();
  auto got = sink.samples();
  ASSERT_EQ(got.size(), 40u);
  for (const auto& s : got) {
    ASSERT_EQ(s.tags.size(), 1001u);
    EXPECT_EQ(s.tags[0], "t0");
    EXPECT_EQ(s.tags[999], "t999");
    EXPECT_EQ(s.tags[1000], "extra:1");
  }
}

TEST(DsdPacketProcessorTest, AHugeMessageGrowsTheArena) {
  RecordingSink sink;
  PacketProcessor p(ProcessorOptions{}, sink);
  std::string line = "huge:1|g|#";
  for (int t = 0; t < 40000; ++t) line += "a,";
  line += "last";
  p.process(line, Transport::kInproc, 1700000000);
  p.flush();
  auto got = sink.samples();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].tags.size(), 40001u);
  EXPECT_EQ(got[0].tags.back(), "last");
}

TEST(DsdPacketProcessorTest, InternerIsEmptiedWhenFullOnlyBetweenBatches) {
  // dogstatsd_string_interner_size: the interner is emptied when full (agent behaviour), but
  // never while samples still point into it.
  RecordingSink sink;
  ProcessorOptions o;
  o.string_interner_size = 4;
  o.enrich.metric_namespace = "ns";
  PacketProcessor p(o, sink);
  std::string packet;
  for (int i = 0; i < 10; ++i) packet += "m" + std::to_string(i) + ":1|g\n";
  p.process(packet, Transport::kUdp, 1);
  p.flush();
  auto got = sink.samples();
  ASSERT_EQ(got.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(got[i].name, "ns.m" + std::to_string(i));
  EXPECT_EQ(p.counters().get(Stat::kInternerResets), 1u);
}

TEST(DsdPacketProcessorTest, AbsurdButAcceptedValuesAreCounted) {
  const char* packet = "a:1|c|@0\nb:1|g|T99999999999\nc\xff:1|g\nok:1|g\n";
  auto lenient = runOnce(ProcessorOptions{}, packet);
  EXPECT_EQ(lenient->sink.sampleCount(), 4u);  // agent behaviour: all accepted
  EXPECT_EQ(lenient->counters.get(Stat::kObservedAbsurdSampleRate), 1u);
  EXPECT_EQ(lenient->counters.get(Stat::kObservedAbsurdTimestamp), 1u);
  EXPECT_EQ(lenient->counters.get(Stat::kObservedInvalidUtf8), 1u);

  ProcessorOptions so;
  so.parser.reject_absurd_values = true;
  auto strict = runOnce(so, packet);
  EXPECT_EQ(strict->sink.sampleCount(), 1u);
  EXPECT_EQ(strict->counters.rejectedBy(ParseError::kMetricAbsurdSampleRate), 1u);
  EXPECT_EQ(strict->counters.rejectedBy(ParseError::kMetricAbsurdTimestamp), 1u);
  EXPECT_EQ(strict->counters.rejectedBy(ParseError::kMetricInvalidUtf8), 1u);
}

TEST(DsdPacketProcessorTest, CountersPublishIntoIntakeStats) {
  RecordingSink sink;
  PacketProcessor p(ProcessorOptions{}, sink);
  p.process("a:1|c\nbad\n_sc|x|9", Transport::kUdp, 1);
  p.flush();
  IntakeStats stats;
  stats.merge(p.takeCounters());
  EXPECT_EQ(p.counters().get(Stat::kPackets), 0u);
  auto snap = stats.snapshot();
  EXPECT_EQ(snap["dogstatsd.MetricPackets"], 1);
  EXPECT_EQ(snap["dogstatsd.MetricParseErrors"], 1);
  EXPECT_EQ(snap["dogstatsd.ServiceCheckParseErrors"], 1);
  EXPECT_EQ(snap["dogstatsd.rejected.metric.invalid_format"], 1);
  EXPECT_EQ(snap["dogstatsd.rejected.service_check.invalid_status"], 1);
  EXPECT_EQ(snap["dogstatsd.packets"], 1);
}

}  // namespace
}  // namespace ddsim::dogstatsd
