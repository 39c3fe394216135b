#include "simulator/scenario/distribution_expectation.h"

#include <charconv>
#include <cmath>
#include <string>

namespace ddsim::scenario {

namespace {

constexpr std::string_view kAccepted =
    "expected count, sum, min, max, avg or a percentile p<N> with 0 < N < 100 (p50, p99, p99.9)";

}  // namespace

common::Result<DistributionStatistic> parseDistributionStatistic(std::string_view text) {
  using Kind = DistributionStatistic::Kind;
  DistributionStatistic s;
  s.name = std::string(text);
  static constexpr std::pair<std::string_view, Kind> kNamed[] = {
      {"count", Kind::kCount}, {"sum", Kind::kSum}, {"min", Kind::kMin}, {"max", Kind::kMax}, {"avg", Kind::kAvg}};
  for (const auto& [name, kind] : kNamed) {
    if (text == name) {
      s.kind = kind;
      return s;
    }
  }
  const std::string quoted = "\"" + std::string(text) + "\"";
  // Digits with at most one '.', nothing else: "p99", "p99.9", "p5" (no sign, exponent or spaces).
  const std::string_view digits = text.size() > 1 && text[0] == 'p' ? text.substr(1) : std::string_view();
  const bool well_formed = !digits.empty() && digits.front() != '.' && digits.back() != '.' &&
                           digits.find_first_not_of("0123456789.") == std::string_view::npos &&
                           digits.find('.') == digits.rfind('.');
  double percent = 0;
  if (!well_formed ||
      std::from_chars(digits.data(), digits.data() + digits.size(), percent).ptr != digits.data() + digits.size()) {
    return common::invalidArgument("unknown statistic " + quoted + ": " + std::string(kAccepted));
  }
  if (!(percent > 0 && percent < 100)) {
    return common::invalidArgument("percentile " + quoted + " is out of range: " +
                                   "N must be strictly between 0 and 100 (use min for p0 and max for p100)");
  }
  s.kind = Kind::kQuantile;
  s.quantile = percent / 100;
  return s;
}

DistributionExpectation readDistributionExpectation(ObjectReader& r) {
  DistributionExpectation e;
  e.name = r.string("name", true).value_or("");
  e.tags = r.stringList("tags").value_or(e.tags);
  if (auto text = r.string("statistic", true)) {
    auto statistic = parseDistributionStatistic(*text);
    if (statistic.isOk()) {
      e.statistic = std::move(statistic).value();
    } else {
      r.error("statistic", statistic.status().message());
    }
  }
  e.value = r.number("value", true).value_or(0);
  e.tolerance = r.numberIn("tolerance", 0, 1e9).value_or(0);
  return e;
}

}  // namespace ddsim::scenario
