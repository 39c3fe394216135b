#include "core/dogstatsd/replay.h"

#include <thread>

namespace ddsim::dogstatsd {
namespace {

// Ten years: a bound for offsets computed from corrupt timestamps.
constexpr double kMaxOffsetSeconds = 10.0 * 365 * 24 * 3600;

common::Duration offsetOf(int64_t ts, int64_t first, common::Duration unit, double speed) {
  const long double delta = static_cast<long double>(ts) - static_cast<long double>(first);
  long double seconds = delta * std::chrono::duration<long double>(unit).count() / speed;
  if (seconds < 0) seconds = 0;  // out-of-order records go at once
  if (seconds > kMaxOffsetSeconds) seconds = kMaxOffsetSeconds;
  return common::fromSeconds(static_cast<double>(seconds));
}

}  // namespace

void SleepingPacer::sleepUntil(common::SteadyTime t) {
  auto left = t - clock_.steadyNow();
  if (left > common::Duration::zero()) std::this_thread::sleep_for(left);
}

common::Result<ReplayTotals> replay(CaptureReader& reader, ReplayTarget& target,
                                    const ReplayOptions& options, const common::Clock& clock,
                                    Pacer& pacer) {
  if (options.speed < 0) return common::invalidArgument("replay speed must be >= 0");
  if (options.loops < 1) return common::invalidArgument("replay loops must be >= 1");
  // A cut or empty file is refused before anything is sent: replaying part of it would look
  // like a good run of fewer records.
  if (auto st = reader.checkComplete(); !st.isOk()) return st;
  ReplayTotals totals;
  const auto start = clock.steadyNow();
  const auto unit = reader.timestampUnit();
  CaptureRecord rec;
  auto report = [&](int loop, bool loop_done) {
    if (!options.on_progress) return;
    ReplayProgress p;
    p.loop = loop;
    p.loops = options.loops;
    p.records = totals.records;
    p.bytes = totals.bytes;
    p.send_errors = totals.send_errors;
    p.records_per_loop = totals.records_per_loop;
    p.elapsed = clock.steadyNow() - start;
    p.loop_done = loop_done;
    options.on_progress(p);
  };
  for (int loop = 0; loop < options.loops && !totals.cancelled; ++loop) {
    if (loop > 0) reader.rewind();
    const auto loop_start = clock.steadyNow();
    bool have_first = false;
    int64_t first = 0;
    int64_t last = 0;
    uint64_t in_loop = 0;
    while (true) {
      if (options.cancel != nullptr && options.cancel->load()) {
        totals.cancelled = true;
        break;
      }
      auto more = reader.next(rec);
      if (!more.isOk()) {
        target.finish();
        return more.status();
      }
      if (!*more) break;
      if (!have_first) {
        first = rec.timestamp;
        have_first = true;
      }
      last = rec.timestamp;
      // agent behaviour: record i goes out at (ts_i - ts_0) * resolution after the start.
      if (options.speed > 0) pacer.sleepUntil(loop_start + offsetOf(rec.timestamp, first, unit, options.speed));
      auto st = target.send(rec.payload);
      if (!st.isOk()) ++totals.send_errors;
      ++totals.records;
      totals.bytes += rec.payload.size();
      ++in_loop;
      if (options.progress_every > 0 && totals.records % options.progress_every == 0) {
        report(loop, false);
      }
    }
    if (totals.cancelled) break;
    totals.loops_completed = loop + 1;
    totals.records_per_loop = in_loop;
    totals.recorded_span = have_first ? offsetOf(last, first, unit, 1.0) : common::Duration{0};
    report(loop, true);
  }
  target.finish();
  totals.elapsed = clock.steadyNow() - start;
  return totals;
}

common::Result<ReplayTotals> replayFile(const std::string& path, const std::string& target,
                                        const ReplayOptions& options,
                                        metrics::SampleSink* inproc_sink,
                                        const ProcessorOptions& inproc_options) {
  auto reader = CaptureReader::open(path);
  if (!reader.isOk()) return reader.status();
  // Before the target is opened: a file that cannot be replayed is the error to report.
  if (auto st = reader->checkComplete(); !st.isOk()) return common::Status(st.code(), path + ": " + st.message());
  const auto& clock = common::SystemClock::instance();
  std::unique_ptr<ReplayTarget> t;
  if (target == "inproc") {
    if (inproc_sink == nullptr) return common::invalidArgument("the inproc replay target needs a sink");
    t = std::make_unique<InprocReplayTarget>(*inproc_sink, inproc_options, clock);
  } else {
    auto opened = openReplayTarget(target);
    if (!opened.isOk()) return opened.status();
    t = std::move(opened).value();
  }
  SleepingPacer pacer(clock);
  return replay(*reader, *t, options, clock, pacer);
}

}  // namespace ddsim::dogstatsd
