// BM_Fakeintake_IngestSeriesV2: the fakeintake server over loopback HTTP, two client threads
// each posting ~100 KB zstd MetricPayloads (agent-like series, built with libprotobuf), each
// fully decompressed, decoded, property-checked and stored. Target: >= 500 payloads/s.
// BM_Fakeintake_DecodeSeriesV2: the same payload through decompression + decode in-process.
// The store:1 cases write every payload to a run store (SQLite, core/store) too, as
// `fakeintake --store FILE` does (issue 11: >= 500 payloads/s with the store on).
// BM_FakeIntake_IngestAndQueryRss: a server configured as `fakeintake --max-memory CAP` is fed
// ~100 KB payloads from 4 threads and queried (decoded JSON pages) for a while; the process's
// peak RSS (VmHWM) is reported against the cap (issue 10: --max-memory is a real ceiling).
#include <benchmark/benchmark.h>
#include <httplib.h>
#include <zstd.h>

#include <malloc.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/common/clock.h"
#include "core/common/process_stats.h"
#include "core/common/random.h"
#include "core/store/run_store.h"
#include "fakeintake/core/decompress.h"
#include "fakeintake/decoders/decoder.h"
#include "fakeintake/handler/intake_handler.h"
#include "fakeintake/server/http_server.h"
#include "proto/metrics.pb.h"

namespace ddsim::fakeintake {
namespace {

std::string zstd(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 1));  // the agent's level since #29242
  return out;
}

struct Payload {
  std::string compressed;
  size_t uncompressed = 0;
  size_t series = 0;
};

// Agent-like series (DogStatsD: host resource, 6-10 tags, one point, origin metadata) added
// until the zstd body reaches `target` bytes.
Payload makePayload(size_t target) {
  common::Random rnd(42);
  datadog::agentpayload::MetricPayload p;
  Payload out;
  const int64_t now = 1'700'000'000;
  while (true) {
    for (int i = 0; i < 200; ++i) {
      auto* s = p.add_series();
      auto* r = s->add_resources();
      r->set_type("host");
      auto num = [&](int64_t lo, int64_t hi) { return std::to_string(rnd.uniformInt(lo, hi)); };
      r->set_name(std::string("i-0").append(num(100000, 999999)).append(".ec2.internal"));
      s->set_metric(std::string("app.").append(num(0, 300)).append(".requests.latency"));
      s->add_tags("env:prod");
      s->add_tags(std::string("service:svc-").append(num(0, 50)));
      s->add_tags(std::string("version:1.").append(num(0, 20)));
      s->add_tags(std::string("pod_name:web-").append(num(0, 99'999'999)));
      int extra = static_cast<int>(rnd.uniformInt(2, 6));
      for (int t = 0; t < extra; ++t) {
        s->add_tags(std::string("k").append(std::to_string(t)).append(":").append(num(0, 100000)));
      }
      auto* pt = s->add_points();
      pt->set_timestamp(now);
      pt->set_value(rnd.uniform(0, 1000));
      s->set_type(datadog::agentpayload::MetricPayload::GAUGE);
      s->set_interval(10);
      s->mutable_metadata()->mutable_origin()->set_origin_product(10);
      s->mutable_metadata()->mutable_origin()->set_origin_category(10);
    }
    std::string raw = p.SerializeAsString();
    std::string z = zstd(raw);
    if (z.size() >= target) {
      out.compressed = std::move(z);
      out.uncompressed = raw.size();
      out.series = static_cast<size_t>(p.series_size());
      return out;
    }
  }
}

// A fresh run store file in the temporary directory, removed with the object.
struct TempRunStore {
  TempRunStore() {
    // One name per store: with --benchmark_repetitions a new server is built before the old
    // one is gone, and the old one's removal must not take the new one's files.
    static std::atomic<int> serial{0};
    path = "/tmp/ddsim_bench_store_" + std::to_string(::getpid()) + "_" + std::to_string(serial++) + ".sqlite";
    remove();
    store = store::RunStore::open(path).value();
  }
  ~TempRunStore() {
    store.reset();
    remove();
  }
  void remove() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path + suffix).c_str());
  }
  std::string path;
  std::unique_ptr<store::RunStore> store;
};

