#pragma once
// What the invocation loop needs from Lambda's Extensions API: the next event, a way to unblock
// that call, and one hook before the loop waits for an invocation's runtime-done. The HTTP client
// (extension_api.h) is the real process's source; the virtual Lambda (simulator/lambda/
// virtual_lambda.h) is an in-process one that plays the function on a ManualClock.
#include "core/common/status.h"
#include "core/serverless/lambda_event.h"

namespace ddsim::serverless {

class LambdaEventSource {
 public:
  virtual ~LambdaEventSource() = default;
  // Blocks until Lambda hands out the next event (INVOKE or SHUTDOWN), or until cancel()
  // (then an error). Called from the daemon's loop thread only.
  virtual common::Result<LambdaEvent> nextEvent() = 0;
  // Unblocks nextEvent() from another thread. Thread-safe.
  virtual void cancel() = 0;
  // The daemon handled INVOKE `e` (and its flush at start) and is about to wait for runtime-done
  // or the deadline. A source that also runs the function does it here, on the loop thread:
  // it moves its clock and delivers the Telemetry API batches through Daemon::onTelemetry, and
  // must leave either runtime-done delivered or the clock past the deadline. Lambda's real API
  // has nothing to do (the runtime runs elsewhere; the batches arrive on the comm server).
  virtual void beforeRuntimeWait(const LambdaEvent& /*e*/) {}
};

}  // namespace ddsim::serverless
