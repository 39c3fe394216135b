// `ddsim serverless` as a child process against a scripted Lambda (Extensions + Telemetry APIs)
// on loopback and an in-process fakeintake: registration, INVOKE x3 with platform events posted
// to the extension's /lambda/logs, SHUTDOWN, and what the intake received (spec §7).
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "core/common/clock.h"
#include "tests/integration/agent_fixture.h"
#include "tests/support/fake_lambda.h"
#include "tests/support/child_process.h"
#include "tests/unit/serverless/fake_aws.h"
#include "tests/support/poll.h"
#include "tests/support/trace_payloads.h"

namespace ddsim::testing {
namespace {

std::string invokeEvent(const std::string& id,
                        std::chrono::milliseconds in = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::minutes(5))) {
  const auto deadline = std::chrono::duration_cast<std::chrono::milliseconds>(
                            common::SystemClock::instance().systemNow().time_since_epoch() + in)
                            .count();
  return nlohmann::json{{"eventType", "INVOKE"},
                        {"deadlineMs", deadline},
                        {"requestId", id},
                        {"invokedFunctionArn", "arn:aws:lambda:us-east-1:123456789012:function:my-fn:prod"}}
      .dump();
}

std::string platformBatch(const std::string& id) {
  return nlohmann::json::array(
             {{{"time", "2026-12-02T10:00:00.000Z"}, {"type", "platform.start"}, {"record", {{"requestId", id}}}},
              {{"time", "2026-12-02T10:00:00.010Z"}, {"type", "function"}, {"record", "hello from " + id}},
              {{"time", "2026-12-02T10:00:00.200Z"},
               {"type", "platform.runtimeDone"},
               {"record", {{"requestId", id}, {"status", "success"}, {"metrics", {{"durationMs", 200.0}}}}}},
              {{"time", "2026-12-02T10:00:00.250Z"},
               {"type", "platform.report"},
               {"record",
                {{"requestId", id},
                 {"status", "success"},
                 {"metrics",
                  {{"durationMs", 250.0}, {"billedDurationMs", 250}, {"memorySizeMB", 512}, {"maxMemoryUsedMB", 64}}}}}}})
      .dump();
}

// The fakeintake and temporary directory of the agent tests (agent_fixture.h).
class ServerlessCommandTest : public AgentIntakeTest {
 protected:
  void TearDown() override {
    std::remove((dir_ + "/cache.json").c_str());
    AgentIntakeTest::TearDown();
  }
  std::vector<std::string> env(const std::string& strategy) const {
    return {"DD_API_KEY=0123456789abcdef0123456789abcdef",
            "DD_DD_URL=" + server_->url(),
            "DD_SERVERLESS_FLUSH_STRATEGY=" + strategy,
            "DD_LOG_LEVEL=debug",
            "DD_DOGSTATSD_PORT=-1",
            "DD_APM_RECEIVER_PORT=-1",
            "DD_SERIALIZER_COMPRESSOR_KIND=none",
            "AWS_LAMBDA_RUNTIME_API=" + lambda_.hostPort(),
            "AWS_REGION=us-east-1",
            "LAMBDA_TASK_ROOT=" + dir_};
  }
  std::set<std::string> names(bool sketches) {
    std::set<std::string> out;
    for (const auto& p : handler_->store().all(0, common::SystemClock::instance().systemNow())) {
      if (!p->decoded) continue;
      if (sketches) {
        if (auto* v = std::get_if<std::vector<fakeintake::DecodedSketch>>(&p->decoded->items)) {
          for (const auto& s : *v) out.insert(s.metric);
        }
      } else if (auto* v = std::get_if<std::vector<fakeintake::DecodedSeries>>(&p->decoded->items)) {
        for (const auto& s : *v) out.insert(s.metric);
      }
    }
    return out;
  }
  std::string rawOf(const std::string& route) {
    std::string all;
    for (const auto& p : handler_->store().all(0, common::SystemClock::instance().systemNow())) {
      if (p->route == route) all += p->raw;
    }
    return all;
  }
  size_t count(const std::string& route) { return handler_->store().countsByRoute()[route]; }
  // The communication server's http://host:port, from the Telemetry subscription's destination.
  std::string commBase() {
    const auto sub = nlohmann::json::parse(lambda_.with([](const FakeLambda& l) { return l.subscription_; }));
    const std::string uri = sub["destination"]["URI"];
    const auto rest = uri.substr(std::string("http://").size());
    return "http://" + rest.substr(0, rest.find('/'));
  }
  // Posts `body` to the extension's Telemetry destination (from the subscription).
  int postTelemetry(const std::string& body) {
    httplib::Client c(commBase());
    auto res = c.Post("/lambda/logs", body, "application/json");
    return res ? res->status : -1;
  }
  // The extension's log so far (stderr is read only when waited on), for failure messages.
  static std::string logOf(ChildProcess& p) {
    p.waitForErrorOutput([](const std::string&) { return false; }, std::chrono::milliseconds(200));
    return p.err();
  }
  // Waits until the extension has logged (stderr) the port `parse` finds; 0 if it never does.
  static int loggedPort(ChildProcess& p, int (*parse)(const std::string&)) {
    pollUntil([&] {
      p.waitForOutput([](const std::string&) { return false; }, std::chrono::milliseconds(1));
      return parse(p.err()) > 0;
    });
    return parse(p.err());
  }
  static int traceReceiverPort(const std::string& err) {
    std::smatch m;
    static const std::regex re(R"(Trace receiver on 127\.0\.0\.1:(\d+))");
    return std::regex_search(err, m, re) ? std::stoi(m[1]) : 0;
  }

