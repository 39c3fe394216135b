// The scripted function runtime: DogStatsD lines over UDP, a v0.4 msgpack trace over HTTP, log
// lines, with {request_id} and {invocation} replaced.
#include "simulator/lambda/function_runtime.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <msgpack.hpp>

#include "tests/support/poll.h"

namespace ddsim::lambda {
namespace {

// A UDP socket on 127.0.0.1:<free port>.
struct UdpSink {
  UdpSink() {
    fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    timeval tv{static_cast<time_t>(testing::kHangGuard.count()), 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~UdpSink() { ::close(fd); }
  std::string receive() const {
    char buf[2048];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }
  int fd = -1;
  int port = 0;
};

TEST(LambdaFunctionRuntime, TemplatesAreExpandedEverywhere) {
  EXPECT_EQ(expandTemplate("{request_id}/{invocation}/{request_id}", 7, "abc"), "abc/7/abc");
  EXPECT_EQ(expandTemplate("no fields", 1, "r"), "no fields");
  EXPECT_EQ(expandTemplate("{request_id}", 1, "{request_id}"), "{request_id}");  // no re-expansion
}

TEST(LambdaFunctionRuntime, EventTemplatesGiveTheInvocationTime) {
  const common::SystemTime now{std::chrono::milliseconds(1700000004500)};
  EXPECT_EQ(expandEvent(R"({"a":"{now_ms_number}","b":"{now_ms}","c":"{now_iso}","d":"{request_id}/{invocation}"})",
                        3, "req", now),
            R"({"a":1700000004500,"b":"1700000004500","c":"2023-11-14T22:13:24.500Z","d":"req/3"})");
}

TEST(LambdaFunctionRuntime, TheInvocationTagJoinsTheLinesTags) {
  EXPECT_EQ(addDogStatsdTag("a:1|c", "t:1"), "a:1|c|#t:1");
  EXPECT_EQ(addDogStatsdTag("a:1|c|#x:y", "t:1"), "a:1|c|#x:y,t:1");
  EXPECT_EQ(addDogStatsdTag("a:1|c|#x:y|T1700000000", "t:1"), "a:1|c|#x:y,t:1|T1700000000");
  EXPECT_EQ(addDogStatsdTag("a:1|c|@0.5|#x|c:abc", "t:1"), "a:1|c|@0.5|#x,t:1|c:abc");
  EXPECT_EQ(addDogStatsdTag("a:1|c|#", "t:1"), "a:1|c|#t:1");
}

TEST(LambdaFunctionRuntime, SendsDogStatsDTraceAndLogs) {
  UdpSink dsd;
  httplib::Server traces;
  std::string body, count_header;
  std::mutex mu;
  traces.Put("/v0.4/traces", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    body = req.body;
    count_header = req.get_header_value("X-Datadog-Trace-Count");
    res.set_content("{}", "application/json");
  });
  const int trace_port = traces.bind_to_any_port("127.0.0.1");
  std::thread t([&] { traces.listen_after_bind(); });

  RuntimeScript script;
  script.dogstatsd = {"fn.calls:1|c|#inv:{invocation}", "fn.req:1|c|#req:{request_id}"};
  script.dogstatsd_port = dsd.port;
  script.spans = 3;
  script.trace_port = trace_port;
  script.logs = {"start {request_id}"};
  FunctionRuntime runtime(script);
  const RuntimeOutput out = runtime.emit(4, "req-1");
  EXPECT_EQ(out.dogstatsd_lines, 2);
  // Each line carries the invocation tag the report attributes deliveries by.
  EXPECT_EQ(dsd.receive(), "fn.calls:1|c|#inv:4,ddsim_invocation:4");
  EXPECT_EQ(dsd.receive(), "fn.req:1|c|#req:req-1,ddsim_invocation:4");
  EXPECT_EQ(out.metric_names, (std::vector<std::string>{"fn.calls", "fn.req"}));
  EXPECT_TRUE(out.trace_accepted);
  EXPECT_EQ(out.spans, 3);
  EXPECT_EQ(out.logs, (std::vector<std::string>{"start req-1"}));
  traces.stop();
  t.join();

  // The body is one trace of three spans, each a map with the request id in meta.
  std::lock_guard lock(mu);
  EXPECT_EQ(count_header, "1");
  msgpack::object_handle oh = msgpack::unpack(body.data(), body.size());
  const msgpack::object& root = oh.get();
  ASSERT_EQ(root.type, msgpack::type::ARRAY);
  ASSERT_EQ(root.via.array.size, 1u);
  const msgpack::object& trace = root.via.array.ptr[0];
  ASSERT_EQ(trace.via.array.size, 3u);
  std::map<std::string, msgpack::object> span;
  trace.via.array.ptr[1].convert(span);
  EXPECT_EQ(span.at("name").as<std::string>(), "function.work");
  EXPECT_EQ(span.at("parent_id").as<uint64_t>(), trace.via.array.ptr[0].via.map.ptr[4].val.as<uint64_t>());
  std::map<std::string, std::string> meta;
  span.at("meta").convert(meta);
  EXPECT_EQ(meta.at("request_id"), "req-1");
}

}  // namespace
}  // namespace ddsim::lambda
