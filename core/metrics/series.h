#pragma once
// What a flush produces for the serializer: series (spec §1.7), sketch series (spec §3.2, §4.4).
#include <cstdint>
#include <string>
#include <vector>

#include "core/metrics/metric_source.h"
#include "core/metrics/metric_type.h"
#include "core/metrics/sketch.h"
#include "core/metrics/tags.h"

namespace ddsim::metrics {

struct Point {
  double ts = 0;  // Unix seconds
  double value = 0;
};

struct Resource {
  std::string type;
  std::string name;
};

struct Serie {
  std::string name;  // context name + suffix
  std::vector<Point> points;
  CompositeTags tags;
  std::string host;
  std::string device;  // filled by the serializer from a `device:` tag (spec §1.7)
  ApiMetricType mtype = ApiMetricType::kGauge;
  int64_t interval = 0;  // 10 for DogStatsD, 0 for checks
  std::string source_type_name;
  uint64_t context_key = 0;
  bool no_index = false;
  std::vector<Resource> resources;  // filled by the serializer from dd.internal.resource: tags
  MetricSource source = MetricSource::kUnknown;
};

struct SketchPoint {
  int64_t ts = 0;  // bucket start (Unix seconds)
  Sketch sketch;
};

struct SketchSeries {
  std::string name;
  CompositeTags tags;
  std::string host;
  int64_t interval = 0;  // not encoded on the wire
  std::vector<SketchPoint> points;
  uint64_t context_key = 0;
  bool no_index = false;
  MetricSource source = MetricSource::kUnknown;
};

}  // namespace ddsim::metrics
