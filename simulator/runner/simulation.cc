#include <spdlog/spdlog.h>

#include <filesystem>
#include <set>
#include <thread>

#include "core/common/allocator.h"
#include "fakeintake/faults/fault_rule.h"
#include "simulator/runner/simulation_internal.h"

namespace ddsim::runner {

namespace {

// Virtual runs start at a fixed, bucket-aligned instant so that the same scenario gives the
// same timestamps (2023-11-14T22:13:20Z).
constexpr double kVirtualEpoch = 1'700'000'000;

}  // namespace

Simulation::Simulation(const scenario::Scenario& s, const RunOptions& o)
    : s_(s), o_(o), virtual_(s.mode == scenario::Mode::kVirtual), rng_(s.seed) {}

Simulation::~Simulation() {
  agent_.reset();
  if (feed_) feed_->close();
  if (farm_) farm_->stop();
  if (own_work_dir_ && !work_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(work_dir_, ec);
  }
}

double Simulation::scenarioSeconds() const { return common::toSeconds(clock_->systemNow() - t0_); }

common::Status Simulation::buildConfig() {
  // Defaults a simulated agent needs that a real one would read from its environment.
  (void)cfg_.set("api_key", "ddsim0000000000000000000000000001", "simulator default");
  (void)cfg_.set("hostname", "ddsim-host", "simulator default");
  (void)cfg_.set("run_path", work_dir_, "simulator (work directory)");
  (void)cfg_.set("dogstatsd_socket", "", "simulator default");
  (void)cfg_.set("dogstatsd_port", 0, "simulator default");
  // A realtime run stops its agent at the end of the run and at restarts: by default the
  // forwarder drains what it holds then, so a run without faults loses nothing. A scenario
  // that wants the agent's exact stop sets "ddsim.forwarder_stop_mode": "agent".
  if (!virtual_) (void)cfg_.set("ddsim.forwarder_stop_mode", "drain", "simulator default (realtime)");
  for (auto it = s_.agent.begin(); it != s_.agent.end(); ++it) {
    if (auto st = cfg_.set(it.key(), it.value(), s_.source_path + ": $.agent." + it.key()); !st.isOk()) return st;
  }
  IntakeFarmOptions fo;
  fo.run_store = store_.get();
  fo.http = s_.intake == scenario::IntakeTransport::kHttp;
  fo.simulate_delays = virtual_;
  fo.seed = s_.seed;
  farm_ = std::make_unique<IntakeFarm>(fo, *clock_);
  if (auto st = farm_->setUp(cfg_); !st.isOk()) return st;
  auto popts = config::pipelineOptions(cfg_);
  if (!popts.isOk()) return popts.status();
  popts_ = std::move(popts).value();
  return common::Status::ok();
}

common::Status Simulation::installFaults() {
  for (size_t i = 0; i < s_.faults.size(); ++i) {
    const auto* f = std::get_if<scenario::IntakeFault>(&s_.faults[i]);
    if (!f) continue;
    auto rule = fakeintake::faultRuleFromJson(f->rule, "$.faults[" + std::to_string(i) + "].rule");
    if (!rule.isOk()) return common::invalidArgument(s_.source_path + ": " + rule.status().message());
    fakeintake::FaultRule r = std::move(rule).value();
    if (f->route != "*") r.route = f->route;
    if (r.id.empty()) r.id = "fault#" + std::to_string(i);
    r.window_start = t0_ + common::fromSeconds(f->at);
    if (f->until) r.window_end = t0_ + common::fromSeconds(*f->until);
    r.start_after.reset();
    r.duration.reset();
    for (const auto& in : farm_->intakes()) in->handler->faults().appendRules({r}, clock_->systemNow());
    const std::string label = r.id + " on " + (f->route == "*" ? std::string("every route") : f->route);
    // The markers are written when the run reaches them (a run stopped before has none).
    queue_.schedule(t0_ + common::fromSeconds(f->at),
                    [this, label, detail = f->rule.dump()] { mark("fault", label + " starts", detail); });
    if (f->until) queue_.schedule(t0_ + common::fromSeconds(*f->until), [this, label] { mark("fault", label + " ends"); });
  }
  return common::Status::ok();
}

common::Status Simulation::openStore() {
  store_path_ = o_.store_path.empty() ? (std::filesystem::path(work_dir_) / "run.sqlite").string() : o_.store_path;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    std::filesystem::remove(store_path_ + suffix, ec);
  }
  auto opened = store::RunStore::open(store_path_);
  if (!opened.isOk()) return opened.status();
  store_ = std::move(opened).value();
  const std::pair<const char*, std::string> meta[] = {
      {"created_by", "ddsim run"},
      {"scenario", s_.name},
      {"scenario_file", s_.source_path},
      {"seed", std::to_string(s_.seed)},
      {"mode", virtual_ ? "virtual" : "realtime"},
      {"duration_seconds", std::to_string(s_.duration)},
      {"run_start_unix", std::to_string(common::toUnixSeconds(t0_))},
  };
  for (const auto& [k, v] : meta) {
    if (auto st = store_->setMeta(k, v); !st.isOk()) return st;
  }
  pipeline::PipelineObserver* next = &report_;
  if (o_.live) {
    live_tee_ = makeLiveTee(report_, *o_.live, [this] { return scenarioSeconds(); });
    next = live_tee_.get();
  }
  recorder_ = std::make_unique<report::RunRecorder>(
      *store_, next, [this] { return scenarioSeconds(); }, common::toUnixSeconds(t0_));
  return common::Status::ok();
}

