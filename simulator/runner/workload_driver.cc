#include "simulator/runner/workload_driver.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/common/random.h"
#include "core/dogstatsd/capture_file.h"
#include "core/serializer/collector_messages.h"
#include "core/trace/trace_capture.h"
#include "simulator/runner/dogstatsd_driver.h"
#include "simulator/workload/text_generators.h"
#include "simulator/runner/trace_driver.h"
#include "simulator/runner/trace_replay_driver.h"

namespace ddsim::runner {

int64_t dueCount(const scenario::RateProfile& rate, double start, double stop, double t0, double t1) {
  const double a = std::clamp(t0, start, stop) - start;
  const double b = std::clamp(t1, start, stop) - start;
  if (b <= a) return 0;
  return static_cast<int64_t>(std::floor(rate.cumulative(b) + 1e-9) - std::floor(rate.cumulative(a) + 1e-9));
}

int64_t scaledCount(int64_t n, double factor, double& carry) {
  if (factor == 1.0) return n;
  const double want = static_cast<double>(n) * factor + carry;
  const auto out = static_cast<int64_t>(want);
  carry = want - static_cast<double>(out);
  return out;
}

double stopOr(const std::optional<double>& stop, double load_end) { return stop ? std::min(*stop, load_end) : load_end; }

namespace {

// Events and service checks travel as DogStatsD text, one message per line, packed into
// packets of at most 8 KiB.
template <typename Gen, typename W>
class TextDriver final : public WorkloadDriver {
 public:
  TextDriver(const W& w, uint64_t seed, double load_end, std::string_view type, bool events)
      : w_(w), gen_(w, seed), stop_(stopOr(w.stop, load_end)), type_(type), events_(events) {}
  const std::string& name() const override { return w_.name; }
  std::string_view type() const override { return type_; }
  void tick(TickContext& ctx) override {
    const int64_t n = dueCount(w_.rate, w_.start, stop_, ctx.scenario_time, ctx.tick_end);
    std::string packet;
    auto emit = [&] {
      if (packet.empty()) return;
      ctx.feed.send(scenario::SampleTransport::kInProcess, packet);
      ++g_.packets;
      packet.clear();
    };
    for (int64_t i = 0; i < n; ++i) {
      std::string msg = gen_.next(static_cast<int64_t>(ctx.now_unix));
      if (!packet.empty() && packet.size() + 1 + msg.size() > 8192) emit();
      if (!packet.empty()) packet += '\n';
      packet += msg;
      if (events_) ++g_.events;
      else ++g_.service_checks;
    }
    emit();
  }
  const Generated& generated() const override { return g_; }
  nlohmann::json details() const override {
    return {{events_ ? "events" : "service_checks", gen_.generated()}, {"packets", g_.packets}};
  }

