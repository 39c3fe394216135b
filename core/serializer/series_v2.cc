#include "core/serializer/series_v2.h"

#include <cmath>
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

void writeResource(ProtoWriter& w, std::string_view type, std::string_view name) {
  auto m = w.beginEmbedded(kSeriesResources);
  w.string(kResourceType, type);
  w.string(kResourceName, name);
  w.endEmbedded(m);
}

}  // namespace

int encodeSerieV2(const metrics::Serie& s, const SerieTagRewriter& tags, ProtoWriter& w) {
  int nonfinite = 0;
  auto serie = w.beginEmbedded(kPayloadSeries);
  writeResource(w, "host", s.host);
  if (!tags.device().empty()) writeResource(w, "device", tags.device());
  for (const auto& r : tags.resources()) writeResource(w, r.type, r.name);
  w.string(kSeriesMetric, s.name);
  tags.forEachTag(s, [&w](std::string_view t) { w.string(kSeriesTags, t); });
  w.int32(kSeriesType, metrics::apiMetricTypeV2(s.mtype));
  w.string(kSeriesSourceTypeName, s.source_type_name);
  w.int64(kSeriesInterval, s.interval);
  for (const auto& p : s.points) {
    auto pm = w.beginEmbedded(kSeriesPoints);
    w.int64(kPointTimestamp, goFloat64ToInt64(p.ts));
    w.doubleField(kPointValue, p.value);
    w.endEmbedded(pm);
    if (!std::isfinite(p.value)) ++nonfinite;
  }
  writeOriginMetadata(w, kSeriesMetadata, s.no_index, s.source);
  w.endEmbedded(serie);
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

AddItemResult SeriesV2Builder::add(const metrics::Serie& s) {
  const AddItemResult r = compressor_.addItem(item_.view());
  if (r == AddItemResult::kOk) {
    points_this_payload_ += static_cast<int64_t>(s.points.size());
    ++series_this_payload_;
  }
  return r;
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
    item_.clear();
    tags_.prepare(s);
    ProtoWriter w(item_);
    const int nonfinite = encodeSerieV2(s, tags_, w);
    const auto npoints = static_cast<int64_t>(s.points.size());
    AddItemResult r;
    if (npoints > limits.max_points_per_payload) {
      r = AddItemResult::kItemTooBig;  // too many points even for an empty payload
    } else if (points_this_payload_ + npoints > limits.max_points_per_payload) {
      r = AddItemResult::kPayloadFull;
    } else {
      r = add(s);
    }
    if (r == AddItemResult::kPayloadFull) {
      counters_.sketch_series.payload_full.fetch_add(1, std::memory_order_relaxed);
      if (auto st = finishPayload(&payloads); !st.isOk()) return st;
      if (auto st = start(); !st.isOk()) return st;
      r = add(s);
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
