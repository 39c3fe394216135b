#pragma once
// The inspector's span trees, Qt-free: a decoded /api/v0.2/traces payload (what the fakeintake
// decoded) turned into one tree per trace chunk, parents before children, siblings by start
// time, each span placed on the trace's time axis for a waterfall. Broken structure is shown,
// not hidden: a span whose parent is not in the chunk is a root marked "orphan", a span id seen
// twice is marked "duplicate", spans caught in a parent cycle are roots marked "cycle", and a
// chunk mixing trace ids says so.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/status.h"
#include "fakeintake/decoders/decoded_trace.h"

namespace ddsim::gui {

struct SpanRow {
  fakeintake::DecodedSpan span;
  int depth = 0;             // 0 for a root
  int64_t offset_ns = 0;     // span start - trace start
  double from = 0, to = 0;   // the span's place on the trace's time axis, in [0, 1]
  std::string flag;          // "", "orphan", "duplicate" or "cycle"
  size_t children = 0;
};

struct TraceTree {
  uint64_t trace_id = 0;
  int32_t priority = 0;
  std::string service;        // the first root's
  std::string name;           // the first root's
  std::string env;            // the tracer payload's
  std::string language;       // the tracer payload's language name
  int64_t start_ns = 0;       // earliest span start
  int64_t duration_ns = 0;    // latest span end - start_ns
  size_t errors = 0;          // spans with error != 0
  std::vector<SpanRow> rows;  // depth-first, parents before children
  std::vector<std::string> problems;
};

// One tree per chunk of every tracer payload, in payload order.
std::vector<TraceTree> buildSpanTrees(const fakeintake::DecodedAgentPayload& payload);

// From the inspector's decoded payload (decodePayload: {"route", ..., "items": [AgentPayload
// JSON]}): an error when the payload is not a trace payload.
common::Result<std::vector<TraceTree>> spanTreesFromDecoded(const nlohmann::json& decoded);

// A text waterfall of `width` cells: ' ' before and after the span, '#' over it (at least one
// cell, so a span of zero duration is still seen).
std::string waterfallBar(const SpanRow& row, size_t width);

}  // namespace ddsim::gui
