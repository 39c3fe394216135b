// The trace workload generator (simulator/workload/trace_generator.h): deterministic bytes,
// bodies the receiver's decoders read back to exactly the generated spans, the span tree's
// bounds, and the tracer's sampling decisions.
#include "simulator/workload/trace_generator.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/trace/msgpack_decoder.h"

namespace ddsim::workload {
namespace {

constexpr int64_t kEnd = 1'700'000'000'000'000'000;

scenario::TraceWorkload workload(scenario::TraceProtocol p = scenario::TraceProtocol::kV04) {
  scenario::TraceWorkload w;
  w.protocol = p;
  w.spans_per_trace = {1, 12};
  w.tags_per_span = {0, 4};
  w.metrics_per_span = {0, 2};
  w.error_ratio = 0.1;
  w.weight_auto = 1, w.weight_none = 1, w.weight_user_reject = 1, w.weight_auto_reject = 1, w.weight_auto_keep = 1,
  w.weight_user_keep = 1;
  return w;
}

trace::Traces generate(TraceGenerator& g, int n, const TracerRates& rates = {}) {
  trace::Traces out;
  for (int64_t i = 0; i < n; ++i) out.push_back(g.next(kEnd + i * 1000000, rates));
  return out;
}

TEST(TraceGenerator, SameSeedSameBytesOtherSeedOtherBytes) {
  for (auto p : {scenario::TraceProtocol::kV04, scenario::TraceProtocol::kV05}) {
    TraceGenerator a(workload(p), 7), b(workload(p), 7), c(workload(p), 8);
    const std::string ba = a.encode(generate(a, 50)), bb = b.encode(generate(b, 50)), bc = c.encode(generate(c, 50));
    EXPECT_EQ(ba, bb);
    EXPECT_NE(ba, bc);
  }
}

TEST(TraceGenerator, BodiesDecodeToExactlyTheGeneratedSpans) {
  for (auto p : {scenario::TraceProtocol::kV04, scenario::TraceProtocol::kV05}) {
    TraceGenerator g(workload(p), 3);
    const trace::Traces traces = generate(g, 200);
    const std::string body = g.encode(traces);
    auto decoded = p == scenario::TraceProtocol::kV04 ? trace::decodeV04(body) : trace::decodeV05(body);
    ASSERT_TRUE(decoded.isOk()) << decoded.status().message();
    ASSERT_EQ(decoded->size(), traces.size());
    for (size_t i = 0; i < traces.size(); ++i) ASSERT_EQ((*decoded)[i], traces[i]) << "trace " << i;
    EXPECT_EQ(g.path(), p == scenario::TraceProtocol::kV04 ? "/v0.4/traces" : "/v0.5/traces");
  }
}

TEST(TraceGenerator, SpanTreeStaysWithinTheWorkloadsBounds) {
  scenario::TraceWorkload w = workload();
  w.depth = 2;
  w.services = 3;
  w.operations = 4;
  w.resources = 5;
  w.error_ratio = 0;
  TraceGenerator g(w, 11);
  std::set<std::string> services;
  size_t max_spans = 0;
  const trace::Traces all = generate(g, 500);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].front().start + all[i].front().duration, kEnd + static_cast<int64_t>(i) * 1'000'000);
  }
  for (const trace::Trace& t : all) {
    ASSERT_GE(t.size(), 1u);
    ASSERT_LE(t.size(), 12u);
    max_spans = std::max(max_spans, t.size());
    std::map<uint64_t, const trace::Span*> by_id;
    std::map<uint64_t, int> depth;
    for (const trace::Span& s : t) by_id[s.span_id] = &s;
    EXPECT_EQ(t.front().parent_id, 0u);
    for (const trace::Span& s : t) {
      EXPECT_EQ(s.trace_id, t.front().trace_id);
      EXPECT_EQ(s.error, 0);
      EXPECT_EQ(s.meta.at("env"), "sim");
      services.insert(s.service);
      if (&s == &t.front()) {
        depth[s.span_id] = 0;
        continue;
      }
      ASSERT_TRUE(by_id.count(s.parent_id)) << "a parent outside the trace";
      const trace::Span& parent = *by_id[s.parent_id];
      EXPECT_GE(s.start, parent.start);
      EXPECT_LE(s.start + s.duration, parent.start + parent.duration);
      depth[s.span_id] = depth.at(s.parent_id) + 1;  // parents come first
      EXPECT_LE(depth[s.span_id], 2);
    }
  }
  EXPECT_EQ(services.size(), 3u);
  EXPECT_EQ(max_spans, 12u);
}

