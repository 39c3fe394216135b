// The serializer's throughput, after the agent's own benchmark matrix
// (pkg/serializer/internal/metrics/*_benchmark_test.go): every payload kind x compressor over
// items {5, 100, 1k, 10k, 100k} x points {1, 10} x tags {10, 50}, plus compress-only floors.
//
//   BM_Serialize_<Kind>_<zlib|zstd|none>/items:N/points:P/tags:T
//     Kind = SeriesV2 | SeriesV1 | Sketches | Events | ServiceChecks. zlib at level 6, zstd at
//     level 1 (today's agent), none = the stream paths through an identity stream. Points only
//     apply to series and sketches; events and service checks carry T tags and no points.
//   BM_CompressOnly_zstd  compresses the uncompressed v2 series payloads the serializer built for
//                         that shape (decompressed from a zstd run), payload by payload;
//   BM_CompressOnly_zlib  the same for the v1 JSON payloads, with zlib-6.
//     These are the floors the serializer is measured against (targets at 10k x 1 x 10:
//     v2+zstd >= 0.8x BM_CompressOnly_zstd, v1+zlib >= 0.85x BM_CompressOnly_zlib).
//
// Counters: items/s (SetItemsProcessed: series, sketches, events or checks), bytes/s
// (SetBytesProcessed: uncompressed bytes), payloads per build, ratio = uncompressed/compressed,
// packs_per_payload = sync-flushed packs of the stream compressor per payload (spec §5.7).
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/common/random.h"
#include "core/serializer/serializer.h"

