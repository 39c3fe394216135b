// The communication server's routes (spec §7.1 step 4), each reaching its handler.
#include "core/serverless/comm_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>

namespace ddsim::serverless {
namespace {

TEST(CommServer, RoutesTable) {
  std::atomic<int> hello{0}, start{0}, end{0};
  std::string telemetry_body, start_header;
  CommHandlers h;
  h.hello = [&] { ++hello; };
  h.start_invocation = [&](const auto& headers, const auto&) {
    ++start;
    auto it = headers.find("x-datadog-trace-id");
    if (it != headers.end()) start_header = it->second;
    return std::map<std::string, std::string>{{"x-datadog-sampling-priority", "2"}};
  };
  h.end_invocation = [&](const auto&, const auto&) { ++end; };
  h.trace_context = [] { return std::map<std::string, std::string>{{"x-datadog-trace-id", "42"}}; };
  h.telemetry = [&](const std::string& body) {
    telemetry_body = body;
    return body == "bad" ? common::invalidArgument("telemetry batch is not JSON") : common::Status::ok();
  };
  CommServer server(h);
  ASSERT_TRUE(server.start("127.0.0.1", 0).isOk());
  httplib::Client c("127.0.0.1", server.port());

  struct Row {
    const char* method;
    const char* path;
    const char* body;
    int want_status;
  };
  const Row rows[] = {
      {"GET", "/lambda/hello", "", 200},         {"POST", "/lambda/hello", "", 200},
      {"POST", "/lambda/flush", "", 200},        {"POST", "/lambda/start-invocation", "{}", 200},
      {"POST", "/lambda/end-invocation", "{}", 200}, {"GET", "/trace-context", "", 200},
      {"POST", "/lambda/logs", "[]", 200},       {"POST", "/lambda/logs", "bad", 400},
      {"GET", "/lambda/nowhere", "", 404},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(std::string(r.method) + " " + r.path);
    httplib::Result res = std::string(r.method) == "GET"
                              ? c.Get(r.path)
                              : c.Post(r.path, {{"x-datadog-trace-id", "7"}}, r.body, "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, r.want_status);
    if (std::string(r.path) == "/lambda/start-invocation") {
      EXPECT_EQ(res->get_header_value("x-datadog-sampling-priority"), "2");
    }
    if (std::string(r.path) == "/trace-context") {
      EXPECT_EQ(res->get_header_value("x-datadog-trace-id"), "42");
    }
    if (r.want_status == 400) {
      EXPECT_NE(res->body.find("not JSON"), std::string::npos);
    }
  }
  EXPECT_EQ(hello.load(), 2);
  EXPECT_EQ(start.load(), 1);
  EXPECT_EQ(end.load(), 1);
  EXPECT_EQ(start_header, "7");
  EXPECT_EQ(telemetry_body, "bad");
  EXPECT_EQ(server.requests(), 8u);
  server.stop();
}

}  // namespace
}  // namespace ddsim::serverless