// One server shared by the benchmark threads.
struct Server {
  Server(size_t payload_kb, bool with_store) : payload(makePayload(payload_kb * 1024)) {
    IntakeOptions o;
    o.max_memory_bytes = 256u << 20;  // evictions are part of storing
    o.decoded_in_memory = !with_store;  // as `fakeintake --store FILE` runs
    handler = std::make_unique<IntakeHandler>(o, common::SystemClock::instance());
    if (with_store) {
      run_store = std::make_unique<TempRunStore>();
      handler->attachRunStore(run_store->store.get());
    }
    ServerOptions so;
    so.threads = 4;
    http = std::make_unique<HttpServer>(*handler, so);
    port = http->start().value();
  }
  ~Server() { http->stop(); }
  Payload payload;
  std::unique_ptr<TempRunStore> run_store;
  std::unique_ptr<IntakeHandler> handler;
  std::unique_ptr<HttpServer> http;
  int port = 0;
};

std::mutex g_mu;
std::unique_ptr<Server> g_server;

void BM_Fakeintake_IngestSeriesV2(benchmark::State& state) {
  if (state.thread_index() == 0) {
    std::lock_guard lock(g_mu);
    g_server = std::make_unique<Server>(static_cast<size_t>(state.range(0)), state.range(1) != 0);
  }
  // Google Benchmark starts the threads' loops together (after thread 0 created the server) and
  // waits for all of them at the end, so only thread 0 touches g_server outside the loop.
  std::unique_ptr<httplib::Client> c;
  const httplib::Headers headers = {{"DD-API-KEY", "0123456789abcdef0123456789abcdef"},
                                    {"Content-Encoding", "zstd"}};
  const std::string* body = nullptr;
  Payload shape;
  int64_t failures = 0;
  for (auto _ : state) {
    if (!body) {
      std::lock_guard lock(g_mu);
      body = &g_server->payload.compressed;
      shape.uncompressed = g_server->payload.uncompressed;
      shape.series = g_server->payload.series;
      c = std::make_unique<httplib::Client>("127.0.0.1", g_server->port);
      c->set_keep_alive(true);
      c->set_tcp_nodelay(true);
    }
    auto r = c->Post("/api/v2/series", headers, *body, "application/x-protobuf");
    if (!r || r->status != 202) ++failures;
  }
  const auto payload_bytes = static_cast<int64_t>(body ? body->size() : 0);
  c.reset();
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * payload_bytes);
  state.counters["payload_bytes"] = benchmark::Counter(static_cast<double>(payload_bytes), benchmark::Counter::kAvgThreads);
  state.counters["uncompressed_bytes"] = benchmark::Counter(static_cast<double>(shape.uncompressed), benchmark::Counter::kAvgThreads);
  state.counters["series_per_payload"] = benchmark::Counter(static_cast<double>(shape.series), benchmark::Counter::kAvgThreads);
  state.counters["failures"] = benchmark::Counter(static_cast<double>(failures), benchmark::Counter::kAvgThreads);
  if (state.thread_index() == 0) {
    std::lock_guard lock(g_mu);
    StoreStats st = g_server->handler->store().stats();
    state.counters["stored"] = static_cast<double>(st.stored_total);
    state.counters["evicted_memory"] = static_cast<double>(st.evicted_memory);
    // A store that refuses writes is fast: this must read 0 for a store-on figure to count
    // (before e6d5ec5 every store-on run after the first wrote into a deleted file and failed).
    state.counters["store_write_errors"] = static_cast<double>(g_server->handler->counters().get("run_store.write_errors"));
  }
}
BENCHMARK(BM_Fakeintake_IngestSeriesV2)->ArgNames({"payload_kb", "store"})->Args({100, 0})->Args({100, 1})->Threads(2)->UseRealTime();

void BM_Fakeintake_DecodeSeriesV2(benchmark::State& state) {
  Payload p = makePayload(static_cast<size_t>(state.range(0)) * 1024);
  for (auto _ : state) {
    auto body = decompress(ContentEncoding::kZstd, p.compressed, 64u << 20);
    auto decoded = decodeBody(RouteKind::kSeriesV2, "application/x-protobuf", std::move(body).value(), 64u << 20);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(p.uncompressed));
  state.counters["series_per_payload"] = static_cast<double>(p.series);
  state.counters["ratio"] = static_cast<double>(p.uncompressed) / static_cast<double>(p.compressed.size());
}
BENCHMARK(BM_Fakeintake_DecodeSeriesV2)->ArgNames({"payload_kb"})->Arg(100);