  FakeLambda lambda_;
};

TEST_F(ServerlessCommandTest, ThreeInvocationsAndShutdownFlushAtTheEnd) {
  ChildProcess p({DDSIM_BINARY, "serverless", "--port", "0", "--cache-file", dir_ + "/cache.json"}, env("end"));
  ASSERT_TRUE(p.started());
  // Registration, subscription, then the first event/next.
  ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= 1; })) << p.err();
  lambda_.with([](const FakeLambda& l) {
    EXPECT_EQ(l.register_name_, "datadog-agent");
    EXPECT_EQ(l.register_feature_, "accountId");
    EXPECT_EQ(nlohmann::json::parse(l.register_body_)["events"], nlohmann::json({"INVOKE", "SHUTDOWN"}));
    EXPECT_EQ(l.next_id_, "ext-0001");
    const auto sub = nlohmann::json::parse(l.subscription_);
    EXPECT_EQ(sub["schemaVersion"], "2022-07-01");
    EXPECT_EQ(sub["buffering"]["timeoutMs"], 25);
    return 0;
  });
  EXPECT_EQ(postTelemetry("{not json"), 400) << "a bad batch is refused, the server keeps serving";

  for (int i = 1; i <= 3; ++i) {
    const std::string id = "req-" + std::to_string(i);
    const size_t series_before = count("/api/v1/series");
    lambda_.push(invokeEvent(id));
    // With flush-at-end the extension holds event/next until the runtime is done.
    ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= i; }));
    ASSERT_EQ(postTelemetry(platformBatch(id)), 200);
    ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= i + 1; })) << p.err();
    EXPECT_GT(count("/api/v1/series"), series_before) << "one flush per invocation at runtime-done";
  }
  lambda_.push(R"({"eventType":"SHUTDOWN","shutdownReason":"spindown","deadlineMs":0})");
  const auto rc = p.wait(kHangGuard);
  ASSERT_TRUE(rc.has_value()) << p.err();
  EXPECT_EQ(*rc, 0) << p.err();

  const auto sketches = names(true);
  for (const char* m : {"aws.lambda.enhanced.invocations", "aws.lambda.enhanced.runtime_duration",
                        "aws.lambda.enhanced.duration", "aws.lambda.enhanced.billed_duration",
                        "aws.lambda.enhanced.estimated_cost", "aws.lambda.enhanced.post_runtime_duration"}) {
    EXPECT_TRUE(sketches.count(m)) << m;
  }
  EXPECT_EQ(count("/api/v2/series"), 0u) << "serverless sends v1 series";
  const std::string logs = rawOf("/api/v2/logs");
  for (const char* line : {"hello from req-1", "hello from req-2", "hello from req-3"}) {
    EXPECT_NE(logs.find(line), std::string::npos) << line;
  }
  // The state saved at SHUTDOWN, 0600.
  std::ifstream in(dir_ + "/cache.json");
  ASSERT_TRUE(in.good());
  const auto state = nlohmann::json::parse(in);
  EXPECT_EQ(state["LastRequestID"], "req-3");
  EXPECT_EQ(state["ColdstartRequestID"], "req-1");
  EXPECT_EQ(state["ARN"], "arn:aws:lambda:us-east-1:123456789012:function:my-fn");
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/cache.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ServerlessCommandTest, NoApiKeyRegistersAndIdles) {
  auto e = env("end");
  e[0] = "DD_API_KEY=";
  ChildProcess p({DDSIM_BINARY, "serverless", "--port", "0", "--cache-file", dir_ + "/cache.json"}, e);
  ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= 1; })) << p.err();
  lambda_.push(invokeEvent("ignored"));
  ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= 2; })) << "events are ignored, the loop goes on";
  lambda_.push(R"({"eventType":"SHUTDOWN","shutdownReason":"spindown"})");
  const auto rc = p.wait(kHangGuard);
  ASSERT_TRUE(rc.has_value());
  EXPECT_EQ(*rc, 0);
  EXPECT_NE(p.err().find("No API key configured"), std::string::npos) << p.err();
  EXPECT_EQ(count("/api/v1/series"), 0u);
  EXPECT_TRUE(lambda_.with([](const FakeLambda& l) { return l.subscription_.empty(); }));
}

