#include "core/trace/stats_writer.h"

#include <map>
#include <utility>

namespace ddsim::trace {

namespace {

struct Piece {
  ClientStatsPayload payload;
  size_t entries = 0;
};

// stats.go splitPayload.
void splitClientPayload(const ClientStatsPayload& p, size_t max_entries, std::vector<Piece>& out) {
  if (p.stats.empty()) return;
  size_t entries = 0;
  for (const StatsBucket& b : p.stats) entries += b.stats.size();
  if (max_entries == 0 || entries < max_entries) {
    out.push_back({p, entries});
    return;
  }
  const size_t n = (entries + max_entries - 1) / max_entries;
  std::vector<Piece> pieces(n);
  std::vector<std::map<std::pair<uint64_t, uint64_t>, size_t>> bucket_index(n);
  for (Piece& piece : pieces) {
    ClientStatsPayload& c = piece.payload;
    c.hostname = p.hostname;
    c.env = p.env;
    c.version = p.version;
    c.service = p.service;
    c.lang = p.lang;
    c.tracer_version = p.tracer_version;
    c.runtime_id = p.runtime_id;
    c.sequence = p.sequence;
    c.agent_aggregation = p.agent_aggregation;
    c.container_id = p.container_id;
  }
  size_t i = 0;
  for (const StatsBucket& b : p.stats) {
    const std::pair<uint64_t, uint64_t> window{b.start, b.duration};
    for (const GroupedStats& g : b.stats) {
      const size_t j = i++ % n;
      auto [pos, added] = bucket_index[j].try_emplace(window, pieces[j].payload.stats.size());
      if (added) pieces[j].payload.stats.push_back(StatsBucket{b.start, b.duration, {}, 0});
      pieces[j].payload.stats[pos->second].stats.push_back(g);
      ++pieces[j].entries;
    }
  }
  for (Piece& piece : pieces) out.push_back(std::move(piece));
}

StatsPayload emptyLike(const StatsPayload& in) {
  StatsPayload p;
  p.agent_hostname = in.agent_hostname;
  p.agent_env = in.agent_env;
  p.agent_version = in.agent_version;
  p.client_computed = in.client_computed;
  return p;
}

}  // namespace

std::vector<StatsPayload> buildStatsPayloads(const StatsPayload& in, size_t max_entries) {
  std::vector<Piece> pieces;
  for (const ClientStatsPayload& c : in.stats) splitClientPayload(c, max_entries, pieces);
  std::vector<StatsPayload> out;
  StatsPayload current = emptyLike(in);
  size_t entries = 0;
  for (Piece& piece : pieces) {
    if (entries + piece.entries > max_entries && entries > 0) {
      out.push_back(std::move(current));
      current = emptyLike(in);
      entries = 0;
    }
    entries += piece.entries;
    // resolveContainerTags: no container id, no tags (ddsim has no tagger to resolve them).
    if (piece.payload.container_id.empty()) piece.payload.tags.clear();
    current.stats.push_back(std::move(piece.payload));
  }
  if (entries > 0) out.push_back(std::move(current));
  if (out.size() > 1) {
    for (StatsPayload& p : out) p.split_payload = true;
  }
  return out;
}

StatsWriter::StatsWriter(StatsWriterOptions options, serializer::PayloadForwarder& forwarder)
    : options_(options),
      gzip_(serializer::makeCompressor(serializer::CompressorKind::kGzip, options_.gzip_level)),
      sender_(options_.sender, forwarder) {}

void StatsWriter::write(const StatsPayload& payload, const std::string& languages) {
  const std::vector<StatsPayload> payloads = buildStatsPayloads(payload, options_.max_entries_per_payload);
  std::lock_guard lock(mu_);
  if (payloads.size() > 1) ++counters_.splits;
  for (const StatsPayload& p : payloads) {
    const size_t entries = statsEntries(p);
    const std::string raw = encodeStatsPayloadMsgpack(p);
    serializer::ByteBuffer compressed(gzip_->compressBound(raw.size()));
    if (!gzip_->compress(raw, &compressed).isOk()) {
      ++counters_.payloads_dropped_compression;
      counters_.entries_dropped_compression += entries;
      continue;
    }
    auto out = std::make_shared<serializer::Payload>();
    out->bytes = compressed.toString();
    out->uncompressed_size = raw.size();
    out->item_count = static_cast<int64_t>(entries);
    out->point_count = static_cast<int64_t>(entries);
    serializer::Submission s;
    s.endpoint = serializer::Endpoint::kStats;
    // As the trace writer: high priority, so that a payload the forwarder has queued but not
    // started when it stops is still sent (docs/trace-agent.md §6.1, §8.3.1).
    s.priority = serializer::TransactionPriority::kHigh;
    s.headers = {{"Content-Type", "application/msgpack"},
                 {"Content-Encoding", std::string(gzip_->contentEncoding())},
                 {"X-Datadog-Reported-Languages", languages}};
    const size_t bytes = out->bytes.size();
    s.payloads.push_back(std::move(out));
    size_t buckets = 0;
    for (const ClientStatsPayload& c : p.stats) buckets += c.stats.size();
    // Counted when the sender settles it (now, or later from its queue), under mu_ either way.
    auto done = [this, entries, bytes, buckets, raw_size = raw.size(), clients = p.stats.size()](
                    WriterSender::Outcome outcome) {
      switch (outcome) {
        case WriterSender::Outcome::kRefused:
          ++counters_.payloads_dropped_forwarder;
          counters_.entries_dropped_forwarder += entries;
          return;
        case WriterSender::Outcome::kDroppedQueueFull:
          ++counters_.payloads_dropped_queue_full;
          counters_.entries_dropped_queue_full += entries;
          return;
        case WriterSender::Outcome::kHanded: break;
      }
      ++counters_.payloads;
      counters_.client_payloads += clients;
      counters_.stats_buckets += buckets;
      counters_.stats_entries += entries;
      counters_.bytes += bytes;
      counters_.bytes_uncompressed += raw_size;
    };
    sender_.push({std::move(s), std::move(done)});
  }
}

void StatsWriter::pump() {
  std::lock_guard lock(mu_);
  sender_.pump();
}

void StatsWriter::drain() {
  std::lock_guard lock(mu_);
  sender_.drain();
}

size_t StatsWriter::waiting() const {
  std::lock_guard lock(mu_);
  return sender_.waiting();
}

int64_t StatsWriter::pending() const {
  std::lock_guard lock(mu_);
  return sender_.pending();
}

StatsWriterCounters StatsWriter::counters() const {
  std::lock_guard lock(mu_);
  StatsWriterCounters c = counters_;
  c.payloads_waiting = sender_.waiting();
  return c;
}

common::TelemetrySnapshot StatsWriter::telemetry() const {
  const StatsWriterCounters c = counters();
  auto d = [](uint64_t v) { return static_cast<double>(v); };
  return {
      {"trace.stats_writer.payloads", d(c.payloads)},
      {"trace.stats_writer.client_payloads", d(c.client_payloads)},
      {"trace.stats_writer.stats_buckets", d(c.stats_buckets)},
      {"trace.stats_writer.stats_entries", d(c.stats_entries)},
      {"trace.stats_writer.splits", d(c.splits)},
      {"trace.stats_writer.bytes", d(c.bytes)},
      {"trace.stats_writer.bytes_uncompressed", d(c.bytes_uncompressed)},
      {"trace.stats_writer.payloads_dropped.forwarder", d(c.payloads_dropped_forwarder)},
      {"trace.stats_writer.entries_dropped.forwarder", d(c.entries_dropped_forwarder)},
      {"trace.stats_writer.payloads_dropped.compression", d(c.payloads_dropped_compression)},
      {"trace.stats_writer.entries_dropped.compression", d(c.entries_dropped_compression)},
      {"trace.stats_writer.payloads_dropped.sender_queue_full", d(c.payloads_dropped_queue_full)},
      {"trace.stats_writer.entries_dropped.sender_queue_full", d(c.entries_dropped_queue_full)},
      {"trace.stats_writer.payloads_waiting", d(c.payloads_waiting)},
  };
}

}  // namespace ddsim::trace
