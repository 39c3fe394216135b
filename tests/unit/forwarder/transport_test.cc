// The Transport seam: the HTTP transport against a real cpp-httplib server (keep-alive reuse,
// body cap, simulated-time headers) and the bad input (unreachable host, DNS failure,
// reset mid-body, a server that never answers, a 2 GiB response); the in-process transport.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "core/forwarder/function_transport.h"
#include "core/forwarder/http_transport.h"
#include "tests/unit/forwarder/scripted_server.h"

namespace ddsim::forwarder {
namespace {

using fwdtest::Action;
using fwdtest::Behaviour;
using fwdtest::Recorded;
using fwdtest::ScriptedServer;
using std::chrono::milliseconds;

TransportRequest post(const std::string& url, std::string_view body = "payload",
                      common::Duration timeout = std::chrono::seconds(5)) {
  TransportRequest r;
  r.url = url;
  r.headers = {{"Dd-Api-Key", "k"}, {"Content-Type", "application/json"}};
  r.body = body;
  r.timeout = timeout;
  return r;
}

// A loopback port nothing listens on: connecting to it is refused.
int closedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(HttpTransportTest, SendsHeadersAndBodyAndReusesTheConnection) {
  ScriptedServer server([](const Recorded&) { return Action{Behaviour::kStatus, 202, "{\"ok\":1}", {}}; });
  HttpTransport transport(common::SystemClock::instance());
  const std::string body(100 * 1024, 'b');
  for (int i = 0; i < 3; ++i) {
    const TransportResult r = transport.send(post(server.url() + "/api/v2/series?x=1", body));
    ASSERT_EQ(r.error, TransportError::kNone) << r.error_message;
    EXPECT_EQ(r.status, 202);
    EXPECT_EQ(r.body, "{\"ok\":1}");
  }
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].path, "/api/v2/series?x=1");
  EXPECT_EQ(reqs[0].body, body);
  EXPECT_EQ(reqs[0].headers.find("Dd-Api-Key")->second, "k");
  EXPECT_EQ(reqs[0].headers.find("Content-Length")->second, std::to_string(body.size()));
  // Keep-alive: the three requests came over one connection.
  EXPECT_EQ(reqs[0].remote_port, reqs[1].remote_port);
  EXPECT_EQ(reqs[1].remote_port, reqs[2].remote_port);
  EXPECT_EQ(transport.idleConnections(), 1u);
  transport.resetConnections();
  EXPECT_EQ(transport.idleConnections(), 0u);
  ASSERT_EQ(transport.send(post(server.url() + "/x")).error, TransportError::kNone);
  EXPECT_NE(server.requests().back().remote_port, reqs[0].remote_port);
}

TEST(HttpTransportTest, ConcurrentSendersUseSeparateConnections) {
  ScriptedServer server;
  HttpTransport transport(common::SystemClock::instance());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) ok += transport.send(post(server.url() + "/p")).status == 200;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_LE(transport.idleConnections(), 4u);
}

// Bad input from the issue: each is a classified transport error within the timeout, never a
// hang or a crash.
TEST(HttpTransportTest, BadInputIsClassifiedWithinTheTimeout) {
  ScriptedServer server;
  HttpTransport transport(common::SystemClock::instance());
  struct Case {
    const char* name;
    std::string url;
    Action action;
    TransportError want;
  };
  const Case cases[] = {
      {"unreachable host (connection refused)", "http://127.0.0.1:" + std::to_string(closedPort()) + "/p", {},
       TransportError::kConnect},
      {"DNS failure", "http://nonexistent-host.invalid/p", {}, TransportError::kDns},
      {"reset mid-body", server.url() + "/p", Action{Behaviour::kResetMidBody, 200, "", {}},
       TransportError::kBodyRead},
      {"never answers", server.url() + "/p", Action{Behaviour::kNeverAnswer, 200, "", {}},
       TransportError::kTimeout},
      {"not a URL", "ftp://127.0.0.1/p", {}, TransportError::kInvalidRequest},
      {"garbage URL", "http:///p", {}, TransportError::kInvalidRequest},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    server.setScript([&](const Recorded&) { return c.action; });
    const TransportResult r = transport.send(post(c.url, "payload", milliseconds(300)));
    EXPECT_EQ(r.error, c.want) << transportErrorName(r.error) << ": " << r.error_message;
    EXPECT_FALSE(r.error_message.empty());
    if (c.want == TransportError::kBodyRead) {
      EXPECT_EQ(r.status, 200);
    }
  }
  // The server is still usable afterwards.
  server.setScript(nullptr);
  EXPECT_EQ(transport.send(post(server.url() + "/p")).status, 200);
}