TEST_F(ServerlessCommandTest, SigtermStopsCleanly) {
  ChildProcess p({DDSIM_BINARY, "serverless", "--port", "0", "--cache-file", dir_ + "/cache.json"}, env("end"));
  ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= 1; })) << p.err();
  p.signal(SIGTERM);
  const auto rc = p.wait(kHangGuard);
  ASSERT_TRUE(rc.has_value()) << p.err();
  EXPECT_EQ(*rc, 130) << p.err();
}

TEST(ServerlessCommandHelp, ListedAndDocumented) {
  ChildProcess top({DDSIM_BINARY, "--help"});
  ASSERT_EQ(top.wait(kHangGuard), 0);
  EXPECT_NE(top.out().find("serverless"), std::string::npos) << top.out();
  ChildProcess help({DDSIM_BINARY, "serverless", "--help"});
  ASSERT_EQ(help.wait(kHangGuard), 0);
  for (const char* s : {"--port", "--cache-file", "AWS_LAMBDA_RUNTIME_API", "DD_SERVERLESS_FLUSH_STRATEGY"}) {
    EXPECT_NE(help.out().find(s), std::string::npos) << s;
  }
}

// DogStatsD in serverless mode: a client's metric reaches the intake with the invocation's
// flush; the enhanced invocations metric is blocklisted on the socket (only the extension sends it).
TEST_F(ServerlessCommandTest, DogStatsdMetricsAreFlushedWithTheInvocation) {
  ChildProcess p({DDSIM_BINARY, "serverless", "--port", "0", "--cache-file", dir_ + "/cache.json"}, env("end"));
  // The extension logs (to stderr) where DogStatsD listens.
  ASSERT_GT(loggedPort(p, udpPort), 0) << p.err();
  ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= 1; })) << p.err();
  sendUdp(udpPort(p.err()), "fn.orders:3|c|#shop:eu\nfn.spoof:1|c|#host:other\n");
  // The datagram is read by the listener thread at its own pace: invocations (each flushing at
  // its end) until the counter has arrived.
  int n = 0;
  const bool arrived = pollUntil([&] { return names(false).count("fn.orders") > 0; }, [&] {
    const std::string id = "d-" + std::to_string(++n);
    const int calls = lambda_.nextCalls();
    lambda_.push(invokeEvent(id));
    postTelemetry(platformBatch(id));
    pollUntil([&] { return lambda_.nextCalls() > calls; });
  });
  EXPECT_TRUE(arrived) << p.err();
  lambda_.push(R"({"eventType":"SHUTDOWN","shutdownReason":"spindown"})");
  ASSERT_TRUE(p.wait(kHangGuard).has_value());
  const auto series = names(false);
  EXPECT_TRUE(series.count("fn.orders")) << "the client's counter was flushed";
  for (const auto& pl : handler_->store().all(0, common::SystemClock::instance().systemNow())) {
    if (auto* v = pl->decoded ? std::get_if<std::vector<fakeintake::DecodedSeries>>(&pl->decoded->items) : nullptr) {
      for (const auto& s : *v) EXPECT_EQ(s.host(), "") << s.metric << ": serverless samples have no host";
    }
  }
}