 private:
  W w_;
  Gen gen_;
  double stop_;
  std::string type_;
  bool events_;
  Generated g_;
};

class ChecksDriver final : public WorkloadDriver {
 public:
  ChecksDriver(const scenario::CheckWorkload& w, uint64_t seed, double load_end)
      : w_(w), rng_(seed), stop_(stopOr(w.stop, load_end)) {
    const double weights[] = {w.weight_gauge, w.weight_rate, w.weight_count, w.weight_monotonic_count,
                              w.weight_histogram, w.weight_historate, w.weight_distribution};
    double total = 0;
    for (double x : weights) total += x;
    for (int64_t c = 0; c < w.checks; ++c) {
      for (int64_t m = 0; m < w.metrics_per_check; ++m) {
        Metric metric;
        metric.check = static_cast<int>(c);
        metric.name = "ddsim." + w.name + ".check" + std::to_string(c) + ".metric" + std::to_string(m);
        double pick = rng_.uniform(0, total);
        int kind = 0;
        while (kind < 6 && (pick >= weights[kind] || weights[kind] <= 0)) {
          pick -= weights[kind];
          ++kind;
        }
        metric.kind = kind;
        const auto ntags = rng_.uniformInt(static_cast<int64_t>(w.tags_per_metric.first),
                                           static_cast<int64_t>(w.tags_per_metric.second));
        for (int64_t t = 0; t < ntags; ++t) metric.tags.push_back("tag" + std::to_string(t) + ":v" + std::to_string(rng_.uniformInt(0, 9)));
        metric.counter = rng_.uniform(0, 1000);
        metrics_.push_back(std::move(metric));
      }
    }
  }
  const std::string& name() const override { return w_.name; }
  std::string_view type() const override { return "checks"; }
  void tick(TickContext& ctx) override {
    // A run every `interval` seconds from `start`, the first at `start`.
    while (next_run_ < ctx.tick_end && w_.start + next_run_ < stop_) {
      const double run_time = w_.start + next_run_;
      if (run_time >= ctx.scenario_time) run(ctx, ctx.now_unix + (run_time - ctx.scenario_time));
      next_run_ += w_.interval;
    }
  }
  const Generated& generated() const override { return g_; }
  nlohmann::json details() const override {
    return {{"checks", w_.checks}, {"metrics", metrics_.size()}, {"runs", runs_}, {"samples", g_.check_samples}};
  }

 private:
  struct Metric {
    int check = 0;
    std::string name;
    int kind = 0;  // gauge, rate, count, monotonic_count, histogram, historate, distribution
    std::vector<std::string> tags;
    double counter = 0;
  };
  void run(TickContext& ctx, double now) {
    ++runs_;
    if (!ctx.agent) {
      g_.check_samples_agent_down += static_cast<int64_t>(metrics_.size());
      return;
    }
    std::vector<std::shared_ptr<aggregator::Sender>> senders(static_cast<size_t>(w_.checks));
    for (int64_t c = 0; c < w_.checks; ++c) {
      auto s = ctx.agent->demux().getSender("ddsim-" + w_.name + "-" + std::to_string(c));
      if (s.isOk()) senders[static_cast<size_t>(c)] = *s;
    }
    for (auto& m : metrics_) {
      auto& sender = senders[static_cast<size_t>(m.check)];
      if (!sender) {
        ++g_.check_samples_agent_down;
        continue;
      }
      const double v = rng_.uniform(w_.value_range.first, w_.value_range.second);
      m.counter += std::fabs(v);
      switch (m.kind) {
        case 0: sender->gauge(m.name, v, "", m.tags, now); break;
        case 1: sender->rate(m.name, m.counter, "", m.tags, now); break;
        case 2: sender->count(m.name, v, "", m.tags, now); break;
        case 3: sender->monotonicCount(m.name, m.counter, "", m.tags, now); break;
        case 4: sender->histogram(m.name, v, "", m.tags, now); break;
        case 5: sender->historate(m.name, m.counter, "", m.tags, now); break;
        default: sender->distribution(m.name, v, "", m.tags, now); break;
      }
      ++g_.check_samples;
    }
    for (auto& s : senders) {
      if (s) {
        s->commit(now);
        ++g_.commits;
      }
    }
  }

  scenario::CheckWorkload w_;
  common::Random rng_;
  double stop_;
  double next_run_ = 0;
  int64_t runs_ = 0;
  std::vector<Metric> metrics_;
  Generated g_;
};

class OrchestratorDriver final : public WorkloadDriver {
 public:
  OrchestratorDriver(const scenario::OrchestratorWorkload& w, uint64_t seed, double load_end)
      : w_(w), rng_(seed), stop_(stopOr(w.stop, load_end)) {}
  const std::string& name() const override { return w_.name; }
  std::string_view type() const override { return "orchestrator"; }
  void tick(TickContext& ctx) override {
    while (next_run_ < ctx.tick_end && w_.start + next_run_ < stop_) {
      if (w_.start + next_run_ >= ctx.scenario_time) collect(ctx);
      next_run_ += w_.interval;
    }
  }
  const Generated& generated() const override { return g_; }
  nlohmann::json details() const override {
    return {{"collections", collections_}, {"messages", g_.orchestrator_messages}, {"resources", w_.resources}};
  }

