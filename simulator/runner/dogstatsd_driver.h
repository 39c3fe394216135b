#pragma once
// The driver of a generated DogStatsD workload (scenario type "dogstatsd"). Not thread-safe:
// the driver thread only (it may run a generator thread of its own, see planTicks()).
#include <memory>

#include "simulator/runner/workload_driver.h"

namespace ddsim::runner {

std::unique_ptr<WorkloadDriver> makeDogStatsDDriver(const scenario::DogStatsDWorkload& w, uint64_t seed, double load_end);

}  // namespace ddsim::runner
