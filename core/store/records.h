#pragma once
// What goes into a run store, as plain values: no fakeintake or pipeline types, so that the
// fakeintake, the simulator and the GUI all write and read the same rows (docs/run-store.md
// describes the tables they land in).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ddsim::store {

// One request body the intake received and answered.
struct IntakePayloadRow {
  std::string intake = "main";  // which embedded intake (the simulator may run several)
  std::string route;
  std::string method = "POST";
  int64_t received_ns = 0;      // Unix nanoseconds
  int status = 0;               // HTTP status answered
  std::string encoding;         // Content-Encoding (or Content-Type when none)
  std::string content_type;
  std::string api_key;          // redacted
  int64_t compressed_bytes = 0;
  int64_t decoded_bytes = 0;
  int64_t items = 0;            // decoded items (series, sketches, check runs, events, messages)
  int64_t points = 0;           // series points / sketch entries
  std::string decode_error;     // "" when decoded
  int64_t violations = 0;
  std::string_view body;        // the bytes as received (compressed)
};

struct SeriesPoint {
  int64_t ts = 0;  // Unix seconds
  double value = 0;
};

// A series of a decoded payload, by reference into the caller's decoded form; its points are
// points[first_point, first_point + points) of the payload's shared point list.
struct SeriesRef {
  std::string_view name;
  std::string_view host;
  const std::vector<std::string>* tags = nullptr;
  std::string_view type;  // "gauge", "count", "rate", "unspecified"
  int64_t interval = 0;
  uint32_t first_point = 0;
  uint32_t points = 0;
};

// One DDSketch entry (a dogsketch) of a decoded sketch payload.
struct SketchEntry {
  int64_t ts = 0;
  int64_t count = 0;
  double min = 0, max = 0, sum = 0, avg = 0;
  const std::vector<int32_t>* keys = nullptr;
  const std::vector<uint32_t>* counts = nullptr;
};

struct SketchRef {
  std::string_view name;
  std::string_view host;
  const std::vector<std::string>* tags = nullptr;
  std::vector<SketchEntry> entries;
};

struct ViolationRef {
  std::string_view property;
  std::string_view message;
};

// Trace stats totals of one decoded /api/v0.2/stats payload for one (service, resource): its
// grouped stats summed, as the intake decoded them (so readers need not decode the body again).
struct StatsTotalsRow {
  std::string service;
  std::string resource;
  int64_t hits = 0;
  int64_t errors = 0;
  int64_t top_level_hits = 0;
  int64_t duration = 0;  // ns
  int64_t groups = 0;    // grouped stats summed into this row
};

// Trace totals of one decoded /api/v0.2/traces payload (or, from the reader, of many summed):
// its spans, its chunks (one trace each) and when each chunk's trace finished (its latest span
// end, Unix ns, in the order the chunks came), so readers need not decode the body again.
struct TraceTotalsRow {
  int64_t spans = 0;
  int64_t chunks = 0;
  std::vector<int64_t> chunk_ends;
};

// One aggregator flush (pipeline::FlushRecord).
struct FlushRow {
  int64_t index = 0;
  double at = 0;  // seconds since the run started
  double aggregate_seconds = 0, serialize_seconds = 0;
  double aggregate_cpu_seconds = 0, serialize_cpu_seconds = 0;
  int64_t series = 0, sketches = 0, service_checks = 0, events = 0, contexts = 0;
};

// One payload the serializer handed to the forwarder.
struct SentPayloadRow {
  double at = 0;
  int64_t flush_index = -1;
  std::string route;
  int64_t compressed_bytes = 0, uncompressed_bytes = 0, items = 0, points = 0;
};

// One transport attempt of the forwarder.
struct AttemptRow {
  double at = 0;
  std::string route;
  int status = 0;
  std::string error;
  int64_t bytes = 0;
  double seconds = 0;
};

// A labelled moment: a fault window opening or closing, an agent restart, an interruption.
struct MarkerRow {
  double at = 0;
  std::string kind;   // "fault", "restart", "outage", "interrupt", "note"
  std::string label;  // what a chart shows
  std::string detail; // JSON or text
};

// What a points query returns: one decoded point of a series matching the query.
struct PointRow {
  int64_t context_id = 0;
  std::string host;
  std::string tags;  // sorted, comma-joined
  std::string type;
  int64_t interval = 0;
  int64_t ts = 0;
  double value = 0;
};

struct SketchPointRow {
  int64_t context_id = 0;
  std::string host;
  std::string tags;
  int64_t ts = 0;
  int64_t count = 0;
  double min = 0, max = 0, sum = 0, avg = 0;
  std::vector<int32_t> keys;
  std::vector<uint32_t> counts;
};

}  // namespace ddsim::store
