// Per-invocation "delivered versus left behind" (simulator/lambda/delivery.h): matches by
// metric name + invocation tag and by log text, classified by arrival time.
#include "simulator/lambda/delivery.h"

#include <gtest/gtest.h>

namespace ddsim::lambda {
namespace {

using std::chrono::milliseconds;

common::SteadyTime at(int ms) { return common::SteadyTime(milliseconds(ms)); }

InvocationRecord invocation(int64_t index, int start_ms, int end_ms) {
  InvocationRecord r;
  r.index = index;
  r.environment = 0;
  r.started = at(start_ms);
  r.ended = at(end_ms);
  r.metric_names = {"app.a", "app.b"};
  r.logs = {"hello"};
  return r;
}

IntakeRequest request(int ms, std::vector<IntakeMetric> metrics, std::vector<std::string> logs, int status = 202) {
  IntakeRequest r;
  r.at = at(ms);
  r.status = status;
  r.metrics = std::move(metrics);
  r.logs = std::move(logs);
  return r;
}

TEST(LambdaDelivery, InTheInvocationLaterAtShutdownOrLeftBehind) {
  std::vector<InvocationRecord> invs = {invocation(0, 0, 100), invocation(1, 200, 300), invocation(2, 400, 500)};
  EnvironmentRecord env;
  env.index = 0;
  env.shutdown_sent = at(600);
  const std::vector<IntakeRequest> requests = {
      request(50, {{"app.a", 0}, {"app.b", 0}, {"aws.lambda.enhanced.invocations", -1}}, {"hello"}),
      request(250, {{"app.a", 1}}, {}),
      request(260, {{"app.b", 1}}, {"hello"}, 503),  // refused: not delivered
      request(450, {}, {"hello"}),                   // invocation 1's line (oldest first)
      request(650, {{"app.b", 1}, {"app.a", 2}}, {"hello"}),
  };
  attributeDeliveries(invs, {env}, requests);
  EXPECT_EQ(invs[0].metrics.in_invocation, 2);
  EXPECT_EQ(invs[0].log_delivery.in_invocation, 1);
  EXPECT_EQ(invs[1].metrics.in_invocation, 1);  // app.a
  EXPECT_EQ(invs[1].metrics.at_shutdown, 1);    // app.b, after the 503
  EXPECT_EQ(invs[1].log_delivery.later, 1);
  EXPECT_EQ(invs[2].metrics.at_shutdown, 1);
  EXPECT_EQ(invs[2].metrics.left_behind, 1);    // app.b never arrived
  EXPECT_EQ(invs[2].log_delivery.at_shutdown, 1);
  for (const auto& r : invs) EXPECT_EQ(r.metrics.produced, 2);
}

TEST(LambdaDelivery, WithoutShutdownEverythingAfterTheInvocationIsLater) {
  std::vector<InvocationRecord> invs = {invocation(0, 0, 100)};
  EnvironmentRecord env;  // never shut down
  attributeDeliveries(invs, {env}, {request(5000, {{"app.a", 0}}, {})});
  EXPECT_EQ(invs[0].metrics.later, 1);
  EXPECT_EQ(invs[0].metrics.left_behind, 1);
  EXPECT_EQ(invs[0].log_delivery.left_behind, 1);
}

}  // namespace
}  // namespace ddsim::lambda
