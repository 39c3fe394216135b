#include "gui/controller/sim_controller.h"

#include <atomic>

#include "simulator/runner/simulation.h"

namespace ddsim::gui {

SimController::~SimController() { stopAndWait(); }

bool SimController::running() const { return thread_.joinable() && done_ && !done_->load(); }

common::Status SimController::start(const scenario::Scenario& scenario, const StartOptions& options) {
  if (running()) return common::Status(common::StatusCode::kFailedPrecondition, "a run is still going; stop it first");
  if (options.store_path.empty()) return common::Status(common::StatusCode::kInvalidArgument, "no run store path");
  if (thread_.joinable()) thread_.join();
  feed_ = std::make_unique<LiveFeed>(options.feed_capacity);
  control_ = std::make_unique<runner::LiveControl>();
  control_->setSpeed(options.speed);
  control_->pauseAt(options.pause_at);
  store_path_ = options.store_path;
  done_ = std::make_shared<std::atomic<bool>>(false);
  thread_ = std::thread([this, scenario, done = done_, feed = feed_.get(), control = control_.get()] {
    runner::RunOptions o;
    o.live = feed;
    o.control = control;
    o.store_path = store_path_;
    o.progress_interval_seconds = 0.1;
    feed->onStarted(scenario.duration);
    auto r = runner::runScenario(scenario, o);
    if (!r.isOk()) {
      feed->onFinished(false, "the run could not start: " + r.status().message());
    } else {
      std::string text = r->passed() ? "PASSED" : r->interrupted ? "STOPPED" : "FAILED";
      for (const auto& f : r->failures) text += "\n" + f;
      feed->onFinished(r->passed(), text);
    }
    done->store(true);
  });
  return common::Status::ok();
}

void SimController::stopAndWait() {
  if (control_) {
    control_->stop();
    control_->resume();
  }
  wait();
}

void SimController::wait() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace ddsim::gui
