#pragma once
// A fakeintake on 127.0.0.1:0 and a datadog.yaml pointing `ddsim agent` at it: the fixture of
// the tests that run the agent as a child process.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>
#include <string>

#include "core/common/clock.h"
#include "fakeintake/faults/fault_rule.h"
#include "fakeintake/handler/intake_handler.h"
#include "fakeintake/server/http_server.h"

namespace ddsim::testing {

inline constexpr const char* kAgentApiKey = "0123456789abcdef0123456789abcdef";

class AgentIntakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    handler_ = std::make_unique<fakeintake::IntakeHandler>(fakeintake::IntakeOptions{},
                                                           common::SystemClock::instance());
    server_ = std::make_unique<fakeintake::HttpServer>(*handler_, fakeintake::ServerOptions{});
    auto port = server_->start();
    ASSERT_TRUE(port.isOk()) << port.status().message();
    char dir[] = "/tmp/ddsim-agent-test-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override {
    server_->stop();
    std::remove((dir_ + "/datadog.yaml").c_str());
    ::rmdir(dir_.c_str());
  }
  // Eight lines of base configuration (so `extra` starts on line 9), then `extra`.
  std::string writeConfig(const std::string& extra = "") {
    const std::string path = dir_ + "/datadog.yaml";
    std::ofstream f(path);
    f << "dd_url: " << server_->url() << "\n"
      << "hostname: agent-under-test\n"
      << "dogstatsd_port: -1\n"
      << "dogstatsd_socket: \"\"\n"
      << "bind_host: 127.0.0.1\n"
      << "ddsim:\n  flush_interval: 1\n"
      << "log_level: info\n"
      << extra;
    return path;
  }
  void addFault(fakeintake::FaultRule r) {
    handler_->faults().appendRules({std::move(r)}, common::SystemClock::instance().systemNow());
  }
  static int udpPort(const std::string& out) {
    std::smatch m;
    static const std::regex re(R"(dogstatsd listening on udp [^:\s]+:(\d+))");
    return std::regex_search(out, m, re) ? std::stoi(m[1]) : 0;
  }
  static void sendUdp(int port, const std::string& payload) {
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::close(fd);
  }
  // The sum of value * interval of `metric` over every stored v2 series payload (a DogStatsD
  // counter's count); with `series_only`, how many series of that name were stored.
  double storedCount(const std::string& metric, bool series_only = false) {
    double sum = 0;
    fakeintake::PayloadQuery q;
    q.route = "/api/v2/series";
    for (const auto& p : handler_->store().query(q, common::SystemClock::instance().systemNow())) {
      if (!p->decoded) continue;
      if (const auto* s = std::get_if<std::vector<fakeintake::DecodedSeries>>(&p->decoded->items)) {
        for (const auto& serie : *s) {
          if (serie.metric != metric) continue;
          if (series_only) {
            sum += 1;
            continue;
          }
          for (const auto& pt : serie.points) sum += pt.value * static_cast<double>(serie.interval);
        }
      }
    }
    return sum;
  }

  std::unique_ptr<fakeintake::IntakeHandler> handler_;
  std::unique_ptr<fakeintake::HttpServer> server_;
  std::string dir_;
};

}  // namespace ddsim::testing
