// Aggregator benchmarks: the DogStatsD hot path (TimeSampler::sample on existing contexts), the
// memory a context costs, DDSketch insertion and the flush of 100k contexts.
//
// Memory is measured with a counting global operator new/delete (live heap bytes, by
// malloc_usable_size), so bytes_per_context includes allocator rounding.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "core/aggregator/demultiplexer.h"
#include "core/aggregator/serie_recycler.h"
#include "core/aggregator/time_sampler.h"
#include "core/common/random.h"
#include "core/metrics/ddsketch.h"
#include "tests/support/recording_serializer.h"

namespace {
std::atomic<int64_t> g_live_bytes{0};
}  // namespace

// malloc/free behind operator new/delete: GCC cannot see they pair up.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  g_live_bytes.fetch_add(static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  return p;
}
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  g_live_bytes.fetch_sub(static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }

namespace {

using ddsim::aggregator::TagStore;
using ddsim::aggregator::TimeSampler;
using ddsim::aggregator::TimeSamplerOptions;
namespace metrics = ddsim::metrics;

// A DogStatsD-like workload: `contexts` gauge contexts, each with `tags` tags. Contexts are
// 100 metric names x (contexts/100) tag sets, as an application's metrics share their tags:
// context i has name i % 100 and tag set i / 100, made of tags-1 tags from a small shared
// vocabulary (env:, service:, ... style) plus one tag naming the set. With 0 tags every
// context has its own name instead.
struct Workload {
  std::vector<std::string> names;
  std::vector<std::string> vocabulary;   // shared tag strings
  std::vector<std::string> unique_tags;  // one per context
  std::vector<std::vector<std::string_view>> tag_views;
  std::vector<metrics::MetricSample> samples;
  int64_t n_names = 0;

  Workload(int64_t contexts, int tags) {
    n_names = tags == 0 ? contexts : std::min<int64_t>(100, contexts);
    for (int64_t i = 0; i < n_names; ++i) names.push_back("app.request.latency_" + std::to_string(i));
    for (int t = 0; t < 20; ++t)
      for (int v = 0; v < 4; ++v) vocabulary.push_back("tag" + std::to_string(t) + ":value-" + std::to_string(v));
    unique_tags.reserve(static_cast<size_t>(contexts));
    tag_views.resize(static_cast<size_t>(contexts));
    const int64_t n_sets = (contexts + n_names - 1) / n_names;
    if (tags > 0) {
      for (int64_t set = 0; set < n_sets; ++set) unique_tags.push_back("tagset:" + std::to_string(set));
    }
    for (int64_t i = 0; i < contexts; ++i) {
      const int64_t set = i / n_names;
      auto& tv = tag_views[static_cast<size_t>(i)];
      for (int t = 0; t + 1 < tags; ++t) tv.push_back(vocabulary[static_cast<size_t>(t * 4 + (set + t) % 4)]);
      if (tags > 0) tv.push_back(unique_tags[static_cast<size_t>(set)]);
    }
    samples.resize(static_cast<size_t>(contexts));
    for (int64_t i = 0; i < contexts; ++i) {
      auto& s = samples[static_cast<size_t>(i)];
      s.name = names[static_cast<size_t>(i % n_names)];
      s.value = static_cast<double>(i);
      s.mtype = metrics::MetricType::kGauge;
      s.tags = tag_views[static_cast<size_t>(i)];
    }
  }

