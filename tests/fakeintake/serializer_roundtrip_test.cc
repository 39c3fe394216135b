// Round trips (issue 5): every payload kind ddsim's Serializer makes is captured with a recording
// PayloadForwarder, POSTed as the forwarder posts it (the submission's headers plus DD-API-KEY)
// to a real fakeintake on 127.0.0.1:0, read back through the control API with the C++ client
// (payloads?endpoint=ROUTE&format=json, raw payloads, violations, route stats) and compared with
// the input item by item. The expectations are written from the spec's rules (the oracle below),
// not from either implementation.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <strings.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/random.h"
#include "core/metrics/ddsketch.h"
#include "core/metrics/event.h"
#include "core/metrics/orchestrator.h"
#include "core/metrics/series.h"
#include "core/metrics/service_check.h"
#include "core/serializer/collector_messages.h"
#include "core/serializer/serializer.h"
#include "fakeintake/client/fakeintake_client.h"
#include "fakeintake/core/base64.h"
#include "fakeintake/decoders/decoded_json.h"
#include "proto/process.pb.h"
#include "tests/fakeintake/test_support.h"
#include "tests/unit/serializer/serializer_test_support.h"

namespace ddsim::fakeintake {
namespace {

using nlohmann::json;
using serializer::CompressorKind;
using serializer::SerializerOptions;
using serializer::testing::RecordingForwarder;

constexpr int64_t kNow = 1'700'000'000;  // the ManualClocks' start (serializer and fakeintake)
constexpr std::string_view kApiKey = "0123456789abcdef0123456789abcdef";

// ---------------------------------------------------------------------------------------------
// Realistic inputs.

// Four series: tagger + metric tags with device: and dd.internal.resource: tags (well-formed and
// malformed), awkward tag bytes, every metric type, NoIndex, JMX/integration/unknown sources,
// a check series (interval 0), several points including 0, 1/3, 1e-7 and 1e21.
std::vector<metrics::Serie> seriesInput() {
  std::vector<metrics::Serie> out;
  metrics::Serie a;
  a.name = "rt.request.latency";
  a.tags = metrics::CompositeTags(
      metrics::makeTagSet({"team:core", "pod_name:web-1"}),
      metrics::makeTagSet({"env:prod", "device:sda", "dd.internal.resource:database_instance:db-1", "device:nvme0n1",
                           "dd.internal.resource:nocolon", "dd.internal.resource::noname",
                           "dd.internal.resource:aws_rds:", "quote:say \"hi\"", "path:C:\\tmp", "city:Zürich☃"}));
  a.host = "host-a";
  a.mtype = metrics::ApiMetricType::kGauge;
  a.interval = 10;
  a.source = metrics::MetricSource::kDogstatsd;
  a.points = {{kNow - 30, 1.5}, {kNow - 20, 0}, {kNow - 10, -2.25}};
  out.push_back(a);

  metrics::Serie b;
  b.name = "rt.db.rows";
  b.tags = metrics::CompositeTags(nullptr, metrics::makeTagSet({"db:main", "dd.internal.resource:database_instance:db-2"}));
  b.host = "db-host";
  b.mtype = metrics::ApiMetricType::kRate;
  b.interval = 15;
  b.source_type_name = "postgres";
  b.no_index = true;
  b.source = metrics::MetricSource::kPostgres;
  b.points = {{kNow - 45, 1.0 / 3}, {kNow - 30, 1e-7}, {kNow - 15, 1e21}, {kNow, -0.5}};
  out.push_back(b);

  metrics::Serie c;
  c.name = "rt.jobs.done";
  c.host = "host-b";
  c.mtype = metrics::ApiMetricType::kCount;
  c.interval = 0;
  c.source = metrics::MetricSource::kJmxCustom;
  c.points = {{kNow, 7}};
  out.push_back(c);

  metrics::Serie d;
  d.name = "rt.queue.depth";
  d.tags = metrics::CompositeTags::of({"queue:q1", "device:"});
  d.host = "host-a";
  d.mtype = metrics::ApiMetricType::kGauge;
  d.interval = 10;
  for (int i = 0; i < 12; ++i) d.points.push_back({static_cast<double>(kNow - 110 + 10 * i), 1.25 * i});
  out.push_back(d);
  return out;
}

// Sketches from real DDSketches (seeded values through the agent's sketch), two points each;
// one NoIndex, one with a bin count above uint16 (duplicate keys, spec §4.3).
std::vector<metrics::SketchSeries> sketchesInput() {
  common::Random rnd(42);
  auto sketch = [&](int n, double mean) {
    metrics::AgentSketch a;
    for (int i = 0; i < n; ++i) a.insert(rnd.exponential(mean), 1.0);
    return *a.finish();
  };
  std::vector<metrics::SketchSeries> out;
  metrics::SketchSeries s1;
  s1.name = "rt.request.duration";
  s1.tags = metrics::CompositeTags(metrics::makeTagSet({"team:core"}), metrics::makeTagSet({"env:prod", "route:/a\"b"}));
  s1.host = "host-a";
  s1.interval = 10;
  s1.source = metrics::MetricSource::kDogstatsd;
  s1.points = {{kNow - 10, sketch(300, 0.25)}, {kNow, sketch(50, 3.0)}};
  out.push_back(s1);

  metrics::SketchSeries s2;
  s2.name = "rt.kafka.lag";
  s2.tags = metrics::CompositeTags::of({"topic:orders"});
  s2.host = "host-b";
  s2.no_index = true;
  s2.source = metrics::MetricSource::kKafka;
  metrics::AgentSketch heavy;
  heavy.insert(5.0, 1.0 / 131072);  // one key with 131072: bins 2, 65535, 65535 (same key)
  heavy.insert(-2.0, 1.0);
  s2.points = {{kNow - 20, *heavy.finish()}, {kNow - 10, sketch(5, 100.0)}};
  out.push_back(s2);
  return out;
}

std::vector<metrics::ServiceCheck> serviceChecksInput() {
  using St = metrics::ServiceCheckStatus;
  return {
      {"rt.can_connect", "host-a", kNow - 5, St::kCritical, "connection refused: \"db\" at C:\\db\n<retry> é☃",
       {"port:5432", "db:\"main\""}},
      {"rt.disk.ok", "host-b", kNow, St::kOk, "", {}},
      {"rt.cert.expiry", "host-a", kNow - 1, St::kWarning, "expires in 3 days", {"cn:example.com"}},
      {"rt.unknown", "host-c", kNow - 2, St::kUnknown, "\x01\t tab and control", {}},
  };
}

// Events with every optional field and awkward strings, one with none of them (grouped under
// "api"), two source types more.
std::vector<metrics::Event> eventsInput() {
  std::vector<metrics::Event> out;
  metrics::Event full;
  full.title = "Deploy \"v2\" done";
  full.text = "line 1\nline 2 \\ path C:\\x\t<b>&amp; é 日本 ☃ \x01 ctl";
  full.ts = kNow - 60;
  full.priority = "low";
  full.host = "host-a";
  full.tags = {"env:prod", "quote:\"q\""};
  full.alert_type = "error";
  full.aggregation_key = "agg\"key\\1";
  full.source_type_name = "jenkins";
  full.event_type = "deploy";
  out.push_back(full);
  metrics::Event bare;
  bare.title = "bare";
  bare.ts = kNow - 50;
  bare.host = "host-b";
  out.push_back(bare);
  metrics::Event nagios;
  nagios.title = "CRITICAL: disk";
  nagios.text = "/dev/sda1 97%";
  nagios.ts = kNow - 40;
  nagios.priority = "normal";
  nagios.host = "host-c";
  nagios.alert_type = "warning";
  nagios.source_type_name = "nagios";
  out.push_back(nagios);
  metrics::Event second = full;
  second.title = "Deploy v3";
  second.text = "rolled back";
  second.tags.clear();
  second.alert_type = "success";
  second.ts = kNow - 30;
  out.push_back(second);
  return out;
}

// `per_big_source` events under one big source type (~300 random bytes of text each, so the
// group cannot fit one lowered-limit payload) and `small_sources` source types with one event.
std::vector<metrics::Event> manyEventsInput(int per_big_source, int small_sources) {
  common::Random rnd(7);
  auto text = [&](size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>('a' + rnd.uniformInt(0, 25)));
    return s;
  };
  std::vector<metrics::Event> out;
  for (int i = 0; i < per_big_source; ++i) {
    metrics::Event e;
    e.title = "build " + std::to_string(i) + " \"ok\"";
    e.text = text(300) + "\n" + "é☃";
    e.ts = kNow - 100 + i;
    e.host = "ci-" + std::to_string(i % 3);
    e.tags = {"job:" + text(8)};
    e.source_type_name = "jenkins";
    out.push_back(std::move(e));
  }
  for (int i = 0; i < small_sources; ++i) {
    metrics::Event e;
    e.title = "event of source " + std::to_string(i);
    e.text = text(20);
    e.ts = kNow - i;
    e.host = "host-a";
    e.alert_type = "info";
    e.source_type_name = "src_" + std::to_string(i);
    out.push_back(std::move(e));
  }
  // One without a source type: grouped under "api".
  metrics::Event api;
  api.title = "api event";
  api.ts = kNow;
  api.host = "host-a";
  out.push_back(api);
  return out;
}

serializer::CollectorPodSpec podSpec(const std::string& cluster_id, int group_id) {
  serializer::CollectorPodSpec spec;
  spec.host_name = "node-1";
  spec.cluster_name = "prod-cluster";
  spec.cluster_id = cluster_id;
  spec.group_id = group_id;
  spec.group_size = 2;
  spec.tags = {"kube_cluster_name:prod-cluster"};
  for (int i = 0; i < 2; ++i) {
    serializer::PodSpec p;
    p.name = "web-" + std::to_string(group_id) + "-" + std::to_string(i);
    p.ns = "default";
    p.uid = "uid-" + std::to_string(group_id) + "-" + std::to_string(i);
    p.creation_timestamp = kNow - 3600;
    p.node_name = "node-1";
    p.restart_count = i;
    p.tags = {"app:web", "pod_phase:running"};
    spec.pods.push_back(std::move(p));
  }
  return spec;
}

serializer::CollectorManifestSpec manifestSpec(const std::string& cluster_id) {
  serializer::CollectorManifestSpec spec;
  spec.cluster_name = "prod-cluster";
  spec.cluster_id = cluster_id;
  spec.host_name = "node-1";
  spec.tags = {"kube_cluster_name:prod-cluster"};
  serializer::ManifestSpec m;
  m.type = 1;  // pod
  m.resource_version = "123";
  m.uid = "uid-0-0";
  m.content = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0-0","annotations":{"q":"\"x\""}}})";
  m.api_version = "v1";
  m.kind = "Pod";
  m.node_name = "node-1";
  m.tags = {"app:web"};
  spec.manifests.push_back(m);
  m.type = 2;  // deployment
  m.uid = "uid-dep";
  m.content = "apiVersion: apps/v1\nkind: Deployment\n";
  m.content_type = "yaml";
  m.kind = "Deployment";
  m.api_version = "apps/v1";
  m.is_terminated = true;
  spec.manifests.push_back(m);
  return spec;
}

constexpr std::string_view kClusterId = "0f7a3b2c-1111-2222-3333-444455556666";

metrics::OrchestratorMetadata orchestratorMetadataInput() {
  metrics::OrchestratorMetadata md;
  md.cluster_id = std::string(kClusterId);
  md.payload_type = metrics::process_message_type::kPod;
  md.messages = {serializer::encodeCollectorPod(podSpec(md.cluster_id, 1)),
                 serializer::encodeCollectorPod(podSpec(md.cluster_id, 2))};
  return md;
}

std::vector<metrics::OrchestratorManifest> orchestratorManifestsInput() {
  metrics::OrchestratorManifest m;
  m.cluster_id = std::string(kClusterId);
  m.messages = {serializer::encodeCollectorManifest(manifestSpec(m.cluster_id))};
  return {m};
}

// ---------------------------------------------------------------------------------------------
// The oracle: what the fakeintake should decode for each input item, from the spec's rules.

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Spec §1.7 (PopulateDeviceField / PopulateResources), §5.3 (v2 resources and origin), §5.4
// (v1: no resources, device key; the fakeintake maps host and device onto resources), §5.6.
DecodedSeries expectedSerie(const metrics::Serie& s, bool v2) {
  DecodedSeries d;
  d.metric = s.name;
  std::string device;
  std::vector<DecodedResource> resource_tags;
  for (const auto& t : s.tags.toVector()) {
    if (startsWith(t, "device:")) {
      device = t.substr(7);
    } else if (startsWith(t, "dd.internal.resource:")) {
      const std::string v = t.substr(21);
      const size_t colon = v.find(':');
      if (colon != std::string::npos && colon > 0 && colon + 1 < v.size()) {
        resource_tags.push_back({v.substr(0, colon), v.substr(colon + 1)});
      }
    } else {
      d.tags.push_back(t);
    }
  }
  if (v2 || !s.host.empty()) d.resources.push_back({"host", s.host});
  if (!device.empty()) d.resources.push_back({"device", device});
  if (v2) d.resources.insert(d.resources.end(), resource_tags.begin(), resource_tags.end());
  for (const auto& p : s.points) d.points.push_back({p.value, static_cast<int64_t>(p.ts)});
  d.type = metrics::apiMetricTypeV2(s.mtype);
  d.source_type_name = s.source_type_name;
  d.interval = s.interval;
  if (v2) {
    d.origin = DecodedOrigin{s.no_index ? 9u : 0u, metrics::kOriginProductAgent, metrics::originCategory(s.source),
                             metrics::originService(s.source)};
  }
  return d;
}

