#pragma once
// The `distribution` expectation of a scenario: reading it from JSON, and the statistic names
// it accepts (count, sum, min, max, avg, p50 ... p99, any pNN or pNN.N strictly between 0 and 100).
#include <string_view>

#include "core/common/status.h"
#include "simulator/scenario/json_reader.h"
#include "simulator/scenario/scenario.h"

namespace ddsim::scenario {

// "count", "sum", "min", "max", "avg" or a percentile "p<number>" with 0 < number < 100
// ("p99", "p99.9", "p5"); InvalidArgument saying what is accepted otherwise.
common::Result<DistributionStatistic> parseDistributionStatistic(std::string_view text);

// Reads the keys of a {"kind": "distribution", ...} object; errors go to `r` with their path.
DistributionExpectation readDistributionExpectation(ObjectReader& r);

}  // namespace ddsim::scenario
