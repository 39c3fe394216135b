// Invocations per second the simulated Lambda drives through one warm environment with a no-op
// extension (it registers and loops on event/next): the cost of the environment itself — INVOKE
// over the long poll, telemetry, and with freeze a SIGSTOP/SIGCONT pair per invocation. The
// function's duration is 0, so this is the ceiling a plan's rate can reach.
#include <benchmark/benchmark.h>

#include <chrono>
#include <utility>

#include "core/serverless/flush_strategy.h"
#include "simulator/lambda/environment.h"
#include "simulator/lambda/intake_recorder.h"
#include "simulator/lambda/virtual_lambda.h"

namespace {

using ddsim::lambda::Environment;
using ddsim::lambda::EnvironmentOptions;
using ddsim::lambda::InvocationSpec;

// Invokes a warm environment once per iteration (function duration `duration`); the mean
// post-runtime in ms and the number of invocations, or -1 invocations after a skip.
std::pair<double, int64_t> invokeEachIteration(benchmark::State& state, Environment& env,
                                               std::chrono::microseconds duration) {
  int64_t n = 0;
  double post_runtime_ms = 0;
  for (auto _ : state) {
    InvocationSpec spec;
    spec.index = n++;
    spec.duration = duration;
    const auto r = env.invoke(spec);
    post_runtime_ms += r.post_runtime_ms;
    if (!r.extension_returned) {
      state.SkipWithError("the extension did not return");
      break;
    }
  }
  env.shutdown("spindown");
  state.SetItemsProcessed(n);
  return {n ? post_runtime_ms / static_cast<double>(n) : 0, n};
}

void BM_Lambda_WarmInvocations(benchmark::State& state) {
  EnvironmentOptions o;
  o.extension = {LAMBDA_TEST_EXTENSION};
  o.freeze = state.range(0) != 0;
  o.env = {state.range(1) ? "TEST_EXT_TELEMETRY=1" : "TEST_EXT_NONE=1"};
  o.extension_log = "/dev/null";
  Environment env(o, nullptr);
  if (!env.init()) {
    state.SkipWithError(env.record().init_error.c_str());
    return;
  }
  const auto [post_runtime_ms, n] = invokeEachIteration(state, env, std::chrono::microseconds(0));
  state.counters["invocations_per_s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
  state.counters["post_runtime_ms"] = post_runtime_ms;
  state.counters["telemetry_events"] = static_cast<double>(env.record().telemetry.events);
  state.counters["telemetry_dropped"] = static_cast<double>(env.record().telemetry.dropped_events);
  state.counters["telemetry_failed_batches"] = static_cast<double>(env.record().telemetry.failed_batches);
}
BENCHMARK(BM_Lambda_WarmInvocations)
    ->ArgNames({"freeze", "telemetry"})
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({1, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// A cold start per iteration: a new environment, the extension process started, registered and
// ready, one invocation, SHUTDOWN and exit.
void BM_Lambda_ColdStarts(benchmark::State& state) {
  int64_t n = 0;
  double init_ms = 0;
  for (auto _ : state) {
    EnvironmentOptions o;
    o.extension = {LAMBDA_TEST_EXTENSION};
    o.extension_log = "/dev/null";
    o.index = static_cast<int>(n);
    Environment env(o, nullptr);
    if (!env.init()) {
      state.SkipWithError(env.record().init_error.c_str());
      break;
    }
    InvocationSpec spec;
    env.invoke(spec);
    env.shutdown("spindown");
    init_ms += env.record().init_ms;
    ++n;
  }
  state.SetItemsProcessed(n);
  state.counters["init_ms"] = n ? init_ms / static_cast<double>(n) : 0;
}
BENCHMARK(BM_Lambda_ColdStarts)->UseRealTime()->Unit(benchmark::kMillisecond);

// The extension's overhead per invocation: the same 10 ms function (two DogStatsD lines, one log
// line) with the no-op test extension (extension:0) and with the agent's extension, ddsim
// serverless flushing at the end of each invocation into the recording intake (extension:1).
// The difference in time per invocation and post_runtime_ms is what the extension adds.
void BM_Lambda_ExtensionOverhead(benchmark::State& state) {
  const bool agent = state.range(0) != 0;
  ddsim::lambda::IntakeRecorder intake;
  if (!intake.start().isOk()) {
    state.SkipWithError("the recording intake did not start");
    return;
  }
  EnvironmentOptions o;
  o.extension_log = "/dev/null";
  o.intake_url = intake.url();
  o.runtime.dogstatsd = {"app.orders:1|c", "app.latency:12|d"};
  o.runtime.logs = {"order {invocation} placed"};
  o.runtime.dogstatsd_port = 18125;  // away from a local agent's 8125
  o.runtime.trace_port = 18126;
  if (agent) {
    o.extension = {DDSIM_BINARY, "serverless", "--port", "0", "--cache-file", "/tmp/ddsim-lambda-bench-cache.json"};
    o.env = {"DD_API_KEY=0123456789abcdef0123456789abcdef", "DD_SERVERLESS_FLUSH_STRATEGY=end", "DD_LOG_LEVEL=off"};
  } else {
    o.extension = {LAMBDA_TEST_EXTENSION};
    o.env = {"TEST_EXT_TELEMETRY=1"};
  }
  Environment env(o, &intake);
  if (!env.init()) {
    state.SkipWithError(env.record().init_error.c_str());
    return;
  }
  state.counters["post_runtime_ms"] = invokeEachIteration(state, env, std::chrono::milliseconds(10)).first;
  state.counters["intake_requests"] = static_cast<double>(intake.total().requests);
}
BENCHMARK(BM_Lambda_ExtensionOverhead)
    ->ArgNames({"extension"})
    ->Arg(0)
    ->Arg(1)
    ->Iterations(200)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// What does run in virtual time: the extension's flush decisions (core/serverless/flush_strategy.h,
// clock-driven). One iteration is one invocation of the adaptive policy, arrivals every
// `gap_ms` of virtual time, 10 ms of runtime: record the invocation, ask at its start and at its
// end, re-evaluate the strategy after a flush, and every 50th flush fails (the backoff runs).
// No process, socket, or payload is involved: this is the policy model's rate, not the
// extension's (a real extension process runs on the kernel's clocks; see docs/lambda.md).
void BM_Lambda_FlushPolicyVirtualTime(benchmark::State& state) {
  using ddsim::serverless::FlushMoment;
  ddsim::serverless::FlushPolicy policy(ddsim::serverless::FlushPolicyOptions{"", 7});
  const auto gap = std::chrono::milliseconds(state.range(0));
  ddsim::common::SystemTime t{std::chrono::seconds(1700000000)};
  int64_t n = 0, flushes = 0;
  for (auto _ : state) {
    policy.recordInvocation(t);
    bool flushed = policy.shouldFlush(FlushMoment::kStarting, t);
    flushed = policy.shouldFlush(FlushMoment::kStopping, t + std::chrono::milliseconds(10)) || flushed;
    if (flushed) {
      ++flushes;
      if (flushes % 50 == 0) policy.flushFailed(t); else policy.flushSucceeded();
      policy.updateStrategy();
    }
    t += gap;
    ++n;
  }
  state.SetItemsProcessed(n);
  state.counters["virtual_s_per_wall_s"] =
      benchmark::Counter(static_cast<double>(n) * std::chrono::duration<double>(gap).count(), benchmark::Counter::kIsRate);
  state.counters["flushes_per_invocation"] = n ? static_cast<double>(flushes) / static_cast<double>(n) : 0;
}
BENCHMARK(BM_Lambda_FlushPolicyVirtualTime)->ArgNames({"gap_ms"})->Arg(100)->Arg(200000);

// The extension's real invocation loop in virtual time (simulator/lambda/virtual_lambda.h): the
// Daemon with its flush policy, enhanced metrics from Telemetry API batches (JSON parsed), the
// function's two DogStatsD lines through the packet processor into the metric agent, and flushes
// that encode v1 series, sketches and logs into an in-process intake. One iteration is a plan of
// 200 invocations, 10 per virtual second, 10 ms each, one environment. strategy: 0 end,
// 1 periodically (10 s), 2 adaptive (no setting: end for 20 invocations, then periodically,20000).
// decode: 1 has the fakeintake decode every payload (the tests' intake), 0 only counts them.
// Time is CPU time (single-threaded: wall time is about the same); cpu_per_invocation_us is the
// whole cost of one simulated invocation: the Daemon's onInvoke, runtime-done and its share of
// flushes, plus the virtual Lambda's own work (building the telemetry JSON, advancing the clock).
void BM_Lambda_InvocationsVirtualTime(benchmark::State& state) {
  static const char* kStrategies[] = {"end", "periodically", ""};
  constexpr int64_t kInvocations = 200;
  ddsim::lambda::Plan plan;
  plan.name = "bench";
  plan.seed = 7;
  plan.function.name = "checkout";
  plan.invocations.count = kInvocations;
  plan.invocations.rate = 10;
  plan.runtime.dogstatsd = {"app.orders:1|c", "app.latency:{invocation}|d|#route:/checkout"};
  plan.runtime.logs = {"order {invocation} placed ({request_id})"};
  plan.env = {"DD_API_KEY=0123456789abcdef0123456789abcdef"};
  if (*kStrategies[state.range(0)]) plan.env.push_back(std::string("DD_SERVERLESS_FLUSH_STRATEGY=") + kStrategies[state.range(0)]);
  ddsim::lambda::VirtualLambdaOptions options;
  options.decode_intake = state.range(1) != 0;
  options.cache_path = "/tmp/ddsim-virtual-lambda-bench.json";
  auto& wall = ddsim::common::SystemClock::instance();
  const auto wall_start = wall.steadyNow();
  int64_t n = 0, flushes = 0, requests = 0;
  double virtual_s = 0;
  for (auto _ : state) {
    ddsim::common::ManualClock clock;
    auto run = ddsim::lambda::VirtualLambda(plan, clock, options).run();
    if (!run.isOk()) {
      state.SkipWithError(run.status().message().c_str());
      return;
    }
    n += static_cast<int64_t>(run->invocations.size());
    flushes += static_cast<int64_t>(run->counters.flushes);
    requests += run->intake_requests;
    virtual_s += run->virtual_s;
  }
  const double wall_s = std::chrono::duration<double>(wall.steadyNow() - wall_start).count();
  state.SetItemsProcessed(n);
  state.counters["invocations_per_s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
  state.counters["invocations_per_wall_s"] = wall_s > 0 ? static_cast<double>(n) / wall_s : 0;
  state.counters["cpu_per_invocation_us"] =
      benchmark::Counter(static_cast<double>(n) * 1e-6, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["virtual_s_per_wall_s"] = wall_s > 0 ? virtual_s / wall_s : 0;
  state.counters["flushes_per_invocation"] = n ? static_cast<double>(flushes) / static_cast<double>(n) : 0;
  state.counters["intake_requests_per_invocation"] = n ? static_cast<double>(requests) / static_cast<double>(n) : 0;
}
BENCHMARK(BM_Lambda_InvocationsVirtualTime)
    ->ArgNames({"strategy", "decode"})
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({2, 0})
    ->Args({0, 1})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