void Simulation::mark(const std::string& kind, const std::string& label, const std::string& detail) {
  if (store_) recorder_->check(store_->addMarker({scenarioSeconds(), kind, label, detail}), "a marker");
  if (o_.live) o_.live->onMarker(scenarioSeconds(), kind, label);
}

common::Status Simulation::setUp() {
  if (o_.work_dir.empty()) {
    char tmpl[] = "/tmp/ddsim-run-XXXXXX";
    if (!mkdtemp(tmpl)) return common::ioError("cannot create a temporary work directory");
    work_dir_ = tmpl;
    own_work_dir_ = true;
  } else {
    work_dir_ = o_.work_dir;
    std::error_code ec;
    std::filesystem::create_directories(work_dir_, ec);
    if (ec) return common::ioError("cannot create work directory '" + work_dir_ + "': " + ec.message());
  }
  if (virtual_) {
    manual_ = std::make_unique<common::ManualClock>(common::fromUnixSeconds(kVirtualEpoch));
    clock_ = manual_.get();
  } else {
    clock_ = &common::SystemClock::instance();
  }
  t0_ = clock_->systemNow();
  report_.setRunStart(common::toUnixSeconds(t0_));
  if (auto st = openStore(); !st.isOk()) return st;
  load_end_ = t0_ + common::fromSeconds(s_.duration);
  hard_end_ = load_end_ + common::fromSeconds(s_.drain);

  if (auto st = buildConfig(); !st.isOk()) return st;
  transport_ = std::make_unique<pipeline::ObservedTransport>(farm_->transport(), observer());

  // Workloads, each with its own random stream.
  std::set<scenario::SampleTransport> transports = {scenario::SampleTransport::kInProcess};
  const std::string base_dir = std::filesystem::path(s_.source_path).parent_path().string();
  for (const auto& w : s_.workloads) {
    auto d = makeWorkloadDriver(w, rng_.nextU64(), s_.duration, base_dir);
    if (!d.isOk()) return d.status();
    if (const auto* dw = std::get_if<scenario::DogStatsDWorkload>(&w)) transports.insert(dw->transport);
    if (const auto* rw = std::get_if<scenario::ReplayWorkload>(&w)) transports.insert(rw->transport);
    drivers_.push_back(std::move(d).value());
    if (drivers_.back()->sendsTraces() && !trace_options_) {
      pipeline::TraceAgentOptions t;
      t.hostname = cfg_.getString("hostname");
      t.agent_version = cfg_.getString("ddsim.agent_version");
      t.stats_seed = s_.seed;
      // The scenario's `agent` settings (apm_config.max_traces_per_second, errors_per_second).
      t.target_tps = popts_.traces.target_tps;
      t.error_tps = popts_.traces.error_tps;
      t.rare_sampler = popts_.traces.rare_sampler;
      t.env = popts_.traces.default_env;  // apm_config.env / env (normalized by the trace agent)
      t.writer_flush_period_s = popts_.traces.writer_flush_period_s;
      t.writer_connection_limit = popts_.traces.trace_writer_connection_limit;
      t.writer_queue_size = popts_.traces.trace_writer_queue_size;
      t.stats_writer_connection_limit = popts_.traces.stats_writer_connection_limit;
      t.stats_writer_queue_size = popts_.traces.stats_writer_queue_size;
      trace_options_ = t;
    }
  }
  feed_ = std::make_unique<SampleFeed>(popts_.dogstatsd, *clock_, sink_, virtual_);
  if (auto st = feed_->open(transports); !st.isOk()) return st;
  if (auto st = installFaults(); !st.isOk()) return st;
  return startAgent();
}

