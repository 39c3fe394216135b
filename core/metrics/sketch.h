#pragma once
// The data of a finished DDSketch as the agent serializes it (spec §4): a summary and sparse
// bins sorted by key. The insertion/merge/quantile algorithms live in ddsketch.h.
#include <cstdint>
#include <vector>

namespace ddsim::metrics {

struct SketchSummary {
  double min = 0;
  double max = 0;
  double sum = 0;
  double avg = 0;
  int64_t cnt = 0;
};

struct SketchBin {
  int16_t k = 0;   // key; +-32767 are the infinities
  uint16_t n = 0;  // count (uint16: larger counts use several bins with the same key)
};

struct Sketch {
  SketchSummary basic;
  std::vector<SketchBin> bins;  // ascending k; duplicates possible (spec §4.3)
};

}  // namespace ddsim::metrics
