// Root span, chunk attributes and top-level marking, as the agent's pkg/trace/traceutil/trace.go
// (GetRoot, ComputeTopLevel) and pkg/trace/agent/normalizer.go (setChunkAttributes) do them
// (docs/trace-agent.md §5.1).
#include "core/trace/trace_chunk.h"

#include <gtest/gtest.h>

#include <vector>

namespace ddsim::trace {
namespace {

Span span(uint64_t id, uint64_t parent, const char* service = "svc") {
  Span s;
  s.trace_id = 1;
  s.span_id = id;
  s.parent_id = parent;
  s.service = service;
  return s;
}

TEST(TraceChunkTest, RootSpan) {
  struct C {
    Trace trace;
    size_t root;
  };
  const std::vector<C> cases = {
      {{span(1, 0), span(2, 1), span(3, 2)}, 0},  // parent 0
      {{span(2, 1), span(3, 2), span(1, 0)}, 2},  // root sent last
      {{span(1, 0), span(5, 0)}, 1},              // two roots: the last one
      {{span(3, 2), span(2, 9), span(4, 3)}, 1},  // no parent 0: the span whose parent is missing
      {{span(2, 3), span(3, 2)}, 1},              // a cycle: no orphan, the last span
      {{span(7, 7)}, 0},
  };
  for (size_t i = 0; i < cases.size(); ++i) EXPECT_EQ(rootSpanIndex(cases[i].trace), cases[i].root) << i;
}

TEST(TraceChunkTest, AttributesFromSpans) {
  TraceChunk chunk;
  chunk.spans = {span(1, 0), span(2, 1), span(3, 1)};
  chunk.spans[1].metrics["_sampling_priority_v1"] = 2;
  chunk.spans[2].metrics["_sampling_priority_v1"] = -1;
  chunk.spans[0].meta["_dd.origin"] = "synthetics";
  chunk.spans[2].meta["_dd.p.dm"] = "-4";
  setChunkAttributes(chunk, chunk.spans[0]);
  EXPECT_EQ(chunk.priority, 2);  // root has none: the first span that has one
  EXPECT_EQ(chunk.origin, "synthetics");
  EXPECT_EQ(chunk.tags.at("_dd.p.dm"), "-4");

  chunk.spans[0].metrics["_sampling_priority_v1"] = 0;
  chunk.priority = kPriorityNone;
  setChunkAttributes(chunk, chunk.spans[0]);
  EXPECT_EQ(chunk.priority, 0);  // the root wins

  TraceChunk set_by_tracer;
  set_by_tracer.priority = 1;
  set_by_tracer.origin = "lambda";
  set_by_tracer.tags["_dd.p.dm"] = "-0";
  set_by_tracer.spans = chunk.spans;
  setChunkAttributes(set_by_tracer, set_by_tracer.spans[0]);
  EXPECT_EQ(set_by_tracer.priority, 1);
  EXPECT_EQ(set_by_tracer.origin, "lambda");
  EXPECT_EQ(set_by_tracer.tags.at("_dd.p.dm"), "-0");
}

TEST(TraceChunkTest, TopLevel) {
  Trace t = {span(1, 0, "web"), span(2, 1, "web"), span(3, 2, "db"), span(4, 99, "web"), span(5, 3, "db")};
  computeTopLevel(t);
  const bool want[] = {true, false, true, true, false};  // root; same service; other service; orphan; same
  for (size_t i = 0; i < t.size(); ++i) EXPECT_EQ(isTopLevel(t[i]), want[i]) << i;
}

}  // namespace
}  // namespace ddsim::trace
