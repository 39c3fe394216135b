#pragma once
// Series v1: JSON for /api/v1/series (spec §5.4). The stream item writer (jsoniter dialect) and
// the non-stream marshaler (encoding/json dialect, used with the split package).
#include <memory>
#include <span>
#include <vector>

#include "core/common/status.h"
#include "core/metrics/series.h"
#include "core/serializer/json_payload_builder.h"
#include "core/serializer/serie_tags.h"
#include "core/serializer/split.h"

namespace ddsim::serializer {

inline constexpr std::string_view kSeriesV1Header = "{\"series\":[";
inline constexpr std::string_view kSeriesV1Footer = "]}";

// Writes one serie as the stream path does: keys metric, points, tags, host, [device], type,
// interval, [source_type_name]; NaN/±Inf values leave an empty slot (`[ts,]`) as the agent's
// jsoniter stream does. Returns the number of such values. `tags` must be prepare()d for s.
int writeSerieV1(const metrics::Serie& s, const SerieTagRewriter& tags, JsonWriter& w);

// The stream items: the given series (NoIndex series must already be left out).
class SeriesV1Items final : public JsonItemSource {
 public:
  explicit SeriesV1Items(std::span<const metrics::Serie* const> series) : series_(series) {}
  size_t size() const override { return series_.size(); }
  common::Status writeItem(size_t i, JsonWriter& w) override;
  int64_t pointCount(size_t i) const override { return static_cast<int64_t>(series_[i]->points.size()); }
  int64_t nonfiniteValues() const { return nonfinite_; }

 private:
  std::span<const metrics::Serie* const> series_;
  SerieTagRewriter tags_;
  int64_t nonfinite_ = 0;
};

// The non-stream marshaler: `{"series":[...]}\n` through encoding/json (HTML escaping, invalid
// UTF-8 replaced, points as fmt's %v so 1e+06, a NaN fails the whole marshal); split groups
// series by metric name and cannot split a single name (spec §5.9).
class SeriesV1Marshaler final : public SplittableMarshaler {
 public:
  SeriesV1Marshaler(std::vector<const metrics::Serie*> series, SerializerCounters* counters)
      : series_(std::move(series)), counters_(counters) {}
  common::Status marshal(ByteBuffer& out) const override;
  common::Result<std::vector<std::unique_ptr<SplittableMarshaler>>> split(int times) const override;
  size_t itemCount() const override { return series_.size(); }

 private:
  std::vector<const metrics::Serie*> series_;
  SerializerCounters* counters_;
};

}  // namespace ddsim::serializer