 private:
  void collect(TickContext& ctx) {
    ++collections_;
    serializer::CollectorPodSpec pods;
    pods.host_name = "ddsim-host";
    pods.cluster_name = "ddsim";
    pods.cluster_id = w_.cluster_id;
    pods.group_id = static_cast<int32_t>(collections_);
    for (int64_t i = 0; i < w_.resources; ++i) {
      serializer::PodSpec p;
      p.name = "pod-" + std::to_string(i);
      p.ns = "default";
      p.uid = "uid-" + std::to_string(i) + "-" + std::to_string(rng_.uniformInt(0, 1'000'000));
      p.restart_count = static_cast<int32_t>(rng_.uniformInt(0, 3));
      pods.pods.push_back(std::move(p));
    }
    metrics::OrchestratorMetadata meta;
    meta.cluster_id = w_.cluster_id;
    meta.payload_type = metrics::process_message_type::kPod;
    meta.messages.push_back(serializer::encodeCollectorPod(pods));
    const int64_t n = w_.manifests ? 2 : 1;
    auto sender = ctx.agent ? ctx.agent->demux().getDefaultSender()
                            : common::Result<std::shared_ptr<aggregator::Sender>>(
                                  common::failedPrecondition("the agent is down"));
    if (!sender.isOk()) {
      g_.orchestrator_agent_down += n;
      return;
    }
    (*sender)->orchestratorMetadata(std::move(meta));
    ++g_.orchestrator_messages;
    if (w_.manifests) {
      serializer::CollectorManifestSpec manifests;
      manifests.cluster_name = "ddsim";
      manifests.cluster_id = w_.cluster_id;
      manifests.host_name = "ddsim-host";
      for (int64_t i = 0; i < w_.resources; ++i) {
        serializer::ManifestSpec m;
        m.type = 1;
        m.uid = "uid-" + std::to_string(i);
        m.kind = "Pod";
        m.api_version = "v1";
        m.content = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"pod-" + std::to_string(i) + "\"}}";
        manifests.manifests.push_back(std::move(m));
      }
      metrics::OrchestratorManifest man;
      man.cluster_id = w_.cluster_id;
      man.messages.push_back(serializer::encodeCollectorManifest(manifests));
      (*sender)->orchestratorManifest(std::move(man));
      ++g_.orchestrator_messages;
    }
  }

  scenario::OrchestratorWorkload w_;
  common::Random rng_;
  double stop_;
  double next_run_ = 0;
  int64_t collections_ = 0;
  Generated g_;
};

class ReplayDriver final : public WorkloadDriver {
 public:
  ReplayDriver(const scenario::ReplayWorkload& w, dogstatsd::CaptureReader reader) : w_(w), reader_(std::move(reader)) {
    dogstatsd::CaptureRecord r;
    while (true) {
      auto more = reader_.next(r);
      if (!more.isOk()) {
        error_ = more.status().message();
        break;
      }
      if (!*more) break;
      records_.push_back({r.timestamp, std::move(r.payload)});
    }
    if (!records_.empty()) {
      const double unit = common::toSeconds(reader_.timestampUnit());
      first_ = records_.front().ts;
      span_ = static_cast<double>(records_.back().ts - first_) * unit;
      unit_ = unit;
    }
  }
  const std::string& name() const override { return w_.name; }
  std::string_view type() const override { return "replay"; }
  void tick(TickContext& ctx) override {
    while (loop_ < w_.loops && !records_.empty()) {
      const auto& rec = records_[next_];
      const double offset = w_.speed > 0 ? static_cast<double>(rec.ts - first_) * unit_ / w_.speed : 0;
      const double loop_len = w_.speed > 0 ? span_ / w_.speed : 0;
      const double at = w_.start + static_cast<double>(loop_) * loop_len + offset;
      if (at >= ctx.tick_end) break;
      ctx.feed.send(w_.transport, rec.payload);
      ++g_.packets;
      if (++next_ == records_.size()) {
        next_ = 0;
        ++loop_;
      }
    }
  }
  const Generated& generated() const override { return g_; }
  nlohmann::json details() const override {
    return {{"file", w_.file}, {"records", records_.size()}, {"loops_completed", loop_}, {"packets", g_.packets},
            {"recorded_span_seconds", span_}};
  }
  const std::string& readError() const { return error_; }

