#include "core/trace/trace_chunk.h"

#include <unordered_map>
#include <unordered_set>

namespace ddsim::trace {

size_t rootSpanIndex(const Trace& trace) {
  for (size_t i = trace.size(); i-- > 0;) {  // tracers often send the root last
    if (trace[i].parent_id == 0) return i;
  }
  std::unordered_set<uint64_t> ids;
  for (const Span& s : trace) ids.insert(s.span_id);
  // The agent picks any orphan (Go map order, random); ddsim picks the first, to stay repeatable.
  for (size_t i = 0; i < trace.size(); ++i) {
    if (ids.count(trace[i].parent_id) == 0) return i;
  }
  return trace.size() - 1;
}

void setChunkAttributes(TraceChunk& chunk, const Span& root) {
  const std::string priority_key(kSamplingPriorityKey);
  if (chunk.priority == kPriorityNone) {
    if (auto it = root.metrics.find(priority_key); it != root.metrics.end()) {
      chunk.priority = static_cast<int32_t>(it->second);
    } else {
      for (const Span& s : chunk.spans) {
        if (auto p = s.metrics.find(priority_key); p != s.metrics.end()) {
          chunk.priority = static_cast<int32_t>(p->second);
          break;
        }
      }
    }
  }
  if (chunk.origin.empty()) {
    if (auto it = root.meta.find(std::string(kOriginKey)); it != root.meta.end()) chunk.origin = it->second;
  }
  const std::string dm_key(kDecisionMakerKey);
  if (chunk.tags.count(dm_key) == 0) {
    for (const Span& s : chunk.spans) {
      if (auto it = s.meta.find(dm_key); it != s.meta.end()) {
        chunk.tags[dm_key] = it->second;
        break;
      }
    }
  }
}

void computeTopLevel(Trace& trace) {
  std::unordered_map<uint64_t, size_t> index_of;
  for (size_t i = 0; i < trace.size(); ++i) index_of[trace[i].span_id] = i;
  for (Span& s : trace) {
    if (s.parent_id != 0) {
      auto parent = index_of.find(s.parent_id);
      if (parent != index_of.end() && trace[parent->second].service == s.service) continue;
    }
    s.metrics[std::string(kTopLevelKey)] = 1;
  }
}

bool isTopLevel(const Span& span) {
  auto it = span.metrics.find(std::string(kTopLevelKey));
  return it != span.metrics.end() && it->second == 1;
}

}  // namespace ddsim::trace
