#include "core/dogstatsd/server.h"

#include <spdlog/spdlog.h>

#include <sched.h>

#include <algorithm>

#include "core/common/process_stats.h"
#include "core/dogstatsd/datagram_listener.h"
#include "core/dogstatsd/packet_processor.h"
#include "core/dogstatsd/stream_listener.h"

namespace ddsim::dogstatsd {

DogStatsdServer::DogStatsdServer(ServerOptions options, metrics::SampleSink& sink,
                                 const common::Clock& clock)
    : options_(std::move(options)), sink_(sink), clock_(clock) {}

DogStatsdServer::~DogStatsdServer() { stop(); }

int DogStatsdServer::usableCpus() {
  // As Go's runtime.NumCPU (which the agent's formula reads): the CPUs this process may run on.
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

int DogStatsdServer::defaultWorkerCount(int vcpus, int pipeline_count) {
  if (pipeline_count <= 0) pipeline_count = 1;
  return std::max(2, vcpus - 1 - pipeline_count);
}

int DogStatsdServer::autoWorkerCount(int vcpus, int pipeline_count) {
  return std::min(defaultWorkerCount(vcpus, pipeline_count), std::max(1, vcpus));
}

common::Status DogStatsdServer::start() {
  if (running_) return common::failedPrecondition("dogstatsd server already running");
  listener_errors_.clear();
  // Spare batches are kept up to an eighth of the queue's ceiling; the rest is freed.
  pool_ = std::make_unique<BatchPool>(std::max<size_t>(1, options_.packet_buffer_size),
                                      options_.queue_max_bytes / 8);
  queue_ = std::make_unique<BatchQueue>(options_.queue_size, options_.queue_max_bytes);
  ListenerContext ctx{pool_.get(), queue_.get(), &stats_, &tap_, options_.queue_full_policy, &paused_};

  auto add = [&](auto result, const char* what) {
    if (result.isOk()) {
      listeners_.push_back(std::move(result).value());
    } else {
      std::string msg = std::string(what) + ": " + result.status().message();
      spdlog::error("dogstatsd: can't init listener: {}", msg);
      listener_errors_.push_back(std::move(msg));
    }
  };
  datagram_listeners_.clear();
  auto addDatagram = [&](common::Result<std::unique_ptr<DatagramListener>> result, const char* what) {
    if (result.isOk()) datagram_listeners_.push_back(result.value().get());
    add(std::move(result), what);
  };
  if (!options_.socket_path.empty()) addDatagram(DatagramListener::openUnix(options_, ctx), "uds");
  if (!options_.stream_socket_path.empty()) {
    add(StreamListener::open(options_, ctx), "uds-stream");
  }
  if (options_.port == ServerOptions::kRandomPort || options_.port > 0) {
    auto udp = DatagramListener::openUdp(options_, ctx);
    if (udp.isOk()) udp_port_ = udp.value()->port();
    addDatagram(std::move(udp), "udp");
  }
  if (listeners_.empty()) {
    std::string all;
    for (const auto& e : listener_errors_) all += (all.empty() ? "" : "; ") + e;
    return common::failedPrecondition(
        "listening on neither udp nor socket, please check your configuration" +
        (all.empty() ? std::string() : " (" + all + ")"));
  }

  int n = options_.workers_count > 0
              ? options_.workers_count
              : autoWorkerCount(usableCpus(), options_.pipeline_count);
  for (int i = 0; i < n; ++i) {
    workers_.emplace_back([this] {
      common::nameThisThread("dsd-worker");
      workerLoop();
    });
  }
  for (auto& l : listeners_) l->start();
  running_ = true;
  return common::Status::ok();
}

void DogStatsdServer::stop() {
  if (!running_) return;
  // Listeners first, while the workers still consume (a blocked reader needs room).
  for (auto& l : listeners_) l->stop();
  queue_->close();
  for (auto& w : workers_) w.join();
  workers_.clear();
  datagram_listeners_.clear();
  listeners_.clear();
  running_ = false;
}

void DogStatsdServer::workerLoop() {
  PacketProcessor processor(options_.processor, sink_);
  const size_t read_below = options_.queue_max_bytes / 2;
  while (true) {
    // Keep the sockets drained from here, between batches, whenever the queue has room:
    // a worker that reads for itself needs no thread switch, and the reader thread (the
    // safety net while the workers are held) finds nothing to do and stays asleep. A reader
    // is busy or the queue is half full: leave it.
    if (!datagram_listeners_.empty() && queue_->bytes() < read_below) {
      for (DatagramListener* l : datagram_listeners_) l->readForWorker();
    }
    auto batch = queue_->pop();
    if (!batch) break;
    // agent behaviour: one receive time per batch (time sampler worker, spec §3.2).
    const double now = common::toUnixSeconds(clock_.systemNow());
    for (size_t i = 0; i < batch->size(); ++i) {
      processor.process(batch->packet(i), batch->transport, now);
    }
    processor.flush();
    stats_.merge(processor.takeCounters());
    pool_->release(std::move(batch));
  }
}

std::vector<std::string> DogStatsdServer::listenerDescriptions() const {
  std::vector<std::string> out;
  for (const auto& l : listeners_) out.push_back(l->describe());
  return out;
}

common::TelemetrySnapshot DogStatsdServer::telemetry() const {
  auto snap = stats_.snapshot();
  snap["dogstatsd.queue.depth"] = queue_ ? static_cast<double>(queue_->size()) : 0;
  snap["dogstatsd.queue.capacity"] = queue_ ? static_cast<double>(queue_->capacity()) : 0;
  snap["dogstatsd.queue.bytes"] = queue_ ? static_cast<double>(queue_->bytes()) : 0;
  snap["dogstatsd.queue.peak_bytes"] = queue_ ? static_cast<double>(queue_->peakBytes()) : 0;
  snap["dogstatsd.queue.max_bytes"] = static_cast<double>(options_.queue_max_bytes);
  // Packet memory outside the readers' and workers' hands: queued plus spare batches.
  snap["dogstatsd.packet_buffers.bytes"] =
      (queue_ ? static_cast<double>(queue_->bytes()) : 0) + (pool_ ? static_cast<double>(pool_->spareBytes()) : 0);
  return snap;
}

}  // namespace ddsim::dogstatsd
