#pragma once
// Per-invocation "delivered versus left behind": what each invocation's function produced
// (metric names, log lines) matched against what the intake decoded. Metrics are matched by
// name and the ddsim_invocation tag the runtime adds; log lines by text, first come first
// matched. A match is classified by when it reached the intake (records.h, Delivery).
#include <vector>

#include "simulator/lambda/intake_recorder.h"
#include "simulator/lambda/records.h"

namespace ddsim::lambda {

// Fills every invocation's `metrics` and `log_delivery`. Only requests the intake accepted
// (2xx) count as delivered.
void attributeDeliveries(std::vector<InvocationRecord>& invocations, const std::vector<EnvironmentRecord>& environments,
                         const std::vector<IntakeRequest>& requests);

}  // namespace ddsim::lambda
