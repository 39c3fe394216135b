#include "simulator/lambda/intake_recorder.h"

#include <httplib.h>

namespace ddsim::lambda {

IntakeRecorder::IntakeRecorder(common::Clock& clock) : clock_(clock), server_(std::make_unique<httplib::Server>()) {
  auto record = [this](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard lock(mu_);
      requests_.push_back({clock_.steadyNow(), req.path, static_cast<int64_t>(req.body.size())});
    }
    res.status = 202;
    res.set_content("{}", "application/json");
  };
  server_->Post(".*", record);
  server_->Put(".*", record);
}

IntakeRecorder::~IntakeRecorder() { stop(); }

common::Result<int> IntakeRecorder::start() {
  const int port = server_->bind_to_any_port("127.0.0.1");
  if (port <= 0) return common::unavailable("cannot bind the recording intake on 127.0.0.1");
  port_ = port;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return port;
}

void IntakeRecorder::stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

IntakeWindow IntakeRecorder::window(common::SteadyTime from, common::SteadyTime to) const {
  std::lock_guard lock(mu_);
  IntakeWindow w;
  for (const auto& r : requests_) {
    if (r.at < from || r.at >= to) continue;
    ++w.requests;
    w.bytes += r.bytes;
    ++w.by_path[r.path];
  }
  return w;
}

IntakeWindow IntakeRecorder::total() const {
  return window(common::SteadyTime::min(), common::SteadyTime::max());
}

}  // namespace ddsim::lambda