// Bad input: a 2 GiB answer (streamed by the server, never allocated) is classified by its
// status with the body cut at the cap; memory stays bounded.
TEST(HttpTransportTest, HugeResponsesAreCutAtTheBodyCap) {
  ScriptedServer server;
  HttpTransportOptions options;
  options.max_response_body_bytes = 4096;
  HttpTransport transport(common::SystemClock::instance(), options);
  struct Case {
    Behaviour behaviour;
    int status;
  };
  const Case cases[] = {{Behaviour::kHugeContentLength, 200}, {Behaviour::kHugeChunked, 200},
                        {Behaviour::kHugeContentLength, 413}, {Behaviour::kHugeChunked, 503}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.status);
    server.setScript([&](const Recorded&) { return Action{c.behaviour, c.status, "", {}}; });
    const TransportResult r = transport.send(post(server.url() + "/p", "x", std::chrono::seconds(5)));
    ASSERT_EQ(r.error, TransportError::kNone) << r.error_message;
    EXPECT_EQ(r.status, c.status);
    EXPECT_TRUE(r.body_truncated);
    EXPECT_LE(r.body.size(), 4096u);
  }
  // The server stopped after far less than 2 GiB because the client hung up.
  EXPECT_LT(server.hugeBytesWritten(), 512ull * 1024 * 1024);
}

TEST(HttpTransportTest, CancelAbortsAnAttemptInFlight) {
  ScriptedServer server([](const Recorded&) { return Action{Behaviour::kNeverAnswer, 200, "", {}}; });
  HttpTransport transport(common::SystemClock::instance());
  CancelToken token;
  TransportRequest req = post(server.url() + "/p", "x", std::chrono::seconds(30));
  req.cancel = &token;
  std::thread canceller([&] {
    server.waitFor(1);
    token.cancel();
  });
  const TransportResult r = transport.send(req);
  canceller.join();
  EXPECT_EQ(r.error, TransportError::kCancelled);
  // A cancelled token refuses new attempts.
  EXPECT_EQ(transport.send(req).error, TransportError::kCancelled);
}

// Virtual time: the fakeintake's X-Ddsim-Simulated-* headers reach the TransportResult.
TEST(TransportTest, SimulationHeadersAreParsedByBothTransports) {
  struct Case {
    serializer::Headers headers;
    std::optional<common::Duration> latency;
    bool timeout;
  };
  const Case cases[] = {
      {{}, std::nullopt, false},
      {{{"X-Ddsim-Simulated-Latency-Ms", "250"}}, milliseconds(250), false},
      {{{"x-ddsim-simulated-latency-ms", "1.5"}}, std::chrono::microseconds(1500), false},
      {{{"X-Ddsim-Simulated-Latency-Ms", "-3"}}, std::nullopt, false},
      {{{"X-Ddsim-Simulated-Latency-Ms", "abc"}}, std::nullopt, false},
      {{{"X-Ddsim-Simulated-Timeout", "1"}}, std::nullopt, true},
      {{{"X-Ddsim-Simulated-Timeout", "0"}}, std::nullopt, false},
  };
  ScriptedServer server;
  HttpTransport http(common::SystemClock::instance());
  for (const Case& c : cases) {
    httplib::Headers h;
    for (const auto& [k, v] : c.headers) h.emplace(k, v);
    server.setScript([&](const Recorded&) { return Action{Behaviour::kStatus, 200, "{}", h}; });
    FunctionTransport fn([&](const TransportRequest&) {
      TransportResult r;
      r.status = 200;
      r.headers = c.headers;
      return r;
    });
    for (Transport* t : {static_cast<Transport*>(&http), static_cast<Transport*>(&fn)}) {
      const TransportResult r = t->send(post(server.url() + "/p"));
      ASSERT_EQ(r.error, TransportError::kNone);
      EXPECT_EQ(r.simulated_latency, c.latency);
      EXPECT_EQ(r.simulated_timeout, c.timeout);
    }
  }
}

TEST(FunctionTransportTest, CallsTheHandlerAndContainsItsFailures) {
  std::vector<std::string> seen;
  FunctionTransport ok([&](const TransportRequest& r) {
    seen.push_back(r.method + " " + r.url + " " + std::string(r.body));
    TransportResult res;
    res.status = 202;
    res.body = std::string(100, 'r');
    return res;
  }, 10);
  const TransportResult r = ok.send(post("http://fake/api/v2/series", "abc"));
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body.size(), 10u);
  EXPECT_TRUE(r.body_truncated);
  EXPECT_EQ(seen, std::vector<std::string>{"POST http://fake/api/v2/series abc"});

  FunctionTransport failing([](const TransportRequest&) { return TransportResult::failure(TransportError::kConnect, "down"); });
  EXPECT_EQ(failing.send(post("http://fake/")).error, TransportError::kConnect);

  FunctionTransport throwing([](const TransportRequest&) -> TransportResult { throw std::runtime_error("boom"); });
  const TransportResult t = throwing.send(post("http://fake/"));
  EXPECT_EQ(t.error, TransportError::kInternal);
  EXPECT_NE(t.error_message.find("boom"), std::string::npos);

  FunctionTransport empty(nullptr);
  EXPECT_EQ(empty.send(post("http://fake/")).error, TransportError::kInternal);
}

}  // namespace
}  // namespace ddsim::forwarder