common::Status Simulation::startAgent() {
  recorder_->agentStarted();
  agent_rngs_.push_back(std::make_unique<common::Random>(rng_.fork()));
  pipeline::AgentDeps deps{*transport_, *clock_, *agent_rngs_.back(), observer(), virtual_,
                          &forwarder::FixedDiskUsage::plenty(), trace_options_ ? &*trace_options_ : nullptr};
  auto a = pipeline::Agent::create(popts_, deps);
  if (!a.isOk()) return a.status();
  agent_ = std::move(a).value();
  if (auto st = agent_->start(); !st.isOk()) return st;
  sink_.setTarget(&agent_->sink());
  return common::Status::ok();
}

void Simulation::stopAgent() {
  if (!agent_) return;
  sink_.setTarget(nullptr);
  agent_->stop();
  absorbAgentTelemetry(*agent_);
  agent_.reset();
}

void Simulation::workloadTick(double t0, double t1) {
  TickContext ctx{*feed_, agent_.get(), t0, t1, common::toUnixSeconds(t0_) + t0};
  for (auto& d : drivers_) d->tick(ctx);
  if (virtual_ && !feed_->sync()) {
    ++sync_timeouts_;
    spdlog::warn("DogStatsD listeners did not parse every packet within 10 s (virtual time {:.1f} s)", t0);
  }
}

void Simulation::sampleRetryQueue() {
  if (!agent_) return;
  int64_t n = 0, bytes = 0;
  auto& fwd = agent_->forwarder();
  for (const auto& d : fwd.domains()) {
    if (auto* df = fwd.domainForwarder(d)) {
      n += static_cast<int64_t>(df->retryQueueCount());
      bytes += df->retryQueueBytes();
    }
  }
  report_.sampleRetryQueue(common::toUnixSeconds(clock_->systemNow()), n, bytes);
  std::map<std::string, double> t = {{"forwarder.retry_queue.items", static_cast<double>(n)},
                                     {"forwarder.retry_queue.bytes", static_cast<double>(bytes)},
                                     {"aggregator.dogstatsd_contexts",
                                      static_cast<double>(agent_->demux().dogstatsdContextCount())}};
  for (const auto& part : {agent_->demux().telemetry(), agent_->serializer().telemetry(), agent_->forwarder().telemetry()}) {
    for (const auto& [name, value] : part) t[name] = static_cast<double>(value);
  }
  recorder_->check(store_->addTelemetry(scenarioSeconds(), t), "a telemetry sample");
  if (o_.live) o_.live->onTelemetry(scenarioSeconds(), t);
}