// Spec §4.4: tags in CompositeTags order, one dogsketch per point, origin only on the stream
// path (the non-stream gogoproto path does not write Sketch.metadata).
DecodedSketch expectedSketch(const metrics::SketchSeries& s, bool with_origin) {
  DecodedSketch d;
  d.metric = s.name;
  d.host = s.host;
  d.tags = s.tags.toVector();
  for (const auto& p : s.points) {
    DecodedDogsketch ds;
    ds.ts = p.ts;
    ds.cnt = p.sketch.basic.cnt;
    ds.min = p.sketch.basic.min;
    ds.max = p.sketch.basic.max;
    ds.avg = p.sketch.basic.avg;
    ds.sum = p.sketch.basic.sum;
    for (const auto& b : p.sketch.bins) {
      ds.k.push_back(b.k);
      ds.n.push_back(b.n);
    }
    d.dogsketches.push_back(std::move(ds));
  }
  if (with_origin) {
    d.origin = DecodedOrigin{s.no_index ? 9u : 0u, metrics::kOriginProductAgent, metrics::originCategory(s.source),
                             metrics::originService(s.source)};
  }
  return d;
}

// Spec §5.5: every key present; `tags` null when there are none.
DecodedCheckRun expectedCheckRun(const metrics::ServiceCheck& c) {
  return {c.check_name, c.host, c.ts, static_cast<int>(c.status), c.message, c.tags, c.tags.empty()};
}

// Spec §5.8: grouped by source type, empty -> "api".
DecodedEvent expectedEvent(const metrics::Event& e) {
  return {e.source_type_name.empty() ? "api" : e.source_type_name,
          e.title, e.text, e.ts, e.priority, e.host, e.tags, e.alert_type, e.aggregation_key, e.source_type_name,
          e.event_type};
}

void expectOriginEq(const std::optional<DecodedOrigin>& got, const std::optional<DecodedOrigin>& want,
                    const std::string& where) {
  ASSERT_EQ(got.has_value(), want.has_value()) << where << ": origin metadata presence";
  if (!want) return;
  EXPECT_EQ(got->metric_type, want->metric_type) << where << ": origin metric_type (9 = NoIndex)";
  EXPECT_EQ(got->product, want->product) << where << ": origin_product";
  EXPECT_EQ(got->category, want->category) << where << ": origin_category";
  EXPECT_EQ(got->service, want->service) << where << ": origin_service";
}

void expectSeriesEq(const DecodedSeries& got, const DecodedSeries& want, const std::string& where) {
  EXPECT_EQ(got.metric, want.metric) << where;
  EXPECT_EQ(got.tags, want.tags) << where << " " << want.metric << ": tags (in order)";
  ASSERT_EQ(got.resources.size(), want.resources.size()) << where << " " << want.metric << ": resources";
  for (size_t i = 0; i < want.resources.size(); ++i) {
    EXPECT_EQ(got.resources[i].type, want.resources[i].type) << where << ".resources[" << i << "]";
    EXPECT_EQ(got.resources[i].name, want.resources[i].name) << where << ".resources[" << i << "]";
  }
  ASSERT_EQ(got.points.size(), want.points.size()) << where << " " << want.metric << ": points";
  for (size_t i = 0; i < want.points.size(); ++i) {
    EXPECT_EQ(got.points[i].timestamp, want.points[i].timestamp) << where << ".points[" << i << "]";
    EXPECT_EQ(got.points[i].value, want.points[i].value) << where << ".points[" << i << "]";
  }
  EXPECT_EQ(got.type, want.type) << where << " " << want.metric << ": type";
  EXPECT_EQ(got.unit, "") << where << ": the agent never writes unit";
  EXPECT_EQ(got.source_type_name, want.source_type_name) << where;
  EXPECT_EQ(got.interval, want.interval) << where << " " << want.metric << ": interval";
  expectOriginEq(got.origin, want.origin, where + " " + want.metric);
}

void expectSketchEq(const DecodedSketch& got, const DecodedSketch& want, const std::string& where) {
  EXPECT_EQ(got.metric, want.metric) << where;
  EXPECT_EQ(got.host, want.host) << where;
  EXPECT_EQ(got.tags, want.tags) << where << ": tags (in order)";
  ASSERT_EQ(got.dogsketches.size(), want.dogsketches.size()) << where;
  for (size_t i = 0; i < want.dogsketches.size(); ++i) {
    const auto& g = got.dogsketches[i];
    const auto& w = want.dogsketches[i];
    const std::string at = where + ".dogsketches[" + std::to_string(i) + "]";
    EXPECT_EQ(g.ts, w.ts) << at;
    EXPECT_EQ(g.cnt, w.cnt) << at;
    EXPECT_EQ(g.min, w.min) << at;
    EXPECT_EQ(g.max, w.max) << at;
    EXPECT_EQ(g.avg, w.avg) << at;
    EXPECT_EQ(g.sum, w.sum) << at;
    EXPECT_EQ(g.k, w.k) << at << ": bin keys";
    EXPECT_EQ(g.n, w.n) << at << ": bin counts";
  }
  expectOriginEq(got.origin, want.origin, where);
}

