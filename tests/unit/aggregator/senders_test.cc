#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/aggregator/demultiplexer.h"
#include "tests/support/recording_serializer.h"
#include "tests/unit/aggregator/test_util.h"

namespace ddsim::aggregator {
namespace {

using testing::RecordingSerializer;
using testutil::findSerie;

DemultiplexerOptions opts() {
  DemultiplexerOptions o;
  o.aggregator.hostname = "h";
  return o;
}

// Spec §3.5 senders pool (demultiplexer_senders.go, sender.go).
TEST(SendersTest, GetSenderReturnsTheSameSender) {
  RecordingSerializer ser;
  Demultiplexer d(opts(), &ser);
  auto a = d.getSender("c:1");
  auto b = d.getSender("c:1");
  ASSERT_TRUE(a.isOk());
  EXPECT_EQ(a.value().get(), b.value().get());
  EXPECT_NE(d.getSender("c:2").value().get(), a.value().get());
  auto def1 = d.getDefaultSender();
  auto def2 = d.getDefaultSender();
  EXPECT_EQ(def1.value().get(), def2.value().get());
  d.processPending(1000);
  EXPECT_EQ(d.aggregator().checkSamplerCount(), 3u);  // c:1, c:2 and the zero id
}

TEST(SendersTest, ErrorsAfterStop) {
  RecordingSerializer ser;
  Demultiplexer d(opts(), &ser);
  auto s = d.getSender("c:1").value();
  d.stop(1000, false);
  struct C {
    const char* what;
    common::Status st;
  };
  const C cases[] = {
      {"GetSender", d.getSender("c:1").status()},
      {"GetDefaultSender", d.getDefaultSender().status()},
      {"SetSender", d.setSender(std::make_shared<CheckSender>("x", "h", &d.aggregator()), "x")},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.st.code(), common::StatusCode::kFailedPrecondition) << c.what;
    EXPECT_EQ(c.st.message(), "demultiplexer is stopped") << c.what;
  }
  d.destroySender("c:1");  // no-op, no crash
  s->gauge("late", 1, "", {}, 1001);  // a sender kept past stop: dropped and counted
  EXPECT_EQ(d.telemetry().at("aggregator.dropped.after_stop"), 1);
}

TEST(SendersTest, SetSenderNullIsRejected) {
  RecordingSerializer ser;
  Demultiplexer d(opts(), &ser);
  EXPECT_EQ(d.setSender(nullptr, "x").code(), common::StatusCode::kInvalidArgument);
}

// SetSender on an existing id deregisters then registers: the sampler is kept (register
// clears the deregistered flag), so no data is lost.
TEST(SendersTest, SetSenderReplacesAndKeepsSampler) {
  RecordingSerializer ser;
  Demultiplexer d(opts(), &ser);
  auto first = d.getSender("c:1").value();
  first->gauge("g", 1, "", {}, 1000);
  auto replacement = std::make_shared<CheckSender>("c:1", "h", &d.aggregator());
  ASSERT_TRUE(d.setSender(replacement, "c:1").isOk());
  EXPECT_EQ(d.getSender("c:1").value().get(), replacement.get());
  replacement->commit(1000);
  d.flush(1015);
  EXPECT_NE(findSerie(ser.allSeries(), "g"), nullptr);
  EXPECT_EQ(d.aggregator().checkSamplerCount(), 1u);
}

// DestroySender: the sampler is flushed once more at the next flush, then dropped; later items
// for it are discarded and counted.
TEST(SendersTest, DestroySenderFlushesOnceMore) {
  RecordingSerializer ser;
  Demultiplexer d(opts(), &ser);
  auto s = d.getSender("c:1").value();
  s->gauge("g", 1, "", {}, 1000);
  s->commit(1000);
  d.destroySender("c:1");
  d.flush(1015);
  EXPECT_NE(findSerie(ser.allSeries(), "g"), nullptr);
  EXPECT_EQ(d.aggregator().checkSamplerCount(), 0u);
  s->gauge("g", 2, "", {}, 1016);
  d.processPending(1016);
  EXPECT_EQ(d.telemetry().at("aggregator.dropped.unknown_check_sampler"), 1);
  // A new GetSender creates a fresh sender and sampler.
  EXPECT_NE(d.getSender("c:1").value().get(), s.get());
}

// Sender fills (spec §3.5): default hostname unless disabled, check tags (+ service:), NoIndex,
// *WithTimestamp rejecting ts <= 0.
TEST(SendersTest, SenderFillsSamples) {
  RecordingSerializer ser;
  Demultiplexer d(opts(), &ser);
  auto s = d.getSender("c:1").value();
  s->setCheckCustomTags({"custom:1"});
  s->setCheckService("svc");
  s->finalizeCheckServiceTag();
  s->gauge("with.default.host", 1, "", {"t"}, 1000);
  s->gauge("with.host", 1, "other", {}, 1000);
  s->gaugeNoIndex("noindex", 1, "", {}, 1000);
  EXPECT_EQ(s->gaugeWithTimestamp("ts", 1, "", {}, 0).code(), common::StatusCode::kInvalidArgument);
  EXPECT_EQ(s->countWithTimestamp("ts", 1, "", {}, -1).message(), "invalid timestamp");
  EXPECT_EQ(s->gaugeWithTimestamp("ts", 1, "", {}, std::nan("")).code(), common::StatusCode::kInvalidArgument);
  ASSERT_TRUE(s->gaugeWithTimestamp("gts", 7, "", {}, 900).isOk());
  ASSERT_TRUE(s->countWithTimestamp("cts", 8, "", {}, 901).isOk());
  s->commit(1000);
  s->disableDefaultHostname(true);
  s->gauge("no.host", 1, "", {}, 1001);
  s->commit(1001);
  d.flush(1015);
  const auto series = ser.allSeries();
  const auto& a = testutil::serie(series, "with.default.host");
  EXPECT_EQ(a.host, "h");
  EXPECT_EQ(a.tags.toVector(), (std::vector<std::string>{"custom:1", "service:svc", "t"}));
  EXPECT_EQ(testutil::serie(series, "with.host").host, "other");
  EXPECT_TRUE(testutil::serie(series, "noindex").no_index);
  EXPECT_EQ(testutil::serie(series, "gts").points[0].ts, 900);
  EXPECT_EQ(testutil::serie(series, "gts").mtype, metrics::ApiMetricType::kGauge);
  EXPECT_EQ(testutil::serie(series, "cts").mtype, metrics::ApiMetricType::kCount);
  EXPECT_EQ(testutil::serie(series, "no.host").host, "");
  EXPECT_EQ(findSerie(series, "ts"), nullptr);
}

// Sender fills Source from the check name (CheckNameToMetricSource(IDToCheckName(id))).
TEST(SendersTest, SourceFromCheckName) {
  EXPECT_EQ(checkIdToCheckName("postgres:abc123"), "postgres");
  EXPECT_EQ(checkIdToCheckName("postgres:db1:abc123"), "postgres");
  EXPECT_EQ(checkIdToCheckName("nocolon"), "nocolon");
  RecordingSerializer ser;
  Demultiplexer d(opts(), &ser);
  d.getSender("postgres:abc").value()->gauge("pg", 1, "", {}, 1000);
  d.getSender("telemetry:1").value()->gauge("tl", 1, "", {}, 1000);
  d.getSender("my_custom:1").value()->gauge("cu", 1, "", {}, 1000);
  for (const char* id : {"postgres:abc", "telemetry:1", "my_custom:1"}) d.getSender(id).value()->commit(1000);
  d.flush(1015);
  const auto series = ser.allSeries();
  EXPECT_EQ(testutil::serie(series, "pg").source, metrics::MetricSource::kPostgres);
  EXPECT_EQ(testutil::serie(series, "tl").source, metrics::MetricSource::kInternal);
  EXPECT_EQ(testutil::serie(series, "cu").source, metrics::MetricSource::kUnknown);
}

TEST(SendersTest, EveryCheckMetricType) {
  RecordingSerializer ser;
  Demultiplexer d(opts(), &ser);
  auto s = d.getSender("c").value();
  for (double t : {1000.0, 1010.0}) {
    const double v = t - 990;  // 10 then 20
    s->rate("rate", v, "", {}, t);
    s->count("count", v, "", {}, t);
    s->monotonicCount("mc", v, "", {}, t);
    s->monotonicCountWithFlushFirstValue("mcf", v, "", {}, true, t);
    s->counter("counter", v, "", {}, t);
    s->histogram("hist", v, "", {}, t);
    s->historate("hr", v, "", {}, t);
    s->historate("hr", v + 5, "", {}, t + 1);
    s->distribution("dist", v, "", {}, t);
    s->histogramBucket("bucket", 3, 0, 10, false, "", {}, false, t);
    s->commit(t + 2);
  }
  d.flush(1015);
  const auto series = ser.allSeries();
  // The last serie of that name (the second run's).
  auto last = [&](const std::string& n) -> const metrics::Serie& {
    for (auto it = series.rbegin(); it != series.rend(); ++it)
      if (it->name == n) return *it;
    return testutil::serie(series, n);
  };
  EXPECT_EQ(last("rate").points[0].value, 1);  // (20-10)/(1010-1000)
  EXPECT_EQ(last("count").points[0].value, 20);
  EXPECT_EQ(last("mc").points[0].value, 10);
  EXPECT_EQ(last("mcf").points[0].value, 10);
  EXPECT_EQ(last("counter").points[0].value, 20);
  EXPECT_EQ(last("hist.max").points[0].value, 20);
  EXPECT_EQ(last("hr.max").points[0].value, 5);  // (25-20)/1
  EXPECT_EQ(last("hist.count").mtype, metrics::ApiMetricType::kRate);
  const auto sketches = ser.allSketches();
  std::set<std::string> names;
  for (const auto& sk : sketches) names.insert(sk.name);
  EXPECT_EQ(names, (std::set<std::string>{"dist", "bucket"}));
}

}  // namespace
}  // namespace ddsim::aggregator
