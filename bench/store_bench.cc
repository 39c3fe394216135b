// The run store alone (core/store), no intake in front of it.
// BM_RunStore_AddPayload: one payload of `series` single-point series with agent-like tags, as
// the fakeintake hands it over (contexts already known after the first payload).
// BM_RunStore_Finalize: finalize() of a store holding `payloads` x 2,000 packed points, i.e. the
// expansion into the `points` table and its index that ends every run.
// Both are best read as instruction counts (valgrind --tool=callgrind) on a shared machine.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/store/run_store.h"

namespace ddsim::store {
namespace {

struct Payload {
  std::vector<std::string> names, hosts;
  std::vector<std::vector<std::string>> tags;
  std::vector<SeriesRef> series;
  std::vector<SeriesPoint> points;
  std::string body = std::string(100 * 1024, 'z');
};

Payload makePayload(int n) {
  Payload p;
  p.names.reserve(n);
  p.hosts.reserve(n);
  p.tags.reserve(n);
  for (int i = 0; i < n; ++i) {
    p.names.push_back("app." + std::to_string(i % 300) + ".requests.latency");
    p.hosts.push_back("i-0" + std::to_string(100000 + i * 7) + ".ec2.internal");
    p.tags.push_back({"env:prod", "service:svc-" + std::to_string(i % 50), "version:1." + std::to_string(i % 20),
                      "pod_name:web-" + std::to_string(i * 7919), "k0:" + std::to_string(i), "k1:" + std::to_string(i * 3)});
  }
  for (int i = 0; i < n; ++i) {
    p.series.push_back({p.names[i], p.hosts[i], &p.tags[i], "gauge", 10, static_cast<uint32_t>(i), 1});
    p.points.push_back({1'700'000'000, static_cast<double>(i)});
  }
  return p;
}

struct TempStore {
  TempStore() {
    static int serial = 0;
    path = "/tmp/ddsim_store_bench_" + std::to_string(::getpid()) + "_" + std::to_string(serial++) + ".sqlite";
    std::remove(path.c_str());
    store = RunStore::open(path).value();
  }
  ~TempStore() {
    store.reset();
    std::remove(path.c_str());
    std::remove((path + "-journal").c_str());
  }
  std::string path;
  std::unique_ptr<RunStore> store;
};

IntakePayloadRow rowOf(const Payload& p, int64_t received_ns) {
  IntakePayloadRow row;
  row.route = "/api/v2/series";
  row.received_ns = received_ns;
  row.status = 202;
  row.compressed_bytes = static_cast<int64_t>(p.body.size());
  row.items = static_cast<int64_t>(p.series.size());
  row.points = static_cast<int64_t>(p.points.size());
  row.body = p.body;
  return row;
}

void BM_RunStore_AddPayload(benchmark::State& state) {
  const Payload p = makePayload(static_cast<int>(state.range(0)));
  TempStore t;
  int64_t at = 0;
  (void)t.store->addPayload(rowOf(p, at++), p.series, p.points, {}, {});  // contexts become known
  for (auto _ : state) {
    auto id = t.store->addPayload(rowOf(p, at++), p.series, p.points, {}, {});
    if (!id.isOk()) state.SkipWithError(id.status().message().c_str());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["series_per_payload"] = static_cast<double>(p.series.size());
}
BENCHMARK(BM_RunStore_AddPayload)->ArgNames({"series"})->Arg(2200);

void BM_RunStore_Finalize(benchmark::State& state) {
  const Payload p = makePayload(2000);
  for (auto _ : state) {
    state.PauseTiming();
    auto t = std::make_unique<TempStore>();
    for (int64_t i = 0; i < state.range(0); ++i) (void)t->store->addPayload(rowOf(p, i), p.series, p.points, {}, {});
    state.ResumeTiming();
    auto s = t->store->finalize("complete");
    if (!s.isOk()) state.SkipWithError(s.message().c_str());
    state.PauseTiming();
    state.counters["payloads_stored"] = static_cast<double>(t->store->payloadCountsByRoute("main").value()["/api/v2/series"]);
    t.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0) * 2000);
}
BENCHMARK(BM_RunStore_Finalize)->ArgNames({"payloads"})->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ddsim::store
