// The receiver's answers, as pkg/trace/api/api.go, responses.go and info.go give them
// (docs/trace-agent.md §1), without any socket.
#include "core/trace/receiver.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <tuple>
#include <vector>

#include "tests/support/trace_payloads.h"

namespace ddsim::trace {
namespace {

Traces oneTrace() { return {{testing::makeSpan("web", "op", 1, 2)}}; }

class ReceiverTest : public ::testing::Test {
 protected:
  ReceiverTest()
      : receiver_(ReceiverOptions{.max_request_bytes = 4096},
                  [this](ReceivedPayload&& p) { payloads_.push_back(std::move(p)); }) {}

  // msgpack unless the test names a Content-Type ("" for none, which the agent reads as JSON).
  ReceiverResponse post(const std::string& path, const std::string& body,
                        std::map<std::string, std::string> headers = {}) {
    headers.try_emplace("content-type", "application/msgpack");
    body_ = body;
    return receiver_.handle({path, std::move(headers), body_});
  }

  TraceReceiver receiver_;
  std::vector<ReceivedPayload> payloads_;
  std::string body_;
};

TEST_F(ReceiverTest, AcceptsV04AndV05AndAnswersRates) {
  const std::map<std::string, std::string> headers = {{"datadog-meta-lang", "go"},
                                                      {"datadog-meta-tracer-version", "1.2.3"},
                                                      {"datadog-client-dropped-p0-traces", "7"},
                                                      {"datadog-client-computed-stats", "yes"}};
  ReceiverResponse r = post("/v0.4/traces", testing::packV04(oneTrace()), headers);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, "{\"rate_by_service\":{}}\n");
  r = post("/v0.5/traces", testing::packV05(oneTrace()));
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(payloads_.size(), 2u);
  EXPECT_EQ(payloads_[0].lang, "go");
  EXPECT_EQ(payloads_[0].tracer_version, "1.2.3");
  EXPECT_EQ(payloads_[0].endpoint, "v0.4");
  EXPECT_EQ(payloads_[0].client_dropped_p0_traces, 7);
  EXPECT_TRUE(payloads_[0].client_computed_stats);
  EXPECT_FALSE(payloads_[0].client_computed_top_level);
  EXPECT_EQ(payloads_[1].endpoint, "v0.5");
  EXPECT_EQ(payloads_[1].traces, oneTrace());
  EXPECT_EQ(receiver_.counters().payloads_accepted, 2u);
  EXPECT_EQ(receiver_.counters().traces_received, 2u);
  EXPECT_EQ(receiver_.counters().client_dropped_p0_traces, 7u);
}

// responses.go, httpRateByService.
TEST_F(ReceiverTest, RatesVersioning) {
  receiver_.setRates({{"service:web,env:prod", 0.5}, {"service:,env:", 1}}, "v7");
  ReceiverResponse r = post("/v0.4/traces", testing::packV04(oneTrace()));
  EXPECT_EQ(nlohmann::json::parse(r.body)["rate_by_service"]["service:web,env:prod"], 0.5);
  EXPECT_EQ(r.headers.count("Datadog-Rates-Payload-Version"), 0u);  // only when the tracer sends one
  r = post("/v0.4/traces", testing::packV04(oneTrace()), {{"datadog-rates-payload-version", "v6"}});
  EXPECT_EQ(r.headers.at("Datadog-Rates-Payload-Version"), "v7");
  EXPECT_NE(r.body, "{}");
  r = post("/v0.4/traces", testing::packV04(oneTrace()), {{"datadog-rates-payload-version", "v7"}});
  EXPECT_EQ(r.body, "{}");  // the tracer has these rates already
}

// responses.go, httpDecodingError; api.go, handleWithVersion.
TEST_F(ReceiverTest, RefusalsAsTheAgentAnswersThem) {
  ReceiverResponse r = post("/v0.4/traces", std::string(5000, '\x90'), {{"x-datadog-trace-count", "3"}});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body, "payload-too-large\n");
  r = post("/v0.5/traces", testing::packV04(oneTrace()), {{"x-datadog-trace-count", "2"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("v0.5: payload needs 2 elements"), std::string::npos) << r.body;
  r = post("/v0.4/traces", "\x91", {{"sec-fetch-site", "cross-site"}});
  EXPECT_EQ(r.status, 403);
  r = post("/v0.9/traces", "");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(payloads_.empty());
  const ReceiverCounters& c = receiver_.counters();
  EXPECT_EQ(c.payloads_too_large, 1u);
  EXPECT_EQ(c.traces_dropped_too_large, 3u);
  EXPECT_EQ(c.decoding_errors, 1u);
  EXPECT_EQ(c.traces_dropped_decoding, 2u);
  EXPECT_EQ(c.not_found, 1u);
}

TEST_F(ReceiverTest, ServicesAndInfo) {
  ReceiverResponse r = post("/v0.4/services", "{}");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "OK\n");
  r = post("/info", "");
  EXPECT_EQ(r.status, 200);
  const nlohmann::json info = nlohmann::json::parse(r.body);
  EXPECT_EQ(info["endpoints"], (std::vector<std::string>{"/v0.3/traces", "/v0.3/services", "/v0.4/traces",
                                                         "/v0.4/services", "/v0.5/traces", "/v0.7/traces"}));
  EXPECT_EQ(post("/v0.3/services", "{}").body, "OK\n");
  EXPECT_EQ(info["client_drop_p0s"], false);
  EXPECT_EQ(info["config"]["max_request_bytes"], 4096);
  EXPECT_EQ(info["config"]["receiver_port"], 8126);
  EXPECT_NE(r.body.find("\n\t\"version\""), std::string::npos);  // tab-indented, as the agent's
  EXPECT_EQ(post("/v0.6/stats", "").status, 404) << "no stats sink: not served";
}

// api.go handleStats: a msgpack ClientStatsPayload; 200 without a body; decoding errors as for
// traces. With the route served, /info lists it and says client_drop_p0s (info.go).
TEST(ReceiverStats, V06StatsDecodedAndForwardedWithTheTracerHeaders) {
  std::vector<std::tuple<ClientStatsPayload, std::string, std::string>> got;
  ReceiverOptions o;
  o.max_request_bytes = 4096;
  o.client_stats = true;
  TraceReceiver r(o, nullptr, [&got](ClientStatsPayload&& p, const std::string& lang, const std::string& v) {
    got.emplace_back(std::move(p), lang, v);
  });
  const nlohmann::json info = nlohmann::json::parse(r.info());
  EXPECT_EQ(info["endpoints"].back(), "/v0.6/stats");
  EXPECT_EQ(info["client_drop_p0s"], true);
  ClientStatsPayload p;
  p.env = "prod";
  GroupedStats g;
  g.service = "web";
  g.hits = 3;
  p.stats.push_back(StatsBucket{10, 20, {g}, 0});
  const std::string body = encodeClientStatsPayloadMsgpack(p);
  ReceiverResponse ok = r.handle({"/v0.6/stats", {{"datadog-meta-lang", "python"}, {"datadog-meta-tracer-version", "2.1"}}, body});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(std::get<0>(got[0]), p);
  EXPECT_EQ(std::get<1>(got[0]), "python");
  EXPECT_EQ(std::get<2>(got[0]), "2.1");
  ReceiverResponse bad = r.handle({"/v0.6/stats", {}, body.substr(0, body.size() - 2)});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("unexpected end"), std::string::npos) << bad.body;
  EXPECT_EQ(r.handle({"/v0.6/stats", {}, std::string(5000, 'x')}).status, 413);
  EXPECT_EQ(r.counters().stats_payloads, 1u);
  EXPECT_EQ(r.counters().stats_payloads_refused, 2u);
}

}  // namespace
}  // namespace ddsim::trace
