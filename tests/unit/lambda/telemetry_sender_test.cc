// The Telemetry API delivery: batches as JSON arrays to the subscriber, its buffering limits,
// "sandbox" names resolving to loopback, nothing sent while paused (a frozen extension).
#include "simulator/lambda/telemetry_sender.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <mutex>

#include "tests/support/poll.h"

namespace ddsim::lambda {
namespace {

using nlohmann::json;
using testing::pollUntil;

// A subscriber that keeps every batch it receives.
class Subscriber {
 public:
  Subscriber() {
    server_.Post("/telemetry", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      batches_.push_back(json::parse(req.body));
      res.set_content("", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Subscriber() {
    server_.stop();
    thread_.join();
  }
  TelemetrySubscription subscription(const std::string& host, int max_items = 1000, int timeout_ms = 25) const {
    TelemetrySubscription s;
    s.uri = "http://" + host + ":" + std::to_string(port_) + "/telemetry";
    s.types = {"platform", "function"};
    s.max_items = max_items;
    s.timeout_ms = timeout_ms;
    return s;
  }
  std::vector<json> batches() const {
    std::lock_guard lock(mu_);
    return batches_;
  }
  size_t events() const {
    size_t n = 0;
    for (const auto& b : batches()) n += b.size();
    return n;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::vector<json> batches_;
};

json platformEvent(const std::string& type, int i) {
  return json{{"time", "2026-01-01T00:00:00.000Z"}, {"type", type}, {"record", {{"n", i}}}};
}

TEST(LambdaTelemetrySender, EventsBufferedBeforeTheSubscriptionGoOutAfterIt) {
  Subscriber sub;
  TelemetrySender sender;
  sender.add("platform", platformEvent("platform.initStart", 0));
  sender.add("function", json{{"time", "t"}, {"type", "function"}, {"record", "hello"}});
  sender.subscribe(sub.subscription("sandbox.localdomain"));
  ASSERT_TRUE(pollUntil([&] { return sub.events() == 2; }));
  const json batch = sub.batches().at(0);
  ASSERT_TRUE(batch.is_array());
  EXPECT_EQ(batch[0]["type"], "platform.initStart");
  EXPECT_EQ(batch[1]["record"], "hello");
  sender.stop();
  EXPECT_EQ(sender.counters().events, 2);
  EXPECT_EQ(sender.counters().dropped_events, 0);
}

TEST(LambdaTelemetrySender, ABatchHoldsAtMostMaxItems) {
  Subscriber sub;
  TelemetrySender sender;
  sender.subscribe(sub.subscription("sandbox", 1000, 30000));  // only the item limit sends
  for (int i = 0; i < 2500; ++i) sender.add("platform", platformEvent("platform.start", i));
  ASSERT_TRUE(pollUntil([&] { return sub.events() == 2000; }));
  for (const auto& b : sub.batches()) EXPECT_EQ(b.size(), 1000u);
  sender.flush();  // the remaining 500 go now
  EXPECT_EQ(sub.events(), 2500u);
  EXPECT_EQ(sub.batches().back().size(), 500u);
  EXPECT_EQ(sub.batches().back()[499]["record"]["n"], 2499);  // order kept
}

TEST(LambdaTelemetrySender, NothingIsSentWhilePaused) {
  Subscriber sub;
  TelemetrySender sender;
  sender.subscribe(sub.subscription("127.0.0.1"));
  sender.pause();
  sender.add("platform", platformEvent("platform.report", 1));
  sender.flush();  // paused: holds
  EXPECT_EQ(sub.events(), 0u);
  sender.resume();
  ASSERT_TRUE(pollUntil([&] { return sub.events() == 1; }));
}

TEST(LambdaTelemetrySender, TypesNotSubscribedAreDroppedAndCounted) {
  Subscriber sub;
  TelemetrySender sender;
  auto s = sub.subscription("sandbox");
  s.types = {"platform"};
  sender.subscribe(s);
  sender.add("function", json{{"time", "t"}, {"type", "function"}, {"record", "x"}});
  sender.add("platform", platformEvent("platform.start", 1));
  sender.flush();
  EXPECT_EQ(sub.events(), 1u);
  EXPECT_EQ(sender.counters().dropped_events, 1);
}

TEST(LambdaTelemetrySender, AnUnreachableSubscriberCountsFailedBatches) {
  TelemetrySender sender;
  TelemetrySubscription s;
  s.uri = "http://127.0.0.1:1/telemetry";  // nothing listens on port 1
  s.types = {"platform"};
  sender.subscribe(s);
  sender.add("platform", platformEvent("platform.start", 1));
  sender.flush();
  EXPECT_EQ(sender.counters().failed_batches, 1);
  EXPECT_EQ(sender.counters().dropped_events, 1);
}

TEST(LambdaTelemetrySender, EventsNobodySubscribedToAreNotCountedAsDropped) {
  TelemetrySender sender;
  sender.add("platform", platformEvent("platform.start", 1));
  sender.stop();
  EXPECT_EQ(sender.counters().dropped_events, 0);
  EXPECT_EQ(sender.counters().events, 0);
}

}  // namespace
}  // namespace ddsim::lambda
