// The message parser against the agent's grammar and validation rules (spec §8.2-8.4;
// comp/dogstatsd/server/parse*.go).
#include "core/dogstatsd/parser.h"

#include "core/common/random.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ddsim::dogstatsd {
namespace {

std::vector<std::string> toStrings(std::span<std::string_view> v) {
  return std::vector<std::string>(v.begin(), v.end());
}

// ---------------------------------------------------------------------------------------------
// Spec §8.2: metrics.
struct MetricCase {
  const char* msg;
  ParseError err;
  const char* name = "";
  DsdMetricType type = DsdMetricType::kGauge;
  std::vector<double> values = {};   // one entry for a single value
  const char* raw = "";              // set member
  double rate = 1;
  int64_t ts = 0;
  std::vector<std::string> tags = {};
};

TEST(DsdParserTest, MetricsSpec82) {
  using T = DsdMetricType;
  using E = ParseError;
  const MetricCase cases[] = {
      {"page.views:1|c", E::kNone, "page.views", T::kCount, {1}},
      {"fuel.level:0.5|g", E::kNone, "fuel.level", T::kGauge, {0.5}},
      {"song.length:240|h|@0.5", E::kNone, "song.length", T::kHistogram, {240}, "", 0.5},
      {"latency:12|ms", E::kNone, "latency", T::kTiming, {12}},
      {"payload:1024|d|#env:prod", E::kNone, "payload", T::kDistribution, {1024}, "", 1, 0,
       {"env:prod"}},
      {"users:alice|s", E::kNone, "users", T::kSet, {}, "alice"},
      {"users:1:2|s", E::kNone, "users", T::kSet, {}, "1:2"},  // sets are never split
      {"m:1:2::3|g", E::kNone, "m", T::kGauge, {1, 2, 3}},       // protocol 1.1, empty skipped
      {"m:1:|c", E::kNone, "m", T::kCount, {1}},
      {"m:-1.5e2|g", E::kNone, "m", T::kGauge, {-150}},
      {"m:1|g|#a,b,,c", E::kNone, "m", T::kGauge, {1}, "", 1, 0, {"a", "b", "", "c"}},
      {"m:1|g|#a|#b", E::kNone, "m", T::kGauge, {1}, "", 1, 0, {"b"}},  // later wins
      {"m:1|g|#", E::kNone, "m", T::kGauge, {1}},                         // empty tag field
      {"m:1|c|@0.1|#t:1|T1700000000", E::kNone, "m", T::kCount, {1}, "", 0.1, 1700000000,
       {"t:1"}},
      {"m:1|g|T1700000000|@0.5", E::kNone, "m", T::kGauge, {1}, "", 0.5, 1700000000},
      {"m:1|g|x:unknown|card:high|", E::kNone, "m", T::kGauge, {1}},  // unknown fields ignored
      {"m:1|c|@0", E::kNone, "m", T::kCount, {1}, "", 0},  // accepted (spec §1.5)
      {"m:1|c|@-2", E::kNone, "m", T::kCount, {1}, "", -2},
      {"m:1|g|c:abc|e:ext", E::kNone, "m", T::kGauge, {1}},  // origin fields off by default
      {"m:NaN|g", E::kNone, "m", T::kGauge, {}},             // checked separately below
      {"m:1|g|T99999999999", E::kNone, "m", T::kGauge, {1}, "", 1, 99999999999},
      // Rejections.
      {"m:1", E::kMetricFormat},
      {"", E::kMetricFormat},
      {"garbage", E::kMetricFormat},
      {"m|c", E::kMetricNameValue},
      {":1|c", E::kMetricNameValue},
      {"m:|c", E::kMetricNameValue},
      {"m:1|x", E::kMetricType},
      {"m:1|", E::kMetricType},
      {"m:1|G", E::kMetricType},
      {"m:1|msx", E::kMetricType},
      {"m:abc|g", E::kMetricValue},
      {"m:1:x|g", E::kMetricValue},
      {"m:::|g", E::kMetricValue},  // a list without any value
      {"m:1e999|g", E::kMetricValue},
      {"m:1|c|@abc", E::kMetricSampleRate},
      {"m:1|c|@", E::kMetricSampleRate},
      {"m:1|g|T0", E::kMetricTimestamp},
      {"m:1|g|T-5", E::kMetricTimestamp},
      {"m:1|g|Tabc", E::kMetricTimestamp},
      {"m:1|g|T", E::kMetricTimestamp},
      {"m:1|g|T99999999999999999999", E::kMetricTimestamp},
  };
  Parser parser;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.msg);
    TagArena arena(256);
    ParsedMetric m;
    ParseError err = parser.parseMetric(c.msg, arena, m);
    ASSERT_EQ(err, c.err) << parseErrorName(err);
    if (err != ParseError::kNone) {
      EXPECT_EQ(arena.used(), 0u) << "a rejected message commits no tags";
      continue;
    }
    EXPECT_EQ(m.name, c.name);
    EXPECT_EQ(m.type, c.type);
    EXPECT_EQ(m.sample_rate, c.rate);
    EXPECT_EQ(m.timestamp, c.ts);
    EXPECT_EQ(toStrings(m.tags), c.tags);
    if (c.type == DsdMetricType::kSet) {
      EXPECT_EQ(m.raw_value, c.raw);
    } else if (!c.values.empty()) {
      // A single value, or a protocol 1.1 list (which may hold one value: "1:").
      std::vector<double> got(m.values.begin(), m.values.end());
      if (got.empty()) got.push_back(m.value);
      EXPECT_EQ(got, c.values);
    }
  }
}

