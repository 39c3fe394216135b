// The Serializer end to end with a recording forwarder: endpoints and headers (spec §5.1,
// §5.2), the switches (§5.11), the compressor kinds (§5.10), events fallbacks (§5.8),
// orchestrator payloads, counters (§5.12) and bad input.
#include "core/serializer/serializer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/common/clock.h"
#include "core/common/random.h"
#include "core/serializer/process_message.h"
#include "proto/metrics.pb.h"
#include "proto/process.pb.h"
#include "tests/unit/serializer/serializer_test_support.h"

namespace ddsim::serializer {
namespace {

using nlohmann::json;
using testing::RecordingForwarder;

class SerializerTest : public ::testing::Test {
 protected:
  Serializer& make(SerializerOptions o = {}) {
    o.hostname = o.hostname.empty() ? "agent-host" : o.hostname;
    serializer_ = std::make_unique<Serializer>(std::move(o), forwarder_, clock_);
    return *serializer_;
  }
  std::string body(const Payload& p) const { return testing::decompress(serializer_->compressor(), p.bytes); }
  double telemetry(const std::string& name) const {
    auto t = serializer_->telemetry();
    auto it = t.find(name);
    EXPECT_NE(it, t.end()) << name;
    return it == t.end() ? -1 : it->second;
  }

