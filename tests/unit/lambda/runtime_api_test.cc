// The simulated Lambda's Runtime API (simulator/lambda/runtime_api.h) against a scripted
// runtime: the offered event with its Lambda-Runtime-* headers, the answer recorded, and a
// `next` with nothing offered answered 503.
#include "simulator/lambda/runtime_api.h"

#include <gtest/gtest.h>
#include <httplib.h>

namespace ddsim::lambda {
namespace {

TEST(LambdaRuntimeApi, OfferedEventThenTheRuntimesAnswer) {
  LoopbackServer server("the Lambda API");
  RuntimeApi api;
  api.install(server);
  auto port = server.start();
  ASSERT_TRUE(port.isOk());
  httplib::Client runtime("127.0.0.1", *port);

  api.offer({"req-7", R"({"n": 7})", {{"Lambda-Runtime-Deadline-Ms", "123"}}});
  auto next = runtime.Get("/2018-06-01/runtime/invocation/next");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, R"({"n": 7})");
  EXPECT_EQ(next->get_header_value("Lambda-Runtime-Aws-Request-Id"), "req-7");
  EXPECT_EQ(next->get_header_value("Lambda-Runtime-Deadline-Ms"), "123");
  EXPECT_FALSE(api.outcome("req-7").has_value());
  auto answer = runtime.Post("/2018-06-01/runtime/invocation/req-7/error", "{}", "application/json");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 202);
  EXPECT_EQ(api.outcome("req-7"), "error");

  api.stop();  // nothing offered: answered at once after stop
  auto empty = runtime.Get("/2018-06-01/runtime/invocation/next");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 503);
  server.stop();
}

}  // namespace
}  // namespace ddsim::lambda