// Periodic: a flush at each invocation's start (interval 1 ms), no wait for runtime-done, and no
// final flush at SHUTDOWN (spec §7.4).
TEST_F(ServerlessCommandTest, PeriodicFlushesAtStartAndNotAtShutdown) {
  ChildProcess p({DDSIM_BINARY, "serverless", "--port", "0", "--cache-file", dir_ + "/cache.json"},
                 env("periodically,1"));
  ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= 1; })) << p.err();
  for (int i = 1; i <= 3; ++i) {
    // The strategy flushes at an invocation's start only when more than its 1 ms interval has
    // passed since the last flush (strategy.go Periodically.ShouldFlush): two invocations within
    // the same millisecond rightly share one flush, so let the interval pass first. (Without
    // this pause the test hung for its 180 s guard about one run in twenty under load.)
    if (i > 1) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    lambda_.push(invokeEvent("p-" + std::to_string(i)));
    // No telemetry is posted: a periodic extension goes back to event/next at once.
    ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= i + 1; })) << logOf(p);
    ASSERT_TRUE(pollUntil([&] { return count("/api/v1/series") >= static_cast<size_t>(i); }))
        << "invocation " << i << ", series payloads " << count("/api/v1/series") << "\n" << logOf(p);
  }
  const size_t before_shutdown = count("/api/v1/series");
  lambda_.push(R"({"eventType":"SHUTDOWN","shutdownReason":"spindown"})");
  const auto rc = p.wait(kHangGuard);
  ASSERT_TRUE(rc.has_value());
  EXPECT_EQ(*rc, 0) << p.err();
  EXPECT_EQ(count("/api/v1/series"), before_shutdown) << "no final flush with a periodic strategy";
  // Each start sends the invocations metric before its flush (spec §7.2 order).
  EXPECT_TRUE(names(true).count("aws.lambda.enhanced.invocations"));
}

// A runtime that never reports done: the deadline (minus 20 ms) releases the loop; a SHUTDOWN
// with reason timeout sends timeouts and errors, flushed at the end.
TEST_F(ServerlessCommandTest, DeadlineAndTimeoutShutdown) {
  ChildProcess p({DDSIM_BINARY, "serverless", "--port", "0", "--cache-file", dir_ + "/cache.json"}, env("end"));
  ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= 1; })) << p.err();
  lambda_.push(invokeEvent("slow", std::chrono::milliseconds(300)));
  ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= 2; })) << "the deadline forced runtime-done";
  lambda_.push(R"({"eventType":"SHUTDOWN","shutdownReason":"timeout"})");
  const auto rc = p.wait(kHangGuard);
  ASSERT_TRUE(rc.has_value());
  EXPECT_EQ(*rc, 0) << p.err();
  const auto sketches = names(true);
  EXPECT_TRUE(sketches.count("aws.lambda.enhanced.timeouts"));
  EXPECT_TRUE(sketches.count("aws.lambda.enhanced.errors"));
  EXPECT_TRUE(sketches.count("aws.lambda.enhanced.invocations"));
}

