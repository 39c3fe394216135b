// The dashboard's side of a run (RunOptions::live and ::control, live.h): the observer tee, and
// the commands a user gives while the run goes on, applied between steps at the run's time.
#include <spdlog/spdlog.h>

#include <thread>

#include "fakeintake/faults/fault_rule.h"
#include "simulator/runner/simulation_internal.h"

namespace ddsim::runner {
namespace {

// Hands every record to the report builder, then to the live observer with the run's time.
class LiveTee final : public pipeline::PipelineObserver {
 public:
  LiveTee(pipeline::PipelineObserver& next, LiveObserver& live, std::function<double()> now)
      : next_(next), live_(live), now_(std::move(now)) {}
  void onFlush(const pipeline::FlushRecord& f) override {
    next_.onFlush(f);
    live_.onFlush(now_(), f);
  }
  void onPayload(const pipeline::PayloadRecord& p) override {
    next_.onPayload(p);
    live_.onPayload(now_(), p);
  }
  void onAttempt(const pipeline::AttemptRecord& a) override {
    next_.onAttempt(a);
    live_.onAttempt(now_(), a);
  }

 private:
  pipeline::PipelineObserver& next_;
  LiveObserver& live_;
  std::function<double()> now_;
};

}  // namespace

std::unique_ptr<pipeline::PipelineObserver> makeLiveTee(pipeline::PipelineObserver& next, LiveObserver& live,
                                                        std::function<double()> now) {
  return std::make_unique<LiveTee>(next, live, std::move(now));
}

void Simulation::applyCommand(const LiveCommand& c) {
  switch (c.kind) {
    case LiveCommand::Kind::kFault: {
      auto rule = fakeintake::faultRuleFromJson(c.rule, "live fault");
      if (!rule.isOk()) {
        spdlog::error("fault from the dashboard refused: {}", rule.status().message());
        mark("fault", "refused: " + rule.status().message(), c.rule.dump());
        return;
      }
      auto r = std::move(rule).value();
      if (r.id.empty()) r.id = "live#" + std::to_string(++live_faults_);
      for (const auto& in : farm_->intakes()) in->handler->faults().appendRules({r}, clock_->systemNow());
      const std::string label = c.label.empty() ? r.id : c.label;
      mark("fault", label + " starts", c.rule.dump());
      if (r.duration) {
        // The end is a marker too, written when the run reaches it.
        const auto end = clock_->systemNow() + *r.duration;
        queue_.schedule(end, [this, label] { mark("fault", label + " ends"); });
      }
      return;
    }
    case LiveCommand::Kind::kRestart:
      restartAgent(c.value, c.label.empty() ? "restart from the dashboard" : c.label);
      return;
    case LiveCommand::Kind::kRateScale:
      for (auto& d : drivers_) d->setRateScale(c.value);
      mark("load", c.label.empty() ? "rate x" + std::to_string(c.value) : c.label);
      return;
    case LiveCommand::Kind::kContextScale:
      for (auto& d : drivers_) d->setContextScale(c.value);
      mark("load", c.label.empty() ? "contexts x" + std::to_string(c.value) : c.label);
      return;
  }
}

bool Simulation::applyLive(common::SystemTime next) {
  auto& control = *o_.control;
  for (const auto& c : control.take()) applyCommand(c);
  const double t = common::toSeconds(next - t0_);
  if (control.waitWhilePaused(scenarioSeconds())) {
    reportProgress(false, next >= load_end_);
    return false;
  }
  const double delay = control.paceDelay(t, common::toSeconds(real_.steadyNow() - real_start_));
  if (delay > 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(std::min(delay, 0.05)));
    reportProgress(false, next >= load_end_);
    return false;
  }
  return true;
}

}  // namespace ddsim::runner