namespace ddsim::serializer {
namespace {

class NullForwarder final : public PayloadForwarder {
 public:
  common::Status submit(Submission&&) override { return {}; }
};

enum class Kind { kSeriesV2, kSeriesV1, kSketches, kEvents, kServiceChecks };

struct Shape {
  size_t items;
  size_t points;
  size_t tags;
};

Shape shapeOf(const benchmark::State& state) {
  return {static_cast<size_t>(state.range(0)), static_cast<size_t>(state.range(1)), static_cast<size_t>(state.range(2))};
}

// Tags like the agent sees them: a handful of shared keys with varied values. Tag sets are
// unique per item up to 10k items, then reused (a 100k x 50 matrix would need gigabytes).
std::vector<metrics::TagSetPtr> makeTagSets(size_t n, size_t tags, common::Random& r) {
  std::vector<metrics::TagSetPtr> sets;
  for (size_t i = 0; i < std::min<size_t>(n, 10000); ++i) {
    std::vector<std::string> t;
    t.reserve(tags);
    for (size_t k = 0; k < tags; ++k) {
      t.push_back("tag_key_" + std::to_string(k) + ":value_" + std::to_string(r.uniformInt(0, 999)));
    }
    sets.push_back(metrics::makeTagSet(std::move(t)));
  }
  return sets;
}

std::vector<metrics::Serie> makeSeries(const Shape& s) {
  common::Random r(1);
  auto sets = makeTagSets(s.items, s.tags, r);
  std::vector<metrics::Serie> out(s.items);
  for (size_t i = 0; i < s.items; ++i) {
    auto& x = out[i];
    x.name = "bench.metric.name_" + std::to_string(i % 1000);
    x.host = "i-0123456789abcdef";
    x.tags = metrics::CompositeTags(nullptr, sets[i % sets.size()]);
    x.mtype = i % 3 == 0 ? metrics::ApiMetricType::kRate : metrics::ApiMetricType::kGauge;
    x.interval = 10;
    x.source = metrics::MetricSource::kDogstatsd;
    for (size_t p = 0; p < s.points; ++p) {
      x.points.push_back({1700000000.0 + 10.0 * static_cast<double>(p), std::floor(r.uniform(0, 100000)) / 100});
    }
  }
  return out;
}

std::vector<metrics::SketchSeries> makeSketches(const Shape& s) {
  common::Random r(2);
  auto sets = makeTagSets(s.items, s.tags, r);
  std::vector<metrics::SketchSeries> out(s.items);
  for (size_t i = 0; i < s.items; ++i) {
    auto& x = out[i];
    x.name = "bench.distribution_" + std::to_string(i % 1000);
    x.host = "i-0123456789abcdef";
    x.tags = metrics::CompositeTags(nullptr, sets[i % sets.size()]);
    x.source = metrics::MetricSource::kDogstatsd;
    for (size_t p = 0; p < s.points; ++p) {
      metrics::SketchPoint sp;
      sp.ts = 1700000000 + 10 * static_cast<int64_t>(p);
      int16_t k = static_cast<int16_t>(1300 + r.uniformInt(0, 50));
      for (int b = 0; b < 16; ++b) {
        sp.sketch.bins.push_back({k, static_cast<uint16_t>(r.uniformInt(1, 20))});
        k = static_cast<int16_t>(k + r.uniformInt(1, 5));
      }
      sp.sketch.basic = {1.0, 500.0, 4000.0, 25.0, 160};
      x.points.push_back(std::move(sp));
    }
  }
  return out;
}

std::vector<metrics::Event> makeEvents(const Shape& s) {
  common::Random r(3);
  std::vector<metrics::Event> out(s.items);
  for (size_t i = 0; i < s.items; ++i) {
    auto& e = out[i];
    e.title = "Deployment " + std::to_string(i) + " finished";
    e.text = "Rolled out version " + std::to_string(r.uniformInt(1, 500)) + " to the web tier";
    e.ts = 1700000000 + static_cast<int64_t>(i);
    e.host = "i-0123456789abcdef";
    e.priority = "normal";
    e.alert_type = "info";
    e.source_type_name = i % 5 == 0 ? "" : "source_" + std::to_string(i % 5);
    for (size_t k = 0; k < s.tags; ++k) e.tags.push_back("tag_key_" + std::to_string(k) + ":v" + std::to_string(r.uniformInt(0, 99)));
  }
  return out;
}

std::vector<metrics::ServiceCheck> makeChecks(const Shape& s) {
  common::Random r(4);
  std::vector<metrics::ServiceCheck> out(s.items);
  for (size_t i = 0; i < s.items; ++i) {
    auto& c = out[i];
    c.check_name = "bench.check_" + std::to_string(i % 100);
    c.host = "i-0123456789abcdef";
    c.ts = 1700000000;
    c.status = static_cast<metrics::ServiceCheckStatus>(r.uniformInt(0, 3));
    c.message = i % 4 == 0 ? "connection refused" : "";
    for (size_t k = 0; k < s.tags; ++k) c.tags.push_back("tag_key_" + std::to_string(k) + ":v" + std::to_string(r.uniformInt(0, 99)));
  }
  return out;
}

SerializerOptions optionsFor(Kind kind, CompressorKind comp) {
  SerializerOptions o;
  o.compression.kind = comp;
  o.compression.zlib_level = 6;
  o.compression.zstd_level = 1;
  o.compression.none_streams = true;  // so "none" measures the same stream paths uncompressed
  o.use_v2_api_series = kind != Kind::kSeriesV1;
  o.hostname = "i-0123456789abcdef";
  return o;
}

struct Totals {
  size_t payloads = 0;
  size_t raw = 0;
  size_t compressed = 0;
};

Totals totals(const std::vector<PayloadPtr>& payloads) {
  Totals t;
  t.payloads = payloads.size();
  for (const auto& p : payloads) {
    t.raw += p->uncompressed_size;
    t.compressed += p->bytes.size();
  }
  return t;
}

void report(benchmark::State& state, size_t items, const Totals& t) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * items));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * t.raw));
  state.counters["payloads"] = static_cast<double>(t.payloads);
  state.counters["ratio"] = t.compressed > 0 ? static_cast<double>(t.raw) / static_cast<double>(t.compressed) : 0;
}

template <typename Build>
void runBuild(benchmark::State& state, const Serializer& ser, size_t items, Build&& build) {
  std::vector<PayloadPtr> payloads;
  Totals t;
  for (auto _ : state) {
    payloads.clear();
    if (auto st = build(&payloads); !st.isOk()) {
      state.SkipWithError(st.toString().c_str());
      return;
    }
    benchmark::DoNotOptimize(payloads.data());
  }
  t = totals(payloads);
  report(state, items, t);
  const auto& c = ser.counters().compressor;
  if (c.total_payloads.load() > 0) {
    state.counters["packs_per_payload"] =
        static_cast<double>(c.total_compress_cycles.load()) / static_cast<double>(c.total_payloads.load());
  }
}