  RecordingForwarder forwarder_;
  common::ManualClock clock_;
  std::unique_ptr<Serializer> serializer_;
};

std::vector<metrics::Serie> someSeries(int n, uint64_t seed = 1) {
  common::Random r(seed);
  std::vector<metrics::Serie> out;
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> tags;
    for (int t = 0; t < 10; ++t) tags.push_back("tag" + std::to_string(t) + ":" + std::to_string(r.uniformInt(0, 50)));
    out.push_back(testing::makeSerie("metric." + std::to_string(i % 37), std::move(tags), r.uniform(0, 1000)));
  }
  return out;
}

// Spec §5.1/§5.2: endpoint and headers of each payload kind, default compression zstd.
TEST_F(SerializerTest, EndpointsAndHeaders) {
  auto& s = make();
  ASSERT_TRUE(s.sendSeries(someSeries(3)).isOk());
  ASSERT_TRUE(s.sendSketches({metrics::SketchSeries{}}).isOk());
  ASSERT_TRUE(s.sendServiceChecks({metrics::ServiceCheck{}}).isOk());
  ASSERT_TRUE(s.sendEvents({metrics::Event{}}).isOk());
  ASSERT_EQ(forwarder_.submissions.size(), 4u);
  struct Want {
    Endpoint endpoint;
    const char* content_type;
    const char* payload_version;
  };
  const Want want[] = {
      {Endpoint::kSeriesV2, "application/x-protobuf", "v5.0.125"},
      {Endpoint::kSketches, "application/x-protobuf", "v5.0.125"},
      {Endpoint::kCheckRun, "application/json", "<absent>"},
      {Endpoint::kIntake, "application/json", "<absent>"},
  };
  for (size_t i = 0; i < 4; ++i) {
    const auto& sub = forwarder_.submissions[i];
    EXPECT_EQ(sub.endpoint, want[i].endpoint) << i;
    EXPECT_EQ(testing::header(sub, "Content-Type"), want[i].content_type) << i;
    EXPECT_EQ(testing::header(sub, "Content-Encoding"), "zstd") << i;
    EXPECT_EQ(testing::header(sub, "DD-Agent-Payload"), want[i].payload_version) << i;
    EXPECT_EQ(sub.priority, TransactionPriority::kNormal);
    EXPECT_TRUE(sub.storable_on_disk);
  }
}

// Spec §5.10: Content-Encoding per kind (absent for none); DD-Agent-Payload configurable.
TEST_F(SerializerTest, ContentEncodingPerCompressor) {
  struct Case {
    CompressorKind kind;
    const char* encoding;
  };
  const Case cases[] = {{CompressorKind::kZlib, "deflate"}, {CompressorKind::kGzip, "gzip"},
                        {CompressorKind::kZstd, "zstd"}, {CompressorKind::kNone, "<absent>"}};
  for (const auto& c : cases) {
    forwarder_.submissions.clear();
    SerializerOptions o;
    o.compression.kind = c.kind;
    o.agent_payload_version = "v5.0.999";
    auto& s = make(o);
    ASSERT_TRUE(s.sendServiceChecks({metrics::ServiceCheck{}}).isOk());
    ASSERT_TRUE(s.sendSketches({metrics::SketchSeries{}}).isOk());
    ASSERT_EQ(forwarder_.submissions.size(), 2u);
    EXPECT_EQ(testing::header(forwarder_.submissions[0], "Content-Encoding"), c.encoding);
    EXPECT_EQ(testing::header(forwarder_.submissions[1], "DD-Agent-Payload"), "v5.0.999");
    const json j = json::parse(body(*forwarder_.submissions[0].payloads[0]));
    EXPECT_EQ(j.size(), 1u);
  }
}

// Spec §5.3/§5.4: every serie sent arrives exactly once across the payloads, v2 and v1.
TEST_F(SerializerTest, SeriesInEqualsSeriesOut) {
  for (bool v2 : {true, false}) {
    forwarder_.submissions.clear();
    SerializerOptions o;
    o.use_v2_api_series = v2;
    o.series_v2_limits.max_payload_size = 20000;
    o.json_limits.max_payload_size = 20000;
    auto& s = make(o);
    auto series = someSeries(3000);
    ASSERT_TRUE(s.sendSeries(std::vector<metrics::Serie>(series)).isOk());
    ASSERT_EQ(forwarder_.submissions.size(), 1u);
    const auto& sub = forwarder_.submissions[0];
    EXPECT_EQ(sub.endpoint, v2 ? Endpoint::kSeriesV2 : Endpoint::kSeriesV1);
    EXPECT_GT(sub.payloads.size(), 3u);
    size_t n = 0;
    for (const auto& p : sub.payloads) {
      EXPECT_LE(p->bytes.size(), 20000u + 32u);
      const std::string raw = body(*p);
      EXPECT_EQ(p->uncompressed_size, raw.size());
      size_t here = 0;
      if (v2) {
        datadog::agentpayload::MetricPayload mp;
        ASSERT_TRUE(mp.ParseFromString(raw));
        for (const auto& ms : mp.series()) EXPECT_EQ(ms.metric(), series[n + here++].name);
      } else {
        const json j = json::parse(raw);
        for (const auto& js : j["series"]) EXPECT_EQ(js["metric"], series[n + here++].name);
      }
      EXPECT_EQ(static_cast<int64_t>(here), p->item_count);
      n += here;
    }
    EXPECT_EQ(n, series.size());
    const std::string k = v2 ? "series_v2" : "series_v1";
    EXPECT_EQ(telemetry("serializer." + k + ".items_in"), 3000);
    EXPECT_EQ(telemetry("serializer." + k + ".items_sent"), 3000);
    EXPECT_EQ(telemetry("serializer." + k + ".payloads"), static_cast<double>(sub.payloads.size()));
  }
}

// Spec §5.4: an empty flush gives `{"series":[]}` in v1; v2 sends nothing.
TEST_F(SerializerTest, EmptySeriesFlush) {
  SerializerOptions o;
  o.use_v2_api_series = false;
  auto& v1 = make(o);
  ASSERT_TRUE(v1.sendSeries({}).isOk());
  ASSERT_EQ(forwarder_.submissions.size(), 1u);
  EXPECT_EQ(body(*forwarder_.submissions[0].payloads[0]), "{\"series\":[]}");
  forwarder_.submissions.clear();
  auto& v2 = make();
  ASSERT_TRUE(v2.sendSeries({}).isOk());
  EXPECT_TRUE(forwarder_.submissions.empty());
}

// Spec §5.4: NoIndex series go to v2 flagged, and are skipped (counted) in v1.
TEST_F(SerializerTest, NoIndexV1SkippedV2Flagged) {
  auto series = someSeries(4);
  series[1].no_index = true;
  SerializerOptions o;
  o.use_v2_api_series = false;
  make(o).sendSeries(std::vector<metrics::Serie>(series)).isOk();
  const json j = json::parse(body(*forwarder_.submissions[0].payloads[0]));
  EXPECT_EQ(j["series"].size(), 3u);
  EXPECT_EQ(telemetry("serializer.dropped.series_v1.no_index"), 1);
  forwarder_.submissions.clear();
  ASSERT_TRUE(make().sendSeries(std::move(series)).isOk());
  datadog::agentpayload::MetricPayload mp;
  ASSERT_TRUE(mp.ParseFromString(body(*forwarder_.submissions[0].payloads[0])));
  ASSERT_EQ(mp.series_size(), 4);
  EXPECT_EQ(mp.series(1).metadata().origin().origin_metric_type(), 9u);
}

// Spec §5.11: enable_payloads.* drop the input (counted) and send nothing.
TEST_F(SerializerTest, EnableSwitches) {
  SerializerOptions o;
  o.enable_series = o.enable_sketches = o.enable_service_checks = o.enable_events = false;
  auto& s = make(o);
  EXPECT_TRUE(s.sendSeries(someSeries(2)).isOk());
  EXPECT_TRUE(s.sendSketches({metrics::SketchSeries{}}).isOk());
  EXPECT_TRUE(s.sendServiceChecks({metrics::ServiceCheck{}}).isOk());
  EXPECT_TRUE(s.sendEvents({metrics::Event{}}).isOk());
  EXPECT_TRUE(forwarder_.submissions.empty());
  EXPECT_EQ(telemetry("serializer.dropped.series_v2.disabled"), 2);
  EXPECT_EQ(telemetry("serializer.dropped.sketches.disabled"), 1);
  EXPECT_EQ(telemetry("serializer.dropped.service_checks.disabled"), 1);
  EXPECT_EQ(telemetry("serializer.dropped.events.disabled"), 1);
}

// Spec §5.11/§5.10: the stream switches (and a compressor without a stream) select the
// non-stream encoding/json + split path, recognisable by its trailing newline.
TEST_F(SerializerTest, StreamSwitchesAndNoneCompressor) {
  SerializerOptions o;
  o.use_v2_api_series = false;
  o.enable_stream_payload_serialization = false;
  o.enable_service_checks_stream_payload_serialization = false;
  o.enable_events_stream_payload_serialization = false;
  o.enable_sketch_stream_payload_serialization = false;
  auto& s = make(o);
  ASSERT_TRUE(s.sendSeries(someSeries(2)).isOk());
  ASSERT_TRUE(s.sendServiceChecks({metrics::ServiceCheck{}}).isOk());
  ASSERT_TRUE(s.sendEvents({metrics::Event{}}).isOk());
  metrics::SketchSeries ss;
  ss.name = "d";
  ss.source = metrics::MetricSource::kDogstatsd;
  ASSERT_TRUE(s.sendSketches({ss}).isOk());
  ASSERT_EQ(forwarder_.submissions.size(), 4u);
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(body(*forwarder_.submissions[i].payloads[0]).ends_with("}\n") ||
                                             body(*forwarder_.submissions[i].payloads[0]).ends_with("]\n"));
  datadog::agentpayload::SketchPayload sp;
  ASSERT_TRUE(sp.ParseFromString(body(*forwarder_.submissions[3].payloads[0])));
  EXPECT_FALSE(sp.sketches(0).has_metadata());
  EXPECT_EQ(telemetry("serializer.splitter.NotTooBig"), 4);

  // "none": JSON goes the non-stream way uncompressed; v2 series cannot be built (agent).
  forwarder_.submissions.clear();
  SerializerOptions n;
  n.compression.kind = CompressorKind::kNone;
  auto& none = make(n);
  auto st = none.sendSeries(someSeries(5));
  EXPECT_FALSE(st.isOk());
  EXPECT_EQ(st.message(), "dropping series payload: Stream compression not available");
  EXPECT_EQ(telemetry("serializer.dropped.series_v2.serialize_error"), 5);
  ASSERT_TRUE(none.sendServiceChecks({metrics::ServiceCheck{}}).isOk());
  ASSERT_EQ(forwarder_.submissions.size(), 1u);
  EXPECT_TRUE(forwarder_.submissions[0].payloads[0]->bytes.ends_with("]\n"));
}

metrics::Event bigEvent(std::string source_type, size_t text_len) {
  metrics::Event e;
  e.title = "t";
  e.text = std::string(text_len, 'x');
  e.ts = 1700000000;
  e.source_type_name = std::move(source_type);
  return e;
}

// Spec §5.8: one source type too big for a payload -> a builder per source type (items are
// single events); more than 100 source types -> the non-stream path with the split package.
TEST_F(SerializerTest, EventsFallbacks) {
  SerializerOptions o;
  o.compression.kind = CompressorKind::kZlib;
  o.json_limits.max_payload_size = 3000;
  o.json_limits.max_uncompressed_size = 3000;
  auto& s = make(o);
  std::vector<metrics::Event> events;
  for (int i = 0; i < 20; ++i) events.push_back(bigEvent(i % 2 ? "nagios" : "", 500));
  ASSERT_TRUE(s.sendEvents(std::vector<metrics::Event>(events)).isOk());
  EXPECT_EQ(telemetry("serializer.serializer.SendEventsErrItemTooBigs"), 1);
  EXPECT_EQ(telemetry("serializer.serializer.SendEventsErrItemTooBigsFallback"), 0);
  ASSERT_EQ(forwarder_.submissions.size(), 1u);
  size_t n = 0;
  for (const auto& p : forwarder_.submissions[0].payloads) {
    const json j = json::parse(body(*p));
    ASSERT_EQ(j["events"].size(), 1u);  // one source type per payload
    EXPECT_EQ(j["internalHostname"], "agent-host");
    EXPECT_EQ(j["apiKey"], "");
    for (const auto& [k, v] : j["events"].items()) n += v.size();
  }
  EXPECT_EQ(n, 20u);

  forwarder_.submissions.clear();
  events.clear();
  for (int i = 0; i < 101; ++i) events.push_back(bigEvent("src" + std::to_string(i), i == 0 ? 6000 : 10));
  o.split.max_compressed = 3000;
  auto& s2 = make(o);
  ASSERT_TRUE(s2.sendEvents(std::move(events)).isOk());
  EXPECT_EQ(telemetry("serializer.serializer.SendEventsErrItemTooBigsFallback"), 1);
  ASSERT_EQ(forwarder_.submissions.size(), 1u);
  for (const auto& p : forwarder_.submissions[0].payloads) EXPECT_TRUE(body(*p).ends_with("}\n"));
}

// Orchestrator payloads: one per message, process-message encoded, with their own headers.
TEST_F(SerializerTest, OrchestratorMetadataAndManifests) {
  SerializerOptions o;
  o.hostname = "node-7";
  o.agent_version = "7.60.1";
  auto& s = make(o);
  clock_.advance(std::chrono::seconds(42));
  datadog::process_agent::CollectorPod pod;
  pod.set_clusterid("c-1");
  pod.add_pods()->mutable_metadata()->set_name("web-0");
  metrics::OrchestratorMetadata md;
  md.cluster_id = "c-1";
  md.messages.push_back({metrics::process_message_type::kPod, pod.SerializeAsString()});
  md.messages.push_back({metrics::process_message_type::kPod, pod.SerializeAsString()});
  ASSERT_TRUE(s.sendOrchestratorMetadata(std::move(md)).isOk());
  metrics::OrchestratorManifest mf;
  mf.cluster_id = "c-1";
  mf.messages.push_back({metrics::process_message_type::kManifest, "\x12\x03" "c-1"});
  ASSERT_TRUE(s.sendOrchestratorManifests({mf}).isOk());
  ASSERT_EQ(forwarder_.submissions.size(), 3u);
  for (const auto& sub : forwarder_.submissions) {
    ASSERT_EQ(sub.payloads.size(), 1u);
    EXPECT_EQ(testing::header(sub, "X-Dd-Hostname"), "node-7");
    EXPECT_EQ(testing::header(sub, "X-Dd-Orchestrator-ClusterID"), "c-1");
    EXPECT_EQ(testing::header(sub, "X-DD-Agent-Timestamp"), "1700000042");
    EXPECT_EQ(testing::header(sub, "DD-EVP-ORIGIN"), "agent");
    EXPECT_EQ(testing::header(sub, "DD-EVP-ORIGIN-VERSION"), "7.60.1");
    EXPECT_EQ(testing::header(sub, "Content-Type"), "application/x-protobuf");
    EXPECT_EQ(testing::header(sub, "Content-Encoding"), "<absent>");
  }
  EXPECT_EQ(forwarder_.submissions[0].endpoint, Endpoint::kOrchestrator);
  EXPECT_EQ(forwarder_.submissions[2].endpoint, Endpoint::kOrchestratorManifest);
  auto d = decodeProcessMessage(forwarder_.submissions[0].payloads[0]->bytes);
  ASSERT_TRUE(d.isOk());
  EXPECT_EQ(d->header.encoding, ProcessMessageEncoding::kZstdPB);
  EXPECT_EQ(d->header.type, 41);
  datadog::process_agent::CollectorPod back;
  ASSERT_TRUE(back.ParseFromString(d->body));
  EXPECT_EQ(back.pods(0).metadata().name(), "web-0");

  forwarder_.submissions.clear();
  o.orchestrator_use_legacy_endpoint = true;
  auto& legacy = make(o);
  ASSERT_TRUE(legacy.sendOrchestratorMetadata({{{41, "x"}}, "c", 0}).isOk());
  EXPECT_EQ(forwarder_.submissions[0].endpoint, Endpoint::kOrchestratorLegacy);
}

TEST_F(SerializerTest, ForwarderRefusalIsReturnedAndCounted) {
  auto& s = make();
  forwarder_.refuse = true;
  auto st = s.sendServiceChecks({metrics::ServiceCheck{}, metrics::ServiceCheck{}});
  EXPECT_EQ(st.code(), common::StatusCode::kFailedPrecondition);
  EXPECT_EQ(telemetry("serializer.dropped.service_checks.forwarder_refused"), 2);
  EXPECT_EQ(telemetry("serializer.service_checks.send_errors"), 1);
  metrics::OrchestratorMetadata md{{{41, "a"}, {41, "b"}, {41, "c"}}, "c", 0};
  EXPECT_FALSE(s.sendOrchestratorMetadata(std::move(md)).isOk());
  EXPECT_EQ(telemetry("serializer.dropped.orchestrator.not_sent_after_error"), 2);
}

// §5.12 names in the snapshot.
TEST_F(SerializerTest, TelemetryNames) {
  auto& s = make();
  ASSERT_TRUE(s.sendServiceChecks({metrics::ServiceCheck{}}).isOk());
  for (const char* name : {"serializer.compressor.TotalPayloads", "serializer.compressor.BytesIn",
                           "serializer.compressor.BytesOut", "serializer.compressor.TotalCompressCycles",
                           "serializer.jsonstream.TotalCalls", "serializer.jsonstream.PayloadFulls",
                           "serializer.jsonstream.ItemDrops", "serializer.sketch_series.ItemTooBig",
                           "serializer.sketch_series.PayloadFull", "serializer.splitter.PayloadDrops",
                           "serializer.series.TimesSplit", "serializer.serializer.SendEventsErrItemTooBigs"}) {
    EXPECT_GE(telemetry(name), 0) << name;
  }
  EXPECT_EQ(telemetry("serializer.compressor.TotalPayloads"), 1);
  EXPECT_EQ(telemetry("serializer.compressor.BytesIn"), static_cast<double>(forwarder_.submissions[0].payloads[0]->uncompressed_size));
  EXPECT_EQ(telemetry("serializer.jsonstream.TotalItems"), 1);
}

// Bad input never crashes nor yields an invalid payload beyond what the agent itself sends.
TEST_F(SerializerTest, BadInput) {
  auto& v2 = make();
  std::vector<metrics::Serie> series;
  series.push_back(testing::makeSerie("nan", {}, std::nan("")));
  series.push_back(testing::makeSerie("inf", {}, std::numeric_limits<double>::infinity()));
  series.push_back(testing::makeSerie("bad.\xff\xfe", {"k:\xc0\x80", "\xed\xa0\x80"}, 1));
  metrics::Serie empty = testing::makeSerie("no.points", {}, 1);
  empty.points.clear();
  series.push_back(empty);
  series.push_back(testing::makeSerieWithPoints("too.many.points", 10001));
  series.push_back(testing::makeSerie("huge.tags", {std::string(1 << 20, 't')}, 1));
  series.push_back(testing::makeSerie("ok", {"a:b"}, 1));
  ASSERT_TRUE(v2.sendSeries(std::vector<metrics::Serie>(series)).isOk());
  ASSERT_EQ(forwarder_.submissions.size(), 1u);
  const std::string raw = body(*forwarder_.submissions[0].payloads[0]);
  // Like the agent (molecule), names and tags go out as the bytes given. A strict proto3
  // decoder such as libprotobuf rejects the whole payload for that invalid UTF-8 string.
  datadog::agentpayload::MetricPayload mp;
  EXPECT_FALSE(mp.ParseFromString(raw));
  const auto items = testing::lengthDelimitedFields(raw, 1);
  ASSERT_EQ(items.size(), 5u);
  const auto names = testing::lengthDelimitedFields(items[2], 2);
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0], "bad.\xff\xfe");
  EXPECT_EQ(testing::lengthDelimitedFields(items[2], 3).size(), 2u);
  // Without that serie the rest decodes.
  std::string valid;
  for (size_t i : {0, 1, 3, 4}) {
    valid += '\x0a';
    ByteBuffer len;
    ProtoWriter(len).varint(items[i].size());
    valid += len.toString();
    valid += items[i];
  }
  ASSERT_TRUE(mp.ParseFromString(valid));
  EXPECT_TRUE(std::isnan(mp.series(0).points(0).value()));
  EXPECT_TRUE(std::isinf(mp.series(1).points(0).value()));
  EXPECT_EQ(mp.series(2).points_size(), 0);
  EXPECT_EQ(mp.series(3).metric(), "ok");
  EXPECT_EQ(telemetry("serializer.dropped.series_v2.item_too_big"), 2);  // 10001 points, 1 MiB tag
  EXPECT_EQ(telemetry("serializer.series_v2.nonfinite_values"), 2);
  EXPECT_EQ(telemetry("serializer.series_v2.items_sent"), 5);

  forwarder_.submissions.clear();
  SerializerOptions o;
  o.use_v2_api_series = false;
  auto& v1 = make(o);
  ASSERT_TRUE(v1.sendSeries(std::move(series)).isOk());
  ASSERT_EQ(forwarder_.submissions.size(), 1u);
  std::string all;
  int64_t sent = 0;
  for (const auto& p : forwarder_.submissions[0].payloads) {
    all += body(*p);
    sent += p->item_count;
  }
  EXPECT_EQ(sent, 7);  // v1 has no point limit and 1 MiB fits its 2.5 MiB / 4 MiB limits
  EXPECT_NE(all.find("\"points\":[[1700000000,]]"), std::string::npos);  // the agent's empty slot
  EXPECT_NE(all.find("\"metric\":\"bad.\xff\xfe\""), std::string::npos);  // raw bytes (jsoniter)
  EXPECT_NE(all.find("\"metric\":\"no.points\",\"points\":[]"), std::string::npos);
  EXPECT_EQ(telemetry("serializer.series_v1.nonfinite_values"), 2);

  // Service checks and events with invalid UTF-8 and a 1 MiB tag still make valid payloads
  // apart from the raw bytes.
  metrics::ServiceCheck sc;
  sc.check_name = "c\xff";
  sc.tags = {std::string(1 << 20, 'x')};
  ASSERT_TRUE(v1.sendServiceChecks({sc}).isOk());
  const std::string scb = body(*forwarder_.submissions.back().payloads[0]);
  EXPECT_EQ(scb, "[{\"check\":\"c\xff\",\"host_name\":\"\",\"timestamp\":0,\"status\":0,\"message\":\"\",\"tags\":[\"" +
                     std::string(1 << 20, 'x') + "\"]}]");
}

