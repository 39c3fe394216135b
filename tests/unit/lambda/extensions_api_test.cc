// The Extensions API and the Telemetry API subscription against a scripted HTTP client.
#include "simulator/lambda/extensions_api.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <future>

#include "tests/support/poll.h"

namespace ddsim::lambda {
namespace {

using nlohmann::json;
using testing::pollUntil;

class LambdaExtensionsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto port = api_.start();
    ASSERT_TRUE(port.isOk()) << port.status().message();
    port_ = *port;
  }
  httplib::Client client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(testing::kHangGuard);
    return c;
  }
  std::string registerExtension(const std::string& events = R"({"events":["INVOKE","SHUTDOWN"]})") {
    auto res = client().Post("/2020-01-01/extension/register", {{"Lambda-Extension-Name", "ext"}}, events,
                             "application/json");
    EXPECT_TRUE(res && res->status == 200);
    return res ? res->get_header_value("Lambda-Extension-Identifier") : "";
  }
  // event/next on its own thread (it blocks until an event is published).
  std::future<json> next(const std::string& id) {
    return std::async(std::launch::async, [this, id] {
      auto res = client().Get("/2020-01-01/extension/event/next", {{"Lambda-Extension-Identifier", id}});
      return res && res->status == 200 ? json::parse(res->body) : json{{"status", res ? res->status : -1}};
    });
  }

  ExtensionsApi api_{ExtensionsApiOptions{.function_name = "my-fn"}};
  int port_ = 0;
};

TEST_F(LambdaExtensionsApiTest, RegisterAnswersTheIdentifierAndFunction) {
  auto res = client().Post("/2020-01-01/extension/register",
                           {{"Lambda-Extension-Name", "ext"}, {"Lambda-Extension-Accept-Feature", "accountId"}},
                           R"({"events":["INVOKE","SHUTDOWN"]})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Lambda-Extension-Identifier").size(), 36u);
  const json body = json::parse(res->body);
  EXPECT_EQ(body["functionName"], "my-fn");
  EXPECT_EQ(body["functionVersion"], "$LATEST");
  EXPECT_EQ(body["accountId"], "123456789012");
  EXPECT_EQ(api_.registeredCount(), 1u);
}

TEST_F(LambdaExtensionsApiTest, BadRegistrationsAreRejectedAndCounted) {
  auto no_name = client().Post("/2020-01-01/extension/register", R"({"events":["INVOKE"]})", "application/json");
  ASSERT_TRUE(no_name);
  EXPECT_EQ(no_name->status, 400);
  EXPECT_NE(no_name->body.find("Lambda-Extension-Name"), std::string::npos);
  auto bad_event = client().Post("/2020-01-01/extension/register", {{"Lambda-Extension-Name", "x"}},
                                 R"({"events":["START"]})", "application/json");
  ASSERT_TRUE(bad_event);
  EXPECT_EQ(bad_event->status, 400);
  auto bad_body = client().Post("/2020-01-01/extension/register", {{"Lambda-Extension-Name", "x"}}, "nope",
                                "application/json");
  ASSERT_TRUE(bad_body);
  EXPECT_EQ(bad_body->status, 400);
  EXPECT_EQ(api_.registeredCount(), 0u);
  EXPECT_EQ(api_.rejected().at("register.missing_name"), 1);
  EXPECT_EQ(api_.rejected().at("register.bad_event"), 1);
  EXPECT_EQ(api_.rejected().at("register.bad_body"), 1);
}

