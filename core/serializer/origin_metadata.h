#pragma once
// The origin metadata the agent writes into every v2 serie and stream sketch (spec §5.6):
// Metadata{origin = 1: Origin{[3] = 9 when NoIndex, 4 = 10 (Agent), 5 = category, 6 = service}}.
#include <cstdint>

#include "core/metrics/metric_source.h"
#include "core/serializer/protobuf_writer.h"

namespace ddsim::serializer {

// Appends the metadata as embedded field `field` (9 in MetricSeries, 8 in Sketch).
inline void writeOriginMetadata(ProtoWriter& w, uint32_t field, bool no_index, metrics::MetricSource source) {
  constexpr uint32_t kMetadataOrigin = 1;
  constexpr uint32_t kOriginMetricType = 3;  // reserved in the public schema
  constexpr uint32_t kOriginProduct = 4;
  constexpr uint32_t kOriginCategory = 5;
  constexpr uint32_t kOriginService = 6;
  constexpr int32_t kMetricTypeNotIndexed = 9;
  auto md = w.beginEmbedded(field);
  auto origin = w.beginEmbedded(kMetadataOrigin);
  if (no_index) w.int32(kOriginMetricType, kMetricTypeNotIndexed);
  w.uint32(kOriginProduct, metrics::kOriginProductAgent);
  w.uint32(kOriginCategory, metrics::originCategory(source));
  w.uint32(kOriginService, metrics::originService(source));
  w.endEmbedded(origin);
  w.endEmbedded(md);
}

}  // namespace ddsim::serializer
