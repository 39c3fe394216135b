#include "core/serializer/split.h"

#include <string>

namespace ddsim::serializer {
namespace {

struct Serialized {
  ByteBuffer raw;
  ByteBuffer compressed;
};

common::Status serialize(const SplittableMarshaler& m, const Compressor& c, Serialized* s) {
  s->raw.clear();
  s->compressed.clear();
  if (auto st = m.marshal(s->raw); !st.isOk()) return st;
  return c.compress(s->raw.view(), &s->compressed);
}

bool tooBig(const Serialized& s, const SplitThresholds& t) {
  return static_cast<int64_t>(s.compressed.size()) > t.max_compressed ||
         static_cast<int64_t>(s.raw.size()) > t.max_uncompressed;
}

PayloadPtr toPayload(const Serialized& s, size_t items) {
  auto p = std::make_shared<Payload>();
  p->bytes = s.compressed.toString();
  p->uncompressed_size = s.raw.size();
  p->point_count = 0;  // agent behaviour: split payloads carry no metadata
  p->item_count = static_cast<int64_t>(items);
  return p;
}

}  // namespace

std::vector<std::pair<size_t, size_t>> contiguousChunks(size_t len, int times) {
  std::vector<std::pair<size_t, size_t>> chunks;
  if (len == 0 || times <= 0) return chunks;
  size_t n = static_cast<size_t>(times) < len ? static_cast<size_t>(times) : len;
  const size_t batch = len / n;
  size_t begin = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t end = i + 1 < n ? begin + batch : len;
    chunks.emplace_back(begin, end);
    begin += batch;
  }
  return chunks;
}

common::Status splitPayloads(const SplittableMarshaler& m, const Compressor& compressor,
                             const SplitThresholds& thresholds, SerializerCounters& counters, PayloadKind kind,
                             std::vector<PayloadPtr>* out) {
  auto& sp = counters.splitter;
  Serialized s;
  if (auto st = serialize(m, compressor, &s); !st.isOk()) return st;
  if (!tooBig(s, thresholds)) {
    sp.not_too_big.fetch_add(1, std::memory_order_relaxed);
    out->push_back(toPayload(s, m.itemCount()));
    return {};
  }
  sp.too_big.fetch_add(1, std::memory_order_relaxed);

  // Owned chunks waiting for the next round; the first round splits `m` itself.
  std::vector<std::unique_ptr<SplittableMarshaler>> pending;
  std::vector<const SplittableMarshaler*> round{&m};
  int loops = 0;
  while (!round.empty() && loops < thresholds.max_loops) {
    sp.total_loops.fetch_add(1, std::memory_order_relaxed);
    std::vector<std::unique_ptr<SplittableMarshaler>> next;
    for (const SplittableMarshaler* to_split : round) {
      if (auto st = serialize(*to_split, compressor, &s); !st.isOk()) return st;
      const double ratio = s.compressed.empty() ? 0.0
                                                : static_cast<double>(s.raw.size()) /
                                                      static_cast<double>(s.compressed.size());
      const int num_chunks = static_cast<int>(static_cast<int64_t>(s.compressed.size()) / thresholds.max_compressed) +
                             1 + static_cast<int>(ratio / 2);
      auto chunks = to_split->split(num_chunks);
      if (!chunks.isOk()) {
        sp.payload_drops.fetch_add(1, std::memory_order_relaxed);
        return chunks.status();
      }
      for (auto& chunk : chunks.value()) {
        if (auto st = serialize(*chunk, compressor, &s); !st.isOk()) {
          // agent behaviour: a chunk that fails to serialize is skipped.
          counters.drop(kind, "split_chunk_marshal_error", static_cast<int64_t>(chunk->itemCount()));
          continue;
        }
        if (!tooBig(s, thresholds)) {
          out->push_back(toPayload(s, chunk->itemCount()));
        } else {
          next.push_back(std::move(chunk));
        }
      }
    }
    pending = std::move(next);
    round.clear();
    for (auto& p : pending) round.push_back(p.get());
    if (!round.empty()) ++loops;
  }
  if (!round.empty()) {
    sp.payload_drops.fetch_add(1, std::memory_order_relaxed);
    int64_t lost = 0;
    for (const auto* r : round) lost += static_cast<int64_t>(r->itemCount());
    counters.drop(kind, "split_too_big", lost);
  }
  return {};
}

}  // namespace ddsim::serializer
