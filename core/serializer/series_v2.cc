#include "core/serializer/series_v2.h"

#include <cassert>
#include <cmath>
#include <cstring>
#include <memory>

#include "core/serializer/origin_metadata.h"
#include "core/serializer/number_format.h"

namespace ddsim::serializer {
namespace {

// MetricPayload field numbers (DataDog/agent-payload proto/metrics/agent_payload.proto).
constexpr uint32_t kPayloadSeries = 1;
constexpr uint32_t kSeriesResources = 1;
constexpr uint32_t kSeriesMetric = 2;
constexpr uint32_t kSeriesTags = 3;
constexpr uint32_t kSeriesPoints = 4;
constexpr uint32_t kSeriesType = 5;
constexpr uint32_t kSeriesSourceTypeName = 7;
constexpr uint32_t kSeriesInterval = 8;
constexpr uint32_t kSeriesMetadata = 9;
constexpr uint32_t kResourceType = 1;
constexpr uint32_t kResourceName = 2;
constexpr uint32_t kPointValue = 1;
constexpr uint32_t kPointTimestamp = 2;

inline void writeResource(ProtoCursor& c, std::string_view type, std::string_view name) {
  char* m = c.beginEmbedded(kSeriesResources);
  c.string(kResourceType, type);
  c.string(kResourceName, name);
  c.endEmbedded(m);
}

// An upper bound of the encoded body, so the encoder can write unchecked.
size_t maxBodySize(const metrics::Serie& s, const SerieTagRewriter& tags) {
  size_t n = 3 * kProtoFieldOverhead + 4 + s.host.size();                        // host resource
  n += 3 * kProtoFieldOverhead + 6 + tags.device().size();                        // device resource
  for (const auto& r : tags.resources()) n += 3 * kProtoFieldOverhead + r.type.size() + r.name.size();
  n += kProtoFieldOverhead + s.name.size();
  n += tags.tagBytes() + tags.tagCount() * kProtoFieldOverhead;
  n += 3 * kProtoFieldOverhead + s.source_type_name.size();                       // type, stn, interval
  n += s.points.size() * (3 * kProtoFieldOverhead);                               // ts, value, wrapper
  n += 6 * kProtoFieldOverhead;                                                   // metadata/origin
  return n;
}

}  // namespace

int encodeSerieV2(const metrics::Serie& s, const SerieTagRewriter& tags, ProtoWriter& w) {
  auto serie = w.beginEmbedded(kPayloadSeries);
  const int nonfinite = encodeSerieV2Body(s, tags, w.buffer());
  w.endEmbedded(serie);
  return nonfinite;
}

int encodeSerieV2Body(const metrics::Serie& s, const SerieTagRewriter& tags, ByteBuffer& out) {
  int nonfinite = 0;
  const size_t max_size = maxBodySize(s, tags);
  char* const start = out.prepare(max_size);
  ProtoCursor c{start};
  writeResource(c, "host", s.host);
  if (!tags.device().empty()) writeResource(c, "device", tags.device());
  for (const auto& r : tags.resources()) writeResource(c, r.type, r.name);
  c.string(kSeriesMetric, s.name);
  tags.forEachTag(s, [&c](std::string_view t) { c.string(kSeriesTags, t); });
  c.int64(kSeriesType, metrics::apiMetricTypeV2(s.mtype));
  c.string(kSeriesSourceTypeName, s.source_type_name);
  c.int64(kSeriesInterval, s.interval);
  for (const auto& p : s.points) {
    char* pm = c.beginEmbedded(kSeriesPoints);
    c.int64(kPointTimestamp, goFloat64ToInt64(p.ts));
    c.doubleField(kPointValue, p.value);
    c.endEmbedded(pm);
    if (!std::isfinite(p.value)) ++nonfinite;
  }
  assert(static_cast<size_t>(c.p - start) <= max_size && "maxBodySize is not an upper bound");
  out.commit(static_cast<size_t>(c.p - start));
  ProtoWriter w(out);
  writeOriginMetadata(w, kSeriesMetadata, s.no_index, s.source);
  return nonfinite;
}

SeriesV2Builder::SeriesV2Builder(const Compressor& compressor, SerializerCounters& counters)
    : compressor_(compressor, &counters.compressor), counters_(counters) {}

common::Status SeriesV2Builder::finishPayload(std::vector<PayloadPtr>* out) {
  auto p = compressor_.closePayload(points_this_payload_, series_this_payload_);
  if (!p.isOk()) return p.status();
  // agent behaviour: only payloads holding at least one serie are emitted (spec §5.3).
  if (series_this_payload_ > 0) out->push_back(std::move(p).value());
  return {};
}

int appendSerieV2Entry(const metrics::Serie& s, const SerieTagRewriter& tags, ByteBuffer& out) {
  // Key and a two-byte length are reserved up front (entries of 128..16383 bytes, the common
  // case); other sizes shift the body once.
  constexpr size_t kReserved = 3;
  const size_t start = out.size();
  out.prepare(kReserved);
  out.commit(kReserved);
  const int nonfinite = encodeSerieV2Body(s, tags, out);
  const size_t body = out.size() - start - kReserved;
  char prefix[16];
  const size_t n = ProtoWriter::lengthDelimitedPrefix(kPayloadSeries, body, prefix);
  if (n > kReserved) {
    out.insertGap(start + kReserved, n - kReserved);
  } else if (n < kReserved) {
    std::memmove(out.data() + start + n, out.data() + start + kReserved, body);
    out.truncate(start + n + body);
  }
  std::memcpy(out.data() + start, prefix, n);
  return nonfinite;
}

void SeriesV2Builder::added(const metrics::Serie& s) {
  points_this_payload_ += static_cast<int64_t>(s.points.size());
  ++series_this_payload_;
}

common::Status SeriesV2Builder::build(std::span<const metrics::Serie> series, const SeriesV2Limits& limits,
                                      std::vector<PayloadPtr>* out) {
  std::vector<PayloadPtr> payloads;
  limits_ = {limits.max_payload_size, limits.max_uncompressed_size};
  auto start = [&]() {
    points_this_payload_ = 0;
    series_this_payload_ = 0;
    return compressor_.start(limits_, {}, {}, {});
  };
  if (auto st = start(); !st.isOk()) return st;
  auto& kind = counters_.kind(PayloadKind::kSeriesV2);
  for (const auto& s : series) {
    tags_.prepare(s);
    // The entry is encoded straight into the compressor's pending input (no copy).
    const int nonfinite = appendSerieV2Entry(s, tags_, compressor_.beginItem());
    const auto npoints = static_cast<int64_t>(s.points.size());
    AddItemResult r;
    if (npoints > limits.max_points_per_payload) {
      compressor_.abortItem();
      r = AddItemResult::kItemTooBig;  // too many points even for an empty payload
    } else if (points_this_payload_ + npoints > limits.max_points_per_payload) {
      compressor_.abortItem();
      r = AddItemResult::kPayloadFull;
    } else {
      r = compressor_.commitItem();
      if (r == AddItemResult::kOk) added(s);
    }
    if (r == AddItemResult::kPayloadFull) {
      counters_.sketch_series.payload_full.fetch_add(1, std::memory_order_relaxed);
      if (auto st = finishPayload(&payloads); !st.isOk()) return st;
      if (auto st = start(); !st.isOk()) return st;
      r = compressor_.addItem(compressor_.rejectedItem());
      if (r == AddItemResult::kOk) added(s);
      if (r == AddItemResult::kItemTooBig) {
        counters_.sketch_series.item_too_big.fetch_add(1, std::memory_order_relaxed);
        counters_.drop(PayloadKind::kSeriesV2, "item_too_big");
        continue;
      }
      if (r != AddItemResult::kOk) {
        counters_.sketch_series.unexpected_item_drops.fetch_add(1, std::memory_order_relaxed);
        return r == AddItemResult::kError ? compressor_.lastError()
                                          : common::internalError("serie does not fit in an empty payload");
      }
    } else if (r == AddItemResult::kItemTooBig) {
      counters_.sketch_series.item_too_big.fetch_add(1, std::memory_order_relaxed);
      counters_.drop(PayloadKind::kSeriesV2, "item_too_big");
      continue;
    } else if (r == AddItemResult::kError) {
      counters_.sketch_series.unexpected_item_drops.fetch_add(1, std::memory_order_relaxed);
      return compressor_.lastError();
    }
    if (nonfinite > 0) kind.nonfinite_values.fetch_add(nonfinite, std::memory_order_relaxed);
  }
  if (auto st = finishPayload(&payloads); !st.isOk()) return st;
  for (auto& p : payloads) out->push_back(std::move(p));
  return {};
}

}  // namespace ddsim::serializer
