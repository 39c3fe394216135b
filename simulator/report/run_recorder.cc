#include "simulator/report/run_recorder.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace ddsim::report {

void RunRecorder::check(const common::Status& st, const char* what) {
  if (st.isOk()) return;
  if (write_errors_.fetch_add(1) == 0) spdlog::error("run store: {} not recorded: {}", what, st.message());
}

void RunRecorder::agentStarted() {
  std::lock_guard lock(mu_);
  offset_ = next_run_index_;
}

int64_t RunRecorder::runIndex(int64_t agent_index) {
  std::lock_guard lock(mu_);
  next_run_index_ = std::max(next_run_index_, offset_ + agent_index + 1);
  return offset_ + agent_index;
}

store::FlushRow flushRow(const pipeline::FlushRecord& f, int64_t index, double at) {
  return {index,       at,         f.aggregate_seconds, f.serialize_seconds, f.aggregate_cpu_seconds, f.serialize_cpu_seconds,
          f.series,    f.sketches, f.service_checks,    f.events,            f.contexts};
}

store::SentPayloadRow sentPayloadRow(const pipeline::PayloadRecord& p, int64_t flush_index, double at) {
  return {at, flush_index, p.route, p.compressed_bytes, p.uncompressed_bytes, p.items, p.points};
}

store::AttemptRow attemptRow(const pipeline::AttemptRecord& a, double at) {
  return {at, a.route, a.status, a.error, a.bytes, a.seconds + a.simulated_seconds};
}

void RunRecorder::onFlush(const pipeline::FlushRecord& f) {
  check(store_.addFlush(flushRow(f, runIndex(f.index), f.start - run_start_)), "a flush");
  if (next_) next_->onFlush(f);
}

void RunRecorder::onPayload(const pipeline::PayloadRecord& p) {
  const int64_t flush = p.flush_index >= 0 ? runIndex(p.flush_index) : -1;
  check(store_.addSentPayload(sentPayloadRow(p, flush, now_())), "a payload");
  if (next_) next_->onPayload(p);
}

void RunRecorder::onAttempt(const pipeline::AttemptRecord& a) {
  check(store_.addAttempt(attemptRow(a, now_())), "an attempt");
  if (next_) next_->onAttempt(a);
}

}  // namespace ddsim::report
