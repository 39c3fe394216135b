#pragma once
// The trace agent's per-writer sender (docs/trace-agent.md §6.1.1, from the agent's
// pkg/trace/writer/sender.go): at most `connection_limit` payloads of a writer are out at once
// (handed to the forwarder and not yet finished: sent, dropped or given up), the next ones wait
// in a queue of `queue_size`, and when that queue is full the oldest waiting payload is dropped to
// make room (counted with reason "sender_queue_full"). ddsim hands payloads to its forwarder
// rather than to its own HTTP goroutines, so "out" lasts from submit until the forwarder lets go
// of the payload, retries included.
//
// Not thread-safe: the owning writer calls it under its own lock. The forwarder may release
// payloads on any thread; that only decrements an atomic, and the queue moves on at the next
// push(), pump() or drain().
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

#include "core/serializer/forwarder_interface.h"

namespace ddsim::trace {

struct WriterSenderOptions {
  size_t connection_limit = 200;  // payloads out at once (>= 1)
  size_t queue_size = 163;        // payloads waiting (>= 1)
};

// The trace writer's sender from apm_config.trace_writer.{connection_limit,queue_size}, with the
// agent's defaults for 0 (writer/trace.go NewTraceWriter): 200 payloads out, and a queue of half
// of apm_config.max_memory over the largest payload (3.2 MB); with max_memory unset the agent
// takes 500 MB (not halved), and ddsim reads no max_memory: 163.
WriterSenderOptions traceWriterSenderOptions(int64_t connection_limit, int64_t queue_size);
// The stats writer's, from apm_config.stats_writer.{connection_limit,queue_size}, with the
// agent's defaults for 0 (writer/stats.go NewStatsWriter): 5 payloads out, and a queue of a
// quarter of apm_config.max_memory (250 MB when unset) over 4000 entries x 375 bytes: 174.
WriterSenderOptions statsWriterSenderOptions(int64_t connection_limit, int64_t queue_size);

class WriterSender {
 public:
  // What became of a payload: handed to the forwarder, refused by it, or dropped from the queue.
  enum class Outcome { kHanded, kRefused, kDroppedQueueFull };
  struct Outgoing {
    serializer::Submission submission;
    // Called once with the outcome (under the writer's lock, from push/pump/drain).
    std::function<void(Outcome)> done;
  };

  // `forwarder` must outlive the sender.
  WriterSender(WriterSenderOptions options, serializer::PayloadForwarder& forwarder);

  // Hands `o` to the forwarder when fewer than connection_limit payloads are out and nothing
  // waits; otherwise queues it, dropping the oldest waiting payload when the queue is full.
  void push(Outgoing&& o);
  // Hands waiting payloads over while payloads are out below the limit.
  void pump();
  // Hands every waiting payload over, whatever is out (the writer's last flush at stop: the
  // agent's Stop lets its senders finish what they hold).
  void drain();

  size_t waiting() const { return queue_.size(); }
  int64_t out() const { return out_->load(); }
  // Waiting or out: what the agent's sender counts as in flight (sender.go `inflight`, from Push
  // until the payload is released), and what its Stop waits for.
  int64_t pending() const { return out_->load() + static_cast<int64_t>(queue_.size()); }
  const WriterSenderOptions& options() const { return options_; }

 private:
  void hand(Outgoing&& o);

  WriterSenderOptions options_;
  serializer::PayloadForwarder* forwarder_;
  // Shared with the payload release hooks, which may outlive the sender.
  std::shared_ptr<std::atomic<int64_t>> out_ = std::make_shared<std::atomic<int64_t>>(0);
  std::deque<Outgoing> queue_;
};

}  // namespace ddsim::trace