// The API key from KMS (function-name encryption context), decrypted through a scripted KMS that
// checks the SigV4 signature; the intake sees the decrypted key.
TEST_F(ServerlessCommandTest, KmsEncryptedApiKey) {
  serverless::testing::FakeAws aws;
  auto e = env("end");
  e[0] = "DD_KMS_API_KEY=" + serverless::testing::fakeEncrypt("kmskey00000000000000000000abcde", "my-fn");
  for (const std::string& v :
       {std::string("AWS_ACCESS_KEY_ID=") + serverless::testing::kAccessKey,
        std::string("AWS_SECRET_ACCESS_KEY=") + serverless::testing::kSecretKey, std::string("AWS_SESSION_TOKEN=t"),
        std::string("AWS_LAMBDA_FUNCTION_NAME=my-fn"), "AWS_ENDPOINT_URL_KMS=" + aws.url()}) {
    e.push_back(v);
  }
  ChildProcess p({DDSIM_BINARY, "serverless", "--port", "0", "--cache-file", dir_ + "/cache.json"}, e);
  ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= 1; })) << p.err();
  lambda_.push(invokeEvent("k-1"));
  ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= 1; }));
  ASSERT_EQ(postTelemetry(platformBatch("k-1")), 200);
  ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= 2; })) << p.err();
  lambda_.push(R"({"eventType":"SHUTDOWN","shutdownReason":"spindown"})");
  ASSERT_TRUE(p.wait(kHangGuard).has_value());
  EXPECT_EQ(aws.badSignatures(), 0);
  EXPECT_EQ(aws.server().count("POST"), 2u) << "without, then with the encryption context";
  bool seen = false;
  for (const auto& pl : handler_->store().all(0, common::SystemClock::instance().systemNow())) {
    seen = seen || (pl->route == "/api/v1/series" && pl->api_key.find("abcde") != std::string::npos);
  }
  EXPECT_TRUE(seen) << "series sent with the decrypted key";
}

