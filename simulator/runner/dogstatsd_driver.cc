#include "simulator/runner/dogstatsd_driver.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "simulator/runner/sample_feed.h"
#include "simulator/workload/dogstatsd_generator.h"
#include "simulator/workload/ordered_pipe.h"
#include "simulator/workload/packet_pipe.h"

namespace ddsim::runner {
namespace {

// What a generator thread hands the driver thread: parsed samples of one tick, the last batch
// of a tick marked with the generator's tally after it.
struct TickBatch {
  SampleBatch batch;
  bool last_of_tick = false;
  workload::DogStatsDTally tally;
  void clear() {
    batch.clear();
    last_of_tick = false;
  }
};

class DogStatsDDriver final : public WorkloadDriver {
 public:
  DogStatsDDriver(const scenario::DogStatsDWorkload& w, uint64_t seed, double load_end)
      : w_(w), gen_(w, seed), stop_(stopOr(w.stop, load_end)) {}
  ~DogStatsDDriver() override { ahead_.cancel(); }  // the generator thread uses gen_ and parser_

  const std::string& name() const override { return w_.name; }
  std::string_view type() const override { return "dogstatsd"; }

  void planTicks(const TickPlan& plan) override {
    // Worth a thread when ticks are large and the packets stay in process.
    if (w_.transport != scenario::SampleTransport::kInProcess || plan.tick_seconds <= 0 || plan.duration <= 0) return;
    const double ticks = std::ceil(plan.duration / plan.tick_seconds);
    if (static_cast<double>(dueCount(w_.rate, w_.start, stop_, 0, plan.duration)) < ticks * kPipeFromLines) return;
    plan_ = plan;
  }

  void tick(TickContext& ctx) override {
    if (plan_) return tickAhead(ctx);
    const int64_t n = scaledCount(dueCount(w_.rate, w_.start, stop_, ctx.scenario_time, ctx.tick_end), rate_scale_, carry_);
    if (n <= 0) return;
    const auto send = [&](std::string_view packet) {
      ctx.feed.send(w_.transport, packet);
      ++g_.packets;
    };
    const auto now = static_cast<int64_t>(ctx.now_unix);
    if (n < kPipeFromLines) {
      gen_.generate(n, now, send);
    } else if (w_.transport == scenario::SampleTransport::kInProcess) {
      // Generate and parse on a second thread while this one aggregates: the agent gets the
      // same calls in the same order as parsing here would make.
      if (!parser_) parser_ = ctx.feed.makeBatchParser();
      batches_.run(
          [&](workload::OrderedPipe<TickBatch>::Producer& out) {
            TickBatch b = out.fresh();
            gen_.generate(n, now, [&](std::string_view packet) {
              parser_->parse(packet, b.batch);
              if (b.batch.sampleCount() >= kBatchSamples) {
                out.emit(std::move(b));
                b = out.fresh();
              }
            });
            if (!b.batch.empty()) out.emit(std::move(b));
          },
          [&](TickBatch& b) { deliver(ctx, b.batch); });
    } else {  // generate on a second thread while this one sends: same packets, same order
      pipe_.run([&](const std::function<void(std::string_view)>& emit) { gen_.generate(n, now, emit); }, send);
    }
    tally_ = gen_.tally();
    noteTally();
  }

  const Generated& generated() const override { return g_; }
  void releaseMemory() override {
    ahead_.release();  // first: its thread uses parser_
    batches_.release();
    parser_.reset();
  }
  void setRateScale(double factor) override { rate_scale_ = factor < 0 ? 0 : factor; }
  void setContextScale(double fraction) override {
    const double f = std::clamp(fraction, 0.0, 1.0);
    gen_.setActiveContexts(static_cast<size_t>(std::ceil(f * static_cast<double>(gen_.contextCount()))));
  }
  nlohmann::json details() const override {
    // The tally of the ticks delivered (a generator thread may be ahead of them).
    const auto& t = tally_;
    return {{"contexts", gen_.contextCount()}, {"lines", t.lines},     {"packets", t.packets},
            {"bytes", t.bytes},                {"samples", t.samples}, {"counts", t.counts},
            {"gauges", t.gauges},              {"timers", t.timers},   {"distributions", t.distributions},
            {"sets", t.sets},                  {"histograms", t.histograms}, {"timestamped", t.timestamped}};
  }

 private:
  // Below this many lines in a tick, a thread would cost more than it saves.
  static constexpr int64_t kPipeFromLines = 2048;
  // Samples per parsed batch handed from the generator thread; dogstatsdBatchesAhead() says how
  // many may wait.
  static constexpr size_t kBatchSamples = 512;

  void deliver(TickContext& ctx, SampleBatch& b) {
    g_.packets += b.packets;
    ctx.feed.deliver(b);
  }
  void noteTally() {
    g_.timestamped_samples = tally_.timestamped;
    g_.metric_samples = tally_.samples - tally_.timestamped;
  }