  // Heap bytes of the strings themselves as the sampler keeps them: one TagSet (vector of
  // std::string) per distinct tag set, and one copy of each distinct name.
  int64_t stringBytes() const {
    std::vector<metrics::TagSetPtr> sets;
    std::vector<std::string> name_copies;
    sets.reserve(tag_views.size() / static_cast<size_t>(n_names) + 1);
    name_copies.reserve(names.size());
    const int64_t before = g_live_bytes.load();
    for (size_t i = 0; i < tag_views.size(); i += static_cast<size_t>(n_names)) {
      if (!tag_views[i].empty()) {
        sets.push_back(metrics::makeTagSet(std::vector<std::string>(tag_views[i].begin(), tag_views[i].end())));
      }
    }
    for (const auto& n : names) name_copies.emplace_back(n);
    return g_live_bytes.load() - before;
  }
};

constexpr double kNow = 1'700'000'001;

void BM_TimeSampler_AddSample(benchmark::State& state) {
  const int64_t contexts = state.range(0);
  const int tags = static_cast<int>(state.range(1));
  Workload w(contexts, tags);
  const int64_t string_bytes = w.stringBytes();

  const int64_t before = g_live_bytes.load();
  auto store = std::make_unique<TagStore>(true);
  auto sampler = std::make_unique<TimeSampler>(0, TimeSamplerOptions{}, store.get());
  for (const auto& s : w.samples) sampler->sample(s, kNow);  // every context created once
  const int64_t context_bytes = g_live_bytes.load() - before;

  size_t i = 0;
  const size_t n = w.samples.size();
  for (auto _ : state) {
    sampler->sample(w.samples[i], kNow);
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes_per_context"] = static_cast<double>(context_bytes) / static_cast<double>(contexts);
  // What a context costs beyond its name and tag strings (the target: <= 200 B).
  state.counters["bytes_per_context_excl_strings"] =
      static_cast<double>(context_bytes - string_bytes) / static_cast<double>(contexts);
  state.counters["contexts"] = static_cast<double>(sampler->contextCount());
}
BENCHMARK(BM_TimeSampler_AddSample)
    ->ArgNames({"contexts", "tags"})
    ->ArgsProduct({{1'000, 10'000, 100'000, 1'000'000}, {0, 5, 20}})
    ->Unit(benchmark::kNanosecond);

// The same hot path through the demultiplexer: batches of 32 (the agent's batch size) with the
// shard lock and the sample counter.
void BM_Demultiplexer_AddSamples(benchmark::State& state) {
  const int64_t contexts = state.range(0);
  Workload w(contexts, 5);
  ddsim::testing::RecordingSerializer ser;
  ddsim::aggregator::DemultiplexerOptions opts;
  opts.pipeline_count = static_cast<int>(state.range(1));
  ddsim::aggregator::Demultiplexer demux(opts, &ser);
  for (size_t i = 0; i + 32 <= w.samples.size(); i += 32) demux.addSamples({w.samples.data() + i, 32}, kNow);
  size_t i = 0;
  for (auto _ : state) {
    demux.addSamples({w.samples.data() + i, 32}, kNow);
    i += 32;
    if (i + 32 > w.samples.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations() * 32);
}
BENCHMARK(BM_Demultiplexer_AddSamples)->ArgNames({"contexts", "pipelines"})->Args({10'000, 1})->Args({10'000, 4});

void BM_Sketch_Insert(benchmark::State& state) {
  const int64_t values = state.range(0);
  ddsim::common::Random rng(42);
  std::vector<double> data(static_cast<size_t>(values));
  for (auto& v : data) v = rng.exponential(100);
  int64_t bins = 0;
  for (auto _ : state) {
    metrics::AgentSketch sketch;
    for (double v : data) sketch.insert(v, 1);
    auto done = sketch.finish();
    bins = static_cast<int64_t>(done->bins.size());
    benchmark::DoNotOptimize(done);
  }
  state.SetItemsProcessed(state.iterations() * values);
  state.counters["bins"] = static_cast<double>(bins);
}
BENCHMARK(BM_Sketch_Insert)->ArgNames({"values"})->Arg(100)->Arg(10'000)->Arg(1'000'000);

// Flush of 100k contexts (5 tags) from one closed bucket into series. recycle:1 keeps the series
// vector and a SerieRecycler across flushes, as the Demultiplexer does (issue 11).
void BM_Flush(benchmark::State& state) {
  const int64_t contexts = state.range(0);
  const bool recycle = state.range(1) != 0;
  Workload w(contexts, 5);
  TagStore store(true);
  TimeSampler sampler(0, TimeSamplerOptions{}, &store);
  ddsim::aggregator::SerieRecycler recycler;
  std::vector<metrics::Serie> series;
  int64_t series_count = 0;
  double t = kNow;
  for (auto _ : state) {
    state.PauseTiming();
    for (const auto& s : w.samples) sampler.sample(s, t);
    std::vector<metrics::SketchSeries> sketches;
    if (!recycle) {
      series = {};
      series.reserve(static_cast<size_t>(contexts));
    }
    state.ResumeTiming();
    sampler.flush(t + 10, series, sketches, false, recycle ? &recycler : nullptr);
    state.PauseTiming();
    series_count = static_cast<int64_t>(series.size());
    if (recycle) recycler.reclaim(series);
    series.clear();  // freeing the series is not part of the flush
    t += 10;
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * contexts);
  state.counters["series"] = static_cast<double>(series_count);
}
BENCHMARK(BM_Flush)->ArgNames({"contexts", "recycle"})->Args({100'000, 0})->Args({100'000, 1})->Unit(benchmark::kMillisecond);

}  // namespace