TEST(DsdParserTest, TimestampIgnoredWithoutNoAggregationPipeline) {
  // dogstatsd_no_aggregation_pipeline=false: `T` is skipped, even when malformed (spec §8.2).
  ParserOptions o;
  o.read_timestamps = false;
  Parser parser(o);
  TagArena arena;
  ParsedMetric m;
  ASSERT_EQ(parser.parseMetric("m:1|g|T1700000000", arena, m), ParseError::kNone);
  EXPECT_EQ(m.timestamp, 0);
  ASSERT_EQ(parser.parseMetric("m:1|g|Tjunk", arena, m), ParseError::kNone);
}

TEST(DsdParserTest, OriginFieldsWithOriginDetectionClient) {
  // Spec §8.2: `c:` = <id> | ci-<id> | ci-<id>,in-<inode> (ci wins); `e:` external data.
  struct Case {
    const char* msg;
    const char* container;
    const char* external;
  };
  const Case cases[] = {
      {"m:1|g|c:abc123", "abc123", ""},
      {"m:1|g|c:ci-abc123", "abc123", ""},
      {"m:1|g|c:in-42,ci-abc123", "abc123", ""},
      {"m:1|g|c:in-42", "", ""},  // inodes cannot be resolved here
      {"m:1|g|e:it-false,cn-app,pu-123", "", "it-false,cn-app,pu-123"},
  };
  ParserOptions o;
  o.origin_detection_client = true;
  Parser parser(o);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.msg);
    TagArena arena;
    ParsedMetric m;
    ASSERT_EQ(parser.parseMetric(c.msg, arena, m), ParseError::kNone);
    EXPECT_EQ(m.container_id, c.container);
    EXPECT_EQ(m.external_data, c.external);
  }
}

TEST(DsdParserTest, AbsurdValuesAreFlaggedAndRejectedOnlyInStrictMode) {
  struct Case {
    const char* msg;
    ParseError strict_err;
  };
  const Case cases[] = {
      {"m:1|c|@0", ParseError::kMetricAbsurdSampleRate},
      {"m:1|c|@1.5", ParseError::kMetricAbsurdSampleRate},
      {"m:1|c|@NaN", ParseError::kMetricAbsurdSampleRate},
      {"m:1|c|@-inf", ParseError::kMetricAbsurdSampleRate},
      {"m:1|g|T99999999999", ParseError::kMetricAbsurdTimestamp},
      {"m\xff:1|g", ParseError::kMetricInvalidUtf8},
      {"m:1|g|#\xc0\xaf", ParseError::kMetricInvalidUtf8},  // overlong '/'
      {"m:1|g|#caf\xc3\xa9", ParseError::kNone},             // valid UTF-8
      {"m:1|c|@1", ParseError::kNone},
  };
  Parser lenient;
  ParserOptions so;
  so.reject_absurd_values = true;
  Parser strict(so);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.msg);
    TagArena arena;
    ParsedMetric m;
    ASSERT_EQ(lenient.parseMetric(c.msg, arena, m), ParseError::kNone);
    const bool flagged = m.absurd_sample_rate || m.absurd_timestamp || m.invalid_utf8;
    EXPECT_EQ(flagged, c.strict_err != ParseError::kNone);
    EXPECT_EQ(strict.parseMetric(c.msg, arena, m), c.strict_err);
  }
}

