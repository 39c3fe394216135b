#include "core/trace/writer_sender.h"

#include <algorithm>
#include <utility>

namespace ddsim::trace {

WriterSenderOptions traceWriterSenderOptions(int64_t connection_limit, int64_t queue_size) {
  // writer/trace.go NewTraceWriter: 200 connections by default; queue = max(1, 500 MB / 3.2 MB)
  // when apm_config.max_memory is unset (its half otherwise; ddsim does not read it).
  constexpr int64_t kDefaultConnections = 200;
  constexpr int64_t kHalfDefaultMemory = 500LL * 1024 * 1024;
  constexpr int64_t kMaxPayloadSize = 3200000;
  WriterSenderOptions o;
  o.connection_limit = static_cast<size_t>(connection_limit > 0 ? connection_limit : kDefaultConnections);
  o.queue_size = static_cast<size_t>(queue_size > 0 ? queue_size : std::max<int64_t>(1, kHalfDefaultMemory / kMaxPayloadSize));
  return o;
}

WriterSenderOptions statsWriterSenderOptions(int64_t connection_limit, int64_t queue_size) {
  // writer/stats.go NewStatsWriter: 5 connections; queue = max(1, (250 MB when max_memory is
  // unset) / (maxEntriesPerPayload 4000 x bytesPerEntry 375)).
  constexpr int64_t kDefaultConnections = 5;
  constexpr int64_t kQuarterDefaultMemory = 250LL * 1024 * 1024;
  constexpr int64_t kPayloadSize = 4000 * 375;
  WriterSenderOptions o;
  o.connection_limit = static_cast<size_t>(connection_limit > 0 ? connection_limit : kDefaultConnections);
  o.queue_size = static_cast<size_t>(queue_size > 0 ? queue_size : std::max<int64_t>(1, kQuarterDefaultMemory / kPayloadSize));
  return o;
}

WriterSender::WriterSender(WriterSenderOptions options, serializer::PayloadForwarder& forwarder)
    : options_(options), forwarder_(&forwarder) {
  options_.connection_limit = std::max<size_t>(1, options_.connection_limit);
  options_.queue_size = std::max<size_t>(1, options_.queue_size);
}

void WriterSender::push(Outgoing&& o) {
  pump();
  if (queue_.empty() && out_->load() < static_cast<int64_t>(options_.connection_limit)) {
    hand(std::move(o));
    return;
  }
  // sender.go Push (before it blocked the writer): the oldest waiting payload makes room.
  if (queue_.size() >= options_.queue_size) {
    Outgoing oldest = std::move(queue_.front());
    queue_.pop_front();
    if (oldest.done) oldest.done(Outcome::kDroppedQueueFull);
  }
  queue_.push_back(std::move(o));
}

void WriterSender::pump() {
  while (!queue_.empty() && out_->load() < static_cast<int64_t>(options_.connection_limit)) {
    Outgoing o = std::move(queue_.front());
    queue_.pop_front();
    hand(std::move(o));
  }
}

void WriterSender::drain() {
  while (!queue_.empty()) {
    Outgoing o = std::move(queue_.front());
    queue_.pop_front();
    hand(std::move(o));
  }
}

void WriterSender::hand(Outgoing&& o) {
  // Each payload is out until the forwarder lets go of it: the payload handed over is an alias
  // whose release (the last transaction done with it) gives its place back.
  for (serializer::PayloadPtr& p : o.submission.payloads) {
    if (!p) continue;
    out_->fetch_add(1);
    serializer::PayloadPtr held = std::move(p);
    const serializer::Payload* raw = held.get();
    p = serializer::PayloadPtr(raw, [held = std::move(held), out = out_](const serializer::Payload*) mutable {
      held.reset();
      out->fetch_sub(1);
    });
  }
  const bool ok = forwarder_->submit(std::move(o.submission)).isOk();
  // A refused submission has released its payloads already (or does when it is destroyed here).
  o.submission.payloads.clear();
  if (o.done) o.done(ok ? Outcome::kHanded : Outcome::kRefused);
}

}  // namespace ddsim::trace