// The whole intake path in-process (what the simulator calls): faults, decompression, decode,
// property checks, storage; no HTTP.
void BM_Fakeintake_HandleSeriesV2(benchmark::State& state) {
  Payload p = makePayload(static_cast<size_t>(state.range(0)) * 1024);
  IntakeOptions o;
  o.max_memory_bytes = 256u << 20;
  common::ManualClock clock;
  std::unique_ptr<TempRunStore> run_store;
  const bool with_store = state.range(1) != 0;
  o.decoded_in_memory = !with_store;  // as `fakeintake --store FILE` runs
  IntakeHandler handler(o, clock);
  if (with_store) {
    run_store = std::make_unique<TempRunStore>();
    handler.attachRunStore(run_store->store.get());
  }
  IntakeRequest req;
  req.path = "/api/v2/series";
  req.headers = {{"Content-Type", "application/x-protobuf"}, {"Content-Encoding", "zstd"}, {"DD-API-KEY", "k"}};
  for (auto _ : state) {
    state.PauseTiming();
    IntakeRequest r = req;
    r.body = p.compressed;
    state.ResumeTiming();
    IntakeResponse resp = handler.handle(std::move(r));
    if (resp.status != 202) state.SkipWithError("not accepted");
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(p.compressed.size()));
  state.counters["evicted_memory"] = static_cast<double>(handler.store().stats().evicted_memory);
  state.counters["store_write_errors"] = static_cast<double>(handler.counters().get("run_store.write_errors"));
}
BENCHMARK(BM_Fakeintake_HandleSeriesV2)->ArgNames({"payload_kb", "store"})->Args({100, 0})->Args({100, 1});

double peakRssMiB() { return static_cast<double>(common::peakRssBytes()) / (1024.0 * 1024.0); }

void BM_FakeIntake_IngestAndQueryRss(benchmark::State& state) {
  const size_t cap = static_cast<size_t>(state.range(0)) << 20;
  const Payload payload = makePayload(100 * 1024);
  mallopt(M_ARENA_MAX, 2);  // as `fakeintake serve` does
  IntakeOptions o;
  ServerOptions so;
  splitMemoryCeiling(cap, o, so);
  IntakeHandler handler(o, common::SystemClock::instance());
  HttpServer server(handler, so);
  const int port = server.start().value();
  const httplib::Headers headers = {{"DD-API-KEY", "0123456789abcdef0123456789abcdef"}, {"Content-Encoding", "zstd"}};
  int64_t posted = 0, refused = 0, queried = 0, answer_bytes = 0;
  for (auto _ : state) {
    // 4 agents post 8 payloads each, then a tester pages through the decoded series.
    std::atomic<int64_t> ok{0}, busy{0};
    std::vector<std::thread> agents;
    for (int t = 0; t < 4; ++t) {
      agents.emplace_back([&] {
        httplib::Client c("127.0.0.1", port);
        for (int i = 0; i < 8; ++i) {
          auto r = c.Post("/api/v2/series", headers, payload.compressed, "application/x-protobuf");
          (r && r->status == 202 ? ok : busy) += 1;
        }
      });
    }
    for (auto& a : agents) a.join();
    httplib::Client q("127.0.0.1", port);
    q.set_read_timeout(60, 0);
    auto r = q.Get("/fakeintake/payloads?endpoint=/api/v2/series&format=json");
    if (r && r->status == 200) {
      ++queried;
      answer_bytes += static_cast<int64_t>(r->body.size());
    }
    posted += ok;
    refused += busy;
  }
  server.stop();
  const double peak = peakRssMiB();
  state.SetItemsProcessed(posted);
  state.counters["cap_mib"] = static_cast<double>(state.range(0));
  state.counters["peak_rss_mib"] = peak;
  state.counters["peak_over_cap"] = peak / static_cast<double>(state.range(0));
  state.counters["store_mib"] = static_cast<double>(handler.store().stats().memory_bytes) / (1 << 20);
  state.counters["evicted_memory"] = static_cast<double>(handler.store().stats().evicted_memory);
  state.counters["refused"] = static_cast<double>(refused);
  state.counters["answer_mib_avg"] = queried ? static_cast<double>(answer_bytes) / queried / (1 << 20) : 0;
}
BENCHMARK(BM_FakeIntake_IngestAndQueryRss)->ArgNames({"cap_mib"})->Arg(256)->Iterations(60)->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ddsim::fakeintake