// ---------------------------------------------------------------------------------------------
// Spec §8.3: events.
struct EventCase {
  const char* msg;
  ParseError err;
  const char* title = "";
  const char* text = "";
  int64_t ts = 0;
  const char* host = "";
  const char* key = "";
  EventPriority priority = EventPriority::kNormal;
  const char* source = "";
  EventAlertType alert = EventAlertType::kInfo;
  std::vector<std::string> tags = {};
  int invalid_fields = 0;
};

TEST(DsdParserTest, EventsSpec83) {
  using E = ParseError;
  using P = EventPriority;
  using A = EventAlertType;
  const EventCase cases[] = {
      {"_e{5,4}:title|text", E::kNone, "title", "text"},
      {"_e{5,0}:title|", E::kNone, "title", ""},
      {"_e{5,4}:title|text|d:1700000000|h:web1|k:agg|p:low|s:jenkins|t:error|#a,b", E::kNone,
       "title", "text", 1700000000, "web1", "agg", P::kLow, "jenkins", A::kError, {"a", "b"}},
      {"_e{5,4}:title|text|t:warning|t:success", E::kNone, "title", "text", 0, "", "",
       P::kNormal, "", A::kSuccess},
      {"_e{5,4}:ti|le|te|t", E::kNone, "ti|le", "te|t"},  // lengths decide, not '|'
      {"_e{5,6}:title|te\\nxt", E::kNone, "title", "te\\nxt"},  // unescaped by enrichment
      {"_e{3,3}:h\xc3\xa9|abc", E::kNone, "h\xc3\xa9", "abc"},    // lengths are bytes
      // Invalid optional fields are ignored, the event is kept.
      {"_e{5,4}:title|text|p:urgent|t:fatal|d:soon", E::kNone, "title", "text", 0, "", "",
       P::kNormal, "", A::kInfo, {}, 3},
      {"_e{5,4]:title|text", E::kNone, "title", "text"},  // the closing brace is not checked
      {"_e{+5,4}:title|text", E::kNone, "title", "text"},
      // Rejections.
      {"_e{5,4}title|text", E::kEventFormat},
      {"_e{5}:title", E::kEventHeader},
      {"_e{,}:x|y", E::kEventHeader},  // header shorter than 7 bytes
      {"_e{a,4}:title|text", E::kEventHeader},
      {"_e{5,b}:title|text", E::kEventHeader},
      {"_e{-1,4}:title|text", E::kEventHeader},
      {"_e{5,-4}:title|text", E::kEventHeader},
      {"_e{0,4}:|text", E::kEventEmptyTitle},
      {"_e{5,5}:title|text", E::kEventLength},
      {"_e{50,4}:title|text", E::kEventLength},
      {"_e{9223372036854775807,9223372036854775807}:a|b", E::kEventLength},
  };
  Parser parser;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.msg);
    TagArena arena(256);
    ParsedEvent e;
    ParseError err = parser.parseEvent(c.msg, arena, e);
    ASSERT_EQ(err, c.err) << parseErrorName(err);
    if (err != ParseError::kNone) continue;
    EXPECT_EQ(e.title, c.title);
    EXPECT_EQ(e.text, c.text);
    EXPECT_EQ(e.timestamp, c.ts);
    EXPECT_EQ(e.hostname, c.host);
    EXPECT_EQ(e.aggregation_key, c.key);
    EXPECT_EQ(e.priority, c.priority);
    EXPECT_EQ(e.source_type, c.source);
    EXPECT_EQ(e.alert_type, c.alert);
    EXPECT_EQ(toStrings(e.tags), c.tags);
    EXPECT_EQ(e.invalid_fields, c.invalid_fields);
  }
}

// ---------------------------------------------------------------------------------------------
// Spec §8.4: service checks.
struct ServiceCheckCase {
  const char* msg;
  ParseError err;
  const char* name = "";
  DsdServiceCheckStatus status = DsdServiceCheckStatus::kOk;
  int64_t ts = 0;
  const char* host = "";
  const char* message = "";
  std::vector<std::string> tags = {};
  int invalid_fields = 0;
};