 private:
  struct Rec {
    int64_t ts;
    std::string payload;
  };
  scenario::ReplayWorkload w_;
  dogstatsd::CaptureReader reader_;
  std::vector<Rec> records_;
  int64_t first_ = 0;
  double span_ = 0;
  double unit_ = 1;
  size_t next_ = 0;
  int64_t loop_ = 0;
  std::string error_;
  Generated g_;
};

}  // namespace

common::Result<std::unique_ptr<WorkloadDriver>> makeWorkloadDriver(const scenario::Workload& w, uint64_t seed,
                                                                   double load_end, const std::string& base_dir) {
  if (auto* d = std::get_if<scenario::DogStatsDWorkload>(&w)) {
    return makeDogStatsDDriver(*d, seed, load_end);
  }
  if (auto* e = std::get_if<scenario::EventWorkload>(&w)) {
    return std::unique_ptr<WorkloadDriver>(
        new TextDriver<workload::EventGenerator, scenario::EventWorkload>(*e, seed, load_end, "events", true));
  }
  if (auto* s = std::get_if<scenario::ServiceCheckWorkload>(&w)) {
    return std::unique_ptr<WorkloadDriver>(new TextDriver<workload::ServiceCheckGenerator, scenario::ServiceCheckWorkload>(
        *s, seed, load_end, "service_checks", false));
  }
  if (auto* c = std::get_if<scenario::CheckWorkload>(&w)) {
    return std::unique_ptr<WorkloadDriver>(new ChecksDriver(*c, seed, load_end));
  }
  if (auto* o = std::get_if<scenario::OrchestratorWorkload>(&w)) {
    return std::unique_ptr<WorkloadDriver>(new OrchestratorDriver(*o, seed, load_end));
  }
  if (auto* t = std::get_if<scenario::TraceWorkload>(&w)) return makeTraceDriver(*t, seed, load_end);
  const auto& r = std::get<scenario::ReplayWorkload>(w);
  std::filesystem::path p(r.file);
  if (p.is_relative() && !base_dir.empty()) p = std::filesystem::path(base_dir) / p;
  if (trace::TraceCaptureReader::isTraceCapture(p.string())) {
    auto driver = makeTraceReplayDriver(r, p.string());
    if (!driver.isOk()) return common::invalidArgument("replay workload '" + r.name + "': " + driver.status().message());
    return driver;
  }
  auto reader = dogstatsd::CaptureReader::open(p.string());
  if (!reader.isOk()) {
    return common::invalidArgument("replay workload '" + r.name + "': " + reader.status().message());
  }
  // A capture that is cut, empty or corrupt part-way is rejected before the run, not replayed in part.
  const common::Status whole = reader->checkComplete();
  auto driver = std::make_unique<ReplayDriver>(r, std::move(reader).value());
  if (!driver->readError().empty()) {
    return common::invalidArgument("replay workload '" + r.name + "': " + driver->readError());
  }
  if (!whole.isOk()) {
    return common::invalidArgument("replay workload '" + r.name + "': " + p.string() + ": " + whole.message());
  }
  return std::unique_ptr<WorkloadDriver>(std::move(driver));
}

}  // namespace ddsim::runner