void expectCheckRunEq(const DecodedCheckRun& got, const DecodedCheckRun& want, const std::string& where) {
  EXPECT_EQ(got.check, want.check) << where;
  EXPECT_EQ(got.host_name, want.host_name) << where;
  EXPECT_EQ(got.timestamp, want.timestamp) << where;
  EXPECT_EQ(got.status, want.status) << where;
  EXPECT_EQ(got.message, want.message) << where;
  EXPECT_EQ(got.tags, want.tags) << where;
  EXPECT_EQ(got.tags_null, want.tags_null) << where << ": tags null (spec §5.5)";
}

void expectEventEq(const DecodedEvent& got, const DecodedEvent& want, const std::string& where) {
  EXPECT_EQ(got.source, want.source) << where << ": group";
  EXPECT_EQ(got.title, want.title) << where;
  EXPECT_EQ(got.text, want.text) << where;
  EXPECT_EQ(got.timestamp, want.timestamp) << where;
  EXPECT_EQ(got.priority, want.priority) << where;
  EXPECT_EQ(got.host, want.host) << where;
  EXPECT_EQ(got.tags, want.tags) << where;
  EXPECT_EQ(got.alert_type, want.alert_type) << where;
  EXPECT_EQ(got.aggregation_key, want.aggregation_key) << where;
  EXPECT_EQ(got.source_type_name, want.source_type_name) << where;
  EXPECT_EQ(got.event_type, want.event_type) << where;
}

// ---------------------------------------------------------------------------------------------
// The table.

enum class Kind {
  kSeries,
  kSeriesNoHost,              // the same series with host "" (serverless sends these, spec §7)
  kSketches,
  kServiceChecks,
  kEvents,
  kEventsPerSourceFallback,   // a source type too big for one payload, <= 100 source types
  kEventsManySourcesFallback, // the same with > 100 source types: the non-stream path
  kOrchestratorMetadata,
  kOrchestratorManifests,
};

struct RoundTripCase {
  std::string name;
  std::string spec;  // the spec sections the row reproduces
  Kind kind;
  std::function<void(SerializerOptions&)> configure;
  std::string route;
  std::string encoding;  // expected Content-Encoding ("" = header absent)
  // The fakeintake records Content-Encoding as the payload's `encoding`, or Content-Type when
  // there is none (the agent fakeintake's behaviour, anchors.md §1.1).
  size_t min_payloads = 1;
  // Properties the agent's own format knowingly violates for this input (see the row).
  std::set<std::string> expected_violations = {};
};

void PrintTo(const RoundTripCase& row, std::ostream* os) { *os << row.name; }

void useCompressor(SerializerOptions& o, CompressorKind k) { o.compression.kind = k; }

