#include "simulator/lambda/runtime_api.h"

#include <httplib.h>

#include <chrono>

namespace ddsim::lambda {

namespace {
constexpr auto kNextWait = std::chrono::seconds(2);  // the environment offers before the runtime asks
}  // namespace

void RuntimeApi::install(LoopbackServer& server) {
  server.http().Get("/2018-06-01/runtime/invocation/next", [this](const httplib::Request&, httplib::Response& res) {
    std::unique_lock l(mu_);
    cv_.wait_for(l, kNextWait, [&] { return pending_.has_value() || stopping_; });
    if (!pending_) {
      res.status = 503;
      res.set_content(R"({"errorMessage":"no invocation offered","errorType":"ServiceException"})", "application/json");
      return;
    }
    RuntimeInvocation inv = std::move(*pending_);
    pending_.reset();
    l.unlock();
    for (const auto& [k, v] : inv.headers) res.set_header(k, v);
    res.set_header("Lambda-Runtime-Aws-Request-Id", inv.request_id);
    res.set_content(inv.event, "application/json");
  });
  server.http().Post(R"(/2018-06-01/runtime/invocation/([^/]+)/(response|error))",
                     [this](const httplib::Request& req, httplib::Response& res) {
                       {
                         std::lock_guard l(mu_);
                         outcomes_[req.matches[1]] = req.matches[2];
                       }
                       res.status = 202;
                       res.set_content(R"({"status":"OK"})", "application/json");
                     });
}

void RuntimeApi::offer(RuntimeInvocation invocation) {
  {
    std::lock_guard l(mu_);
    pending_ = std::move(invocation);
  }
  cv_.notify_all();
}

std::optional<std::string> RuntimeApi::outcome(const std::string& request_id) const {
  std::lock_guard l(mu_);
  auto it = outcomes_.find(request_id);
  if (it == outcomes_.end()) return std::nullopt;
  return it->second;
}

void RuntimeApi::stop() {
  {
    std::lock_guard l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
}

}  // namespace ddsim::lambda