TEST(TraceGenerator, DecisionsFollowTheWeightsAndTheAgentsRates) {
  scenario::TraceWorkload w = workload();
  w.weight_auto = 1, w.weight_none = 0, w.weight_user_reject = 0, w.weight_auto_reject = 0, w.weight_auto_keep = 0,
  w.weight_user_keep = 0;
  TraceGenerator g(w, 5);
  TracerRates rates;
  ASSERT_TRUE(rates.update(R"({"rate_by_service":{"service:,env:":0.25,"service:svc-0,env:sim":1}})", "3").isOk());
  EXPECT_EQ(rates.version(), "3");
  std::map<std::string, std::pair<int, int>> kept_of;  // service -> (kept, all)
  for (const trace::Trace& t : generate(g, 4000, rates)) {
    const double p = t.front().metrics.at("_sampling_priority_v1");
    auto& [kept, all] = kept_of[t.front().service];
    kept += p == 1;
    ++all;
    EXPECT_EQ(t.front().metrics.at("_dd.agent_psr"), t.front().service == "svc-0" ? 1 : 0.25);
  }
  EXPECT_EQ(kept_of["svc-0"].first, kept_of["svc-0"].second);
  const auto& [k1, a1] = kept_of["svc-1"];
  EXPECT_NEAR(static_cast<double>(k1) / a1, 0.25, 0.05);
  EXPECT_EQ(g.decisions().at(TraceDecision::kAuto), 4000);

  // Every fixed decision appears, with its priority on the root.
  TraceGenerator mixed(workload(), 9);
  std::map<int, int> by_priority;
  int none = 0;
  for (const trace::Trace& t : generate(mixed, 600)) {
    auto it = t.front().metrics.find("_sampling_priority_v1");
    if (it == t.front().metrics.end()) ++none;
    else ++by_priority[static_cast<int>(it->second)];
  }
  EXPECT_GT(none, 50);
  for (int p : {-1, 0, 1, 2}) EXPECT_GT(by_priority[p], 50) << p;
}

TEST(TraceGenerator, ErrorRatioAndPayloadSizes) {
  scenario::TraceWorkload w = workload();
  w.error_ratio = 1;
  w.traces_per_payload = {3, 3};
  TraceGenerator g(w, 1);
  for (const trace::Trace& t : generate(g, 20)) {
    for (const trace::Span& s : t) EXPECT_EQ(s.error, 1);
  }
  EXPECT_EQ(g.nextPayloadSize(), 3);

  // Invalid traces: about the ratio of them end with a span whose id is 0; the others have none.
  w.invalid_ratio = 0.2;
  TraceGenerator bad(w, 2);
  int invalid = 0;
  for (const trace::Trace& t : generate(bad, 1000)) {
    int zero = 0;
    for (const trace::Span& s : t) zero += s.span_id == 0;
    EXPECT_LE(zero, 1);
    if (zero) EXPECT_EQ(t.back().span_id, 0u);
    invalid += zero;
  }
  EXPECT_NEAR(invalid, 200, 40);
}

TEST(TracerRates, KeepsRatesOnAnEmptyAnswerAndRefusesBadOnes) {
  TracerRates r;
  EXPECT_EQ(r.rate("a", "sim"), 1.0);
  EXPECT_EQ(r.version(), "0");  // libdatadog's first Datadog-Rates-Payload-Version
  ASSERT_TRUE(r.update(R"({"rate_by_service":{}})", "").isOk());
  EXPECT_EQ(r.version(), "0");  // an answer without a version keeps the tracer's
  ASSERT_TRUE(r.update(R"({"rate_by_service":{"service:,env:":0.5}})", "1").isOk());
  auto unchanged = r.update("{}", "1");
  ASSERT_TRUE(unchanged.isOk());
  EXPECT_FALSE(*unchanged);
  EXPECT_EQ(r.rate("a", "sim"), 0.5);
  EXPECT_FALSE(r.update("not json", "2").isOk());
  EXPECT_FALSE(r.update(R"({"rate_by_service":{"service:,env:":"x"}})", "2").isOk());
  EXPECT_EQ(r.rate("a", "sim"), 0.5);
  EXPECT_EQ(r.version(), "1");
}

}  // namespace
}  // namespace ddsim::workload
