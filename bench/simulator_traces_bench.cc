// The trace path's speed in virtual time (issue 14): scenarios/traces-steady.json (10k spans/s
// through the receiver's handling, the processor, the writer, the forwarder and the fakeintake's
// decoding, plus a small metrics load).
//   BM_Sim_TracesSteady: simulated seconds per real second (speedup), spans generated per real
//     second, the process's peak RSS (run it alone: --benchmark_filter=BM_Sim_TracesSteady).
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "simulator/runner/simulation.h"
#include "simulator/scenario/scenario_loader.h"

namespace {

using namespace ddsim;

const bool kQuiet = (spdlog::set_level(spdlog::level::critical), true);

void BM_Sim_TracesSteady(benchmark::State& state) {
  auto s = scenario::loadScenarioFile(std::string(DDSIM_SCENARIOS_DIR) + "/traces-steady.json");
  if (!s.isOk()) {
    state.SkipWithError(s.status().message().c_str());
    return;
  }
  double simulated = 0, real = 0, rss = 0;
  int64_t spans = 0, delivered = 0, bytes = 0;
  for (auto _ : state) {
    auto r = runner::runScenario(*s);
    if (!r.isOk() || !r->passed()) {
      state.SkipWithError(r.isOk() ? "the scenario failed its expectations" : r.status().message().c_str());
      return;
    }
    const auto& rep = r->report;
    simulated += rep["run"]["virtual_seconds"].get<double>();
    real += rep["run"]["real_seconds"].get<double>();
    rss = std::max(rss, rep["run"]["peak_rss_bytes"].get<double>());
    spans += rep["summary"]["traces"]["spans_generated"].get<int64_t>();
    delivered += rep["summary"]["traces"]["spans_written"].get<int64_t>();
    for (const auto& w : rep["workloads"]) {
      if (w["type"] == "traces") bytes += w["generated"]["bytes"].get<int64_t>();
    }
  }
  state.counters["speedup"] = real > 0 ? simulated / real : 0;
  state.counters["spans_per_s"] = benchmark::Counter(static_cast<double>(spans), benchmark::Counter::kIsRate);
  state.counters["spans_delivered"] = static_cast<double>(delivered);
  state.counters["peak_rss_mib"] = rss / (1024.0 * 1024.0);
  state.SetItemsProcessed(spans);
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_Sim_TracesSteady)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

}  // namespace
