#include "simulator/lambda/intake_recorder.h"

#include <httplib.h>

namespace ddsim::lambda {

IntakeRecorder::IntakeRecorder(common::Clock& clock) : clock_(clock) {
  auto record = [this](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard lock(mu_);
      requests_.push_back({clock_.steadyNow(), req.path, static_cast<int64_t>(req.body.size())});
    }
    res.status = 202;
    res.set_content("{}", "application/json");
  };
  server_.http().Post(".*", record);
  server_.http().Put(".*", record);
}

IntakeRecorder::~IntakeRecorder() { stop(); }

common::Result<int> IntakeRecorder::start() { return server_.start(); }

void IntakeRecorder::stop() { server_.stop(); }

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
