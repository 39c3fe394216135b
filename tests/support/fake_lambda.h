#pragma once
// A scripted Lambda platform on 127.0.0.1:0 for `ddsim serverless` tests: the Extensions API
// (register, event/next served from a queue the test fills) and the Telemetry API subscription
// (its destination is recorded so the test can post platform events to the extension).
#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "tests/support/poll.h"

namespace ddsim::testing {

class FakeLambda {
 public:
  FakeLambda() {
    server_.Post("/2020-01-01/extension/register", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard l(mu_);
      register_name_ = req.get_header_value("Lambda-Extension-Name");
      register_feature_ = req.get_header_value("Lambda-Extension-Accept-Feature");
      register_body_ = req.body;
      res.set_header("Lambda-Extension-Identifier", "ext-0001");
      res.set_content(R"({"functionName":"my-fn","functionVersion":"$LATEST","handler":"h","accountId":"123456789012"})",
                      "application/json");
    });
    server_.Put("/2022-07-01/telemetry", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard l(mu_);
      subscription_ = req.body;
      subscription_id_ = req.get_header_value("Lambda-Extension-Identifier");
      res.set_content("OK", "text/plain");
    });
    server_.Get("/2020-01-01/extension/event/next", [this](const httplib::Request& req, httplib::Response& res) {
      std::unique_lock l(mu_);
      ++next_calls_;
      next_id_ = req.get_header_value("Lambda-Extension-Identifier");
      cv_.wait(l, [&] { return !events_.empty() || closing_; });
      if (closing_) {
        res.status = 500;
        return;
      }
      res.set_content(events_.front(), "application/json");
      events_.pop_front();
    });
    server_.new_task_queue = [] { return new httplib::ThreadPool(4); };
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    pollUntil([&] { return server_.is_running(); });
  }
  ~FakeLambda() {
    {
      std::lock_guard l(mu_);
      closing_ = true;
    }
    cv_.notify_all();
    server_.stop();
    thread_.join();
  }
  std::string hostPort() const { return "127.0.0.1:" + std::to_string(port_); }
  void push(std::string event_json) {
    {
      std::lock_guard l(mu_);
      events_.push_back(std::move(event_json));
    }
    cv_.notify_all();
  }
  int nextCalls() const {
    std::lock_guard l(mu_);
    return next_calls_;
  }
  template <typename F>
  auto with(F f) const {
    std::lock_guard l(mu_);
    return f(*this);
  }
  std::string register_name_, register_feature_, register_body_, subscription_, subscription_id_, next_id_;

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> events_;
  int next_calls_ = 0;
  bool closing_ = false;
};

}  // namespace ddsim::testing