void Simulation::reportProgress(bool force, bool draining) {
  if (!o_.on_progress && !o_.live) return;
  const auto now = real_.steadyNow();
  if (!force && common::toSeconds(now - last_progress_) < o_.progress_interval_seconds) return;
  last_progress_ = now;
  if (o_.live) o_.live->onProgress(scenarioSeconds(), common::toSeconds(now - real_start_));
  if (!o_.on_progress) return;
  Progress p;
  p.scenario_seconds = scenarioSeconds();
  p.total_seconds = s_.duration;
  p.real_seconds = common::toSeconds(now - real_start_);
  p.flushes = report_.flushCount();
  p.payloads = report_.payloadCount();
  p.draining = draining;
  if (agent_) {
    p.contexts = static_cast<int64_t>(agent_->demux().dogstatsdContextCount());
    for (const auto& d : agent_->forwarder().domains()) {
      if (auto* df = agent_->forwarder().domainForwarder(d)) p.retry_queue += static_cast<int64_t>(df->retryQueueCount());
    }
  }
  std::lock_guard lock(progress_mu_);
  last_progress_report_ = p;
  o_.on_progress(p);
}

void Simulation::enterStep(Step s) {
  step_.store(static_cast<int>(s), std::memory_order_relaxed);
  step_since_ns_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(real_.steadyNow().time_since_epoch()).count(),
                       std::memory_order_relaxed);
}

void Simulation::watchLongSteps() {
  const auto interval = std::chrono::duration<double>(std::max(0.001, o_.progress_interval_seconds));
  while (!watchdog_stop_.load()) {
    std::this_thread::sleep_for(interval);
    const auto s = static_cast<Step>(step_.load(std::memory_order_relaxed));
    if (s == Step::kIdle) continue;
    const int64_t now_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(real_.steadyNow().time_since_epoch()).count();
    const double busy = static_cast<double>(now_ns - step_since_ns_.load(std::memory_order_relaxed)) / 1e9;
    if (busy < 2 * o_.progress_interval_seconds) continue;
    std::lock_guard lock(progress_mu_);
    Progress p = last_progress_report_;
    p.real_seconds = common::toSeconds(real_.steadyNow() - real_start_);
    p.busy_seconds = busy;
    p.busy_in = s == Step::kWorkload ? "generating load"
                : s == Step::kAgent  ? "an agent step (flush, serialize, send)"
                                     : "stopping the agent";
    o_.on_progress(p);
  }
}

bool Simulation::drainDone(common::SystemTime now) const {
  if (now < load_end_) return false;
  if (pending_starts_ > 0 || !agent_) return false;
  // Two flush intervals after the load ends, every bucket that holds load has been flushed.
  const double settle = 2 * popts_.aggregator.flush_interval_seconds;
  if (now < load_end_ + common::fromSeconds(settle)) return false;
  // And the samples of the load's last bucket have been flushed (its 10 s bucket closes after
  // the load ends; a stop before would lose them, as the agent's does).
  return agent_->forwarderIdle() && !agent_->demux().hasPending() && agent_->demux().samplesInOpenBuckets() == 0;
}

bool Simulation::interruptRequested() {
  if (interrupted_) return true;
  const bool by_signal = o_.stop_requested != nullptr && o_.stop_requested->load();
  const bool by_user = o_.control != nullptr && o_.control->stopRequested();
  if (!by_signal && !by_user) return false;
  interrupted_ = true;
  interrupted_at_ = scenarioSeconds();
  spdlog::warn("run interrupted at +{:.1f} s: stopping the load and the agent", interrupted_at_);
  mark("interrupt", by_signal ? "run interrupted (SIGINT/SIGTERM)" : "run stopped from the dashboard");
  return true;
}

