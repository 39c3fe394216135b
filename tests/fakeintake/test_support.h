#pragma once
// Helpers shared by the fakeintake tests: payload builders (libprotobuf / nlohmann_json, so the
// tests do not depend on our serializer), compressors, and a real server on 127.0.0.1:0 with a
// ManualClock.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include "core/common/clock.h"
#include "fakeintake/handler/intake_handler.h"
#include "fakeintake/server/http_server.h"
#include "proto/metrics.pb.h"

namespace ddsim::fakeintake::testing {

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string testData(const std::string& name) { return readFile(std::string(DDSIM_TEST_DATA_DIR) + "/" + name); }

// zlib (Content-Encoding: deflate, as the agent labels it).
inline std::string zlibCompress(const std::string& in) {
  uLongf n = compressBound(static_cast<uLong>(in.size()));
  std::string out(n, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(in.data()),
            static_cast<uLong>(in.size()), 6);
  out.resize(n);
  return out;
}

inline std::string gzipCompress(const std::string& in) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

inline std::string zstdCompress(const std::string& in, int level = 1) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), level);
  out.resize(n);
  return out;
}

inline std::string inflateZlib(const std::string& in) {
  std::string out(1 << 20, '\0');
  uLongf n = static_cast<uLongf>(out.size());
  uncompress(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(in.data()),
             static_cast<uLong>(in.size()));
  out.resize(n);
  return out;
}

struct SeriesSpec {
  std::string metric;
  std::vector<std::string> tags;
  std::vector<std::pair<int64_t, double>> points;  // (timestamp, value)
  int type = 3;  // gauge
  std::string host = "test-host";
  int64_t interval = 10;
};

inline void addSeries(datadog::agentpayload::MetricPayload& p, const SeriesSpec& s) {
  auto* ms = p.add_series();
  auto* r = ms->add_resources();
  r->set_type("host");
  r->set_name(s.host);
  ms->set_metric(s.metric);
  for (const auto& t : s.tags) ms->add_tags(t);
  for (const auto& [ts, v] : s.points) {
    auto* pt = ms->add_points();
    pt->set_timestamp(ts);
    pt->set_value(v);
  }
  ms->set_type(static_cast<datadog::agentpayload::MetricPayload::MetricType>(s.type));
  ms->set_interval(s.interval);
  ms->mutable_metadata()->mutable_origin()->set_origin_product(10);
  ms->mutable_metadata()->mutable_origin()->set_origin_category(10);
}

inline std::string seriesPayload(const std::vector<SeriesSpec>& series) {
  datadog::agentpayload::MetricPayload p;
  for (const auto& s : series) addSeries(p, s);
  return p.SerializeAsString();
}

// An intake POST with the agent's headers.
inline IntakeRequest intakePost(std::string path, std::string body, std::string content_type, std::string encoding = "") {
  IntakeRequest r;
  r.method = "POST";
  r.path = std::move(path);
  r.body = std::move(body);
  r.headers.add("Content-Type", content_type);
  r.headers.add("DD-API-KEY", "0123456789abcdef0123456789abcdef");
  if (!encoding.empty()) r.headers.add("Content-Encoding", encoding);
  return r;
}

