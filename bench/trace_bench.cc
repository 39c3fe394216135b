// The trace receiver's decoding path (issue 14 target: msgpack decode + normalize + sample +
// stats >= 1M spans/s on one core for v0.4; this measures the first two stages).
//
//   BM_Trace_DecodeV04/spans:N            decodeV04 of one body of 100 traces x N spans (the direct decoder)
//   BM_Trace_DecodeV04Tree/spans:N        decodeV04Tree: the reference msgpack-cxx object-tree decoder
//   BM_Trace_DecodeV05/spans:N            decodeV05 of the same traces (string table)
//   BM_Trace_DecodeNormalizeV04/spans:N   decodeV04, then normalizeTrace + truncateSpan
//   BM_Trace_ProcessV04/spans:N           decodeV04, then TraceProcessor::process (normalize,
//                                         chunk attributes, truncate, top-level, sampling decision)
//   BM_Trace_ProcessV04WithStats/spans:N  the same with the stats concentrator fed before sampling
//                                         (the decode + normalize + sample + stats)
//   BM_Trace_WriteAgentPayload/spans:N    TraceWriter add + flush of the processed tracer payload:
//                                         protobuf encoding + gzip level 1 (bytes/s = encoded bytes)
//   BM_Trace_GzipOnly/spans:N             the floor: gzip level 1 of the same encoded bytes
//
// Spans look like a tracer's: 4 meta tags, 2 metrics, ids and times that vary. Counters:
// items/s = spans, bytes/s = body bytes, body_bytes.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/serializer/compression.h"
#include "core/trace/msgpack_decoder.h"
#include "core/trace/normalizer.h"
#include "core/trace/stats_concentrator.h"
#include "core/trace/trace_processor.h"
#include "core/trace/trace_writer.h"
#include "tests/support/trace_payloads.h"