void Simulation::restartAgent(double downtime, const std::string& why) {
  spdlog::info("{}: stopping the agent at +{:.0f} s for {:.0f} s", why, scenarioSeconds(), downtime);
  mark("restart", "agent stopped (" + why + ", " + std::to_string(static_cast<int64_t>(downtime)) + " s down)");
  stopAgent();
  ++restarts_;
  if (downtime <= 0) {
    // An immediate restart: nothing may arrive between the stop and the start.
    if (auto st = startAgent(); !st.isOk()) spdlog::error("restart: the agent did not start: {}", st.message());
    return;
  }
  ++pending_starts_;
  queue_.schedule(clock_->systemNow() + common::fromSeconds(downtime), [this] {
    --pending_starts_;
    mark("restart", "agent started");
    if (auto st = startAgent(); !st.isOk()) spdlog::error("restart: the agent did not start: {}", st.message());
  });
}

void Simulation::runVirtual() {
  auto& clock = *manual_;
  // Without live changes the ticks are known now: workloads may prepare theirs ahead.
  if (!o_.control) {
    for (auto& d : drivers_) d->planTicks({tick_seconds_, s_.duration, t0_});
  }
  // Workload ticks until the load ends.
  std::function<void(int64_t)> schedule_tick = [&](int64_t k) {
    const double a = static_cast<double>(k) * tick_seconds_;
    if (a >= s_.duration) return;
    queue_.schedule(t0_ + common::fromSeconds(a), [&, k, a] {
      workloadTick(a, std::min(s_.duration, a + tick_seconds_));
      schedule_tick(k + 1);
    });
  };
  schedule_tick(0);
  // Restarts.
  for (const auto& f : s_.faults) {
    const auto* r = std::get_if<scenario::RestartFault>(&f);
    if (!r) continue;
    queue_.schedule(t0_ + common::fromSeconds(r->at), [this, r] { restartAgent(r->downtime, "restart"); });
  }
  // Retry-queue depth every 5 s.
  std::function<void()> sample = [&] {
    sampleRetryQueue();
    const auto every = o_.live ? std::chrono::seconds(1) : std::chrono::seconds(5);
    if (clock.systemNow() + every <= hard_end_) queue_.schedule(clock.systemNow() + every, sample);
  };
  queue_.schedule(t0_, sample);

  common::SystemTime last_tick_at{};
  int64_t ticks_at_same_time = 0;
  while (true) {
    const auto now = clock.systemNow();
    if (drainDone(now) || interruptRequested()) break;
    auto tq = queue_.nextTime();
    auto ta = agent_ ? agent_->nextDeadline() : std::nullopt;
    if (!tq && !ta) break;
    const bool agent_first = ta && (!tq || *ta < *tq);
    const auto t = agent_first ? *ta : *tq;
    if (t > hard_end_) break;
    if (o_.control && !applyLive(t)) continue;
    if (agent_first) {
      if (*ta > now) clock.advanceTo(*ta);
      const auto at = clock.systemNow();
      ticks_at_same_time = (at == last_tick_at) ? ticks_at_same_time + 1 : 0;
      last_tick_at = at;
      if (ticks_at_same_time > 100'000) {
        ++stuck_ticks_;
        spdlog::error("the agent asks to run again at the same virtual time without progress; moving on");
        clock.advance(std::chrono::milliseconds(1));
        ticks_at_same_time = 0;
      }
      enterStep(Step::kAgent);
      agent_->tick();
    } else {
      enterStep(Step::kWorkload);
      queue_.runNext(clock);
    }
    enterStep(Step::kIdle);
    reportProgress(false, now >= load_end_);
  }
}

