#include "simulator/lambda/virtual_lambda.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <variant>

#include <nlohmann/json.hpp>

#include "core/dogstatsd/packet_processor.h"
#include "core/forwarder/function_transport.h"
#include "core/serverless/logs_sender.h"
#include "core/serverless/metric_agent.h"
#include "fakeintake/handler/intake_handler.h"
#include "simulator/lambda/delivery.h"
#include "simulator/lambda/extensions_api.h"
#include "simulator/lambda/function_runtime.h"
#include "simulator/lambda/intake_recorder.h"
#include "simulator/lambda/lambda_report.h"
#include "simulator/lambda/lambda_runner.h"
#include "simulator/lambda/platform_events.h"

namespace ddsim::lambda {

using nlohmann::json;

namespace {

// Totals only the extension's start sequence produces (the API key's path, the AWS calls, init):
// the virtual run has no start sequence, so expectations on them are skipped, not failed.
bool isStartSequenceTotal(const std::string& name) {
  return name.rfind("api_key_", 0) == 0 || name == "kms_decrypts" || name == "secret_reads" ||
         name == "aws_rejected" || name == "init_failures" || name.rfind("init_ms_", 0) == 0;
}

constexpr const char* kIntakeUrl = "http://virtual-intake.invalid";
constexpr const char* kAccountId = "123456789012";

bool listed(const std::vector<int64_t>& v, int64_t i) { return std::find(v.begin(), v.end(), i) != v.end(); }

std::string envOf(const Plan& plan, const std::string& name, const std::string& fallback = "") {
  std::string value = fallback;
  for (const auto& e : plan.env) {  // the last one wins, as in the environment it would get
    if (e.rfind(name + "=", 0) == 0) value = e.substr(name.size() + 1);
  }
  return value;
}

int64_t unixMillis(common::SystemTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

double msBetween(common::SteadyTime a, common::SteadyTime b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

// The intake behind the forwarder's Transport seam: records every request as the recording
// intake does (intake_recorder.h), decoding it with the fakeintake's handler when asked. Each
// request takes kRequestTime of virtual time; during an outage the first one is held for the
// flush timeout and answered 503.
class VirtualLambda::Intake {
 public:
  static constexpr auto kRequestTime = std::chrono::microseconds(100);

  Intake(common::ManualClock& clock, bool decode, VirtualRun& out)
      : clock_(clock), out_(out),
        handler_(decode ? std::make_unique<fakeintake::IntakeHandler>(fakeintake::IntakeOptions{}, clock) : nullptr) {}

  void setOutage(bool on) { outage_ = on; }
  const std::vector<IntakeRequest>& requests() const { return requests_; }
  int64_t decodeErrors() const { return decode_errors_; }

  forwarder::TransportResult send(const forwarder::TransportRequest& req) {
    std::lock_guard l(mu_);  // the SyncForwarder sends from the loop thread; guard anyway
    IntakeRequest r;
    r.at = clock_.steadyNow();
    r.path = pathOf(req.url);
    r.bytes = static_cast<int64_t>(req.body.size());
    ++out_.intake_requests;
    out_.intake_bytes += r.bytes;
    ++out_.intake_by_path[r.path];
    forwarder::TransportResult result;
    if (outage_) {
      // The real intake holds the request until the outage ends, which is when the extension,
      // its 5 s flush wait over, lets the invocation end; then it answers 503. Here the request
      // costs that wait on the virtual clock and ends the outage.
      clock_.advance(forwarder::kServerlessFlushTimeout + std::chrono::milliseconds(1));
      outage_ = false;
      ++out_.intake_failed_requests;
      r.status = result.status = 503;
    } else if (handler_) {
      fakeintake::IntakeRequest in;
      in.method = req.method;
      in.path = r.path;
      for (const auto& [name, value] : req.headers) in.headers.add(name, value);
      in.body = std::string(req.body);
      r.status = result.status = handler_->handle(std::move(in)).status;
      for (const auto& p : handler_->store().all(last_id_, clock_.systemNow())) {
        last_id_ = std::max(last_id_, p->id);
        if (!p->decode_error.empty()) ++decode_errors_;
        summarizePayload(*p, r);
        countInvocations(*p);
      }
    } else {
      r.status = result.status = 202;
    }
    requests_.push_back(std::move(r));
    clock_.advance(kRequestTime);
    return result;
  }

 private:
  static std::string pathOf(const std::string& url) {
    const auto scheme = url.find("://");
    const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (slash == std::string::npos) return "/";
    const auto query = url.find('?', slash);
    return url.substr(slash, query == std::string::npos ? std::string::npos : query - slash);
  }

  void countInvocations(const fakeintake::StoredPayload& p) {
    if (!p.decoded) return;
    const auto* sketches = std::get_if<std::vector<fakeintake::DecodedSketch>>(&p.decoded->items);
    if (!sketches) return;
    for (const auto& s : *sketches) {
      if (s.metric != serverless::kInvocationsMetric) continue;
      for (const auto& d : s.dogsketches) out_.enhanced_invocations_delivered += d.cnt;
    }
  }

  common::ManualClock& clock_;
  VirtualRun& out_;
  std::unique_ptr<fakeintake::IntakeHandler> handler_;
  std::mutex mu_;
  bool outage_ = false;
  uint64_t last_id_ = 0;
  int64_t decode_errors_ = 0;
  std::vector<IntakeRequest> requests_;
};

// One environment's Extensions API, function and Telemetry API, on the daemon's loop thread.
class VirtualLambda::Source final : public serverless::LambdaEventSource {
 public:
  Source(const Plan& plan, common::ManualClock& clock, const std::vector<InvocationSpec>& specs, size_t& next,
         common::SteadyTime run_start, Intake& intake, VirtualRun& out, int environment)
      : plan_(plan), clock_(clock), specs_(specs), next_(next), run_start_(run_start), intake_(intake), out_(out),
        environment_(environment), random_(plan.seed * 1000003 + static_cast<uint64_t>(environment)) {}

  void attach(serverless::Daemon& daemon, serverless::ServerlessMetricAgent& metrics) {
    daemon_ = &daemon;
    processor_ = std::make_unique<dogstatsd::PacketProcessor>(metrics.options().dogstatsd.processor, metrics);
    // Lambda buffers the init phase's events; they go out with the first batch.
    const auto now = clock_.systemNow();
    pending_.push_back(platformEvent(now, "platform.initStart",
                                     json{{"initializationType", "on-demand"}, {"phase", "init"},
                                          {"runtimeVersion", plan_.function.runtime},
                                          {"functionName", plan_.function.name}, {"functionVersion", "$LATEST"}}));
    pending_.push_back(platformEvent(now, "platform.initRuntimeDone",
                                     json{{"initializationType", "on-demand"}, {"phase", "init"}, {"status", "success"}}));
    pending_.push_back(platformEvent(now, "platform.initReport",
                                     json{{"initializationType", "on-demand"}, {"phase", "init"}, {"status", "success"},
                                          {"metrics", {{"durationMs", 0.0}}}}));
  }

  int64_t flushesBeforeShutdown() const { return flushes_before_shutdown_; }
  // This environment's record so far (shutdown_sent set once SHUTDOWN went out).
  EnvironmentRecord& record() { return env_; }

  common::Result<serverless::LambdaEvent> nextEvent() override {
    finishCurrent();
    serverless::LambdaEvent e;
    if (!end_reason_.empty() || next_ >= specs_.size()) {
      e.event_type = "SHUTDOWN";
      e.shutdown_reason = end_reason_.empty() ? plan_.environments.final_shutdown_reason : end_reason_;
      e.deadline_ms = unixMillis(clock_.systemNow()) +
                      static_cast<int64_t>(plan_.environments.shutdown_timeout_s * 1000);
      deliver();  // Lambda drains the Telemetry API before SHUTDOWN
      flushes_before_shutdown_ = static_cast<int64_t>(daemon_->counters().flushes);
      env_.shutdown_reason = e.shutdown_reason;
      env_.shutdown_sent = clock_.steadyNow();
      return e;
    }
    const InvocationSpec& spec = specs_[next_++];
    // Frozen until the arrival (or until the previous invocation ended, one environment).
    const auto arrival = run_start_ + std::chrono::duration_cast<common::Duration>(
                                          std::chrono::duration<double>(spec.arrival_s));
    if (arrival > clock_.steadyNow()) clock_.advance(arrival - clock_.steadyNow());
    deliver();  // thawed: the batch held while frozen (the last platform.report) goes out
    intake_.setOutage(listed(plan_.invocations.intake_outage, spec.index));
    current_ = &spec;
    VirtualInvocation r;
    r.index = spec.index;
    r.environment = environment_;
    r.request_id = makeUuid(random_);
    r.arrival_s = spec.arrival_s;
    r.cold_start = env_invocations_++ == 0;
    record_ = r;
    started_ = clock_.steadyNow();
    inv_ = InvocationRecord{};
    inv_.index = r.index;
    inv_.environment = environment_;
    inv_.request_id = r.request_id;
    inv_.cold_start = r.cold_start;
    inv_.arrival_s = r.arrival_s;
    inv_.queue_ms = std::max(0.0, msBetween(arrival, started_));
    inv_.started = started_;
    flushes_before_ = daemon_->counters().flushes;
    deadline_ = clock_.systemNow() + plan_.function.timeout;
    e.event_type = "INVOKE";
    e.request_id = r.request_id;
    e.deadline_ms = unixMillis(deadline_);
    e.invoked_function_arn = "arn:aws:lambda:" + plan_.function.region + ":" + kAccountId + ":function:" +
                             plan_.function.name;
    pending_.push_back(platformEvent(clock_.systemNow(), "platform.start",
                                     json{{"requestId", r.request_id}, {"version", "$LATEST"}}));
    return e;
  }

  void cancel() override {}  // nothing blocks: every call returns at once

  void beforeRuntimeWait(const serverless::LambdaEvent& e) override {
    if (!current_ || e.request_id != record_.request_id) return;
    const InvocationSpec& spec = *current_;
    runFunction(spec);
    const bool overruns = clock_.systemNow() + spec.duration > deadline_;
    const auto runtime_start = clock_.steadyNow();
    if (overruns) {
      clock_.advanceTo(deadline_);
    } else {
      clock_.advance(spec.duration);
    }
    runtime_end_ = clock_.steadyNow();
    record_.status = overruns ? "timeout" : (spec.error || spec.out_of_memory) ? "error" : "success";
    const std::string error_type = overruns ? "Sandbox.Timedout" : spec.out_of_memory ? "Runtime.OutOfMemory"
                                                                  : spec.error       ? "Function.Error" : "";
    inv_.status = record_.status;
    inv_.error_type = error_type;
    inv_.runtime_ms = msBetween(runtime_start, runtime_end_);
    pending_.push_back(platformEvent(clock_.systemNow(), "platform.runtimeDone",
                                     runtimeDoneRecord({record_.request_id, record_.status, error_type,
                                                        inv_.runtime_ms, spec.error ? 0 : 16, nullptr})));
    if (overruns) {
      // The daemon sees its deadline pass; Lambda times the invocation out and resets the
      // environment. runtimeDone reaches the extension with the SHUTDOWN drain.
      end_reason_ = "timeout";
      return;
    }
    if (spec.out_of_memory) end_reason_ = "failure";
    deliver();
  }

 private:
  // The function's DogStatsD lines through a real packet processor, its log lines as Telemetry
  // API "function" records.
  void runFunction(const InvocationSpec& spec) {
    const auto& script = plan_.runtime;
    const double now = common::toUnixSeconds(clock_.systemNow());
    std::string packet;
    for (const auto& line : script.dogstatsd) {
      std::string l = expandTemplate(line, spec.index, record_.request_id);
      if (script.tag_invocation) l = addDogStatsdTag(l, std::string(kInvocationTag) + ":" + std::to_string(spec.index));
      packet += (packet.empty() ? "" : "\n") + l;
      ++inv_.dogstatsd_lines;
      const std::string name = l.substr(0, l.find(':'));
      if (std::find(inv_.metric_names.begin(), inv_.metric_names.end(), name) == inv_.metric_names.end()) {
        inv_.metric_names.push_back(name);
      }
    }
    if (!packet.empty()) {
      processor_->process(packet, dogstatsd::Transport::kUdp, now);
      processor_->flush();
    }
    for (const auto& line : script.logs) {
      inv_.logs.push_back(expandTemplate(line, spec.index, record_.request_id));
      pending_.push_back(json{{"time", serverless::formatRfc3339(clock_.systemNow())},
                              {"type", "function"},
                              {"record", inv_.logs.back()}});
    }
    inv_.log_lines = static_cast<int64_t>(inv_.logs.size());
  }

  // The extension is back at event/next: the invocation in progress ends; Lambda emits its report.
  void finishCurrent() {
    if (!current_) return;
    const InvocationSpec& spec = *current_;
    current_ = nullptr;
    const auto back = clock_.steadyNow();
    record_.post_runtime_ms = std::max(0.0, msBetween(runtime_end_, back));
    record_.flushes = static_cast<int64_t>(daemon_->counters().flushes - flushes_before_);
    record_.strategy = daemon_->currentStrategy();
    const int memory = plan_.function.memory_mb;
    ReportFields report{record_.request_id, record_.status, msBetween(started_, back), memory,
                        spec.out_of_memory ? memory : std::min(spec.max_memory_used_mb, memory), std::nullopt,
                        nullptr};
    if (record_.cold_start) report.init_ms = 0.0;
    pending_.push_back(platformEvent(clock_.systemNow(), "platform.report", reportRecord(report)));
    out_.invocations.push_back(record_);
    inv_.post_runtime_ms = record_.post_runtime_ms;
    inv_.ended = back;
    out_.report.invocations.push_back(std::move(inv_));
    ++env_.invocations;
    const int64_t max = plan_.environments.max_invocations;
    if (end_reason_.empty() && max > 0 && env_invocations_ >= max) end_reason_ = "spindown";
  }

  // One Telemetry API batch with everything pending, as the subscription's destination gets it.
  void deliver() {
    if (pending_.empty()) return;
    ++env_.telemetry.batches;
    env_.telemetry.events += static_cast<int64_t>(pending_.size());
    const std::string body = json(std::move(pending_)).dump();
    pending_.clear();
    (void)daemon_->onTelemetry(body);  // a rejected batch is counted by the daemon
  }

  const Plan& plan_;
  common::ManualClock& clock_;
  const std::vector<InvocationSpec>& specs_;
  size_t& next_;
  common::SteadyTime run_start_;
  Intake& intake_;
  VirtualRun& out_;
  int environment_;
  common::Random random_;
  serverless::Daemon* daemon_ = nullptr;
  std::unique_ptr<dogstatsd::PacketProcessor> processor_;
  std::vector<json> pending_;
  const InvocationSpec* current_ = nullptr;
  VirtualInvocation record_;
  InvocationRecord inv_;    // the same invocation as the lambda report records it
  EnvironmentRecord env_;
  common::SteadyTime started_{};
  common::SteadyTime runtime_end_{};
  common::SystemTime deadline_{};
  uint64_t flushes_before_ = 0;
  int64_t flushes_before_shutdown_ = 0;
  int64_t env_invocations_ = 0;
  std::string end_reason_;
};

VirtualLambda::VirtualLambda(Plan plan, common::ManualClock& clock, VirtualLambdaOptions options)
    : plan_(std::move(plan)), clock_(clock), options_(std::move(options)) {}

VirtualLambda::~VirtualLambda() = default;

namespace {

void addCounters(serverless::DaemonCounters& sum, const serverless::DaemonCounters& c) {
  sum.invocations += c.invocations;
  sum.cold_starts += c.cold_starts;
  sum.proactive_inits += c.proactive_inits;
  sum.flushes += c.flushes;
  sum.flush_failures += c.flush_failures;
  sum.deadline_exceeded += c.deadline_exceeded;
  sum.telemetry_batches += c.telemetry_batches;
  sum.telemetry_rejected += c.telemetry_rejected;
  sum.log_lines += c.log_lines;
}

// The lambda report from the records, as runPlan (lambda_runner.cc) makes it.
void buildReport(const Plan& plan, const std::vector<IntakeRequest>& requests, int64_t decode_errors, VirtualRun& run) {
  run.report = LambdaReport{plan.name, plan.source, plan.seed, plan.function, run.virtual_s,
                            std::move(run.report.invocations), std::move(run.report.environments)};
  LambdaReport& report = run.report;
  for (auto& r : report.invocations) {
    r.intake = intakeWindow(requests, r.started, r.ended);
    r.flushed = r.intake.requests > 0;
  }
  attributeDeliveries(report.invocations, report.environments, requests);
  report.intake = summarizeIntake(requests, decode_errors);
  report.totals = computeTotals(report.invocations, report.environments, report.wall_s);
  addIntakeTotals(report.totals, report.intake);
  report.expectations = checkExpectations(report.totals, plan.expect);
  for (auto& e : report.expectations) {
    if (isStartSequenceTotal(e.name)) e.skipped = "not stated in virtual time (no start sequence: API key, KMS, Secrets Manager)";
  }
}

}  // namespace

common::Result<VirtualRun> VirtualLambda::run() {
  if (plan_.environments.concurrency != 1) {
    return common::invalidArgument("plan '" + plan_.name + "': environments.concurrency is " +
                                           std::to_string(plan_.environments.concurrency) +
                                           "; the virtual Lambda runs one environment at a time");
  }
  VirtualRun out;
  Intake intake(clock_, options_.decode_intake, out);
  forwarder::FunctionTransport transport([&](const forwarder::TransportRequest& r) { return intake.send(r); });
  const std::vector<InvocationSpec> specs = planInvocations(plan_);
  const std::string cache = options_.cache_path.empty()
                                ? (std::filesystem::temp_directory_path() /
                                   ("ddsim-virtual-lambda-" + std::to_string(::getpid()) + ".json"))
                                      .string()
                                : options_.cache_path;
  const auto run_start = clock_.steadyNow();
  size_t next = 0;
  while (next < specs.size()) {
    // An environment starts on demand at the arrival that needs it.
    const auto arrival = run_start + std::chrono::duration_cast<common::Duration>(
                                         std::chrono::duration<double>(specs[next].arrival_s));
    if (arrival > clock_.steadyNow()) clock_.advance(arrival - clock_.steadyNow());
    config::PipelineOptions popts;
    popts.forwarder.api_key = envOf(plan_, "DD_API_KEY", "virtual-lambda-key");
    popts.forwarder.dd_url = kIntakeUrl;
    popts.dogstatsd.port = 0;
    auto metrics = serverless::ServerlessMetricAgent::create(popts, transport, clock_);
    if (!metrics.isOk()) return metrics.status();
    serverless::LogsSender logs({kIntakeUrl, popts.forwarder.api_key, envOf(plan_, "DD_SERVICE"), 10000, 1000},
                                transport);
    serverless::DaemonOptions d;
    d.cache_path = cache;
    d.enhanced_metrics = envOf(plan_, "DD_ENHANCED_METRICS", "true") != "false";
    d.region = plan_.function.region;
    d.seed = plan_.seed;
    d.synchronous_flush = true;
    serverless::FlushPolicy policy({envOf(plan_, "DD_SERVERLESS_FLUSH_STRATEGY"), plan_.seed});
    Source source(plan_, clock_, specs, next, run_start, intake, out, out.environments);
    serverless::Daemon daemon(d, source, metrics->get(), &logs, std::move(policy), clock_);
    daemon.setRegistration({"virtual-extension", plan_.function.name, kAccountId});
    source.attach(daemon, **metrics);
    const size_t before = next;
    if (auto st = daemon.run(); !st.isOk()) return st;
    EnvironmentRecord& env = source.record();
    env.index = out.environments;
    env.init_ok = true;
    env.telemetry_subscribed = true;
    env.api_key_source = "virtual";  // no API key sources in process
    env.shutdown_clean = true;       // run() returned after SHUTDOWN
    env.exit_code = 0;
    env.shutdown_ms = msBetween(env.shutdown_sent, clock_.steadyNow());
    env.intake_at_shutdown = intakeWindow(intake.requests(), env.shutdown_sent, clock_.steadyNow() + common::Duration(1));
    out.report.environments.push_back(env);
    ++out.environments;
    const auto c = daemon.counters();
    out.final_flushes += static_cast<int64_t>(c.flushes) - source.flushesBeforeShutdown();
    addCounters(out.counters, c);
    if (next == before) break;  // defensive: an environment that took no invocation ends the run
  }
  intake.setOutage(false);
  out.virtual_s = std::chrono::duration<double>(clock_.steadyNow() - run_start).count();
  if (options_.cache_path.empty()) std::remove(cache.c_str());
  buildReport(plan_, intake.requests(), intake.decodeErrors(), out);
  return out;
}

}  // namespace ddsim::lambda