TEST_F(LambdaExtensionsApiTest, NextWithoutAnIdentifierIsForbidden) {
  auto res = client().Get("/2020-01-01/extension/event/next", {{"Lambda-Extension-Identifier", "nobody"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(json::parse(res->body)["errorType"], "Extension.UnknownExtensionIdentifier");
}

TEST_F(LambdaExtensionsApiTest, NextBlocksUntilAnEventIsPublishedThenReturnsItInOrder) {
  const std::string id = registerExtension();
  EXPECT_FALSE(api_.allWaiting());
  auto first = next(id);
  ASSERT_TRUE(pollUntil([&] { return api_.allWaiting(); }));
  EXPECT_EQ(api_.nextCalls(), 1u);
  EXPECT_EQ(first.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);  // still waiting
  api_.publish(json{{"eventType", "INVOKE"}, {"requestId", "r1"}, {"deadlineMs", 1}});
  api_.publish(json{{"eventType", "SHUTDOWN"}, {"shutdownReason", "spindown"}, {"deadlineMs", 2}});
  const json a = first.get();
  EXPECT_EQ(a["eventType"], "INVOKE");
  EXPECT_EQ(a["requestId"], "r1");
  // The queued SHUTDOWN comes with the next call, at once.
  const json b = next(id).get();
  EXPECT_EQ(b["eventType"], "SHUTDOWN");
  EXPECT_EQ(b["shutdownReason"], "spindown");
  EXPECT_EQ(api_.nextCalls(), 2u);
}

TEST_F(LambdaExtensionsApiTest, AnExtensionGetsOnlyTheEventsItRegisteredFor) {
  const std::string id = registerExtension(R"({"events":["SHUTDOWN"]})");
  auto waiting = next(id);
  ASSERT_TRUE(pollUntil([&] { return api_.allWaiting(); }));
  api_.publish(json{{"eventType", "INVOKE"}, {"requestId", "r1"}});
  api_.publish(json{{"eventType", "SHUTDOWN"}, {"shutdownReason", "timeout"}});
  EXPECT_EQ(waiting.get()["eventType"], "SHUTDOWN");
}

TEST_F(LambdaExtensionsApiTest, StopReleasesAWaitingNext) {
  const std::string id = registerExtension();
  auto waiting = next(id);
  ASSERT_TRUE(pollUntil([&] { return api_.allWaiting(); }));
  api_.stop();
  EXPECT_EQ(waiting.get()["status"], 503);
}

TEST_F(LambdaExtensionsApiTest, ErrorRoutesRecordTheReportedError) {
  const std::string id = registerExtension();
  auto res = client().Post("/2020-01-01/extension/init/error",
                           {{"Lambda-Extension-Identifier", id}, {"Lambda-Extension-Function-Error-Type", "Extension.ConfigInvalid"}},
                           R"({"errorMessage":"no key","errorType":"ConfigInvalid","stackTrace":[]})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202);
  ASSERT_EQ(api_.reportedErrors().size(), 1u);
  EXPECT_EQ(api_.reportedErrors()[0].route, "init");
  EXPECT_EQ(api_.reportedErrors()[0].error_type, "Extension.ConfigInvalid");
  auto unknown = client().Post("/2020-01-01/extension/exit/error", {{"Lambda-Extension-Identifier", "x"}}, "{}",
                               "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 403);
}

TEST_F(LambdaExtensionsApiTest, TelemetrySubscriptionIsValidatedAndKept) {
  const std::string id = registerExtension();
  const httplib::Headers h{{"Lambda-Extension-Identifier", id}};
  auto bad = client().Put("/2022-07-01/telemetry", h,
                          R"({"types":["platform"],"buffering":{"timeoutMs":5},"destination":{"protocol":"HTTP","URI":"http://sandbox:1234/x"}})",
                          "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("buffering.timeoutMs"), std::string::npos) << bad->body;
  EXPECT_FALSE(api_.subscription());
  auto ok = client().Put("/2022-07-01/telemetry", h,
                         R"({"schemaVersion":"2022-12-13","types":["platform","function"],)"
                         R"("buffering":{"maxItems":1000,"maxBytes":262144,"timeoutMs":25},)"
                         R"("destination":{"protocol":"HTTP","URI":"http://sandbox:1234/lambda/logs"}})",
                         "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  auto sub = api_.subscription();
  ASSERT_TRUE(sub);
  EXPECT_EQ(sub->uri, "http://sandbox:1234/lambda/logs");
  EXPECT_EQ(sub->timeout_ms, 25);
  EXPECT_EQ(sub->max_items, 1000);
  EXPECT_EQ(sub->types, (std::vector<std::string>{"platform", "function"}));
  EXPECT_EQ(sub->extension_id, id);
}

// Each row: a subscription body and the field its error must name.
TEST(LambdaParseSubscription, ErrorsNameTheField) {
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"[]", "JSON object"},
      {R"({"types":["platform"]})", "destination"},
      {R"({"types":["platform"],"destination":{"protocol":"TCP","URI":"http://x"}})", "destination.protocol"},
      {R"({"types":["platform"],"destination":{"protocol":"HTTP","URI":"ftp://x"}})", "destination.URI"},
      {R"({"destination":{"protocol":"HTTP","URI":"http://x"}})", "types"},
      {R"({"types":["logs"],"destination":{"protocol":"HTTP","URI":"http://x"}})", "types"},
      {R"({"types":["platform"],"buffering":{"maxItems":5},"destination":{"protocol":"HTTP","URI":"http://x"}})",
       "buffering.maxItems"},
      {R"({"types":["platform"],"buffering":{"maxBytes":2e9},"destination":{"protocol":"HTTP","URI":"http://x"}})",
       "buffering.maxBytes"},
  };
  for (const auto& [body, field] : rows) {
    auto r = parseSubscription(body);
    ASSERT_FALSE(r.isOk()) << body;
    EXPECT_NE(r.status().message().find(field), std::string::npos) << body << " -> " << r.status().message();
  }
}

}  // namespace
}  // namespace ddsim::lambda
