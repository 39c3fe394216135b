// Span and trace normalization and truncation as the agent's pkg/trace/agent/normalizer.go and
// truncator.go do them (docs/trace-agent.md §5). Service and name expectations come from the
// agent's pkg/trace/traceutil/normalize/normalize_test.go.
#include "core/trace/normalizer.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/trace/tag_normalizer.h"

namespace ddsim::trace {
namespace {

constexpr int64_t kNow = 1'700'000'000'000'000'000;  // a fixed "now" (2023-11-14)
constexpr int64_t kStart = 1'690'000'000'000'000'000;

Span goodSpan() {
  Span s;
  s.service = "web";
  s.name = "http.request";
  s.resource = "GET /";
  s.trace_id = 1;
  s.span_id = 2;
  s.parent_id = 0;
  s.start = kStart;
  s.duration = 1000;
  s.type = "web";
  return s;
}

TEST(NormalizerTest, Names) {
  struct C {
    std::string in;
    std::string out;
    FixReason reason;
  };
  const C cases[] = {
      {"", "unnamed_operation", FixReason::kEmpty},
      {"good", "good", FixReason::kNone},
      {"bad-name", "bad_name", FixReason::kNone},
      {"Too-Long-.Too-Long-.Too-Long-.Too-Long-.Too-Long-.Too-Long-.Too-Long-.Too-Long-.Too-Long-.Too-Long-."
       "Too-Long-.",
       "Too_Long.Too_Long.Too_Long.Too_Long.Too_Long.Too_Long.Too_Long.Too_Long.Too_Long.Too_Long.",
       FixReason::kTooLong},
      {"!!!", "unnamed_operation", FixReason::kInvalid},
  };
  for (const auto& c : cases) {
    const Normalized n = normalizeName(c.in);
    EXPECT_EQ(n.value, c.out) << c.in;
    EXPECT_EQ(n.reason, c.reason) << c.in;
  }
}

TEST(NormalizerTest, Services) {
  struct C {
    std::string in;
    std::string lang;
    std::string out;
    FixReason reason;
  };
  const C cases[] = {
      {"good", "", "good", FixReason::kNone},
      {"127.0.0.1", "", "127.0.0.1", FixReason::kNone},
      {"hyphenated-service-name", "", "hyphenated-service-name", FixReason::kNone},
      {"\U0001F428animal-db\U0001F436", "", "_animal-db", FixReason::kNone},
      {"Too$Long$.Too$Long$.Too$Long$.Too$Long$.Too$Long$.Too$Long$.Too$Long$.Too$Long$.Too$Long$.Too$Long$."
       "Too$Long$.",
       "",
       "too_long_.too_long_.too_long_.too_long_.too_long_.too_long_.too_long_.too_long_.too_long_.too_long_.",
       FixReason::kTooLong},
      {"", "", "unnamed-service", FixReason::kEmpty},
      {"", "python", "unnamed-python-service", FixReason::kEmpty},
      {"\U0001F428", "go", "unnamed-go-service", FixReason::kInvalid},
  };
  for (const auto& c : cases) {
    const Normalized n = normalizeService(c.in, c.lang);
    EXPECT_EQ(n.value, c.out) << c.in;
    EXPECT_EQ(n.reason, c.reason) << c.in;
  }
  EXPECT_EQ(normalizePeerService("").value, "");
  EXPECT_EQ(normalizePeerService("").reason, FixReason::kNone);
  EXPECT_EQ(normalizePeerService("\U0001F428").reason, FixReason::kInvalid);
}

// pkg/trace/traceutil/normalize/duration.go
TEST(NormalizerTest, DurationAndStart) {
  bool invalid = false;
  EXPECT_EQ(fixDuration(kStart, 5, &invalid), 5);
  EXPECT_FALSE(invalid);
  EXPECT_EQ(fixDuration(kStart, -1, &invalid), 0);
  EXPECT_TRUE(invalid);
  EXPECT_EQ(fixDuration(kStart, std::numeric_limits<int64_t>::max() - kStart + 1, &invalid), 0);
  EXPECT_TRUE(invalid);
  EXPECT_EQ(fixDuration(kStart, std::numeric_limits<int64_t>::max() - kStart, &invalid),
            std::numeric_limits<int64_t>::max() - kStart);
  EXPECT_FALSE(invalid);
  EXPECT_EQ(fixDuration(-5, 10, &invalid), 0);  // MaxInt64 - start wraps in the agent
  EXPECT_TRUE(invalid);

  EXPECT_EQ(fixStartTime(kStart, 10, kNow, &invalid), kStart);
  EXPECT_FALSE(invalid);
  EXPECT_EQ(fixStartTime(kYear2000Nanos - 1, 10, kNow, &invalid), kNow - 10);
  EXPECT_TRUE(invalid);
  EXPECT_EQ(fixStartTime(0, kNow + 1, kNow, &invalid), kNow);  // now - duration < 0
  EXPECT_TRUE(invalid);
  // Agent behaviour (found by the fuzzer): a huge duration leaves the fixed start before 2000.
  EXPECT_EQ(fixStartTime(5, kNow - 7, kNow, &invalid), 7);
  EXPECT_TRUE(invalid);
}

TEST(NormalizerTest, StatusCodes) {
  const std::pair<const char*, bool> cases[] = {{"200", true},  {"100", true}, {"599", true}, {"600", false},
                                                {"99", false},  {"", false},   {"abc", false}, {"+200", false},
                                                {"-200", false}, {"200 ", false}, {"0200", true}};
  for (const auto& [in, ok] : cases) EXPECT_EQ(isValidStatusCode(in), ok) << in;
}

TEST(NormalizerTest, SpanFixesInAgentOrder) {
  Span s = goodSpan();
  s.service = "";
  s.name = "";
  s.resource = "";
  s.parent_id = 7;
  s.trace_id = 7;
  s.span_id = 7;
  s.duration = -3;
  s.start = 0;
  s.type = std::string(150, 't');
  s.meta = {{"env", "Prod Env"}, {"http.status_code", "700"}, {"peer.service", "DB!"}, {"_dd.base_service", "\U0001F428"}};
  ReasonCounts counts;
  ASSERT_TRUE(normalizeSpan(s, "java", kNow, counts).isOk());
  EXPECT_EQ(s.service, "unnamed-java-service");
  EXPECT_EQ(s.name, "unnamed_operation");
  EXPECT_EQ(s.resource, "unnamed_operation");  // resource takes the (normalized) name
  EXPECT_EQ(s.parent_id, 0u);
  EXPECT_EQ(s.duration, 0);
  EXPECT_EQ(s.start, kNow);
  EXPECT_EQ(s.type.size(), kMaxTypeLen);
  EXPECT_EQ(s.meta.at("env"), "prod_env");
  EXPECT_EQ(s.meta.count("http.status_code"), 0u);
  EXPECT_EQ(s.meta.at("peer.service"), "db");
  EXPECT_EQ(s.meta.at("_dd.base_service"), "");
  const ReasonCounts want = {{"service_empty", 1},     {"span_name_empty", 1},   {"resource_empty", 1},
                             {"invalid_duration", 1},  {"invalid_start_date", 1}, {"type_truncate", 1},
                             {"invalid_http_status_code", 1}, {"base_service_invalid", 1}};
  EXPECT_EQ(counts, want);
}

TEST(NormalizerTest, GoodSpanUnchanged) {
  Span s = goodSpan();
  s.meta = {{"env", "prod"}, {"http.status_code", "200"}};
  const Span before = s;
  ReasonCounts counts;
  ASSERT_TRUE(normalizeSpan(s, "", kNow, counts).isOk());
  EXPECT_EQ(s, before);
  EXPECT_TRUE(counts.empty());
}

TEST(NormalizerTest, ZeroIdsDropTheTrace) {
  ReasonCounts counts;
  Span s = goodSpan();
  s.trace_id = 0;
  common::Status st = normalizeSpan(s, "", kNow, counts);
  EXPECT_FALSE(st.isOk());
  EXPECT_NE(st.message().find("trace_id_zero"), std::string::npos);
  s = goodSpan();
  s.span_id = 0;
  st = normalizeSpan(s, "", kNow, counts);
  EXPECT_NE(st.message().find("span_id_zero"), std::string::npos);
  EXPECT_EQ(counts, (ReasonCounts{{"trace_id_zero", 1}, {"span_id_zero", 1}}));
}

TEST(NormalizerTest, Traces) {
  ReasonCounts counts;
  Trace empty;
  EXPECT_NE(normalizeTrace(empty, "", kNow, counts).message().find("empty_trace"), std::string::npos);

  Trace foreign = {goodSpan(), goodSpan()};
  foreign[1].trace_id = 99;
  foreign[1].span_id = 3;
  EXPECT_NE(normalizeTrace(foreign, "", kNow, counts).message().find("foreign_span"), std::string::npos);

  Trace dup = {goodSpan(), goodSpan()};  // same span id twice: kept, counted
  EXPECT_TRUE(normalizeTrace(dup, "", kNow, counts).isOk());
  EXPECT_EQ(counts, (ReasonCounts{{"empty_trace", 1}, {"foreign_span", 1}, {"duplicate_span_id", 1}}));
}

// pkg/trace/agent/truncator.go
TEST(NormalizerTest, Truncation) {
  Span s = goodSpan();
  s.resource = std::string(6000, 'r');
  const std::string long_key(120, 'k');
  s.meta = {{"short", std::string(6000, 'v')}, {long_key, "x"}};
  s.metrics = {{long_key, 1.5}, {"ok", 2}};
  truncateSpan(s);
  EXPECT_EQ(s.resource.size(), kMaxResourceLen);
  EXPECT_EQ(s.meta.at("short"), std::string(5000, 'v') + "...");
  const std::string cut_key = std::string(100, 'k') + "...";
  EXPECT_EQ(s.meta.at(cut_key), "x");
  EXPECT_EQ(s.meta.count(long_key), 1u);  // agent quirk: the long key is not deleted
  EXPECT_EQ(s.metrics.at(cut_key), 1.5);
  EXPECT_EQ(s.metrics.at("ok"), 2);
}

// The fast checks normalizeSpan uses to keep strings that are already normal must agree with the
// full normalizers: whenever they say "normal", normalizing gives the same string, unchanged
// (differential, on a table and on seeded random strings).
void expectFastChecksAgree(const std::string& v) {
  if (isNormalTagValue(v)) {
    EXPECT_EQ(normalizeTagValue(v), v) << v;
    if (!v.empty() && v.size() <= kMaxServiceLen) {
      const Normalized n = normalizeService(v, "go");
      EXPECT_EQ(n.value, v) << v;
      EXPECT_EQ(n.reason, FixReason::kNone) << v;
    }
  }
  if (isNormalMetricName(v)) {
    EXPECT_EQ(normalizeMetricName(v), v) << v;
    const Normalized n = normalizeName(v);
    EXPECT_EQ(n.value, v) << v;
    EXPECT_EQ(n.reason, FixReason::kNone) << v;
  }
}

TEST(NormalizerFastPath, AgreesWithTheFullNormalizersOnATable) {
  const std::vector<std::pair<std::string, bool>> services = {
      {"web", true}, {"checkout-1", true}, {"a.b/c-d:e", true}, {"my_service", true}, {"", true},
      {"Web", false}, {"my__service", false}, {"trailing_", false}, {"sp ace", false}, {"caf\xc3\xa9", false},
      {std::string(201, 'a'), false}, {"_lead", true}};
  for (const auto& [v, normal] : services) {
    EXPECT_EQ(isNormalTagValue(v), normal) << v;
    expectFastChecksAgree(v);
  }
  const std::vector<std::pair<std::string, bool>> names = {
      {"http.request", true}, {"postgres.query", true}, {"a_b.c9", true}, {"Http.Request", true},
      {"", false}, {"1abc", false}, {"_abc", false}, {"abc_", false}, {"a__b", false}, {"a-b", false},
      {"a._b", true}, {"a_.b", false}, {std::string(101, 'a'), false}, {std::string(100, 'a'), true}};
  for (const auto& [v, normal] : names) {
    EXPECT_EQ(isNormalMetricName(v), normal) << v;
    expectFastChecksAgree(v);
  }
}

TEST(NormalizerFastPath, AgreesWithTheFullNormalizersOnRandomStrings) {
  std::mt19937 rng(14);
  const std::string alphabet = "abcxyzABZ0129._-:/ _\xc3\xa9";
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<size_t> length(0, 24);
  int normal_tags = 0, normal_names = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string v;
    const size_t n = i % 500 == 0 ? 95 + length(rng) * 5 : length(rng);  // a few past the limits
    for (size_t j = 0; j < n; ++j) v.push_back(alphabet[pick(rng)]);
    normal_tags += isNormalTagValue(v);
    normal_names += isNormalMetricName(v);
    expectFastChecksAgree(v);
  }
  // The random strings exercise both answers of both checks.
  EXPECT_GT(normal_tags, 100);
  EXPECT_GT(normal_names, 100);
}

}  // namespace
}  // namespace ddsim::trace
