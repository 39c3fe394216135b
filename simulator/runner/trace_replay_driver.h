#pragma once
// A replay workload whose file is a trace capture (core/trace/trace_capture.h, recorded by
// `ddsim agent` with ddsim.trace_record_path): every recorded tracer request is sent again to
// the running agent's trace agent, with the recorded spacing divided by `speed` (0: all at the
// workload's start), `loops` times. The capture is checked whole before the run; during it,
// records are read one at a time (memory: one request, plus 16 bytes per record for the span
// counts). A recording does not follow the agent's new rates: the tracer's decisions are
// replayed as they were. Driver thread only.
#include <memory>
#include <string>

#include "simulator/runner/workload_driver.h"

namespace ddsim::runner {

// `path`: the capture, resolved. Errors (unreadable, cut, corrupt) name the record and offset.
common::Result<std::unique_ptr<WorkloadDriver>> makeTraceReplayDriver(const scenario::ReplayWorkload& w,
                                                                      const std::string& path);

}  // namespace ddsim::runner
