#include "fakeintake/client/metric_filter.h"

#include <algorithm>
#include <cmath>

namespace ddsim::fakeintake {

using common::Result;
using common::Status;
using common::StatusCode;

Result<CompiledMetricFilter> CompiledMetricFilter::compile(MetricFilter filter) {
  CompiledMetricFilter c;
  for (const auto& r : filter.tag_regexes) {
    try {
      c.regexes_.emplace_back(r, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return Status(StatusCode::kInvalidArgument, "tag regex \"" + r + "\": " + e.what());
    }
  }
  if (filter.min_value && filter.max_value && *filter.min_value > *filter.max_value) {
    return Status(StatusCode::kInvalidArgument, "min_value is greater than max_value");
  }
  c.filter_ = std::move(filter);
  return c;
}

bool CompiledMetricFilter::matches(const DecodedSeries& s) const {
  const MetricFilter& f = filter_;
  if (!f.name.empty() && s.metric != f.name) return false;
  if (f.type && s.type != *f.type) return false;
  if (f.host && s.host() != *f.host) return false;
  for (const auto& t : f.tags) {
    if (std::find(s.tags.begin(), s.tags.end(), t) == s.tags.end()) return false;
  }
  for (const auto& re : regexes_) {
    bool any = std::any_of(s.tags.begin(), s.tags.end(),
                           [&](const std::string& t) { return std::regex_search(t, re); });
    if (!any) return false;
  }
  const bool windowed = f.from_ts || f.to_ts;
  const bool valued = f.min_value || f.max_value;
  if (!windowed && !valued) return true;
  size_t in_window = 0, passing = 0;
  for (const auto& p : s.points) {
    if (f.from_ts && p.timestamp < *f.from_ts) continue;
    if (f.to_ts && p.timestamp >= *f.to_ts) continue;
    ++in_window;
    bool ok = !std::isnan(p.value) && (!f.min_value || p.value >= *f.min_value) &&
              (!f.max_value || p.value <= *f.max_value);
    if (ok) ++passing;
  }
  if (in_window == 0) return false;
  if (!valued) return true;
  return f.value_match == ValueMatch::kAnyPoint ? passing > 0 : passing == in_window;
}

}  // namespace ddsim::fakeintake