// Concurrent sends from several threads (run under the sanitizer build too).
TEST_F(SerializerTest, ConcurrentSends) {
  SerializerOptions o;
  o.compression.kind = CompressorKind::kZlib;
  auto& s = make(o);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&s, t] {
      for (int i = 0; i < 20; ++i) {
        EXPECT_TRUE(s.sendSeries(someSeries(50, static_cast<uint64_t>(t * 100 + i))).isOk());
        EXPECT_TRUE(s.sendServiceChecks({metrics::ServiceCheck{}}).isOk());
        EXPECT_TRUE(s.sendSketches({metrics::SketchSeries{}}).isOk());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(forwarder_.submissions.size(), 4u * 20u * 3u);
  EXPECT_EQ(telemetry("serializer.series_v2.items_sent"), 4 * 20 * 50);
}

}  // namespace
}  // namespace ddsim::serializer

namespace ddsim::serializer {
namespace {

// Spec §10 defaults (with today's zstd-1 compression).
TEST(SerializerOptionsTest, DefaultsAreTheAgents) {
  SerializerOptions o;
  EXPECT_EQ(o.compression.kind, CompressorKind::kZstd);
  EXPECT_EQ(o.compression.zstd_level, 1);
  EXPECT_TRUE(o.use_v2_api_series);
  EXPECT_EQ(o.series_v2_limits.max_payload_size, 512000);
  EXPECT_EQ(o.series_v2_limits.max_uncompressed_size, 5242880);
  EXPECT_EQ(o.series_v2_limits.max_points_per_payload, 10000);
  EXPECT_EQ(o.json_limits.max_payload_size, 2621440);
  EXPECT_EQ(o.json_limits.max_uncompressed_size, 4194304);
  EXPECT_TRUE(o.enable_series && o.enable_sketches && o.enable_service_checks && o.enable_events &&
              o.enable_json_to_v1_intake);
  EXPECT_TRUE(o.enable_stream_payload_serialization && o.enable_service_checks_stream_payload_serialization &&
              o.enable_events_stream_payload_serialization && o.enable_sketch_stream_payload_serialization &&
              o.enable_json_stream_shared_compressor_buffers);
  EXPECT_EQ(o.agent_payload_version, "v5.0.125");
  EXPECT_FALSE(o.orchestrator_use_legacy_endpoint);
  EXPECT_EQ(o.split.max_compressed, 2 * 1024 * 1024);
  EXPECT_EQ(o.split.max_uncompressed, 64 * 1024 * 1024);
  EXPECT_EQ(o.split.max_loops, 3);
  EXPECT_EQ(o.max_event_source_types_for_stream_fallback, 100u);
}

// enable_json_stream_shared_compressor_buffers only changes buffer reuse, never the bytes.
TEST(SerializerOptionsTest, SharedBuffersDoNotChangeOutput) {
  std::vector<std::string> bodies;
  for (bool shared : {true, false}) {
    RecordingForwarder fwd;
    common::ManualClock clock;
    SerializerOptions o;
    o.enable_json_stream_shared_compressor_buffers = shared;
    o.use_v2_api_series = false;
    Serializer s(o, fwd, clock);
    ASSERT_TRUE(s.sendSeries(someSeries(200)).isOk());
    bodies.push_back(testing::decompress(s.compressor(), fwd.submissions[0].payloads[0]->bytes));
  }
  EXPECT_EQ(bodies[0], bodies[1]);
}

}  // namespace
}  // namespace ddsim::serializer
