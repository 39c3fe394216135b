#include "core/serializer/sketches.h"

#include "core/serializer/origin_metadata.h"

namespace ddsim::serializer {
namespace {

// SketchPayload field numbers (DataDog/agent-payload proto/metrics/agent_payload.proto).
constexpr uint32_t kPayloadSketches = 1;
constexpr uint32_t kSketchMetric = 1;
constexpr uint32_t kSketchHost = 2;
constexpr uint32_t kSketchTags = 4;
constexpr uint32_t kSketchDogsketches = 7;
constexpr uint32_t kSketchMetadata = 8;
constexpr uint32_t kDogsketchTs = 1;
constexpr uint32_t kDogsketchCnt = 2;
constexpr uint32_t kDogsketchMin = 3;
constexpr uint32_t kDogsketchMax = 4;
constexpr uint32_t kDogsketchAvg = 5;
constexpr uint32_t kDogsketchSum = 6;
constexpr uint32_t kDogsketchK = 7;
constexpr uint32_t kDogsketchN = 8;

}  // namespace

void encodeSketchSeries(const metrics::SketchSeries& ss, bool with_metadata, ProtoWriter& w) {
  auto sketch = w.beginEmbedded(kPayloadSketches);
  encodeSketchBody(ss, with_metadata, w);
  w.endEmbedded(sketch);
}

void encodeSketchBody(const metrics::SketchSeries& ss, bool with_metadata, ProtoWriter& w) {
  w.string(kSketchMetric, ss.name);
  w.string(kSketchHost, ss.host);
  if (with_metadata) {
    // molecule omits empty strings, even repeated ones.
    ss.tags.forEach([&w](std::string_view t) { w.string(kSketchTags, t); });
  } else {
    // gogoproto writes every element of a repeated string.
    ss.tags.forEach([&w](std::string_view t) { w.stringAlways(kSketchTags, t); });
  }
  for (const auto& p : ss.points) {
    const auto& b = p.sketch.basic;
    const auto& bins = p.sketch.bins;
    auto d = w.beginEmbedded(kSketchDogsketches);
    w.int64(kDogsketchTs, p.ts);
    w.int64(kDogsketchCnt, b.cnt);
    w.doubleField(kDogsketchMin, b.min);
    w.doubleField(kDogsketchMax, b.max);
    w.doubleField(kDogsketchAvg, b.avg);
    w.doubleField(kDogsketchSum, b.sum);
    w.packedSint32(kDogsketchK, bins.size(), [&bins](size_t i) { return static_cast<int32_t>(bins[i].k); });
    w.packedUint32(kDogsketchN, bins.size(), [&bins](size_t i) { return static_cast<uint32_t>(bins[i].n); });
    w.endEmbedded(d);
  }
  if (with_metadata) writeOriginMetadata(w, kSketchMetadata, ss.no_index, ss.source);
}

SketchesBuilder::SketchesBuilder(const Compressor& compressor, SerializerCounters& counters)
    : compressor_(compressor, &counters.compressor), counters_(counters) {}

common::Status SketchesBuilder::finishPayload(std::vector<PayloadPtr>* out) {
  auto p = compressor_.closePayload(points_, items_);
  if (!p.isOk()) return p.status();
  out->push_back(std::move(p).value());
  return {};
}

common::Status SketchesBuilder::build(std::span<const metrics::SketchSeries> sketches, const JsonLimits& limits,
                                      std::vector<PayloadPtr>* out) {
  std::vector<PayloadPtr> payloads;
  const PayloadLimits pl{limits.max_payload_size, limits.max_uncompressed_size};
  auto start = [&]() {
    points_ = 0;
    items_ = 0;
    return compressor_.start(pl, {}, kSketchPayloadFooter, {});
  };
  if (auto st = start(); !st.isOk()) return st;
  auto& ps = counters_.sketch_series;
  for (const auto& ss : sketches) {
    item_.clear();
    ProtoWriter w(item_);
    encodeSketchBody(ss, true, w);
    char prefix_buf[16];
    const std::string_view prefix(prefix_buf, ProtoWriter::lengthDelimitedPrefix(kPayloadSketches, item_.size(), prefix_buf));
    AddItemResult r = compressor_.addItem(item_.view(), prefix);
    if (r == AddItemResult::kPayloadFull) {
      ps.payload_full.fetch_add(1, std::memory_order_relaxed);
      if (auto st = finishPayload(&payloads); !st.isOk()) return st;
      if (auto st = start(); !st.isOk()) return st;
      r = compressor_.addItem(item_.view(), prefix);
      if (r == AddItemResult::kItemTooBig) {
        ps.item_too_big.fetch_add(1, std::memory_order_relaxed);
        counters_.drop(PayloadKind::kSketches, "item_too_big");
        continue;
      }
      if (r != AddItemResult::kOk) {
        ps.unexpected_item_drops.fetch_add(1, std::memory_order_relaxed);
        return r == AddItemResult::kError ? compressor_.lastError()
                                          : common::internalError("sketch does not fit in an empty payload");
      }
    } else if (r == AddItemResult::kItemTooBig) {
      ps.item_too_big.fetch_add(1, std::memory_order_relaxed);
      counters_.drop(PayloadKind::kSketches, "item_too_big");
      continue;
    } else if (r == AddItemResult::kError) {
      ps.unexpected_item_drops.fetch_add(1, std::memory_order_relaxed);
      return compressor_.lastError();
    }
    points_ += static_cast<int64_t>(ss.points.size());
    ++items_;
  }
  if (auto st = finishPayload(&payloads); !st.isOk()) return st;
  for (auto& p : payloads) out->push_back(std::move(p));
  return {};
}

common::Status SketchesMarshaler::marshal(ByteBuffer& out) const {
  ProtoWriter w(out);
  for (const auto& ss : sketches_) encodeSketchSeries(ss, false, w);
  out.append(kSketchPayloadFooter);
  return {};
}

common::Result<std::vector<std::unique_ptr<SplittableMarshaler>>> SketchesMarshaler::split(int times) const {
  std::vector<std::unique_ptr<SplittableMarshaler>> out;
  for (auto [b, e] : contiguousChunks(sketches_.size(), times)) {
    out.push_back(std::make_unique<SketchesMarshaler>(sketches_.subspan(b, e - b)));
  }
  return out;
}

}  // namespace ddsim::serializer
