// `ddsim replay FILE [--speed N] [--loops K] [--target udp://HOST:PORT | unix:///path |
// unixstream:///path | inproc]`: sends a .dog capture's packets with their recorded cadence.
// With --target inproc the packets are parsed and aggregated in this process and the series
// the aggregator flushes are listed.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>

#include "core/aggregator/demultiplexer.h"
#include "core/common/clock.h"
#include "core/dogstatsd/replay.h"
#include "simulator/cli/commands.h"

namespace ddsim::cli {

namespace {

struct ReplayArgs {
  std::string file;
  double speed = 1;
  int loops = 1;
  std::string target = "udp://127.0.0.1:8125";
  int top = 20;
};

// Collects what an in-process replay flushes, for the listing at the end.
class SummarySerializer final : public aggregator::MetricSerializer {
 public:
  common::Status sendSeries(std::vector<metrics::Serie>&& series) override {
    std::lock_guard lock(mu_);
    for (const auto& s : series) {
      auto& e = series_[s.name + " " + tagsOf(s.tags)];
      e.type = std::string(metrics::apiMetricTypeName(s.mtype));
      e.points += static_cast<int64_t>(s.points.size());
      for (const auto& p : s.points) e.last = p.value;
    }
    return {};
  }
  common::Status sendSketches(std::vector<metrics::SketchSeries>&& sketches) override {
    std::lock_guard lock(mu_);
    for (const auto& s : sketches) {
      auto& e = series_[s.name + " " + tagsOf(s.tags)];
      e.type = "sketch";
      for (const auto& p : s.points) e.points += p.sketch.basic.cnt;
    }
    return {};
  }
  common::Status sendServiceChecks(std::vector<metrics::ServiceCheck>&& checks) override {
    service_checks_ += static_cast<int64_t>(checks.size());
    return {};
  }
  common::Status sendEvents(std::vector<metrics::Event>&& events) override {
    events_ += static_cast<int64_t>(events.size());
    return {};
  }
  common::Status sendOrchestratorMetadata(metrics::OrchestratorMetadata&&) override { return {}; }
  common::Status sendOrchestratorManifests(std::vector<metrics::OrchestratorManifest>&&) override { return {}; }

  void print(int top) const {
    std::lock_guard lock(mu_);
    std::vector<std::pair<std::string, Entry>> rows(series_.begin(), series_.end());
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.points > b.second.points; });
    std::cout << series_.size() << " series/sketches, " << service_checks_ << " service checks, " << events_
              << " events flushed (datadog.agent.* included)\n";
    for (int i = 0; i < top && i < static_cast<int>(rows.size()); ++i) {
      std::printf("  %-8s %8lld points  last %-12g %s\n", rows[static_cast<size_t>(i)].second.type.c_str(),
                  static_cast<long long>(rows[static_cast<size_t>(i)].second.points),
                  rows[static_cast<size_t>(i)].second.last, rows[static_cast<size_t>(i)].first.c_str());
    }
  }

 private:
  struct Entry {
    std::string type;
    int64_t points = 0;
    double last = 0;
  };
  static std::string tagsOf(const metrics::CompositeTags& t) {
    std::string s = "{";
    bool first = true;
    t.forEach([&](std::string_view tag) {
      if (!first) s += ',';
      s += tag;
      first = false;
    });
    return s + "}";
  }
  mutable std::mutex mu_;
  std::map<std::string, Entry> series_;
  int64_t service_checks_ = 0, events_ = 0;
};

int runReplay(const ReplayArgs& a) {
  const bool tty = isatty(STDERR_FILENO) != 0;
  dogstatsd::ReplayOptions o;
  o.speed = a.speed;
  o.loops = a.loops;
  o.progress_every = 1000;
  o.on_progress = [tty](const dogstatsd::ReplayProgress& p) {
    std::fprintf(stderr, "%sloop %d/%d  %llu records  %llu bytes  %llu send errors%s", tty ? "\r" : "", p.loop + 1,
                 p.loops, static_cast<unsigned long long>(p.records), static_cast<unsigned long long>(p.bytes),
                 static_cast<unsigned long long>(p.send_errors), tty ? "" : "\n");
  };
  std::unique_ptr<SummarySerializer> summary;
  std::unique_ptr<aggregator::Demultiplexer> demux;
  if (a.target == "inproc") {
    summary = std::make_unique<SummarySerializer>();
    aggregator::DemultiplexerOptions d;
    d.aggregator.hostname = "ddsim-replay";
    demux = std::make_unique<aggregator::Demultiplexer>(d, summary.get());
    demux->start(common::toUnixSeconds(common::SystemClock::instance().systemNow()));
  }
  auto totals = dogstatsd::replayFile(a.file, a.target, o, demux.get());
  if (tty) std::fprintf(stderr, "\n");
  if (!totals.isOk()) {
    std::cerr << "ddsim replay: " << totals.status().message() << "\n";
    return totals.status().code() == common::StatusCode::kUnavailable ? kExitSetupError : kExitBadInput;
  }
  std::printf("replayed %llu records (%llu bytes) in %d loop(s) to %s in %.3f s (recorded span %.3f s), %llu send errors%s\n",
              static_cast<unsigned long long>(totals->records), static_cast<unsigned long long>(totals->bytes),
              totals->loops_completed, a.target.c_str(), common::toSeconds(totals->elapsed),
              common::toSeconds(totals->recorded_span), static_cast<unsigned long long>(totals->send_errors),
              totals->cancelled ? " (cancelled)" : "");
  if (demux) {
    // Every bucket the replay touched is closed 20 s after the latest sample.
    demux->flush(common::toUnixSeconds(common::SystemClock::instance().systemNow()) + 20);
    summary->print(a.top);
  }
  return totals->send_errors ? kExitFailed : kExitOk;
}

}  // namespace

void registerReplayCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ReplayArgs>();
  auto* cmd = app.add_subcommand("replay", "Replay a DogStatsD .dog capture (versions 2 and 3, plain or zstd)");
  cmd->add_option("file", a->file, "The capture file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--speed", a->speed, "Cadence factor: 2 = twice as fast, 0 = as fast as possible")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--loops", a->loops, "Times through the file")->capture_default_str()->check(CLI::Range(1, 1'000'000));
  cmd->add_option("--target", a->target,
                  "udp://HOST:PORT, unix:///path, unixstream:///path, or inproc (parse and aggregate here)")
      ->capture_default_str();
  cmd->add_option("--top", a->top, "With --target inproc: series to list")->capture_default_str();
  cmd->callback([a, &exit_code] { exit_code = runReplay(*a); });
}

}  // namespace ddsim::cli
