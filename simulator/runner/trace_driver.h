#pragma once
// The traces workload's driver: a tracer that sends generated traces to the running agent's
// trace agent (pipeline/trace_agent.h) through its request handling, reads the rate-by-service
// answers back and samples its automatic decisions with them, and counts every span by the
// answer it got (or "agent down" while the agent restarts). Driver thread only.
#include <memory>

#include "simulator/runner/workload_driver.h"

namespace ddsim::runner {

std::unique_ptr<WorkloadDriver> makeTraceDriver(const scenario::TraceWorkload& w, uint64_t seed, double load_end);

// Counts `spans` by the receiver's answer: accepted (200), too large (413), decoding error
// (400) or refused otherwise.
void countTraceAnswer(int status, int64_t spans, Generated& g);

}  // namespace ddsim::runner
