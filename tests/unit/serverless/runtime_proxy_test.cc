// The runtime-API proxy against a scripted Runtime API: requests and answers pass through
// unchanged (status, body, Lambda-Runtime-* headers), /next answers start an invocation,
// /response and /error end it, an unreachable Runtime API is a 502 that names it.
#include "core/serverless/runtime_proxy.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <mutex>
#include <thread>
#include <vector>

namespace ddsim::serverless {
namespace {

constexpr const char* kNext = "/2018-06-01/runtime/invocation/next";

struct ScriptedRuntimeApi {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::mutex mu;
  std::vector<std::string> received;  // "METHOD path body"

  ScriptedRuntimeApi() {
    server.Get(kNext, [this](const httplib::Request& req, httplib::Response& res) {
      note(req);
      res.set_header("Lambda-Runtime-Aws-Request-Id", "req-1");
      res.set_header("Lambda-Runtime-Deadline-Ms", "1700000000000");
      res.set_content(R"({"headers": {"x-datadog-trace-id": "99"}})", "application/json");
    });
    server.Post(R"(/2018-06-01/runtime/invocation/([^/]+)/(response|error))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  note(req);
                  res.status = 202;
                  res.set_content(R"({"status":"OK"})", "application/json");
                });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
  }
  ~ScriptedRuntimeApi() {
    server.stop();
    thread.join();
  }
  void note(const httplib::Request& req) {
    std::lock_guard l(mu);
    received.push_back(req.method + " " + req.path + " " + req.body);
  }
};

TEST(RuntimeProxy, ForwardsAndObservesTheInvocation) {
  ScriptedRuntimeApi api;
  std::mutex mu;
  std::vector<std::string> seen;
  RuntimeProxyHooks hooks;
  hooks.on_start = [&](const std::string& event) {
    std::lock_guard l(mu);
    seen.push_back("start " + event);
  };
  hooks.on_end = [&](const std::string& payload, bool error) {
    std::lock_guard l(mu);
    seen.push_back(std::string(error ? "error " : "end ") + payload);
  };
  RuntimeProxy proxy({"127.0.0.1", 0, "127.0.0.1:" + std::to_string(api.port)}, hooks);
  auto port = proxy.start();
  ASSERT_TRUE(port.isOk()) << port.status().message();

  httplib::Client runtime("127.0.0.1", *port);
  auto next = runtime.Get(kNext);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->get_header_value("Lambda-Runtime-Aws-Request-Id"), "req-1");
  EXPECT_EQ(next->get_header_value("Lambda-Runtime-Deadline-Ms"), "1700000000000");
  EXPECT_EQ(next->body, R"({"headers": {"x-datadog-trace-id": "99"}})");
  auto done = runtime.Post("/2018-06-01/runtime/invocation/req-1/response", R"({"statusCode":200})",
                           "application/json");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 202);
  auto failed = runtime.Post("/2018-06-01/runtime/invocation/req-1/error", R"({"errorType":"Boom"})",
                             "application/json");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 202);

  EXPECT_EQ(seen, (std::vector<std::string>{"start {\"headers\": {\"x-datadog-trace-id\": \"99\"}}",
                                            "end {\"statusCode\":200}", "error {\"errorType\":\"Boom\"}"}));
  {
    std::lock_guard l(api.mu);
    EXPECT_EQ(api.received, (std::vector<std::string>{
                                std::string("GET ") + kNext + " ",
                                "POST /2018-06-01/runtime/invocation/req-1/response {\"statusCode\":200}",
                                "POST /2018-06-01/runtime/invocation/req-1/error {\"errorType\":\"Boom\"}"}));
  }
  EXPECT_EQ(proxy.forwarded(), 3u);
}

TEST(RuntimeProxy, AnUnreachableRuntimeApiIsA502ThatNamesIt) {
  RuntimeProxy proxy({"127.0.0.1", 0, "127.0.0.1:1"}, {});
  auto port = proxy.start();
  ASSERT_TRUE(port.isOk());
  httplib::Client runtime("127.0.0.1", *port);
  auto res = runtime.Get(kNext);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 502);
  EXPECT_NE(res->body.find("127.0.0.1:1"), std::string::npos) << res->body;
  EXPECT_EQ(proxy.failed(), 1u);
}

}  // namespace
}  // namespace ddsim::serverless
