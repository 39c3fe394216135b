// The trace receiver over a Unix socket (apm_config.receiver_socket, docs/trace-agent.md §1.1):
// the socket file made as the agent's listenUnix makes it (stale socket replaced, anything else
// refused, mode 0722, removed at stop), and HTTP/1.1 requests answered as over TCP: Content-Length
// and chunked bodies, Expect: 100-continue, keep-alive, 413 before reading an oversized body.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/trace/receiver_server.h"
#include "tests/support/trace_payloads.h"
#include "tests/support/unix_http.h"

namespace ddsim::trace {
namespace {

namespace fs = std::filesystem;

std::string roundTrip(const std::string& path, const std::string& request) {
  return ddsim::testing::unixRoundTrip(path, request);
}

std::string put(const std::string& route, const std::string& body, const std::string& extra = "") {
  return "PUT " + route + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/msgpack\r\n" + extra +
         "Content-Length: " + std::to_string(body.size()) + "\r\n";
}

class UnixReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ddsim-uds-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    path_ = (dir_ / "apm.socket").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  ReceiverServerOptions options() {
    ReceiverServerOptions o;
    o.receiver.max_request_bytes = 4096;
    o.port = ReceiverServer::kRandomPort;
    o.socket_path = path_;
    o.forward = [this](ReceivedPayload&& p) { spans_ += p.traces.empty() ? 0 : p.traces[0].size(); };
    return o;
  }

  fs::path dir_;
  std::string path_;
  size_t spans_ = 0;
};

TEST_F(UnixReceiverTest, ServesTracesAndInfoWithKeepAlive) {
  ReceiverServer server(options());
  ASSERT_TRUE(server.start().isOk());
  struct stat st {};
  ASSERT_EQ(::lstat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0722u);  // api.go listenUnix

  const std::string body = testing::packV04({{testing::makeSpan("web", "op", 1, 2), testing::makeSpan("web", "q", 1, 3, 2)}});
  // Two requests on one connection: the first kept alive, the second closes.
  const std::string two = put("/v0.4/traces", body) + "\r\n" + body + "GET /info HTTP/1.1\r\nConnection: close\r\n\r\n";
  const std::string out = roundTrip(path_, two);
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("Connection: keep-alive"), std::string::npos) << out;
  EXPECT_NE(out.find("{\"rate_by_service\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"receiver_socket\": \"" + path_ + "\""), std::string::npos) << out;  // /info
  EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
  EXPECT_EQ(spans_, 2u);
  EXPECT_EQ(server.telemetry().at("trace.receiver.payloads_accepted"), 1);

  server.stop();
  EXPECT_FALSE(fs::exists(path_)) << "the socket file is removed at stop";
}

TEST_F(UnixReceiverTest, ChunkedBodyExpectContinueAndOversizedBody) {
  ReceiverServer server(options());
  ASSERT_TRUE(server.start().isOk());
  const std::string body = testing::packV04({{testing::makeSpan("web", "op", 1, 2)}});
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size() - 3);
  const std::string chunked = "POST /v0.4/traces HTTP/1.1\r\nContent-Type: application/msgpack\r\n"
                              "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n" +
                              std::string(size) + "\r\n" + body.substr(0, body.size() - 3) + "\r\n3\r\n" +
                              body.substr(body.size() - 3) + "\r\n0\r\n\r\n";
  const std::string out = roundTrip(path_, chunked);
  EXPECT_EQ(out.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", 0), 0u) << out;
  EXPECT_EQ(spans_, 1u);

  // Over max_request_bytes: 413 at once, the body is never read.
  const std::string big = "PUT /v0.4/traces HTTP/1.1\r\nContent-Length: 999999\r\n\r\n";
  const std::string refused = roundTrip(path_, big);
  EXPECT_EQ(refused.rfind("HTTP/1.1 413 ", 0), 0u) << refused;
  EXPECT_NE(refused.find("payload-too-large"), std::string::npos);
  // A chunk announcing more than the cap (even one that would wrap a size_t): 413, not read.
  const std::string huge = roundTrip(path_, "PUT /v0.4/traces HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                                            "ffffffffffffffff\r\n");
  EXPECT_EQ(huge.rfind("HTTP/1.1 413 ", 0), 0u) << huge;
  EXPECT_EQ(roundTrip(path_, "PUT /v0.4/traces HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").rfind("HTTP/1.1 400 ", 0),
            0u);
  // A malformed body: the receiver's 400 with the decoder's message.
  const std::string bad = roundTrip(path_, put("/v0.4/traces", "\x91\x91", "Connection: close\r\n") + "\r\n\x91\x91");
  EXPECT_EQ(bad.rfind("HTTP/1.1 400 ", 0), 0u) << bad;
  EXPECT_NE(bad.find("v0.4: msgpack"), std::string::npos) << bad;
  EXPECT_EQ(roundTrip(path_, "NONSENSE\r\n\r\n").rfind("HTTP/1.1 400 ", 0), 0u);
}

// api.go listenUnix: a stale socket is replaced; a file that is not a socket is refused.
TEST_F(UnixReceiverTest, StaleSocketReplacedOtherFilesRefused) {
  // A stale socket, as a crashed agent leaves it: bound, then closed without unlinking.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path_.c_str(), path_.size());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
  ASSERT_TRUE(fs::is_socket(path_));
  ReceiverServer server(options());
  ASSERT_TRUE(server.start().isOk()) << "stale socket replaced";
  EXPECT_EQ(roundTrip(path_, "GET /info HTTP/1.0\r\n\r\n").rfind("HTTP/1.1 200 OK", 0), 0u);
  server.stop();

  std::ofstream(path_) << "not a socket";
  ReceiverServer refused(options());
  common::Result<int> r = refused.start();
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("not a unix socket"), std::string::npos) << r.status().message();
  EXPECT_TRUE(fs::is_regular_file(path_)) << "left alone";
}

}  // namespace
}  // namespace ddsim::trace
