#include "gui/controller/live_feed.h"

#include "simulator/report/run_recorder.h"

namespace ddsim::gui {

void LiveFeed::push(LiveEvent e, bool always) {
  std::lock_guard lock(mu_);
  if (!always && queue_.size() >= capacity_) {
    dropped_.fetch_add(1);
    return;
  }
  last_t_ = e.t;
  queue_.push_back(std::move(e));
}

void LiveFeed::onStarted(double duration) {
  LiveEvent e{LiveEvent::Kind::kStarted, 0};
  e.duration = duration;
  push(std::move(e), true);
}

void LiveFeed::onFlush(double t, const pipeline::FlushRecord& f) {
  LiveEvent e{LiveEvent::Kind::kFlush, t};
  e.flush = report::flushRow(f, f.index, t);
  push(std::move(e), false);
}

void LiveFeed::onPayload(double t, const pipeline::PayloadRecord& p) {
  LiveEvent e{LiveEvent::Kind::kPayload, t};
  e.payload = report::sentPayloadRow(p, p.flush_index, t);
  push(std::move(e), false);
}

void LiveFeed::onAttempt(double t, const pipeline::AttemptRecord& a) {
  LiveEvent e{LiveEvent::Kind::kAttempt, t};
  e.attempt = report::attemptRow(a, t);
  push(std::move(e), false);
}

void LiveFeed::onTelemetry(double t, const std::map<std::string, double>& m) {
  LiveEvent e{LiveEvent::Kind::kTelemetry, t};
  e.telemetry = m;
  push(std::move(e), false);
}

void LiveFeed::onMarker(double t, const std::string& kind, const std::string& label) {
  LiveEvent e{LiveEvent::Kind::kMarker, t};
  e.marker = {t, kind, label, ""};
  push(std::move(e), true);
}

void LiveFeed::onProgress(double t, double real_seconds) {
  LiveEvent e{LiveEvent::Kind::kProgress, t};
  e.real_seconds = real_seconds;
  push(std::move(e), false);
}

void LiveFeed::onFinished(bool passed, const std::string& summary) {
  LiveEvent e{LiveEvent::Kind::kFinished, 0};
  {
    std::lock_guard lock(mu_);
    e.t = last_t_;
  }
  e.passed = passed;
  e.text = summary;
  push(std::move(e), true);
}

void LiveFeed::drain(std::vector<LiveEvent>& out) {
  std::lock_guard lock(mu_);
  for (auto& e : queue_) out.push_back(std::move(e));
  queue_.clear();
}

}  // namespace ddsim::gui