// The invocation lifecycle and the trace agent (spec §7; the agent's invocationlifecycle): a
// tracer without a Datadog Lambda library posts /lambda/start-invocation with its trace context,
// reads /trace-context, sends a v0.4 trace to the receiver, posts /lambda/end-invocation; the
// flush at runtime-done sends the function's spans and the extension's "aws.lambda" execution
// span, in the same trace, to /api/v0.2/traces, and their stats reach /api/v0.2/stats.
TEST_F(ServerlessCommandTest, InvocationLifecycleAndTracesReachTheIntake) {
  // The samplers' budgets as the agent's variables name them (pkg/config/setup/apm.go).
  auto vars = env("end");
  vars.push_back("DD_APM_MAX_TPS=4");
  vars.push_back("DD_APM_ERROR_TPS=3");
  ChildProcess p({DDSIM_BINARY, "serverless", "--port", "0", "--cache-file", dir_ + "/cache.json"}, vars);
  const int trace_port = loggedPort(p, traceReceiverPort);
  ASSERT_GT(trace_port, 0) << p.err();
  ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= 1; })) << p.err();
  httplib::Client comm(commBase());

  lambda_.push(invokeEvent("t-1"));
  // The end reads the request id the extension took from INVOKE: let it take it first.
  ASSERT_TRUE(p.waitForErrorOutput(
      [](const std::string& e) { return e.find("Invocation t-1 started") != std::string::npos; }, kHangGuard))
      << p.err();
  auto start = comm.Post("/lambda/start-invocation", {{"x-datadog-trace-id", "4242"}, {"x-datadog-parent-id", "17"}},
                         R"({"key": "the event"})", "application/json");
  ASSERT_TRUE(start);
  EXPECT_EQ(start->get_header_value("x-datadog-trace-id"), "4242");
  EXPECT_EQ(start->get_header_value("x-datadog-sampling-priority"), "1");
  auto ctx = comm.Get("/trace-context");
  ASSERT_TRUE(ctx);
  EXPECT_EQ(ctx->get_header_value("x-datadog-trace-id"), "4242");
  const uint64_t exec_span = std::stoull(ctx->get_header_value("x-datadog-span-id"));

  // The function's own trace: a child of the execution span.
  trace::Traces traces = {{trace::testing::makeSpan("checkout", "handler", 4242, 900, exec_span)}};
  httplib::Client receiver("127.0.0.1", trace_port);
  auto put = receiver.Put("/v0.4/traces", {{"X-Datadog-Trace-Count", "1"}}, trace::testing::packV04(traces),
                          "application/msgpack");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 200);
  auto end = comm.Post("/lambda/end-invocation", {{"x-datadog-invocation-error", "true"}}, "{}", "application/json");
  ASSERT_TRUE(end);
  ASSERT_EQ(postTelemetry(platformBatch("t-1")), 200);
  ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= 2; })) << p.err();
  lambda_.push(R"({"eventType":"SHUTDOWN","shutdownReason":"spindown"})");
  ASSERT_TRUE(p.wait(kHangGuard).has_value()) << p.err();

  std::map<std::string, fakeintake::DecodedSpan> spans;
  for (const auto& pl : handler_->store().all(0, common::SystemClock::instance().systemNow())) {
    auto* v = pl->decoded ? std::get_if<std::vector<fakeintake::DecodedAgentPayload>>(&pl->decoded->items) : nullptr;
    for (const auto& ap : v ? *v : std::vector<fakeintake::DecodedAgentPayload>{}) {
      EXPECT_EQ(ap.target_tps, 4);
      EXPECT_EQ(ap.error_tps, 3);
      for (const auto& tp : ap.tracer_payloads) {
        for (const auto& c : tp.chunks) {
          for (const auto& s : c.spans) spans[s.name] = s;
        }
      }
    }
  }
  ASSERT_TRUE(spans.count("handler")) << "the function's trace was sent; " << p.err();
  ASSERT_TRUE(spans.count("aws.lambda")) << "the execution span was sent; " << p.err();
  const auto& e = spans["aws.lambda"];
  EXPECT_EQ(e.trace_id, 4242u);
  EXPECT_EQ(e.parent_id, 17u);
  EXPECT_EQ(e.span_id, exec_span);
  EXPECT_EQ(e.error, 1);
  EXPECT_EQ(e.type, "serverless");
  EXPECT_EQ(e.meta.at("request_id"), "t-1");
  EXPECT_EQ(e.meta.at("cold_start"), "true");
  EXPECT_EQ(spans["handler"].trace_id, 4242u);
  EXPECT_EQ(spans["handler"].parent_id, exec_span);

  // Stats (the serverless trace agent computes them before sampling, sends them at its flush
  // points and at stop): the intake decoded one group per top-level span, counted once.
  std::map<std::string, fakeintake::DecodedGroupedStats> groups;
  int stats_payloads = 0;
  for (const auto& pl : handler_->store().all(0, common::SystemClock::instance().systemNow())) {
    auto* v = pl->decoded ? std::get_if<std::vector<fakeintake::DecodedStatsPayload>>(&pl->decoded->items) : nullptr;
    if (!v) continue;
    EXPECT_EQ(pl->route, "/api/v0.2/stats");
    for (const auto& sp : *v) {
      ++stats_payloads;
      EXPECT_EQ(sp.agent_env, "none");
      for (const auto& c : sp.stats) {
        for (const auto& b : c.stats) {
          for (const auto& g : b.stats) {
            auto& sum = groups[g.name];
            sum.service = g.service;
            sum.hits += g.hits;
            sum.errors += g.errors;
            sum.top_level_hits += g.top_level_hits;
          }
        }
      }
    }
  }
  ASSERT_GT(stats_payloads, 0) << "no stats payload reached the intake; " << p.err();
  ASSERT_TRUE(groups.count("handler") && groups.count("aws.lambda")) << p.err();
  EXPECT_EQ(groups["handler"].service, "checkout");
  EXPECT_EQ(groups["handler"].hits, 1u);
  EXPECT_EQ(groups["handler"].top_level_hits, 1u);  // its parent, the execution span, is another service
  EXPECT_EQ(groups["handler"].errors, 0u);
  EXPECT_EQ(groups["aws.lambda"].hits, 1u);
  EXPECT_EQ(groups["aws.lambda"].errors, 1u);  // x-datadog-invocation-error
}