// Every kind of answer an intake gives, in one sequence: agent series (the direct decoder's),
// series the direct decoder declines (invalid UTF-8: decoded by libprotobuf with a Pyld50 note),
// a damaged body (400), JSON series, the agent's check runs (its own bytes), an unsupported
// encoding (415) and a property violation (an empty metric name).
inline std::vector<IntakeRequest> everyKindOfIngest() {
  std::vector<IntakeRequest> out;
  for (int i = 0; i < 20; ++i) {
    SeriesSpec s{"app.requests", {"env:prod", "shard:" + std::to_string(i)}, {{1700000000 + i, i * 1.5}}};
    out.push_back(intakePost("/api/v2/series", zstdCompress(seriesPayload({s, s})), "application/x-protobuf", "zstd"));
    if (i % 5 == 0) {
      SeriesSpec bad{"app.bad", {"env:\xFF"}, {{1700000000, 1}}};
      out.push_back(intakePost("/api/v2/series", zstdCompress(seriesPayload({bad})), "application/x-protobuf", "zstd"));
      out.push_back(intakePost("/api/v2/series", zstdCompress("\x0A\x05\x12\x01"), "application/x-protobuf", "zstd"));
      out.push_back(intakePost("/api/v1/series",
                               R"({"series":[{"metric":"app.v1","points":[[1700000000,2]],"host":"h","type":"gauge"}]})",
                               "application/json"));
      out.push_back(intakePost("/api/v1/check_run", inflateZlib(testData("check_run_zlib.bin")), "application/json"));
      out.push_back(intakePost("/api/v2/series", "xx", "application/x-protobuf", "br"));
      SeriesSpec unnamed{"", {"env:prod"}, {{1700000000, 1}}};
      out.push_back(intakePost("/api/v2/series", zstdCompress(seriesPayload({unnamed})), "application/x-protobuf", "zstd"));
    }
  }
  return out;
}

// Client timeouts that only guard against a hang (see tests/support/poll.h): a request that
// must be answered is given minutes, whatever the machine's speed.
inline constexpr int kClientTimeoutMs = 120'000;

// A fakeintake on 127.0.0.1:0 with a ManualClock (unix 1'700'000'000 at start).
class TestServer {
 public:
  explicit TestServer(IntakeOptions options = {}, ServerOptions server_options = {})
      : handler_(std::make_unique<IntakeHandler>(std::move(options), clock_)) {
    server_options.tick_interval = std::chrono::milliseconds(50);
    server_ = std::make_unique<HttpServer>(*handler_, server_options);
    auto port = server_->start();
    EXPECT_TRUE(port.isOk()) << port.status().toString();
    port_ = port.isOk() ? *port : 0;
  }
  ~TestServer() { server_->stop(); }

  common::ManualClock& clock() { return clock_; }
  IntakeHandler& handler() { return *handler_; }
  HttpServer& server() { return *server_; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::unique_ptr<httplib::Client> client(int timeout_ms = kClientTimeoutMs) const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_read_timeout(timeout_ms / 1000, (timeout_ms % 1000) * 1000);
    c->set_connection_timeout(kClientTimeoutMs / 1000, 0);
    return c;
  }
  // POSTs `body` with the agent's headers.
  httplib::Result post(const std::string& path, const std::string& body, const std::string& encoding,
                       const std::string& content_type = "application/x-protobuf",
                       const std::string& api_key = "0123456789abcdef0123456789abcdef") const {
    httplib::Headers h = {{"DD-API-KEY", api_key}};
    if (!encoding.empty()) h.emplace("Content-Encoding", encoding);
    return client()->Post(path.c_str(), h, body, content_type.c_str());
  }

 private:
  common::ManualClock clock_;
  std::unique_ptr<IntakeHandler> handler_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

// A raw TCP connection for requests cpp-httplib's client will not send.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{kClientTimeoutMs / 1000, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ok_ = connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawConnection() { close(fd_); }
  bool ok() const { return ok_; }
  int fd() const { return fd_; }
  // True when the peer has closed (or reset) the connection; false after the 5 s timeout.
  bool peerClosed() const {
    char c;
    ssize_t n = recv(fd_, &c, 1, MSG_PEEK);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }
  void send(const std::string& data) const { ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL); }
  // Reads until the peer closes or the timeout; returns what arrived.
  std::string readAll() const {
    std::string out;
    char buf[4096];
    for (;;) {
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
      if (out.find("\r\n\r\n") != std::string::npos && out.find("Content-Length: ") != std::string::npos) {
        size_t cl = std::stoul(out.substr(out.find("Content-Length: ") + 16));
        if (out.size() >= out.find("\r\n\r\n") + 4 + cl) break;
      }
    }
    return out;
  }

 private:
  int fd_ = -1;
  bool ok_ = false;
};

inline int statusOf(const std::string& raw) {
  if (raw.size() < 12 || raw.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::stoi(raw.substr(9, 3));
}

}  // namespace ddsim::fakeintake::testing
