// Whole-pipeline speed in virtual time (issue 7, "Speed"): how long a scenario takes to run.
//   BM_Simulator_SteadyState: scenarios/steady-state.json (10k contexts x 1 sample/s, 15 min,
//     target <= 15 s, i.e. >= 60x real time).
//   BM_Simulator_SmallScenario: 1k contexts for 15 min (target >= 1000x real time).
// Counters: simulated seconds per real second (speedup), samples/s, series/s.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include "simulator/runner/simulation.h"
#include "simulator/scenario/scenario_loader.h"

namespace {

using namespace ddsim;

// The simulated agent logs as the agent does; a benchmark wants only its figures.
const bool kQuiet = (spdlog::set_level(spdlog::level::critical), true);

void runOnce(benchmark::State& state, const scenario::Scenario& s) {
  double simulated = 0, real = 0;
  int64_t samples = 0, series = 0;
  for (auto _ : state) {
    auto r = runner::runScenario(s);
    if (!r.isOk() || !r->passed()) {
      state.SkipWithError(r.isOk() ? "the scenario failed its expectations" : r.status().message().c_str());
      return;
    }
    simulated += r->report["run"]["virtual_seconds"].get<double>();
    real += r->report["run"]["real_seconds"].get<double>();
    samples += r->report["summary"]["samples_generated"].get<int64_t>();
    series += r->report["summary"]["series_flushed"].get<int64_t>();
  }
  state.counters["speedup"] = real > 0 ? simulated / real : 0;
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(samples), benchmark::Counter::kIsRate);
  state.counters["series_per_s"] = benchmark::Counter(static_cast<double>(series), benchmark::Counter::kIsRate);
  state.SetItemsProcessed(samples);
}

void BM_Simulator_SteadyState(benchmark::State& state) {
  auto s = scenario::loadScenarioFile(std::string(DDSIM_SCENARIOS_DIR) + "/steady-state.json");
  if (!s.isOk()) {
    state.SkipWithError(s.status().message().c_str());
    return;
  }
  runOnce(state, *s);
}
BENCHMARK(BM_Simulator_SteadyState)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

void BM_Simulator_SmallScenario(benchmark::State& state) {
  auto s = scenario::parseScenarioText(R"({"name": "small", "duration": "15m", "intake": "inprocess",
      "workloads": [{"type": "dogstatsd", "contexts": 1000, "rate": 1000}],
      "expect": [{"kind": "delivery", "no_loss": true}]})", "bench");
  if (!s.isOk()) {
    state.SkipWithError(s.status().message().c_str());
    return;
  }
  runOnce(state, *s);
}
BENCHMARK(BM_Simulator_SmallScenario)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace
