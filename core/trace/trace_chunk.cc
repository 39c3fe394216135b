#include "core/trace/trace_chunk.h"

#include <unordered_map>
#include <unordered_set>

namespace ddsim::trace {

namespace {

// Keys as std::string once: a key built per lookup is heap-allocated past 15 bytes.
const std::string kPriorityKeyStr(kSamplingPriorityKey);
const std::string kOriginKeyStr(kOriginKey);
const std::string kDecisionMakerKeyStr(kDecisionMakerKey);
const std::string kTopLevelKeyStr(kTopLevelKey);

// Up to this many spans, a linear scan finds a parent faster than building a hash index.
constexpr size_t kLinearScanSpans = 16;

// Index of the last span with `id` among the first `n`, or n when none.
size_t lastIndexOf(const Trace& trace, size_t n, uint64_t id) {
  for (size_t i = n; i-- > 0;) {
    if (trace[i].span_id == id) return i;
  }
  return n;
}

void markTopLevel(Span& s) { s.metrics.insert_or_assign(kTopLevelKeyStr, 1.0); }

}  // namespace

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
  const std::string& priority_key = kPriorityKeyStr;
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
    if (auto it = root.meta.find(kOriginKeyStr); it != root.meta.end()) chunk.origin = it->second;
  }
  const std::string& dm_key = kDecisionMakerKeyStr;
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
  if (trace.size() <= kLinearScanSpans) {
    // The same marks as below without the index: the parent is the last span with its id.
    const size_t n = trace.size();
    for (Span& s : trace) {
      if (s.parent_id != 0) {
        const size_t parent = lastIndexOf(trace, n, s.parent_id);
        if (parent != n && trace[parent].service == s.service) continue;
      }
      markTopLevel(s);
    }
    return;
  }
  std::unordered_map<uint64_t, size_t> index_of;
  for (size_t i = 0; i < trace.size(); ++i) index_of[trace[i].span_id] = i;
  for (Span& s : trace) {
    if (s.parent_id != 0) {
      auto parent = index_of.find(s.parent_id);
      if (parent != index_of.end() && trace[parent->second].service == s.service) continue;
    }
    markTopLevel(s);
  }
}

bool isTopLevel(const Span& span) {
  auto it = span.metrics.find(kTopLevelKeyStr);
  return it != span.metrics.end() && it->second == 1;
}

}  // namespace ddsim::trace
