#include "simulator/runner/live.h"

#include <chrono>

namespace ddsim::runner {

void LiveControl::pause() {
  paused_.store(true);
}

void LiveControl::resume() {
  {
    std::lock_guard lock(mu_);
    paused_.store(false);
    anchor_t_ = -1;  // pacing starts afresh from where the run stands
  }
  cv_.notify_all();
}

void LiveControl::pauseAt(std::optional<double> t) {
  std::lock_guard lock(mu_);
  pause_at_ = t;
}

void LiveControl::setSpeed(double speed) {
  speed_.store(speed < 0 ? 0 : speed);
}

bool LiveControl::request(LiveCommand c) {
  std::lock_guard lock(mu_);
  if (commands_.size() >= kMaxPending) {
    refused_.fetch_add(1);
    return false;
  }
  commands_.push_back(std::move(c));
  return true;
}

void LiveControl::stop() {
  stop_.store(true);
  cv_.notify_all();
}

std::vector<LiveCommand> LiveControl::take() {
  std::lock_guard lock(mu_);
  std::vector<LiveCommand> out(std::make_move_iterator(commands_.begin()), std::make_move_iterator(commands_.end()));
  commands_.clear();
  return out;
}

bool LiveControl::waitWhilePaused(double t) {
  std::unique_lock lock(mu_);
  if (pause_at_ && t >= *pause_at_) {
    pause_at_.reset();
    paused_.store(true);
  }
  if (!paused_.load() || stop_.load()) return false;
  // Wakes on resume or stop; the timeout only lets commands (faults asked for while paused) be
  // taken without waiting for the resume.
  cv_.wait_for(lock, std::chrono::milliseconds(50), [&] { return !paused_.load() || stop_.load(); });
  anchor_t_ = -1;
  return true;
}

double LiveControl::paceDelay(double t, double real_now) {
  const double speed = speed_.load();
  std::lock_guard lock(mu_);
  if (speed <= 0) {
    anchor_t_ = -1;
    return 0;
  }
  if (anchor_t_ < 0 || speed != anchor_speed_) {
    anchor_t_ = t;
    anchor_real_ = real_now;
    anchor_speed_ = speed;
    return 0;
  }
  const double due_real = anchor_real_ + (t - anchor_t_) / speed;
  return due_real > real_now ? due_real - real_now : 0;
}

}  // namespace ddsim::runner