namespace ddsim::trace {
namespace {

using testing::packV04;
using testing::packV05;
constexpr size_t kTraces = 100;
constexpr int64_t kNow = 1'700'000'000'000'000'000;

Traces makeTraces(size_t spans_per_trace) {
  Traces traces(kTraces);
  uint64_t id = 1;
  for (size_t t = 0; t < kTraces; ++t) {
    const uint64_t trace_id = 0x1000 + t;
    for (size_t i = 0; i < spans_per_trace; ++i) {
      Span s;
      s.service = "checkout-" + std::to_string(t % 5);
      s.name = i == 0 ? "http.request" : "postgres.query";
      s.resource = i == 0 ? "POST /api/v1/cart/" + std::to_string(t % 20) : "SELECT * FROM items WHERE id = ?";
      s.trace_id = trace_id;
      s.span_id = id++;
      s.parent_id = i == 0 ? 0 : s.span_id - 1;
      s.start = kNow - 1'000'000'000 + static_cast<int64_t>(i) * 1000;
      s.duration = 50'000 + static_cast<int64_t>(i) * 37;
      s.error = t % 17 == 0 ? 1 : 0;
      s.meta = {{"env", "prod"}, {"version", "1.4.2"}, {"http.status_code", "200"}, {"component", "net/http"}};
      s.metrics = {{"_sampling_priority_v1", 1}, {"_dd.measured", 1}};
      s.type = i == 0 ? "web" : "sql";
      traces[t].push_back(std::move(s));
    }
  }
  return traces;
}

template <typename Decode>
void runDecode(benchmark::State& state, const std::string& body, Decode decode, bool normalize) {
  const auto spans = static_cast<int64_t>(kTraces) * state.range(0);
  for (auto _ : state) {
    common::Result<Traces> traces = decode(body);
    if (!traces.isOk()) {
      state.SkipWithError(traces.status().message().c_str());
      return;
    }
    if (normalize) {
      ReasonCounts counts;
      for (Trace& t : *traces) {
        if (normalizeTrace(t, "go", kNow, counts).isOk()) {
          for (Span& s : t) truncateSpan(s);
        }
      }
    }
    benchmark::DoNotOptimize(traces);
  }
  state.SetItemsProcessed(state.iterations() * spans);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.counters["body_bytes"] = static_cast<double>(body.size());
}

void BM_Trace_DecodeV04(benchmark::State& state) {
  runDecode(state, packV04(makeTraces(static_cast<size_t>(state.range(0)))), decodeV04, false);
}
void BM_Trace_DecodeV04Tree(benchmark::State& state) {
  runDecode(state, packV04(makeTraces(static_cast<size_t>(state.range(0)))), decodeV04Tree, false);
}
void BM_Trace_DecodeV05(benchmark::State& state) {
  runDecode(state, packV05(makeTraces(static_cast<size_t>(state.range(0)))), decodeV05, false);
}
void BM_Trace_DecodeNormalizeV04(benchmark::State& state) {
  runDecode(state, packV04(makeTraces(static_cast<size_t>(state.range(0)))), decodeV04, true);
}

// The processed tracer payload of one body (what the writer receives).
TracerPayload processed(size_t spans_per_trace) {
  common::ManualClock clock;
  TracerPayload out;
  TraceProcessor p(clock, [&out](TracerPayload&& tp) { out = std::move(tp); });
  ReceivedPayload r;
  r.lang = "go";
  r.traces = makeTraces(spans_per_trace);
  p.process(std::move(r));
  return out;
}

class NullForwarder final : public serializer::PayloadForwarder {
 public:
  common::Status submit(serializer::Submission&& s) override {
    bytes += s.payloads.empty() ? 0 : s.payloads[0]->bytes.size();
    return common::Status();
  }
  size_t bytes = 0;
};

// decodeV04 + process of the same body every iteration; with_stats adds the stats concentrator
// as the processor's stats sink (as in `ddsim agent`).
void processV04(benchmark::State& state, bool with_stats) {
  const std::string body = packV04(makeTraces(static_cast<size_t>(state.range(0))));
  common::ManualClock clock;
  size_t kept = 0;
  TraceProcessor p(clock, [&kept](TracerPayload&& tp) { kept += tp.chunks.size(); });
  StatsConcentrator stats({}, kNow - 1'000'000'000);
  if (with_stats) {
    p.setStatsSink([&stats](const TraceChunk& c, size_t root, const StatsChunkContext& ctx) { stats.add(c, root, ctx); });
  }
  for (auto _ : state) {
    common::Result<Traces> traces = decodeV04(body);
    if (!traces.isOk()) {
      state.SkipWithError(traces.status().message().c_str());
      return;
    }
    ReceivedPayload r;
    r.lang = "go";
    r.traces = std::move(traces).value();
    p.process(std::move(r));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kTraces) * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.counters["kept_ratio"] = static_cast<double>(kept) / static_cast<double>(state.iterations() * kTraces);
  if (with_stats) {
    state.counters["stats_spans"] = static_cast<double>(stats.counters().spans_counted);
    state.counters["stats_groups"] = static_cast<double>(statsEntries(stats.flush(kNow, true)));
  }
}

void BM_Trace_ProcessV04(benchmark::State& state) { processV04(state, false); }
void BM_Trace_ProcessV04WithStats(benchmark::State& state) { processV04(state, true); }

void BM_Trace_WriteAgentPayload(benchmark::State& state) {
  const TracerPayload tp = processed(static_cast<size_t>(state.range(0)));
  NullForwarder fwd;
  TraceWriter w({}, fwd);
  for (auto _ : state) {
    TracerPayload copy = tp;
    w.add(std::move(copy));
    w.flush();
  }
  const auto c = w.counters();
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kTraces) * state.range(0));
  state.SetBytesProcessed(static_cast<int64_t>(c.bytes_uncompressed));
  state.counters["payloads"] = static_cast<double>(c.payloads);
  state.counters["ratio"] = static_cast<double>(c.bytes_uncompressed) / static_cast<double>(c.bytes);
}

void BM_Trace_GzipOnly(benchmark::State& state) {
  serializer::ByteBuffer raw;
  encodeAgentPayload({}, {processed(static_cast<size_t>(state.range(0)))}, raw);
  auto gzip = serializer::makeCompressor(serializer::CompressorKind::kGzip, 1);
  serializer::ByteBuffer out;
  for (auto _ : state) {
    out.clear();
    if (!gzip->compress(raw.view(), &out).isOk()) {
      state.SkipWithError("gzip failed");
      return;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kTraces) * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(raw.size()));
  state.counters["ratio"] = static_cast<double>(raw.size()) / static_cast<double>(out.size());
}

BENCHMARK(BM_Trace_DecodeV04)->ArgNames({"spans"})->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(BM_Trace_DecodeV04Tree)->ArgNames({"spans"})->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(BM_Trace_DecodeV05)->ArgNames({"spans"})->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(BM_Trace_DecodeNormalizeV04)->ArgNames({"spans"})->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(BM_Trace_ProcessV04)->ArgNames({"spans"})->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(BM_Trace_ProcessV04WithStats)->ArgNames({"spans"})->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(BM_Trace_WriteAgentPayload)->ArgNames({"spans"})->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(BM_Trace_GzipOnly)->ArgNames({"spans"})->Arg(1)->Arg(10)->Arg(100);

}  // namespace
}  // namespace ddsim::trace