void BM_Serialize(benchmark::State& state, Kind kind, CompressorKind comp) {
  const Shape shape = shapeOf(state);
  NullForwarder fwd;
  common::ManualClock clock;
  Serializer ser(optionsFor(kind, comp), fwd, clock);
  switch (kind) {
    case Kind::kSeriesV2:
    case Kind::kSeriesV1: {
      const auto series = makeSeries(shape);
      runBuild(state, ser, shape.items, [&](std::vector<PayloadPtr>* out) { return ser.buildSeries(series, out); });
      break;
    }
    case Kind::kSketches: {
      const auto sketches = makeSketches(shape);
      runBuild(state, ser, shape.items, [&](std::vector<PayloadPtr>* out) { return ser.buildSketches(sketches, out); });
      break;
    }
    case Kind::kEvents: {
      const auto events = makeEvents(shape);
      runBuild(state, ser, shape.items, [&](std::vector<PayloadPtr>* out) { return ser.buildEvents(events, out); });
      break;
    }
    case Kind::kServiceChecks: {
      const auto checks = makeChecks(shape);
      runBuild(state, ser, shape.items, [&](std::vector<PayloadPtr>* out) { return ser.buildServiceChecks(checks, out); });
      break;
    }
  }
}

// Compresses, payload by payload with one reused stream, the uncompressed bytes the serializer
// produced for this shape (v2 series for zstd, v1 JSON series for zlib).
void BM_CompressOnly(benchmark::State& state, CompressorKind comp) {
  const Shape shape = shapeOf(state);
  const Kind kind = comp == CompressorKind::kZstd ? Kind::kSeriesV2 : Kind::kSeriesV1;
  NullForwarder fwd;
  common::ManualClock clock;
  Serializer ser(optionsFor(kind, comp), fwd, clock);
  std::vector<PayloadPtr> built;
  {
    const auto series = makeSeries(shape);
    if (auto st = ser.buildSeries(series, &built); !st.isOk()) {
      state.SkipWithError(st.toString().c_str());
      return;
    }
  }
  std::vector<std::string> raw;
  for (const auto& p : built) {
    ByteBuffer b;
    if (!ser.compressor().decompress(p->bytes, &b, size_t{1} << 30).isOk()) {
      state.SkipWithError("cannot decompress the serializer's payload");
      return;
    }
    raw.push_back(b.toString());
  }
  auto stream = ser.compressor().newStream();
  ByteBuffer out;
  Totals t;
  for (auto _ : state) {
    t = {};
    for (const auto& r : raw) {
      out.clear();
      if (!stream->reset(&out).isOk() || !stream->write(r).isOk() || !stream->close().isOk()) {
        state.SkipWithError("compression failed");
        return;
      }
      t.raw += r.size();
      t.compressed += out.size();
      ++t.payloads;
    }
    benchmark::DoNotOptimize(out.data());
  }
  report(state, shape.items, t);
}

void matrix(benchmark::internal::Benchmark* b) {
  b->ArgNames({"items", "points", "tags"});
  for (int64_t items : {5, 100, 1000, 10000, 100000}) {
    for (int64_t points : {1, 10}) {
      for (int64_t tags : {10, 50}) b->Args({items, points, tags});
    }
  }
  b->Unit(benchmark::kMicrosecond);
}

#define DDSIM_SERIALIZE_BENCH(KIND, COMP, comp_suffix)                                                  \
  void BM_Serialize_##KIND##_##comp_suffix(benchmark::State& state) { BM_Serialize(state, Kind::k##KIND, COMP); } \
  BENCHMARK(BM_Serialize_##KIND##_##comp_suffix)->Apply(matrix)

#define DDSIM_SERIALIZE_ALL_COMPRESSORS(KIND)                          \
  DDSIM_SERIALIZE_BENCH(KIND, CompressorKind::kZlib, zlib);            \
  DDSIM_SERIALIZE_BENCH(KIND, CompressorKind::kZstd, zstd);            \
  DDSIM_SERIALIZE_BENCH(KIND, CompressorKind::kNone, none)

DDSIM_SERIALIZE_ALL_COMPRESSORS(SeriesV2);
DDSIM_SERIALIZE_ALL_COMPRESSORS(SeriesV1);
DDSIM_SERIALIZE_ALL_COMPRESSORS(Sketches);
DDSIM_SERIALIZE_ALL_COMPRESSORS(Events);
DDSIM_SERIALIZE_ALL_COMPRESSORS(ServiceChecks);

void BM_CompressOnly_zlib(benchmark::State& state) { BM_CompressOnly(state, CompressorKind::kZlib); }
void BM_CompressOnly_zstd(benchmark::State& state) { BM_CompressOnly(state, CompressorKind::kZstd); }
BENCHMARK(BM_CompressOnly_zlib)->Apply(matrix);
BENCHMARK(BM_CompressOnly_zstd)->Apply(matrix);

}  // namespace
}  // namespace ddsim::serializer
