// The receiver's listener over real loopback HTTP: every route reaches TraceReceiver::handle,
// accepted spans and traces are counted by service, refusals by reason (docs/trace-agent.md §1.1).
#include "core/trace/receiver_server.h"

#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <string>

#include "tests/support/trace_payloads.h"

namespace ddsim::trace {
namespace {

Traces twoTraces() {
  return {{testing::makeSpan("web", "request", 1, 1), testing::makeSpan("db", "query", 1, 2, 1)},
          {testing::makeSpan("web", "request", 2, 3)}};
}

// Every expected counter of the snapshot, by key.
void expectCounts(const common::TelemetrySnapshot& t, const std::map<std::string, double>& expected) {
  for (const auto& [key, value] : expected) {
    auto it = t.find("trace.receiver." + key);
    ASSERT_NE(it, t.end()) << key;
    EXPECT_EQ(it->second, value) << key;
  }
}

class ReceiverServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto port = server_.start();
    ASSERT_TRUE(port.isOk()) << port.status().message();
    port_ = *port;
    ASSERT_GT(port_, 0);
  }

  ReceiverServer server_{ReceiverServerOptions{.receiver = {.max_request_bytes = 4096},
                                               .port = ReceiverServer::kRandomPort}};
  int port_ = 0;
};

TEST_F(ReceiverServerTest, ServesTracesInfoAndCountsByService) {
  httplib::Client cli("127.0.0.1", port_);
  auto r = cli.Put("/v0.4/traces", testing::packV04(twoTraces()), "application/msgpack");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"rate_by_service\":{}}\n");
  r = cli.Post("/v0.5/traces", testing::packV05(twoTraces()), "application/msgpack");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = cli.Get("/info");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("/v0.5/traces"), std::string::npos);
  EXPECT_NE(r->body.find("\"receiver_port\": " + std::to_string(port_)), std::string::npos) << r->body;
  // The listener routes the DogStatsD proxy (405 here: DogStatsD off), so /info lists it, last
  // (endpoints.go).
  EXPECT_NE(r->body.find("\"/v0.7/traces\",\n\t\t\"/dogstatsd/v1/proxy\",\n\t\t\"/dogstatsd/v2/proxy\"\n"),
            std::string::npos) << r->body;
  EXPECT_EQ(cli.Post("/dogstatsd/v2/proxy", "m:1|c", "text/plain")->status, 405);
  const auto t = server_.telemetry();
  expectCounts(t, {{"payloads_accepted", 2}, {"traces_received", 4}, {"spans_received", 6},
                   {"traces_by_service.web", 4}, {"spans_by_service.db", 2}});
  EXPECT_EQ(t.count("trace.receiver.traces_by_service.db"), 0u);
}

TEST_F(ReceiverServerTest, RefusalsAnswerAsTheAgentAndCountDroppedTraces) {
  httplib::Client cli("127.0.0.1", port_);
  const httplib::Headers announce = {{"X-Datadog-Trace-Count", "3"}};
  auto r = cli.Post("/v0.4/traces", announce, std::string("\x91\x91\x81", 3), "application/msgpack");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_FALSE(r->body.empty());
  r = cli.Post("/v0.4/traces", announce, std::string(5000, '\x90'), "application/msgpack");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body, "payload-too-large\n");
  r = cli.Get("/v0.9/traces");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  expectCounts(server_.telemetry(), {{"payloads_refused.decoding_error", 1},
                                      {"traces_dropped.decoding_error", 3},
                                      {"traces_dropped.payload_too_large", 3},
                                      {"not_found", 1}});
}

// pkg/trace/api/dogstatsd.go: the proxy relays the body to DogStatsD over UDP, 405 when it is off.
TEST(ReceiverServerDogStatsdProxy, RelaysDatagramsCutAtNewlines) {
  const int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(udp, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(::getsockname(udp, reinterpret_cast<sockaddr*>(&a), &len), 0);
  timeval tv{5, 0};
  ::setsockopt(udp, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ReceiverServer server(ReceiverServerOptions{
      .port = ReceiverServer::kRandomPort, .dogstatsd_port = ntohs(a.sin_port), .dogstatsd_buffer_size = 12});
  auto port = server.start();
  ASSERT_TRUE(port.isOk());
  httplib::Client cli("127.0.0.1", *port);
  auto r = cli.Post("/dogstatsd/v2/proxy", "a.b:1|c\nc.d:2|g\n", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  char buf[64];
  for (const char* want : {"a.b:1|c", "c.d:2|g"}) {
    const ssize_t n = ::recv(udp, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), want);
  }
  ::close(udp);
  EXPECT_EQ(server.telemetry().at("trace.receiver.dogstatsd_proxy.packets"), 2);

  ReceiverServer off(ReceiverServerOptions{.port = ReceiverServer::kRandomPort});
  auto off_port = off.start();
  ASSERT_TRUE(off_port.isOk());
  r = httplib::Client("127.0.0.1", *off_port).Post("/dogstatsd/v1/proxy", "a:1|c", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
}

TEST(ReceiverServerPortZero, IsOff) {
  ReceiverServer server(ReceiverServerOptions{.port = 0});
  auto port = server.start();
  ASSERT_TRUE(port.isOk());
  EXPECT_EQ(*port, 0);
}

}  // namespace
}  // namespace ddsim::trace