const std::vector<RoundTripCase>& cases() {
  static const std::vector<RoundTripCase> kCases = {
      {"SeriesV2Zstd1", "§1.7 §5.3 §5.6 §5.10 (zstd level 1, today's default)", Kind::kSeries,
       [](SerializerOptions& o) { o.compression.zstd_level = 1; }, "/api/v2/series", "zstd"},
      {"SeriesV2Zlib", "§5.3 §5.10 (zlib, Content-Encoding deflate)", Kind::kSeries,
       [](SerializerOptions& o) { useCompressor(o, CompressorKind::kZlib); }, "/api/v2/series", "deflate"},
      {"SeriesV2Gzip", "§5.3 §5.10 (gzip)", Kind::kSeries,
       [](SerializerOptions& o) { useCompressor(o, CompressorKind::kGzip); }, "/api/v2/series", "gzip"},
      {"SeriesV2NoneIdentityStream", "§5.3 §5.10 (none; ddsim's none_streams: the agent drops v2 series, see below)",
       Kind::kSeries,
       [](SerializerOptions& o) {
         useCompressor(o, CompressorKind::kNone);
         o.compression.none_streams = true;
       },
       "/api/v2/series", ""},
      {"SeriesV2SplitByPointLimit", "§5.3 (points per payload: 13 -> two payloads)", Kind::kSeries,
       [](SerializerOptions& o) { o.series_v2_limits.max_points_per_payload = 13; }, "/api/v2/series", "zstd", 2},
      {"SeriesV1JsonStream", "§1.7 §5.4 (use_v2_api.series false, NoIndex skipped)", Kind::kSeries,
       [](SerializerOptions& o) { o.use_v2_api_series = false; }, "/api/v1/series", "zstd"},
      {"SeriesV1JsonZlibSmallPayloads", "§5.4 §5.7 (payload full -> next payload)", Kind::kSeries,
       [](SerializerOptions& o) {
         o.use_v2_api_series = false;
         useCompressor(o, CompressorKind::kZlib);
         o.json_limits = {400, 400};
       },
       "/api/v1/series", "deflate", 2},
      {"SeriesV1JsonNonStream", "§5.4 §5.9 (stream switch off: encoding/json + split)", Kind::kSeries,
       [](SerializerOptions& o) {
         o.use_v2_api_series = false;
         o.enable_stream_payload_serialization = false;
       },
       "/api/v1/series", "zstd"},
      // Pyld17 (a non-empty host resource) is knowingly violated: the agent writes hostless series
      // as they are, v2 with a host resource whose name is omitted, v1 with "host":"" (which the
      // fakeintake maps to no host resource); serverless (spec §7) sends v1 with no host.
      {"SeriesV2NoHostKnownPyld17", "§5.3 (host resource always, name omitted when \"\")", Kind::kSeriesNoHost,
       nullptr, "/api/v2/series", "zstd", 1, {"Pyld17"}},
      {"SeriesV1NoHostKnownPyld17", "§5.4 §7 (serverless: v1, host \"\")", Kind::kSeriesNoHost,
       [](SerializerOptions& o) { o.use_v2_api_series = false; }, "/api/v1/series", "zstd", 1, {"Pyld17"}},
      {"SketchesStreamZstd", "§4.4 §5.6 (stream, origin per sketch)", Kind::kSketches, nullptr, "/api/beta/sketches",
       "zstd"},
      {"SketchesStreamZlib", "§4.4 §5.10", Kind::kSketches,
       [](SerializerOptions& o) { useCompressor(o, CompressorKind::kZlib); }, "/api/beta/sketches", "deflate"},
      {"SketchesNonStream", "§4.4 (non-stream: no Sketch.metadata, NoIndex lost) §5.9", Kind::kSketches,
       [](SerializerOptions& o) { o.enable_sketch_stream_payload_serialization = false; }, "/api/beta/sketches",
       "zstd"},
      {"SketchesCompressorNone", "§4.4 §5.10 (none: no stream -> non-stream path)", Kind::kSketches,
       [](SerializerOptions& o) { useCompressor(o, CompressorKind::kNone); }, "/api/beta/sketches", ""},
      {"ServiceChecksStream", "§5.5 §5.7", Kind::kServiceChecks, nullptr, "/api/v1/check_run", "zstd"},
      {"ServiceChecksGzip", "§5.5 §5.10", Kind::kServiceChecks,
       [](SerializerOptions& o) { useCompressor(o, CompressorKind::kGzip); }, "/api/v1/check_run", "gzip"},
      {"ServiceChecksNonStream", "§5.5 (encoding/json fallback, HTML escaping on) §5.9", Kind::kServiceChecks,
       [](SerializerOptions& o) { o.enable_service_checks_stream_payload_serialization = false; }, "/api/v1/check_run",
       "zstd"},
      {"ServiceChecksCompressorNone", "§5.5 §5.10 (none: non-stream, identity)", Kind::kServiceChecks,
       [](SerializerOptions& o) { useCompressor(o, CompressorKind::kNone); }, "/api/v1/check_run", ""},
      {"EventsStream", "§5.8 (one item per source type)", Kind::kEvents, nullptr, "/intake/", "zstd"},
      {"EventsStreamZlib", "§5.8 §5.10", Kind::kEvents,
       [](SerializerOptions& o) { useCompressor(o, CompressorKind::kZlib); }, "/intake/", "deflate"},
      {"EventsNonStream", "§5.8 (stream switch off: encoding/json) §5.9", Kind::kEvents,
       [](SerializerOptions& o) { o.enable_events_stream_payload_serialization = false; }, "/intake/", "zstd"},
      {"EventsPerSourceTypeFallback", "§5.8 (ItemTooBig -> one builder per source type, lowered limits)",
       Kind::kEventsPerSourceFallback, [](SerializerOptions& o) { o.json_limits = {3000, 6000}; }, "/intake/", "zstd",
       3},
      {"EventsManySourceTypesNonStream", "§5.8 (> 100 source types -> non-stream) §5.9 (split, lowered threshold)",
       Kind::kEventsManySourcesFallback,
       [](SerializerOptions& o) {
         o.json_limits = {3000, 6000};
         o.split.max_compressed = 4000;
       },
       "/intake/", "zstd", 2},
      {"OrchestratorMetadata", "§5.1 §5.2 (/api/v2/orch, process encoding 2)", Kind::kOrchestratorMetadata, nullptr,
       "/api/v2/orch", ""},
      {"OrchestratorMetadataLegacyEndpoint", "§5.1 (orchestrator_explorer.use_legacy_endpoint)",
       Kind::kOrchestratorMetadata, [](SerializerOptions& o) { o.orchestrator_use_legacy_endpoint = true; },
       "/api/v1/orchestrator", ""},
      {"OrchestratorMetadataZstd1x", "§5.1 (process encoding 4, zstd 1.x body)", Kind::kOrchestratorMetadata,
       [](SerializerOptions& o) { o.orchestrator_encoding = serializer::ProcessMessageEncoding::kZstd1xPB; },
       "/api/v2/orch", ""},
      {"OrchestratorMetadataPlainProtobuf", "§5.1 (process encoding 0)", Kind::kOrchestratorMetadata,
       [](SerializerOptions& o) { o.orchestrator_encoding = serializer::ProcessMessageEncoding::kProtobuf; },
       "/api/v2/orch", ""},
      {"OrchestratorManifests", "§5.1 §5.2 (/api/v2/orchmanif, type 80)", Kind::kOrchestratorManifests, nullptr,
       "/api/v2/orchmanif", ""},
  };
  return kCases;
}

// ---------------------------------------------------------------------------------------------
// Posting and reading back.

std::string header(const serializer::Headers& hs, std::string_view name) {
  for (const auto& [k, v] : hs) {
    if (strcasecmp(k.c_str(), std::string(name).c_str()) == 0) return v;
  }
  return "";
}

bool hasHeader(const serializer::Headers& hs, std::string_view name) {
  return std::any_of(hs.begin(), hs.end(),
                     [&](const auto& kv) { return strcasecmp(kv.first.c_str(), std::string(name).c_str()) == 0; });
}

// POSTs every payload of every submission as the forwarder does: the serializer's headers plus
// the API key. Returns the response statuses (0 for a transport error, reported).
std::vector<int> postAll(const testing::TestServer& s, const std::vector<serializer::Submission>& subs) {
  std::vector<int> statuses;
  auto client = s.client();
  for (const auto& sub : subs) {
    httplib::Headers h = {{"DD-API-KEY", std::string(kApiKey)}};
    std::string content_type;
    for (const auto& [k, v] : sub.headers) {
      if (strcasecmp(k.c_str(), "Content-Type") == 0) {
        content_type = v;
      } else {
        h.emplace(k, v);
      }
    }
    const std::string route(serializer::endpointInfo(sub.endpoint).route);
    for (const auto& p : sub.payloads) {
      auto r = client->Post(route.c_str(), h, p->bytes, content_type.c_str());
      EXPECT_TRUE(r) << route << ": " << httplib::to_string(r.error());
      statuses.push_back(r ? r->status : 0);
    }
  }
  return statuses;
}