void Simulation::runRealtime() {
  struct Timed {
    common::SystemTime at;
    std::function<void()> fn;
  };
  std::vector<Timed> events;
  for (const auto& f : s_.faults) {
    const auto* r = std::get_if<scenario::RestartFault>(&f);
    if (!r) continue;
    events.push_back({t0_ + common::fromSeconds(r->at), [this] {
                        mark("restart", "agent stopped (restart)");
                        stopAgent();
                        ++restarts_;
                        ++pending_starts_;
                      }});
    events.push_back({t0_ + common::fromSeconds(r->at + r->downtime), [this] {
                        --pending_starts_;
                        mark("restart", "agent started");
                        if (auto st = startAgent(); !st.isOk()) spdlog::error("restart: {}", st.message());
                      }});
  }
  std::stable_sort(events.begin(), events.end(), [](const Timed& a, const Timed& b) { return a.at < b.at; });
  size_t next_event = 0;
  double generated_until = 0;
  auto last_sample = clock_->systemNow();
  auto last_intake_tick = clock_->systemNow();
  while (true) {
    const auto now = clock_->systemNow();
    if (drainDone(now) || now > hard_end_ || interruptRequested()) break;
    while (next_event < events.size() && events[next_event].at <= now) events[next_event++].fn();
    if (o_.control) {
      for (const auto& c : o_.control->take()) applyCommand(c);
    }
    // Scheduled work: fault markers, and of live commands a restart's start, a fault's end.
    queue_.runDue(now);
    const double t = std::min(common::toSeconds(now - t0_), s_.duration);
    if (t > generated_until) {
      workloadTick(generated_until, t);
      generated_until = t;
    }
    enterStep(Step::kAgent);
    if (agent_) agent_->tick();
    enterStep(Step::kIdle);
    if (now - last_sample >= std::chrono::seconds(5)) {
      sampleRetryQueue();
      last_sample = now;
    }
    if (now - last_intake_tick >= std::chrono::seconds(1)) {
      farm_->tick(now);
      last_intake_tick = now;
    }
    reportProgress(false, now >= load_end_);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

common::Result<RunResult> Simulation::run() {
  real_start_ = real_.steadyNow();
  last_progress_ = real_start_;
  if (auto st = setUp(); !st.isOk()) return st;
  std::thread watchdog;
  if (o_.on_progress) watchdog = std::thread([this] { watchLongSteps(); });
  if (virtual_) runVirtual();
  else runRealtime();
  // The listeners stop first: what their sockets and queues still hold reaches the agent.
  // Then the agent's shutdown: a last flush, then the forwarder sends what it holds (or spills it).
  enterStep(Step::kStop);
  feed_->close();
  stopAgent();
  enterStep(Step::kIdle);
  watchdog_stop_.store(true);
  if (watchdog.joinable()) watchdog.join();
  run_real_seconds_ = common::toSeconds(real_.steadyNow() - real_start_);
  reportProgress(true, true);
  farm_->flushRunStore();  // the verdicts read every payload from the store
  // What only generating and ingesting needed goes back to the system before the verdicts and
  // finalize allocate theirs: the run's peak memory is the larger of the two phases, not their
  // sum. (After run_real_seconds_: the purge is not part of the run's speed.)
  for (auto& d : drivers_) d->releaseMemory();
  common::releaseFreeMemory();
  RunResult rr = finish();
  // The store keeps the report beside the data, then builds its SQL-friendly tables.
  recorder_->check(store_->setMeta("report", rr.report.dump()), "the report");
  if (auto st = store_->finalize(rr.interrupted ? "interrupted" : "complete"); !st.isOk()) {
    rr.failures.push_back("run store " + store_path_ + ": " + st.message());
  }
  if (auto st = store_->deferredWriteStatus(); !st.isOk()) {
    rr.failures.push_back("run store " + store_path_ + ": " + st.message());
  }
  if (recorder_->writeErrors() > 0) {
    rr.failures.push_back("run store " + store_path_ + ": " + std::to_string(recorder_->writeErrors()) +
                          " records could not be written (the first is in the log)");
  }
  return rr;
}

common::Result<RunResult> runScenario(const scenario::Scenario& scenario, const RunOptions& options) {
  Simulation sim(scenario, options);
  return sim.run();
}

}  // namespace ddsim::runner
