#pragma once
// What the decoders produce: one model per payload kind, shaped like the agent fakeintake's
// decoded JSON (MetricSeries for series, SketchPayload.Sketch, CheckRun, Event). These are
// values; a stored payload owns its DecodedPayload and never changes it after ingest.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fakeintake/decoders/decoded_stats.h"
#include "fakeintake/decoders/decoded_trace.h"

namespace ddsim::fakeintake {

struct DecodedOrigin {
  uint32_t metric_type = 0;  // field 3: 9 for NoIndex series (not in the public schema)
  uint32_t product = 0;
  uint32_t category = 0;
  uint32_t service = 0;
};

struct DecodedResource {
  std::string type;
  std::string name;
};

struct DecodedPoint {
  double value = 0;
  int64_t timestamp = 0;  // Unix seconds
};

// MetricPayload.MetricSeries (spec §5.3); v1 JSON series are mapped onto it the way the agent
// fakeintake maps them (host and device become resources, host first).
struct DecodedSeries {
  std::vector<DecodedResource> resources;
  std::string metric;
  std::vector<std::string> tags;
  std::vector<DecodedPoint> points;
  int type = 0;  // MetricPayload.MetricType: 0 unspecified, 1 count, 2 rate, 3 gauge
  std::string unit;
  std::string source_type_name;
  int64_t interval = 0;
  std::optional<DecodedOrigin> origin;  // metadata.origin, when present

  // Name of the first "host" resource, or "".
  std::string_view host() const;
};

// "count" / "rate" / "gauge" / "unspecified" and back (-1 when unknown).
std::string_view seriesTypeName(int type);
int seriesTypeFromName(std::string_view name);

struct DecodedDogsketch {
  int64_t ts = 0;
  int64_t cnt = 0;
  double min = 0, max = 0, avg = 0, sum = 0;
  std::vector<int32_t> k;
  std::vector<uint32_t> n;
};

// SketchPayload.Sketch (spec §4.4).
struct DecodedSketch {
  std::string metric;
  std::string host;
  std::vector<std::string> tags;
  std::vector<DecodedDogsketch> dogsketches;
  size_t distributions = 0;  // legacy field 3 entries (the agent never writes them)
  std::optional<DecodedOrigin> origin;
};

// One /api/v1/check_run item (spec §5.5). `tags` null on the wire decodes to empty with
// tags_null set, so the JSON round-trips.
struct DecodedCheckRun {
  std::string check;
  std::string host_name;
  int64_t timestamp = 0;
  int status = 0;
  std::string message;
  std::vector<std::string> tags;
  bool tags_null = false;
};

// One event of an /intake/ payload (spec §5.8); `source` is the key it was grouped under.
struct DecodedEvent {
  std::string source;
  std::string title;
  std::string text;
  int64_t timestamp = 0;
  std::string priority;
  std::string host;
  std::vector<std::string> tags;
  std::string alert_type;
  std::string aggregation_key;
  std::string source_type_name;
  std::string event_type;
};

// One orchestrator / process message: the agent-payload versioned header and the body. When
// the message type is known to the linked protobuf schemas, `body_json` holds the body as JSON
// (protobuf JSON mapping, proto field names); otherwise it is empty and only sizes are known.
struct DecodedOrchestratorMessage {
  int version = 0;         // header version 1..3; 0 = no header (bare body)
  int encoding = 0;        // 0 protobuf, 1 JSON, 2 zstd-pb (legacy), 4 zstd 1.x pb
  int type = 0;            // MessageType (41 pod, ..., 80 manifest)
  std::string type_name;   // "pod", "manifest", ... or the number
  int subscription_id = 0;
  int32_t org_id = 0;
  int64_t header_timestamp = 0;
  size_t body_bytes = 0;          // as sent (maybe zstd)
  size_t body_decoded_bytes = 0;  // after the message encoding's decompression
  std::string message_name;       // protobuf full name used to decode, "" if none
  std::string body_json;          // JSON text of the decoded body, or ""
};

// A body of a route without a dedicated decoder, or /intake/ host metadata: the decompressed
// text (JSON is validated and kept as text).
struct DecodedGeneric {
  std::string text;
  bool is_json = false;
};

using DecodedItems = std::variant<std::monostate, std::vector<DecodedSeries>,
                                  std::vector<DecodedSketch>, std::vector<DecodedCheckRun>,
                                  std::vector<DecodedEvent>, std::vector<DecodedOrchestratorMessage>,
                                  std::vector<DecodedAgentPayload>, std::vector<DecodedStatsPayload>,
                                  DecodedGeneric>;

// A note a decoder leaves about something it tolerated (e.g. invalid UTF-8 coerced in a tag).
// The property checker turns these into violations.
struct DecodeNote {
  std::string property;  // property id, e.g. "Pyld50"
  std::string message;
};

struct DecodedPayload {
  DecodedItems items;
  size_t uncompressed_size = 0;
  std::vector<DecodeNote> notes;
};

// Rough heap footprint of the decoded form (memory cap accounting).
size_t estimateMemory(const DecodedPayload& p);

}  // namespace ddsim::fakeintake
