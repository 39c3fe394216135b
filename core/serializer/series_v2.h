#pragma once
// Series v2: MetricPayload protobuf for /api/v2/series (spec §5.3), streamed through the
// payload compressor with the agent's points-per-payload limit.
#include <cstdint>
#include <span>
#include <vector>

#include "core/common/status.h"
#include "core/metrics/series.h"
#include "core/serializer/byte_buffer.h"
#include "core/serializer/payload.h"
#include "core/serializer/payload_compressor.h"
#include "core/serializer/protobuf_writer.h"
#include "core/serializer/serie_tags.h"
#include "core/serializer/serializer_counters.h"

namespace ddsim::serializer {

struct SeriesV2Limits {
  int64_t max_payload_size = 512000;         // serializer_max_series_payload_size (compressed)
  int64_t max_uncompressed_size = 5242880;   // serializer_max_series_uncompressed_payload_size
  int64_t max_points_per_payload = 10000;    // serializer_max_series_points_per_payload
};

// Appends one serie as a MetricPayload `series` entry (field 1, key included), in the agent's
// field order: resources (host always, device, resource tags), metric, tags, type,
// source_type_name, interval, points (timestamp then value), metadata/origin. `tags` must have
// been prepare()d for s. Returns the number of NaN/±Inf point values written.
int encodeSerieV2(const metrics::Serie& s, const SerieTagRewriter& tags, ProtoWriter& w);
// The same, written at the end of `out` (appendSerieV2Entry) or without the entry's key and
// length (encodeSerieV2Body: the MetricSeries message itself).
int appendSerieV2Entry(const metrics::Serie& s, const SerieTagRewriter& tags, ByteBuffer& out);
int encodeSerieV2Body(const metrics::Serie& s, const SerieTagRewriter& tags, ByteBuffer& out);

// Builds v2 series payloads. Not thread-safe; reuse one per thread to keep its buffers.
class SeriesV2Builder {
 public:
  // `compressor` and `counters` must outlive the builder.
  SeriesV2Builder(const Compressor& compressor, SerializerCounters& counters);

  // agent behaviour (spec §5.3): a serie with more points than a payload allows is dropped
  // (ItemTooBig); one that would push the payload over the point limit, or that the compressor
  // reports full, closes the payload and goes into a new one; ItemTooBig there drops it. Any
  // other error abandons the whole batch (nothing in *out). Payloads hold >= 1 serie.
  common::Status build(std::span<const metrics::Serie> series, const SeriesV2Limits& limits,
                       std::vector<PayloadPtr>* out);

 private:
  common::Status finishPayload(std::vector<PayloadPtr>* out);
  void added(const metrics::Serie& s);

  PayloadCompressor compressor_;
  SerializerCounters& counters_;
  SerieTagRewriter tags_;
  PayloadLimits limits_;
  int64_t points_this_payload_ = 0;
  int64_t series_this_payload_ = 0;
};

}  // namespace ddsim::serializer
