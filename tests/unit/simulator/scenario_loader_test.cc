#include "simulator/scenario/scenario_loader.h"

#include <gtest/gtest.h>

namespace ddsim::scenario {
namespace {

TEST(ScenarioLoaderTest, ReadsAFullScenario) {
  auto r = parseScenarioText(R"({
    "name": "outage",
    "description": "503s for five minutes",
    "seed": 42,
    "duration": "15m",
    "mode": "virtual",
    "intake": "inprocess",
    "agent": {"forwarder_num_workers": 2, "serializer_compressor_kind": "zlib", "use_v2_api.series": false},
    "workloads": [
      {"type": "dogstatsd", "contexts": 10000, "tags_per_metric": [2, 6],
       "metric_weights": {"count": 1, "gauge": 1},
       "rate": {"kind": "linear", "from": 100, "to": 1000, "over": "5m"}, "transport": "udp"},
      {"type": "checks", "checks": 3, "metrics_per_check": 20, "interval": "15s"},
      {"type": "events", "rate": 0.5, "source_types": 3},
      {"type": "service_checks", "rate": {"kind": "constant", "per_second": 1}},
      {"type": "orchestrator", "interval": "10s", "resources": 5},
      {"type": "replay", "file": "../tests/data/datadog-capture.dog", "speed": 0}
    ],
    "faults": [
      {"kind": "intake", "at": "2m", "until": "7m", "route": "/api/v2/series", "rule": {"status": 503}},
      {"kind": "restart", "at": "8m", "downtime": "30s"}
    ],
    "expect": [
      {"kind": "delivery", "no_loss": true, "min_retries": 1},
      {"kind": "drops", "reason": "retry_queue_overflow", "max": 0},
      {"kind": "metric", "name": "app.requests", "tags": ["env:test"], "aggregate": "sum", "value": 100, "tolerance": 0.01},
      {"kind": "payload_size", "endpoint": "/api/v2/series", "max_compressed": 512000},
      {"kind": "flush_duration", "max": "2s"},
      {"kind": "violations", "max": 0}
    ]
  })", "outage.json");
  ASSERT_TRUE(r.isOk()) << r.status().message();
  const Scenario& s = *r;
  EXPECT_EQ(s.name, "outage");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_DOUBLE_EQ(s.duration, 900);
  EXPECT_EQ(s.intake, IntakeTransport::kInProcess);
  EXPECT_EQ(s.agent["forwarder_num_workers"], 2);
  ASSERT_EQ(s.workloads.size(), 6u);
  const auto& d = std::get<DogStatsDWorkload>(s.workloads[0]);
  EXPECT_EQ(d.contexts, 10000);
  EXPECT_EQ(d.transport, SampleTransport::kUdp);
  EXPECT_EQ(d.tags_per_metric, (Range{2, 6}));
  EXPECT_EQ(d.weight_timer, 0);
  EXPECT_EQ(d.rate.kind, RateProfile::Kind::kLinear);
  EXPECT_DOUBLE_EQ(d.rate.over, 300);
  EXPECT_DOUBLE_EQ(std::get<EventWorkload>(s.workloads[2]).rate.rate, 0.5);
  ASSERT_EQ(s.faults.size(), 2u);
  EXPECT_DOUBLE_EQ(*std::get<IntakeFault>(s.faults[0]).until, 420);
  EXPECT_DOUBLE_EQ(std::get<RestartFault>(s.faults[1]).downtime, 30);
  ASSERT_EQ(s.expectations.size(), 6u);
  EXPECT_EQ(*std::get<DeliveryExpectation>(s.expectations[0]).min_retries, 1);
  EXPECT_DOUBLE_EQ(std::get<FlushDurationExpectation>(s.expectations[4]).max_seconds, 2);
}

struct BadCase {
  const char* json;
  const char* expected;  // one line of the error message
};

template <size_t N>
void expectRejected(const BadCase (&cases)[N]) {
  for (const auto& c : cases) {
    auto r = parseScenarioText(c.json, "bad.json");
    ASSERT_FALSE(r.isOk()) << c.json;
    EXPECT_NE(r.status().message().find(c.expected), std::string::npos)
        << "input: " << c.json << "\nmessage: " << r.status().message();
  }
}

TEST(ScenarioLoaderTest, MalformedScenariosNameTheFileThePathAndWhatWasExpected) {
  const BadCase cases[] = {
      {R"({"duration": 10})", "bad.json: $.name: is required"},
      {R"({"name": "x"})", "bad.json: $.duration: is required"},
      {R"({"name": "x", "duration": "ten"})", "bad.json: $.duration: bad duration 'ten'"},
      {R"({"name": "x", "duration": 10, "mode": "fast"})",
       "bad.json: $.mode: expected one of virtual, realtime, got \"fast\""},
      {R"({"name": "x", "duration": 10, "durations": 3})", "bad.json: $.durations: unknown key"},
      {R"({"name": "x", "duration": 10, "agent": {"forwarder_num_workers": "many"}})",
       "bad.json: $.agent.forwarder_num_workers: forwarder_num_workers: expected integer"},
      {R"({"name": "x", "duration": 10, "agent": {"no_such_key": 1}})",
       "bad.json: $.agent.no_such_key: unknown agent config key 'no_such_key'"},
      {R"({"name": "x", "duration": 10, "workloads": [{"type": "dogstatsd", "contexts": 0, "rate": 1}]})",
       "bad.json: $.workloads[0].contexts: expected an integer in [1, 100000000], got 0"},
      {R"({"name": "x", "duration": 10, "workloads": [{"type": "dogstatsd", "rate": {"kind": "ramp"}}]})",
       "bad.json: $.workloads[0].rate.kind: expected one of constant, linear, step, burst, got \"ramp\""},
      {R"({"name": "x", "duration": 10, "workloads": [{"type": "dogstatsd"}]})",
       "bad.json: $.workloads[0].rate: is required"},
      {R"({"name": "x", "duration": 10, "workloads": [{"type": "dogstatsd", "rate": 1, "tag_length": [9, 3]}]})",
       "bad.json: $.workloads[0].tag_length: expected min <= max"},
      {R"({"name": "x", "duration": 10, "workloads": [{"type": "telepathy"}]})",
       "bad.json: $.workloads[0].type: expected one of dogstatsd, checks, events, service_checks, orchestrator, replay, traces"},
      {R"({"name": "x", "duration": 10, "faults": [{"kind": "intake", "at": 5, "until": 2, "rule": {}}]})",
       "bad.json: $.faults[0].until: must be after `at`"},
      {R"({"name": "x", "duration": 10, "faults": [{"kind": "intake", "at": 5, "route": "api"}]})",
       "bad.json: $.faults[0].route: expected \"*\" or a path starting with '/'"},
      {R"({"name": "x", "duration": 10, "expect": [{"kind": "metric", "value": 1}]})",
       "bad.json: $.expect[0].name: is required"},
      {R"({"name": "x", "duration": 10, "expect": "all good"})", "bad.json: $.expect: expected a list"},
      {R"([1, 2])", "bad.json: $: expected an object"},
      {R"({"name": "x", )", "bad.json: invalid JSON at byte"},
      // Issue 11: a number no double holds is a path error, not an abort.
      {R"({"name": "x", "duration": 10, "workloads": [{"type": "dogstatsd", "contexts": 1e400, "rate": 1}]})",
       "bad.json: $.workloads[0].contexts: number overflow parsing '1e400'"},
      // Issue 11: the name is the report's file name; a fault after the end never happens.
      {R"({"name": "../../etc/x", "duration": 10})", "bad.json: $.name: expected letters, digits"},
      {R"({"name": "", "duration": 10})", "bad.json: $.name: expected letters, digits"},
      {R"({"name": "x", "duration": 10, "drain": 5, "faults": [{"kind": "restart", "at": 15}]})",
       "bad.json: $.faults[0].at: is after the run's end (10 s of load + 5 s of drain)"},
      {R"({"name": "x", "duration": "1m", "faults": [{"kind": "intake", "at": "2h", "rule": {}}]})",
       "bad.json: $.faults[0].at: is after the run's end"},
  };
  expectRejected(cases);
}

// The traces workload and its expectations (docs/scenarios.md "traces").
TEST(ScenarioLoaderTest, ReadsATracesWorkloadAndItsExpectations) {
  auto r = parseScenarioText(R"({"name": "t", "duration": "1m", "workloads": [
      {"type": "traces", "name": "api", "protocol": "v0.5", "rate": {"kind": "constant", "per_second": 50},
       "traces_per_payload": [2, 4], "spans_per_trace": 3, "depth": 2, "services": 7, "operations": 8,
       "resources": 9, "tags_per_span": [1, 2], "metrics_per_span": 0, "duration_ms": [5, 10], "error_ratio": 0.25,
       "invalid_ratio": 0.5, "sampling_weights": {"auto": 3, "user_keep": 1}, "env": "prod", "language": "go", "client_stats": true, "start": "5s", "stop": "50s"}],
    "expect": [{"kind": "traces", "check": "spans_delivered", "value": 12},
               {"kind": "traces", "check": "sampled_out", "reason": "priority_sampler", "min": 1, "max": 9},
               {"kind": "traces", "check": "kept_rate", "value": 10, "tolerance": 0.2, "after": "30s"}]})",
                             "t.json");
  ASSERT_TRUE(r.isOk()) << r.status().message();
  const auto& w = std::get<TraceWorkload>(r->workloads.at(0));
  EXPECT_EQ(w.name, "api");
  EXPECT_EQ(w.protocol, TraceProtocol::kV05);
  EXPECT_EQ(w.rate.rate, 50);
  EXPECT_EQ(w.traces_per_payload, (Range{2, 4}));
  EXPECT_EQ(w.spans_per_trace, (Range{3, 3}));
  EXPECT_EQ(w.depth, 2);
  EXPECT_EQ(w.services, 7);
  EXPECT_EQ(w.operations, 8);
  EXPECT_EQ(w.resources, 9);
  EXPECT_EQ(w.duration_ms, (Range{5, 10}));
  EXPECT_EQ(w.error_ratio, 0.25);
  EXPECT_EQ(w.invalid_ratio, 0.5);
  EXPECT_EQ(w.weight_auto, 3);
  EXPECT_EQ(w.weight_user_keep, 1);
  EXPECT_EQ(w.weight_none, 0);
  EXPECT_EQ(w.env, "prod");
  EXPECT_EQ(w.language, "go");
  EXPECT_TRUE(w.client_stats);
  EXPECT_EQ(w.start, 5);
  EXPECT_EQ(w.stop, 50);
  const auto& e0 = std::get<TraceExpectation>(r->expectations.at(0));
  EXPECT_EQ(e0.check, TraceExpectation::Check::kSpansDelivered);
  EXPECT_EQ(e0.value_count, 12);
  const auto& e1 = std::get<TraceExpectation>(r->expectations.at(1));
  EXPECT_EQ(e1.reason, "priority_sampler");
  EXPECT_EQ(e1.min, 1);
  EXPECT_EQ(e1.max, 9);
  const auto& e2 = std::get<TraceExpectation>(r->expectations.at(2));
  EXPECT_EQ(e2.check, TraceExpectation::Check::kKeptRate);
  EXPECT_EQ(e2.value, 10);
  EXPECT_EQ(e2.after, 30);

  const BadCase bad[] = {
      {R"({"name": "x", "duration": 10, "workloads": [{"type": "traces", "rate": 1, "protocol": "v0.7"}]})",
       "bad.json: $.workloads[0].protocol: expected one of v0.4, v0.5, got \"v0.7\""},
      {R"({"name": "x", "duration": 10, "workloads": [{"type": "traces", "rate": 1, "depth": 0}]})",
       "bad.json: $.workloads[0].depth: expected an integer in [1, 100], got 0"},
      {R"({"name": "x", "duration": 10, "workloads": [{"type": "traces", "rate": 1, "error_ratio": 2}]})",
       "bad.json: $.workloads[0].error_ratio:"},
      {R"({"name": "x", "duration": 10, "workloads": [{"type": "traces", "rate": 1, "sampling_weights": {"auto": 0}}]})",
       "bad.json: $.workloads[0].sampling_weights: at least one weight must be > 0"},
      {R"({"name": "x", "duration": 10, "workloads": [{"type": "traces", "rate": 1, "sampling_weights": {"keep": 1}}]})",
       "bad.json: $.workloads[0].sampling_weights.keep: unknown key"},
      {R"({"name": "x", "duration": 10, "workloads": [{"type": "traces", "rate": 1, "client_stats": "yes"}]})",
       "bad.json: $.workloads[0].client_stats: expected true or false, got "},
      {R"({"name": "x", "duration": 10, "workloads": [{"type": "traces"}]})", "bad.json: $.workloads[0].rate: is required"},
      {R"({"name": "x", "duration": 10, "expect": [{"kind": "traces", "check": "kept_rate"}]})",
       "bad.json: $.expect[0].value: is required"},
      {R"({"name": "x", "duration": 10, "expect": [{"kind": "traces", "check": "sampled_out"}]})",
       "bad.json: $.expect[0].min: give min, max or both"},
      {R"({"name": "x", "duration": 10, "expect": [{"kind": "traces", "check": "everything"}]})",
       "bad.json: $.expect[0].check: expected one of spans_delivered, sampled_out, kept_rate, stats"},
  };
  expectRejected(bad);
}

TEST(ScenarioLoaderTest, ReportsEveryErrorNotJustTheFirst) {
  auto r = parseScenarioText(R"({"name": 3, "duration": -1, "seed": "x"})", "s.json");
  ASSERT_FALSE(r.isOk());
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("$.name"), std::string::npos);
  EXPECT_NE(m.find("$.duration"), std::string::npos);
  EXPECT_NE(m.find("$.seed"), std::string::npos);
}

TEST(ScenarioLoaderTest, FaultRulesGoThroughTheInstalledValidator) {
  LoadOptions opts;
  opts.validate_fault_rule = [](const nlohmann::json& rule) -> std::string {
    return rule.contains("status") ? "" : "a rule needs a status";
  };
  auto r = parseScenarioText(R"({"name": "x", "duration": 10,
      "faults": [{"kind": "intake", "at": 1, "rule": {"latency": "2s"}}]})", "f.json", opts);
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("f.json: $.faults[0].rule: a rule needs a status"), std::string::npos);
}

TEST(ScenarioLoaderTest, MissingFileIsAClearError) {
  auto r = loadScenarioFile("/nonexistent/s.json");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().message(), "cannot open scenario file '/nonexistent/s.json'");
}

}  // namespace
}  // namespace ddsim::scenario