struct Readback {
  json payloads;                 // the `payloads` array of format=json (with headers)
  std::vector<RawPayload> raw;   // the same payloads, raw
  std::vector<ViolationInfo> violations;
  RouteStatInfo stats;
};

Readback readBack(FakeintakeClient& c, const std::string& route) {
  Readback out;
  auto doc = c.getControlJson("/fakeintake/payloads?endpoint=" + route + "&format=json&headers=true");
  EXPECT_TRUE(doc.isOk()) << doc.status().toString();
  if (!doc.isOk()) return out;
  EXPECT_FALSE(doc->value("truncated", false)) << "answer paged; the test reads one page";
  out.payloads = (*doc)["payloads"];
  auto raw = c.payloads(route, 0);
  EXPECT_TRUE(raw.isOk()) << raw.status().toString();
  if (raw.isOk()) out.raw = std::move(raw).value();
  auto v = c.violations(route);
  EXPECT_TRUE(v.isOk()) << v.status().toString();
  if (v.isOk()) out.violations = std::move(v).value();
  auto stats = c.routeStats();
  EXPECT_TRUE(stats.isOk()) << stats.status().toString();
  if (stats.isOk() && stats->count(route)) out.stats = stats->at(route);
  return out;
}

// Every decoded item of every payload, read with the client's JSON readers.
template <typename T>
std::vector<T> items(const Readback& rb, common::Result<T> (*from_json)(const json&)) {
  std::vector<T> out;
  for (const auto& p : rb.payloads) {
    const json& data = p["data"];
    EXPECT_TRUE(data.is_array()) << "payload " << p.value("id", 0) << " has no decoded items";
    if (!data.is_array()) continue;
    for (const auto& item : data) {
      auto v = from_json(item);
      EXPECT_TRUE(v.isOk()) << v.status().toString();
      if (v.isOk()) out.push_back(std::move(v).value());
    }
  }
  return out;
}

std::map<std::string, std::vector<DecodedEvent>> bySource(const std::vector<DecodedEvent>& events) {
  std::map<std::string, std::vector<DecodedEvent>> out;
  for (const auto& e : events) out[e.source].push_back(e);
  return out;
}

void checkEvents(const Readback& rb, const std::vector<metrics::Event>& input) {
  std::vector<DecodedEvent> want_list;
  for (const auto& e : input) want_list.push_back(expectedEvent(e));
  // Group order is Go map order in the agent (spec §9.16): compare per source type, in order.
  const auto got = bySource(items<DecodedEvent>(rb, &eventFromJson));
  const auto want = bySource(want_list);
  ASSERT_EQ(got.size(), want.size()) << "source types";
  for (const auto& [source, list] : want) {
    auto it = got.find(source);
    ASSERT_NE(it, got.end()) << "source type " << source << " missing";
    ASSERT_EQ(it->second.size(), list.size()) << "events of " << source;
    for (size_t i = 0; i < list.size(); ++i) {
      expectEventEq(it->second[i], list[i], "events[\"" + source + "\"][" + std::to_string(i) + "]");
    }
  }
}

// The decoded body equals the collector message that was sent (compared as protobuf messages
// after reading the fakeintake's JSON back), and carries the expected header.
void checkOrchestrator(const Readback& rb, const std::vector<metrics::OrchestratorMessage>& sent,
                       serializer::ProcessMessageEncoding encoding) {
  std::vector<json> got;
  for (const auto& p : rb.payloads) {
    for (const auto& m : p["data"]) got.push_back(m);
  }
  ASSERT_EQ(got.size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    const json& m = got[i];
    const std::string where = "message " + std::to_string(i);
    EXPECT_EQ(m["header"]["version"], 3) << where;
    EXPECT_EQ(m["header"]["encoding"], static_cast<int>(encoding)) << where;
    EXPECT_EQ(m["header"]["type"], sent[i].message_type) << where;
    EXPECT_EQ(m["body_decoded_bytes"], sent[i].body.size()) << where;
    std::unique_ptr<google::protobuf::Message> want, back;
    if (sent[i].message_type == metrics::process_message_type::kPod) {
      EXPECT_EQ(m["type_name"], "pod") << where;
      EXPECT_EQ(m["message"], "datadog.process_agent.CollectorPod") << where;
      want = std::make_unique<datadog::process_agent::CollectorPod>();
      back = std::make_unique<datadog::process_agent::CollectorPod>();
    } else {
      EXPECT_EQ(m["type_name"], "manifest") << where;
      EXPECT_EQ(m["message"], "datadog.process_agent.CollectorManifest") << where;
      want = std::make_unique<datadog::process_agent::CollectorManifest>();
      back = std::make_unique<datadog::process_agent::CollectorManifest>();
    }
    ASSERT_TRUE(want->ParseFromString(sent[i].body)) << where;
    ASSERT_TRUE(m.contains("body")) << where << ": " << m.dump();
    auto st = google::protobuf::util::JsonStringToMessage(m["body"].dump(), back.get());
    ASSERT_TRUE(st.ok()) << where << ": " << st.ToString();
    std::string diff;
    google::protobuf::util::MessageDifferencer d;
    d.ReportDifferencesToString(&diff);
    EXPECT_TRUE(d.Compare(*back, *want)) << where << ": " << diff;
    // And against the specs the bodies were made from.
    const json& body = m["body"];
    EXPECT_EQ(body["clusterId"], kClusterId) << where;
    EXPECT_EQ(body["clusterName"], "prod-cluster") << where;
    if (sent[i].message_type == metrics::process_message_type::kPod) {
      const auto spec = podSpec(std::string(kClusterId), static_cast<int>(i) + 1);
      ASSERT_EQ(body["pods"].size(), spec.pods.size()) << where;
      for (size_t j = 0; j < spec.pods.size(); ++j) {
        EXPECT_EQ(body["pods"][j]["metadata"]["name"], spec.pods[j].name) << where;
        EXPECT_EQ(body["pods"][j]["metadata"]["uid"], spec.pods[j].uid) << where;
        EXPECT_EQ(body["pods"][j]["tags"], spec.pods[j].tags) << where;
      }
    } else {
      const auto spec = manifestSpec(std::string(kClusterId));
      ASSERT_EQ(body["manifests"].size(), spec.manifests.size()) << where;
      for (size_t j = 0; j < spec.manifests.size(); ++j) {
        EXPECT_EQ(body["manifests"][j]["uid"], spec.manifests[j].uid) << where;
        EXPECT_EQ(base64Decode(body["manifests"][j]["content"].get<std::string>()), spec.manifests[j].content) << where;
      }
    }
  }
}

class SerializerRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(SerializerRoundTrip, DecodedContentEqualsTheInput) {
  const RoundTripCase& row = GetParam();
  SCOPED_TRACE(row.name + " — spec " + row.spec);
  SerializerOptions options;
  options.hostname = "rt-agent";
  if (row.configure) row.configure(options);
  common::ManualClock clock;
  RecordingForwarder forwarder;
  serializer::Serializer ser(options, forwarder, clock);

  // Build and submit.
  std::vector<metrics::Serie> series;
  std::vector<metrics::SketchSeries> sketches;
  std::vector<metrics::ServiceCheck> checks;
  std::vector<metrics::Event> events;
  std::vector<metrics::OrchestratorMessage> orchestrator_sent;
  switch (row.kind) {
    case Kind::kSeries:
    case Kind::kSeriesNoHost: {
      series = seriesInput();
      if (row.kind == Kind::kSeriesNoHost) {
        for (auto& s : series) s.host.clear();
      }
      auto copy = series;
      ASSERT_TRUE(ser.sendSeries(std::move(copy)).isOk());
      break;
    }
    case Kind::kSketches: {
      sketches = sketchesInput();
      auto copy = sketches;
      ASSERT_TRUE(ser.sendSketches(std::move(copy)).isOk());
      break;
    }
    case Kind::kServiceChecks: {
      checks = serviceChecksInput();
      auto copy = checks;
      ASSERT_TRUE(ser.sendServiceChecks(std::move(copy)).isOk());
      break;
    }
    case Kind::kEvents:
    case Kind::kEventsPerSourceFallback:
    case Kind::kEventsManySourcesFallback: {
      events = row.kind == Kind::kEvents                    ? eventsInput()
               : row.kind == Kind::kEventsPerSourceFallback ? manyEventsInput(30, 5)
                                                            : manyEventsInput(30, 105);
      auto copy = events;
      ASSERT_TRUE(ser.sendEvents(std::move(copy)).isOk());
      break;
    }
    case Kind::kOrchestratorMetadata: {
      auto md = orchestratorMetadataInput();
      orchestrator_sent = md.messages;
      ASSERT_TRUE(ser.sendOrchestratorMetadata(std::move(md)).isOk());
      break;
    }
    case Kind::kOrchestratorManifests: {
      auto manifests = orchestratorManifestsInput();
      for (const auto& m : manifests) orchestrator_sent.insert(orchestrator_sent.end(), m.messages.begin(), m.messages.end());
      ASSERT_TRUE(ser.sendOrchestratorManifests(std::move(manifests)).isOk());
      break;
    }
  }

  // What was submitted: the route and Content-Encoding of the row.
  ASSERT_FALSE(forwarder.submissions.empty());
  std::vector<serializer::PayloadPtr> sent;
  std::vector<serializer::Headers> sent_headers;  // the submission's headers, per payload
  for (const auto& sub : forwarder.submissions) {
    sent_headers.insert(sent_headers.end(), sub.payloads.size(), sub.headers);
    EXPECT_EQ(serializer::endpointInfo(sub.endpoint).route, row.route);
    EXPECT_EQ(header(sub.headers, "Content-Encoding"), row.encoding);
    EXPECT_EQ(hasHeader(sub.headers, "Content-Encoding"), !row.encoding.empty());
    sent.insert(sent.end(), sub.payloads.begin(), sub.payloads.end());
  }
  EXPECT_GE(sent.size(), row.min_payloads);

  // POST to a real fakeintake; every answer 2xx.
  testing::TestServer server;
  for (int status : postAll(server, forwarder.submissions)) EXPECT_TRUE(status >= 200 && status < 300) << status;

  auto client = FakeintakeClient::create(server.url());
  ASSERT_TRUE(client.isOk()) << client.status().toString();
  Readback rb = readBack(**client, row.route);

  // Envelopes: every payload stored as sent, decoded, no violation; headers as sent.
  const bool orchestrator = row.kind == Kind::kOrchestratorMetadata || row.kind == Kind::kOrchestratorManifests;
  ASSERT_EQ(rb.payloads.size(), sent.size());
  ASSERT_EQ(rb.raw.size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    const json& p = rb.payloads[i];
    const std::string where = "payload " + std::to_string(i);
    EXPECT_EQ(rb.raw[i].data, sent[i]->bytes) << where << ": stored bytes differ from the bytes sent";
    EXPECT_FALSE(p.contains("decode_error")) << where << ": " << p.value("decode_error", "");
    if (row.expected_violations.empty()) {
      EXPECT_EQ(p["violations"], 0) << where;
    }
    const int status = p["status"];
    EXPECT_TRUE(status >= 200 && status < 300) << where << ": " << status;
    const serializer::Headers& sub_headers = sent_headers[i];
    const std::string content_type = header(sub_headers, "Content-Type");
    EXPECT_EQ(p["encoding"], row.encoding.empty() ? content_type : row.encoding) << where;
    if (orchestrator) {
      // HTTP-level size (no Content-Encoding: the body as sent); the serializer counts the
      // header plus the collector message before the process encoding's zstd frame.
      EXPECT_EQ(p["uncompressed_size"], sent[i]->bytes.size()) << where;
    } else {
      EXPECT_EQ(p["uncompressed_size"], sent[i]->uncompressed_size) << where;
    }
    std::map<std::string, std::string> stored_headers;
    for (const auto& h : p["headers"]) stored_headers[h[0].get<std::string>()] = h[1].get<std::string>();
    for (const auto& [k, v] : sub_headers) EXPECT_EQ(stored_headers[k], v) << where << ": header " << k;
  }
  for (const auto& v : rb.violations) {
    EXPECT_TRUE(row.expected_violations.count(v.property)) << "violation " << v.property << ": " << v.message;
  }
  if (!row.expected_violations.empty()) {
    EXPECT_FALSE(rb.violations.empty()) << "the known violation is detected";
  }
  EXPECT_EQ(rb.stats.requests, sent.size());
  EXPECT_EQ(rb.stats.decode_errors, 0u);
  EXPECT_EQ(rb.stats.violations, rb.violations.size());