TEST(DsdParserTest, ServiceChecksSpec84) {
  using E = ParseError;
  using S = DsdServiceCheckStatus;
  const ServiceCheckCase cases[] = {
      {"_sc|app.ok|0", E::kNone, "app.ok", S::kOk},
      {"_sc|app|1", E::kNone, "app", S::kWarning},
      {"_sc|app|2|d:1700000000|h:web1|#a:b,c|m:disk full", E::kNone, "app", S::kCritical,
       1700000000, "web1", "disk full", {"a:b", "c"}},
      {"_sc|app|3|m:first|#t", E::kNone, "app", S::kUnknown, 0, "", "first", {"t"}},
      {"_sc|app|0|d:later", E::kNone, "app", S::kOk, 0, "", "", {}, 1},
      {"_sc|app|0|", E::kNone, "app", S::kOk},
      // Rejections.
      {"_sc|app", E::kServiceCheckFormat},
      {"_sc", E::kServiceCheckFormat},
      {"_sc||0", E::kServiceCheckName},
      {"_sc|app|4", E::kServiceCheckStatus},
      {"_sc|app|00", E::kServiceCheckStatus},
      {"_sc|app||", E::kServiceCheckStatus},
      {"_sc|app|OK", E::kServiceCheckStatus},
  };
  Parser parser;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.msg);
    TagArena arena(256);
    ParsedServiceCheck sc;
    ParseError err = parser.parseServiceCheck(c.msg, arena, sc);
    ASSERT_EQ(err, c.err) << parseErrorName(err);
    if (err != ParseError::kNone) continue;
    EXPECT_EQ(sc.name, c.name);
    EXPECT_EQ(sc.status, c.status);
    EXPECT_EQ(sc.timestamp, c.ts);
    EXPECT_EQ(sc.hostname, c.host);
    EXPECT_EQ(sc.message, c.message);
    EXPECT_EQ(toStrings(sc.tags), c.tags);
    EXPECT_EQ(sc.invalid_fields, c.invalid_fields);
  }
}

TEST(DsdParserTest, MessageKindByPrefix) {
  // Spec §8.1: `_e{` event, `_sc` service check, anything else a metric.
  EXPECT_EQ(messageKind("_e{1,1}:a|b"), MessageKind::kEvent);
  EXPECT_EQ(messageKind("_sc|a|0"), MessageKind::kServiceCheck);
  EXPECT_EQ(messageKind("_scx"), MessageKind::kServiceCheck);
  EXPECT_EQ(messageKind("_e"), MessageKind::kMetric);
  EXPECT_EQ(messageKind("a:1|c"), MessageKind::kMetric);
}

TEST(DsdParserTest, EveryErrorHasANameAndDescription) {
  for (int i = 1; i < kNumParseErrors; ++i) {
    auto e = static_cast<ParseError>(i);
    EXPECT_FALSE(parseErrorName(e).empty());
    EXPECT_FALSE(parseErrorDescription(e).empty());
  }
}

}  // namespace
}  // namespace ddsim::dogstatsd

namespace ddsim::dogstatsd {
namespace {

// The tag splitter against a naive split on ',' (kept for any faster splitter). Random
// fields of every length up to 70 (commas anywhere: first, last, doubled, in every byte
// position of a word), and arenas one slot too small.
std::vector<std::string> naiveSplit(std::string_view f) {
  std::vector<std::string> out;
  if (f.empty()) return out;
  size_t start = 0;
  for (size_t i = 0; i <= f.size(); ++i) {
    if (i == f.size() || f[i] == ',') {
      out.emplace_back(f.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

TEST(DsdParserTest, SplitTagsMatchesNaiveSplit) {
  common::Random rng(9);
  std::vector<std::string_view> slots(80);
  for (int round = 0; round < 20000; ++round) {
    const size_t len = static_cast<size_t>(rng.uniformInt(0, 70));
    std::string field(len, 'x');
    for (auto& c : field) {
      c = rng.bernoulli(0.2) ? ',' : static_cast<char>(rng.uniformInt(0x20, 0xFF));
    }
    const auto want = naiveSplit(field);
    const int n = splitTags(field, slots.data(), slots.size());
    ASSERT_EQ(n, static_cast<int>(want.size())) << field;
    for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(slots[i], want[i]) << field << " tag " << i;
    if (!want.empty()) {
      EXPECT_EQ(splitTags(field, slots.data(), want.size() - 1), -1) << field;
      EXPECT_EQ(splitTags(field, slots.data(), want.size()), static_cast<int>(want.size())) << field;
    }
  }
}

}  // namespace
}  // namespace ddsim::dogstatsd
