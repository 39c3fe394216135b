#pragma once
// Helpers shared by the aggregator tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/metrics/metric_sample.h"
#include "core/metrics/series.h"

namespace ddsim::aggregator::testutil {

// prefix + decimal n (avoids GCC 12's -Wrestrict false positive on "lit" + std::to_string).
inline std::string cat(std::string_view prefix, long long n) {
  std::string s(prefix);
  s.append(std::to_string(n));
  return s;
}

// A sample plus the storage its views point into.
struct SampleSpec {
  std::string name;
  double value = 0;
  metrics::MetricType mtype = metrics::MetricType::kGauge;
  std::vector<std::string> tags;
  std::string host;
  double sample_rate = 1;
  double timestamp = 0;
  std::vector<std::string> tagger_tags;
  std::string raw_value;

  std::vector<std::string_view> tag_views;
  std::vector<std::string_view> tagger_views;

  metrics::MetricSample view() {
    tag_views.assign(tags.begin(), tags.end());
    tagger_views.assign(tagger_tags.begin(), tagger_tags.end());
    metrics::MetricSample s;
    s.name = name;
    s.value = value;
    s.mtype = mtype;
    s.tags = tag_views;
    s.tagger_tags = tagger_views;
    s.host = host;
    s.sample_rate = sample_rate;
    s.timestamp = timestamp;
    s.raw_value = raw_value;
    return s;
  }
};

inline SampleSpec gauge(std::string name, double v, std::vector<std::string> tags = {"foo", "bar"}) {
  return SampleSpec{std::move(name), v, metrics::MetricType::kGauge, std::move(tags)};
}
inline SampleSpec counter(std::string name, double v, std::vector<std::string> tags = {"foo", "bar"}) {
  return SampleSpec{std::move(name), v, metrics::MetricType::kCounter, std::move(tags)};
}

inline const metrics::Serie* findSerie(const std::vector<metrics::Serie>& series, const std::string& name) {
  for (const auto& s : series)
    if (s.name == name) return &s;
  return nullptr;
}

// The serie named `name`; a test failure and an empty serie when there is none.
inline const metrics::Serie& serie(const std::vector<metrics::Serie>& series, const std::string& name) {
  static const metrics::Serie kMissing;
  const metrics::Serie* s = findSerie(series, name);
  if (s == nullptr) {
    ADD_FAILURE() << "no serie named " << name;
    return kMissing;
  }
  return *s;
}

inline std::vector<std::pair<double, double>> pointsOf(const metrics::Serie& s) {
  std::vector<std::pair<double, double>> p;
  for (const auto& pt : s.points) p.emplace_back(pt.ts, pt.value);
  return p;
}

}  // namespace ddsim::aggregator::testutil
