// Content checks of /api/v0.2/traces payloads (docs/trace-agent.md §6.2): what every span the
// trace agent writes satisfies after its normalizer (§5) — ids set, one trace per chunk, no
// negative duration, service/name/resource filled — and chunk priorities the samplers use.
#include <string>

#include "fakeintake/properties/property_checker.h"

namespace ddsim::fakeintake {

namespace {

// kPriorityNone (no decision, sent as is), user reject, auto reject, auto keep, user keep.
bool validPriority(int32_t p) { return p == -128 || (p >= -1 && p <= 2); }

}  // namespace

void PropertyChecker::checkTraces(const std::vector<DecodedAgentPayload>& payloads,
                                  std::vector<Violation>& out) const {
  for (const DecodedAgentPayload& a : payloads) {
    for (size_t t = 0; t < a.tracer_payloads.size(); ++t) {
      const auto& chunks = a.tracer_payloads[t].chunks;
      for (size_t c = 0; c < chunks.size(); ++c) {
        const DecodedTraceChunk& chunk = chunks[c];
        const std::string where = "tracerPayloads[" + std::to_string(t) + "].chunks[" + std::to_string(c) + "]";
        if (!validPriority(chunk.priority)) {
          add(out, "DdTracePriority", where + ": sampling priority " + std::to_string(chunk.priority));
        }
        if (chunk.spans.empty()) add(out, "DdTraceFields", where + ": a chunk without spans");
        for (size_t i = 0; i < chunk.spans.size(); ++i) {
          const DecodedSpan& s = chunk.spans[i];
          const std::string at = where + ".spans[" + std::to_string(i) + "]";
          if (s.trace_id == 0 || s.span_id == 0) {
            add(out, "DdTraceIds", at + ": trace id " + std::to_string(s.trace_id) + ", span id " + std::to_string(s.span_id));
          } else if (s.trace_id != chunk.spans[0].trace_id) {
            add(out, "DdTraceIds", at + ": trace id " + std::to_string(s.trace_id) + " in a chunk of trace " +
                                       std::to_string(chunk.spans[0].trace_id));
          }
          if (s.duration < 0 || s.start <= 0) {
            add(out, "DdTraceDuration", at + ": start " + std::to_string(s.start) + ", duration " + std::to_string(s.duration));
          }
          if (s.service.empty() || s.name.empty() || s.resource.empty()) {
            add(out, "DdTraceFields", at + ": service \"" + s.service + "\", name \"" + s.name + "\", resource \"" +
                                          s.resource.substr(0, 60) + "\" (none may be empty)");
          }
        }
      }
    }
  }
}

}  // namespace ddsim::fakeintake
