#pragma once
// The driver of a generated DogStatsD workload (scenario type "dogstatsd"). Not thread-safe:
// the driver thread only (it may run a generator thread of its own, see planTicks()).
#include <cstddef>
#include <cstdint>
#include <memory>

#include "simulator/runner/workload_driver.h"

namespace ddsim::runner {

// How many parsed batches (512 samples each) the generator thread may hold ahead of the run
// thread: enough to keep generating through a flush and its sends, whose time grows with the
// contexts the agent serializes. 192 up to 24,000 contexts, then 8 per 1,000 contexts, at most
// 512. A batch costs about 100 KB at 10,000 contexts, 200 KB at 50,000.
size_t dogstatsdBatchesAhead(int64_t contexts);

std::unique_ptr<WorkloadDriver> makeDogStatsDDriver(const scenario::DogStatsDWorkload& w, uint64_t seed, double load_end);

}  // namespace ddsim::runner