  // Content, item by item.
  switch (row.kind) {
    case Kind::kSeries:
    case Kind::kSeriesNoHost: {
      const bool v2 = options.use_v2_api_series;
      std::vector<DecodedSeries> want;
      for (const auto& s : series) {
        if (!v2 && s.no_index) continue;  // spec §5.4: v1 skips NoIndex series
        want.push_back(expectedSerie(s, v2));
      }
      const auto got = items<DecodedSeries>(rb, &seriesFromJson);
      ASSERT_EQ(got.size(), want.size());
      for (size_t i = 0; i < want.size(); ++i) expectSeriesEq(got[i], want[i], "series[" + std::to_string(i) + "]");
      if (row.kind == Kind::kSeriesNoHost) break;
      // The client's own filter finds them by name.
      auto filtered = (*client)->filterMetrics(MetricFilter{.name = "rt.queue.depth"});
      ASSERT_TRUE(filtered.isOk()) << filtered.status().toString();
      ASSERT_EQ(filtered->size(), 1u);
      EXPECT_EQ((*filtered)[0].points.size(), 12u);
      break;
    }
    case Kind::kSketches: {
      const bool stream = options.enable_sketch_stream_payload_serialization &&
                          options.compression.kind != CompressorKind::kNone;
      const auto got = items<DecodedSketch>(rb, &sketchFromJson);
      ASSERT_EQ(got.size(), sketches.size());
      for (size_t i = 0; i < sketches.size(); ++i) {
        expectSketchEq(got[i], expectedSketch(sketches[i], stream), "sketches[" + std::to_string(i) + "]");
      }
      // The heavy bin: one key, counts split at uint16 with the remainder first and the full
      // bins after it (spec §4.3, the agent's appendSafe), duplicates kept in order.
      EXPECT_EQ(got[1].dogsketches[0].n, (std::vector<uint32_t>{1, 2, 65535, 65535}));
      ASSERT_EQ(got[1].dogsketches[0].k.size(), 4u);
      EXPECT_EQ(got[1].dogsketches[0].k[1], got[1].dogsketches[0].k[3]);
      break;
    }
    case Kind::kServiceChecks: {
      const auto got = items<DecodedCheckRun>(rb, &checkRunFromJson);
      ASSERT_EQ(got.size(), checks.size());
      for (size_t i = 0; i < checks.size(); ++i) {
        expectCheckRunEq(got[i], expectedCheckRun(checks[i]), "check_run[" + std::to_string(i) + "]");
      }
      // `tags: null` on the wire for a check without tags (spec §5.5).
      EXPECT_TRUE(rb.payloads[0]["data"][1]["tags"].is_null()) << rb.payloads[0]["data"][1].dump();
      break;
    }
    case Kind::kEvents:
    case Kind::kEventsPerSourceFallback:
    case Kind::kEventsManySourcesFallback: {
      checkEvents(rb, events);
      const auto& c = ser.counters();
      const bool fallback = row.kind != Kind::kEvents;
      EXPECT_EQ(c.send_events_item_too_bigs.load(), fallback ? 1 : 0);
      EXPECT_EQ(c.send_events_item_too_bigs_fallback.load(), row.kind == Kind::kEventsManySourcesFallback ? 1 : 0);
      if (row.kind == Kind::kEventsPerSourceFallback) {
        // One builder per source type: every payload holds a single source type.
        for (const auto& p : rb.payloads) {
          std::set<std::string> sources;
          for (const auto& e : p["data"]) sources.insert(e["Source"].get<std::string>());
          EXPECT_EQ(sources.size(), 1u) << p["data"].dump().substr(0, 200);
        }
      }
      EXPECT_EQ(c.dropped.total(), 0);
      break;
    }
    case Kind::kOrchestratorMetadata:
    case Kind::kOrchestratorManifests: {
      checkOrchestrator(rb, orchestrator_sent, options.orchestrator_encoding);
      const json& headers = rb.payloads[0]["headers"];
      std::map<std::string, std::string> h;
      for (const auto& kv : headers) h[kv[0].get<std::string>()] = kv[1].get<std::string>();
      EXPECT_EQ(h["X-Dd-Orchestrator-ClusterID"], kClusterId);
      EXPECT_EQ(h["X-Dd-Hostname"], "rt-agent");
      EXPECT_EQ(h["X-DD-Agent-Timestamp"], std::to_string(kNow));
      EXPECT_EQ(h["DD-EVP-ORIGIN"], "agent");
      break;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryPayloadKind, SerializerRoundTrip, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<RoundTripCase>& row) { return row.param.name; });

// Spec §5.10: with the agent's "none" (no stream), v2 series cannot be built ("Stream compression
// not available"): the batch is dropped and counted, nothing reaches the intake. The JSON kinds
// take their non-stream paths instead (rows *CompressorNone above).
TEST(SerializerRoundTripNone, AgentNoneDropsV2Series) {
  SerializerOptions options;
  options.compression.kind = CompressorKind::kNone;
  common::ManualClock clock;
  RecordingForwarder forwarder;
  serializer::Serializer ser(options, forwarder, clock);
  auto st = ser.sendSeries(seriesInput());
  ASSERT_FALSE(st.isOk());
  EXPECT_NE(st.message().find("Stream compression not available"), std::string::npos) << st.message();
  EXPECT_TRUE(forwarder.submissions.empty());
  EXPECT_EQ(ser.counters().dropped.get("series_v2.serialize_error"), 4);
}

}  // namespace
}  // namespace ddsim::fakeintake
