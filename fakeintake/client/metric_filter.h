#pragma once
// Filters over decoded series, for the client and for in-process checks (the simulator).
// Value semantics are explicit: with ValueMatch::kAnyPoint a series matches when ONE point
// satisfies both bounds (unlike the agent fakeintake client, whose range filter could be met by
// two different points); with kAllPoints every point in the time window must.
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "fakeintake/decoders/decoded.h"

namespace ddsim::fakeintake {

enum class ValueMatch { kAnyPoint, kAllPoints };

struct MetricFilter {
  std::string name;                      // exact metric name; empty = any
  std::vector<std::string> tags;         // each must be one of the series' tags, exactly
  std::vector<std::string> tag_regexes;  // each must match (search) at least one tag
  std::optional<double> min_value;       // inclusive
  std::optional<double> max_value;       // inclusive
  ValueMatch value_match = ValueMatch::kAnyPoint;
  std::optional<int> type;               // 1 count, 2 rate, 3 gauge
  std::optional<std::string> host;       // the host resource
  // Point timestamps window [from_ts, to_ts) in unix seconds. Points outside it are ignored;
  // a series with no point inside does not match.
  std::optional<int64_t> from_ts;
  std::optional<int64_t> to_ts;
};

// A filter with its regexes compiled. Immutable after creation: thread-safe.
class CompiledMetricFilter {
 public:
  // InvalidArgument when a regex does not compile or min > max.
  static common::Result<CompiledMetricFilter> compile(MetricFilter filter);
  bool matches(const DecodedSeries& s) const;
  const MetricFilter& filter() const { return filter_; }

 private:
  MetricFilter filter_;
  std::vector<std::regex> regexes_;
};

}  // namespace ddsim::fakeintake
