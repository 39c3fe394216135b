#include "core/aggregator/live_driver.h"

#include "core/common/process_stats.h"

namespace ddsim::aggregator {

LiveDriver::LiveDriver(Demultiplexer* demux, const common::Clock* clock, Options opts)
    : demux_(demux), clock_(clock), opts_(opts) {}

LiveDriver::~LiveDriver() {
  {
    std::lock_guard<std::mutex> l(mu_);
    running_ = false;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LiveDriver::start() {
  std::lock_guard<std::mutex> l(mu_);
  if (running_) return;
  running_ = true;
  demux_->start(now());
  thread_ = std::thread([this] {
    common::nameThisThread("agg-flush");
    run();
  });
}

void LiveDriver::run() {
  std::unique_lock<std::mutex> l(mu_);
  while (running_) {
    l.unlock();
    demux_->tick(now());
    l.lock();
    cv_.wait_for(l, opts_.poll, [&] { return !running_; });
  }
}

void LiveDriver::stop(bool flush) {
  {
    std::lock_guard<std::mutex> l(mu_);
    running_ = false;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  demux_->stop(now(), flush);
}

}  // namespace ddsim::aggregator