// The runtime-API proxy (DD_EXPERIMENTAL_ENABLE_PROXY=true) in front of a scripted Runtime API:
// the runtime's /next through the proxy starts the invocation (the event's trace context), its
// /error ends it; the execution span (error 1, in the event's trace) reaches the intake.
TEST_F(ServerlessCommandTest, RuntimeApiProxyObservesTheInvocation) {
  httplib::Server runtime_api;
  runtime_api.Get("/2018-06-01/runtime/invocation/next", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Lambda-Runtime-Aws-Request-Id", "x-1");
    res.set_content(R"({"headers": {"x-datadog-trace-id": "5150", "x-datadog-parent-id": "8"}})", "application/json");
  });
  runtime_api.Post("/2018-06-01/runtime/invocation/x-1/error", [](const httplib::Request&, httplib::Response& res) {
    res.status = 202;
  });
  const int api_port = runtime_api.bind_to_any_port("127.0.0.1");
  std::thread api_thread([&] { runtime_api.listen_after_bind(); });
  auto e = env("end");
  e.push_back("DD_EXPERIMENTAL_ENABLE_PROXY=true");
  ChildProcess p({DDSIM_BINARY, "serverless", "--port", "0", "--cache-file", dir_ + "/cache.json", "--proxy-port",
                  "0", "--proxy-target", "127.0.0.1:" + std::to_string(api_port)},
                 e);
  const int proxy_port = loggedPort(p, [](const std::string& err) {
    std::smatch m;
    static const std::regex re(R"(Runtime API proxy on 127\.0\.0\.1:(\d+))");
    return std::regex_search(err, m, re) ? std::stoi(m[1]) : 0;
  });
  ASSERT_GT(proxy_port, 0) << p.err();
  ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= 1; })) << p.err();
  lambda_.push(invokeEvent("x-1"));
  // The proxy's end reads the request id the extension took from INVOKE: let it take it first
  // (Lambda sends INVOKE to extensions and the event to the runtime at the same time).
  ASSERT_TRUE(p.waitForErrorOutput(
      [](const std::string& e) { return e.find("Invocation x-1 started") != std::string::npos; }, kHangGuard))
      << p.err();
  httplib::Client runtime("127.0.0.1", proxy_port);
  auto next = runtime.Get("/2018-06-01/runtime/invocation/next");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->get_header_value("Lambda-Runtime-Aws-Request-Id"), "x-1");
  auto err = runtime.Post("/2018-06-01/runtime/invocation/x-1/error", R"({"errorType":"Boom"})", "application/json");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->status, 202);
  ASSERT_EQ(postTelemetry(platformBatch("x-1")), 200);
  ASSERT_TRUE(pollUntil([&] { return lambda_.nextCalls() >= 2; })) << p.err();
  lambda_.push(R"({"eventType":"SHUTDOWN","shutdownReason":"spindown"})");
  ASSERT_TRUE(p.wait(kHangGuard).has_value()) << p.err();
  runtime_api.stop();
  api_thread.join();

  bool found = false;
  for (const auto& pl : handler_->store().all(0, common::SystemClock::instance().systemNow())) {
    auto* v = pl->decoded ? std::get_if<std::vector<fakeintake::DecodedAgentPayload>>(&pl->decoded->items) : nullptr;
    for (const auto& ap : v ? *v : std::vector<fakeintake::DecodedAgentPayload>{}) {
      for (const auto& tp : ap.tracer_payloads) {
        for (const auto& c : tp.chunks) {
          for (const auto& s : c.spans) {
            if (s.name != "aws.lambda") continue;
            found = true;
            EXPECT_EQ(s.trace_id, 5150u);
            EXPECT_EQ(s.parent_id, 8u);
            EXPECT_EQ(s.error, 1);
            EXPECT_EQ(s.meta.at("request_id"), "x-1");
          }
        }
      }
    }
  }
  EXPECT_TRUE(found) << "the execution span reached the intake; " << p.err();
}

}  // namespace
}  // namespace ddsim::testing
