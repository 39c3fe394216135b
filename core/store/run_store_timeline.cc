// The run store's timeline writes (flushes, sent payloads, attempts, telemetry, markers) and the
// queue that keeps them from waiting behind another thread's payload transaction.
#include "core/store/run_store.h"
#include "core/store/run_store_internal.h"

namespace ddsim::store {

using common::Status;

namespace {
// Telemetry samples that may wait for another thread to write them before the caller does.
constexpr size_t kBackgroundRows = 64;
}  // namespace

std::unique_lock<std::mutex> RunStore::connection() {
  std::unique_lock lock(mu_);
  writePendingLocked(true);
  return lock;
}

void RunStore::writePendingLocked(bool with_background) {
  std::vector<std::function<Status()>> rows;
  {
    std::lock_guard p(pending_mu_);
    rows.swap(pending_);
    if (with_background) {
      // Another table: their order against the rows above does not matter, only among them.
      rows.insert(rows.end(), std::make_move_iterator(background_.begin()), std::make_move_iterator(background_.end()));
      background_.clear();
    }
  }
  if (rows.empty()) return;
  auto countError = [&](const Status& s, int64_t n) {
    std::lock_guard p(pending_mu_);
    if (deferred_errors_ == 0) first_deferred_error_ = s.message();
    deferred_errors_ += n;
  };
  // One transaction for the lot (one journal instead of one per row); rows are written one by
  // one when it cannot begin (e.g. a read-only store, where each then fails and is counted).
  const bool batched = st_->begin.run().isOk();
  for (auto& write : rows) {
    if (auto s = write(); !s.isOk()) countError(s, 1);
  }
  if (!batched) return;
  if (auto s = st_->commit.run(); !s.isOk()) {
    (void)st_->rollback.run();
    countError(s, static_cast<int64_t>(rows.size()));
  }
}

Status RunStore::writeTimeline(const std::function<Status()>& write) {
  std::unique_lock lock(mu_, std::try_to_lock);
  if (!lock.owns_lock()) {
    std::lock_guard p(pending_mu_);
    pending_.push_back(write);
    return Status::ok();
  }
  writePendingLocked(false);  // the rows queued before this one go first
  return inTransaction(write);
}

Status RunStore::deferredWriteStatus() {
  const auto lock = connection();
  std::lock_guard p(pending_mu_);
  if (deferred_errors_ == 0) return Status::ok();
  return common::internalError(std::to_string(deferred_errors_) + " timeline rows could not be written; the first: " +
                          first_deferred_error_);
}

Status RunStore::addFlush(const FlushRow& f) {
  return writeTimeline([this, f] {
    auto& s = st_->insert_flush;
    s.bind(1, f.index).bind(2, f.at).bind(3, f.aggregate_seconds).bind(4, f.serialize_seconds);
    s.bind(5, f.aggregate_cpu_seconds).bind(6, f.serialize_cpu_seconds).bind(7, f.series).bind(8, f.sketches);
    s.bind(9, f.service_checks).bind(10, f.events).bind(11, f.contexts);
    return s.run();
  });
}

Status RunStore::addSentPayload(const SentPayloadRow& p) {
  return writeTimeline([this, p] {
    auto& s = st_->insert_sent;
    s.bind(1, p.at).bind(2, p.flush_index).bind(3, p.route).bind(4, p.compressed_bytes);
    s.bind(5, p.uncompressed_bytes).bind(6, p.items).bind(7, p.points);
    return s.run();
  });
}

Status RunStore::addAttempt(const AttemptRow& a) {
  return writeTimeline([this, a] {
    auto& s = st_->insert_attempt;
    s.bind(1, a.at).bind(2, a.route).bind(3, a.status).bind(4, a.error).bind(5, a.bytes).bind(6, a.seconds);
    return s.run();
  });
}

Status RunStore::addTelemetry(double at, const std::map<std::string, double>& values) {
  // Hundreds of rows a sample: left to the next thread that takes the connection (the intake
  // storing a payload), so the caller (the simulation's run thread) does not write them.
  size_t waiting = 0;
  {
    std::lock_guard p(pending_mu_);
    background_.push_back([this, at, values] {
      for (const auto& [name, value] : values) {
        if (auto s = st_->insert_telemetry.bind(1, at).bind(2, name).bind(3, value).run(); !s.isOk()) return s;
      }
      return Status::ok();
    });
    waiting = background_.size();
  }
  if (waiting >= kBackgroundRows) (void)connection();  // nobody else came: bounded, written here
  return Status::ok();
}

Status RunStore::addMarker(const MarkerRow& m) {
  return writeTimeline(
      [this, m] { return st_->insert_marker.bind(1, m.at).bind(2, m.kind).bind(3, m.label).bind(4, m.detail).run(); });
}

}  // namespace ddsim::store
