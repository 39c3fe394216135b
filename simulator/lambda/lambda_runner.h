#pragma once
// Runs a plan: invocations arrive at their planned times (real time: the extension is a real
// process), each goes to an idle warm environment or, while fewer than `concurrency` run, to a
// new one (a cold start). An environment is shut down after a timeout (reason timeout), an
// out-of-memory (failure) or max_invocations (spindown); every environment left gets the final
// SHUTDOWN at the end.
#include <atomic>
#include <vector>

#include "core/common/clock.h"
#include "core/common/random.h"
#include "simulator/lambda/lambda_report.h"
#include "simulator/lambda/plan.h"

namespace ddsim::lambda {

// Each invocation's arrival, duration and injected failure, drawn from `plan.seed`.
std::vector<InvocationSpec> planInvocations(const Plan& plan);

// Runs the plan (validatePlan must hold) and returns its report with totals and expectations.
// `stop`, when set and raised, ends the arrivals early; running invocations finish.
LambdaReport runPlan(const Plan& plan, common::Clock& clock = common::SystemClock::instance(),
                     const std::atomic<bool>* stop = nullptr);

}  // namespace ddsim::lambda
