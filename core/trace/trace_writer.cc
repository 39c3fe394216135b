#include "core/trace/trace_writer.h"

#include <algorithm>
#include <utility>

namespace ddsim::trace {

TraceWriter::TraceWriter(TraceWriterOptions options, serializer::PayloadForwarder& forwarder)
    : options_(std::move(options)),
      forwarder_(&forwarder),
      gzip_(serializer::makeCompressor(serializer::CompressorKind::kGzip, options_.gzip_level)),
      sender_(options_.sender, forwarder) {}

namespace {
// ddsim: how often a tick looks for a free connection while payloads wait (the agent's sender
// goroutines take the next payload as soon as they finish one).
constexpr common::Duration kSenderPoll = std::chrono::milliseconds(100);
}  // namespace

void TraceWriter::add(TracerPayload&& payload) {
  if (payload.chunks.empty()) {
    // The agent ignores an empty tracer payload, but still reports its language.
    std::lock_guard lock(mu_);
    if (!payload.language_name.empty()) languages_.insert(payload.language_name);
    return;
  }
  serializer::ByteBuffer encoded;
  encodeTracerPayload(payload, encoded);
  const size_t size = embeddedSize(encoded.size());
  uint64_t spans = 0;
  for (const TraceChunk& c : payload.chunks) spans += c.spans.size();
  std::lock_guard lock(mu_);
  if (!payload.language_name.empty()) languages_.insert(payload.language_name);
  // writer/trace.go addSpans: flush first when this payload would overflow the buffer.
  if (size + buffered_size_ > options_.max_payload_size && !buffered_.empty()) {
    ++counters_.flushes_by_size;
    flushLocked();
  }
  buffered_size_ += size;
  buffered_traces_ += payload.chunks.size();
  buffered_spans_ += spans;
  buffered_.push_back(encoded.toString());
}

void TraceWriter::tick(common::SteadyTime now) {
  std::lock_guard lock(mu_);
  last_tick_ = now;
  sender_.pump();
  if (!started_) {
    started_ = true;
    next_flush_ = now + options_.flush_period;
    return;
  }
  if (now < next_flush_) return;
  next_flush_ = now + options_.flush_period;
  flushLocked();
}

common::SteadyTime TraceWriter::nextDeadline() const {
  std::lock_guard lock(mu_);
  if (sender_.waiting() > 0) return std::min(next_flush_, last_tick_ + kSenderPoll);
  return next_flush_;
}

void TraceWriter::flush() {
  std::lock_guard lock(mu_);
  flushLocked();
  sender_.drain();
}

int64_t TraceWriter::pending() const {
  std::lock_guard lock(mu_);
  return sender_.pending();
}

void TraceWriter::flushLocked() {
  if (buffered_.empty()) return;
  std::vector<std::string> payloads = std::move(buffered_);
  buffered_.clear();
  const uint64_t traces = buffered_traces_;
  const uint64_t spans = buffered_spans_;
  const size_t expected = buffered_size_ + 256;  // the header fields
  buffered_size_ = 0;
  buffered_traces_ = 0;
  buffered_spans_ = 0;
  serializer::ByteBuffer raw(expected);
  encodeAgentPayload(options_.header, payloads, raw);
  serializer::ByteBuffer compressed(gzip_->compressBound(raw.size()));
  if (!gzip_->compress(raw.view(), &compressed).isOk()) {
    ++counters_.payloads_dropped_compression;
    counters_.traces_dropped_compression += traces;
    return;
  }
  auto payload = std::make_shared<serializer::Payload>();
  payload->bytes = compressed.toString();
  payload->uncompressed_size = raw.size();
  payload->item_count = static_cast<int64_t>(traces);
  payload->point_count = static_cast<int64_t>(spans);
  const std::string languages = languagesLocked();
  serializer::Submission s;
  s.endpoint = serializer::Endpoint::kTraces;
  // ddsim: high priority, so that a payload the forwarder has queued but not started when it
  // stops is still sent; one already in flight is waited for by the live commands before the
  // forwarder stops, as the agent's senders' Stop waits (docs/trace-agent.md §6.1.2).
  s.priority = serializer::TransactionPriority::kHigh;
  s.headers = {{"Content-Type", "application/x-protobuf"},
               {"Content-Encoding", std::string(gzip_->contentEncoding())},
               {"X-Datadog-Reported-Languages", languages}};
  const size_t bytes = payload->bytes.size();
  s.payloads.push_back(std::move(payload));
  // Counted when the sender settles it (now, or later from its queue), under mu_ either way.
  auto done = [this, traces, spans, bytes, raw_size = raw.size(), tracer_payloads = payloads.size()](
                  WriterSender::Outcome outcome) {
    switch (outcome) {
      case WriterSender::Outcome::kRefused:
        ++counters_.payloads_dropped_forwarder;
        counters_.traces_dropped_forwarder += traces;
        return;
      case WriterSender::Outcome::kDroppedQueueFull:
        ++counters_.payloads_dropped_queue_full;
        counters_.traces_dropped_queue_full += traces;
        return;
      case WriterSender::Outcome::kHanded: break;
    }
    ++counters_.payloads;
    counters_.tracer_payloads += tracer_payloads;
    counters_.traces += traces;
    counters_.spans += spans;
    counters_.bytes += bytes;
    counters_.bytes_uncompressed += raw_size;
  };
  sender_.push({std::move(s), std::move(done)});
}

std::string TraceWriter::languagesLocked() const {
  std::string languages;
  for (const std::string& l : languages_) languages += (languages.empty() ? "" : "|") + l;
  return languages;
}

std::string TraceWriter::reportedLanguages() const {
  std::lock_guard lock(mu_);
  return languagesLocked();
}

TraceWriterCounters TraceWriter::counters() const {
  std::lock_guard lock(mu_);
  TraceWriterCounters c = counters_;
  c.payloads_waiting = sender_.waiting();
  return c;
}

common::TelemetrySnapshot TraceWriter::telemetry() const {
  const TraceWriterCounters c = counters();
  auto d = [](uint64_t v) { return static_cast<double>(v); };
  return {
      {"trace.writer.payloads", d(c.payloads)},
      {"trace.writer.tracer_payloads", d(c.tracer_payloads)},
      {"trace.writer.traces", d(c.traces)},
      {"trace.writer.spans", d(c.spans)},
      {"trace.writer.bytes", d(c.bytes)},
      {"trace.writer.bytes_uncompressed", d(c.bytes_uncompressed)},
      {"trace.writer.flushes_by_size", d(c.flushes_by_size)},
      {"trace.writer.payloads_dropped.forwarder", d(c.payloads_dropped_forwarder)},
      {"trace.writer.traces_dropped.forwarder", d(c.traces_dropped_forwarder)},
      {"trace.writer.payloads_dropped.compression", d(c.payloads_dropped_compression)},
      {"trace.writer.traces_dropped.compression", d(c.traces_dropped_compression)},
      {"trace.writer.payloads_dropped.sender_queue_full", d(c.payloads_dropped_queue_full)},
      {"trace.writer.traces_dropped.sender_queue_full", d(c.traces_dropped_queue_full)},
      {"trace.writer.payloads_waiting", d(c.payloads_waiting)},
  };
}

}  // namespace ddsim::trace
