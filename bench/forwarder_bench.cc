// BM_Forwarder_Send: the live default forwarder (worker threads, real HTTP with keep-alive and
// TCP_NODELAY) posting payloads to a loopback cpp-httplib sink that answers 202.
// Reports transactions/s and bytes/s for forwarder_num_workers x payload size.
#include <benchmark/benchmark.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>

#include "core/common/random.h"
#include "core/forwarder/default_forwarder.h"
#include "core/forwarder/http_transport.h"

namespace ddsim::forwarder {
namespace {

// A sink on 127.0.0.1:0 that reads each body and answers 202.
class Sink {
 public:
  Sink() {
    server_.set_tcp_nodelay(true);
    server_.new_task_queue = [] { return new httplib::ThreadPool(8); };
    server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      bytes_ += req.body.size();
      res.status = 202;
      res.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~Sink() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  uint64_t bytes() const { return bytes_.load(); }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<uint64_t> bytes_{0};
};

void BM_Forwarder_Send(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);  // success lines would flood the output
  const int workers = static_cast<int>(state.range(0));
  const size_t payload_bytes = static_cast<size_t>(state.range(1)) * 1024;
  constexpr int kBatch = 32;  // payloads submitted per iteration (below the 100-deep channel)

  Sink sink;
  HttpTransport transport(common::SystemClock::instance());
  common::Random random(1);
  ForwarderOptions o;
  o.api_key = "bench-key";
  o.dd_url = sink.url();
  o.forwarder_num_workers = workers;
  o.disable_api_key_checking = true;
  auto created = DefaultForwarder::create(o, {transport, common::SystemClock::instance(), random});
  if (!created.isOk() || !(*created)->start().isOk()) {
    state.SkipWithError("cannot start the forwarder");
    return;
  }
  DefaultForwarder& f = **created;
  std::string bytes(payload_bytes, '\0');
  for (auto& c : bytes) c = static_cast<char>(random.nextU64());
  serializer::Payload payload;
  payload.bytes = std::move(bytes);
  payload.point_count = 1;
  const serializer::PayloadPtr shared = std::make_shared<const serializer::Payload>(std::move(payload));

  int64_t submitted = 0;
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      serializer::Submission s;
      s.endpoint = serializer::Endpoint::kSeriesV2;
      s.payloads = {shared};
      s.headers = {{"Content-Type", "application/x-protobuf"}};
      if (!f.submit(std::move(s)).isOk()) state.SkipWithError("submit failed");
    }
    submitted += kBatch;
    while (f.counters().success() + f.counters().dropped() < submitted) {
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
  }
  const int64_t sent = f.counters().success();
  f.stop();
  state.SetItemsProcessed(sent);
  state.SetBytesProcessed(sent * static_cast<int64_t>(payload_bytes));
  state.counters["transactions_per_s"] = benchmark::Counter(static_cast<double>(sent), benchmark::Counter::kIsRate);
  state.counters["payload_bytes"] = static_cast<double>(payload_bytes);
  state.counters["errors"] = static_cast<double>(f.counters().errors());
}

BENCHMARK(BM_Forwarder_Send)
    ->ArgNames({"workers", "payload_kb"})
    ->ArgsProduct({{1, 4}, {10, 500}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ddsim::forwarder
