#pragma once
// Request bodies for the trace receiver's /v0.4/traces and /v0.5/traces (docs/trace-agent.md
// §3-4), written with msgpack-cxx as a tracer writes them: v0.4 as an array of traces of span
// maps, v0.5 as [string table, traces of 12-element span arrays] with "" at index 0 of the
// table. Pure functions.
#include <string>

#include "core/trace/span.h"

namespace ddsim::workload {

std::string encodeTracesV04(const trace::Traces& traces);
std::string encodeTracesV05(const trace::Traces& traces);

}  // namespace ddsim::workload
