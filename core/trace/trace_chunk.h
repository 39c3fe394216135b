#pragma once
// A trace chunk as the agent carries it after the receiver (pkg/proto/datadog/trace's
// TraceChunk), and the per-trace helpers the agent runs before sampling: the root span, the
// chunk's priority/origin/decision maker taken from the spans, and top-level marking
// (docs/trace-agent.md §5.1). Pure functions.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/trace/span.h"

namespace ddsim::trace {

// "No sampling decision yet" (the agent's sampler.PriorityNone, the smallest int8).
inline constexpr int32_t kPriorityNone = -128;
inline constexpr std::string_view kSamplingPriorityKey = "_sampling_priority_v1";  // metrics
inline constexpr std::string_view kOriginKey = "_dd.origin";                      // meta
inline constexpr std::string_view kDecisionMakerKey = "_dd.p.dm";                 // meta / chunk tag
inline constexpr std::string_view kTopLevelKey = "_top_level";                    // metrics

struct TraceChunk {
  int32_t priority = kPriorityNone;
  std::string origin;
  std::map<std::string, std::string> tags;
  bool dropped_trace = false;
  Trace spans;
};

// Index of the root span: the last span with parent_id 0; else the first span (in trace order)
// whose parent is not in the trace; else the last span. Precondition: !trace.empty().
size_t rootSpanIndex(const Trace& trace);

// Fills what the tracer left unset: priority from the root's _sampling_priority_v1, else from
// the first span that has one; origin from the root's _dd.origin; the _dd.p.dm chunk tag from
// the first span carrying it.
void setChunkAttributes(TraceChunk& chunk, const Span& root);

// Marks top-level spans (metrics _top_level = 1): roots, spans whose parent is not in the trace,
// and spans whose parent belongs to another service.
void computeTopLevel(Trace& trace);
bool isTopLevel(const Span& span);

}  // namespace ddsim::trace