  // The ticks are known in advance (plan_): a generator thread makes and parses tick after
  // tick, up to dogstatsdBatchesAhead() batches ahead, while this thread aggregates and the agent
  // flushes, serializes and sends; each tick takes its own batches, in order. The thread
  // computes each tick's lines, time stamps and receive time as tick() would.
  void tickAhead(TickContext& ctx) {
    if (!parser_) {
      parser_ = ctx.feed.makeBatchParser();
      ahead_.start([this](workload::OrderedPipe<TickBatch>::Producer& out) { produceAhead(out); });
    }
    const double want = static_cast<double>(next_tick_) * plan_->tick_seconds;
    if (want != ctx.scenario_time) {  // the runner's ticks are the plan's: a bug, not input
      spdlog::error("dogstatsd workload '{}': tick at {} s, planned at {} s", w_.name, ctx.scenario_time, want);
    }
    ++next_tick_;
    TickBatch b;
    while (ahead_.next(b)) {
      deliver(ctx, b.batch);
      const bool last = b.last_of_tick;
      if (last) tally_ = b.tally;
      ahead_.done(std::move(b));
      b = TickBatch();
      if (last) break;
    }
    noteTally();
  }

  // A batch to fill, with room for kBatchSamples plus the packet that crosses it (a vector that
  // doubles at the 513th sample would hold twice the memory in every batch ahead).
  static TickBatch fresh(workload::OrderedPipe<TickBatch>::Producer& out) {
    TickBatch tb = out.fresh();
    tb.batch.reserveSamples(kBatchSamples + kBatchSamples / 4);
    return tb;
  }

  void produceAhead(workload::OrderedPipe<TickBatch>::Producer& out) {
    const TickPlan plan = *plan_;
    const double start_unix = common::toUnixSeconds(plan.start);
    for (int64_t k = 0; !out.cancelled(); ++k) {
      const double a = static_cast<double>(k) * plan.tick_seconds;  // as Simulation::runVirtual
      if (a >= plan.duration) return;
      const double b = std::min(plan.duration, a + plan.tick_seconds);
      const int64_t n = dueCount(w_.rate, w_.start, stop_, a, b);
      const auto now = static_cast<int64_t>(start_unix + a);
      const double received = common::toUnixSeconds(plan.start + common::fromSeconds(a));
      TickBatch tb = fresh(out);
      if (n > 0) {
        gen_.generate(n, now, [&](std::string_view packet) {
          parser_->parse(packet, received, tb.batch);
          if (tb.batch.sampleCount() >= kBatchSamples) {
            out.emit(std::move(tb));
            tb = fresh(out);
          }
        });
      }
      tb.last_of_tick = true;
      tb.tally = gen_.tally();
      if (!out.emit(std::move(tb))) return;
    }
  }

  scenario::DogStatsDWorkload w_;
  workload::DogStatsDGenerator gen_;
  workload::PacketPipe pipe_;
  std::unique_ptr<BatchParser> parser_;
  std::optional<TickPlan> plan_;
  int64_t next_tick_ = 0;
  workload::DogStatsDTally tally_;
  double stop_;
  Generated g_;
  double rate_scale_ = 1.0;
  double carry_ = 0;
  workload::OrderedPipe<TickBatch> batches_{16};
  workload::OrderedPipe<TickBatch> ahead_{dogstatsdBatchesAhead(w_.contexts)};
};

}  // namespace

// A batch keeps the text of cached contexts as views (SampleBatch::holdPin), so it costs about
// 100 KB at 10,000 contexts: 192 ahead hold about 20 MB. Steady-state (10,000 contexts) on glibc,
// 2026-12-04: 64 ahead 5.8 s, 128 4.9 s, 256 4.4-4.6 s; on jemalloc: 192 as fast as 256 with
// 6-10 MiB less peak RSS. The 50k slice (50,000 contexts, 4 min), 2026-12-04, four runs each:
// 192 ahead 4.27-4.97 s (226-247 MiB), 400 3.81-4.50 s (264-289 MiB), 640 3.79-3.93 s
// (314-334 MiB): the run thread's flush is five times longer there, and the generator, its
// queue full, sat idle through it.
size_t dogstatsdBatchesAhead(int64_t contexts) {
  const int64_t scaled = contexts / 1000 * 8;
  return static_cast<size_t>(std::clamp<int64_t>(scaled, 192, 512));
}

std::unique_ptr<WorkloadDriver> makeDogStatsDDriver(const scenario::DogStatsDWorkload& w, uint64_t seed, double load_end) {
  return std::make_unique<DogStatsDDriver>(w, seed, load_end);
}

}  // namespace ddsim::runner
