#pragma once
// Options of the fakeintake handler. Defaults are the agent fakeintake's (retention 15 min) and,
// for the intake limits, the agent's serializer limits and the intake properties of
// anchors.md §3b. Plain values; copied into the handler at construction.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

namespace ddsim::fakeintake {

// Limits the property checks compare against (anchors.md §3b, spec §10 serializer keys).
struct PropertyLimits {
  // Pyld05/06 for /api/v2/series: serializer_max_series_payload_size and
  // serializer_max_series_uncompressed_payload_size.
  size_t series_v2_max_compressed = 512'000;
  size_t series_v2_max_uncompressed = 5'242'880;
  // Pyld05/06 for the other routes: serializer_max_payload_size and
  // serializer_max_uncompressed_payload_size.
  size_t default_max_compressed = 2'621'440;
  size_t default_max_uncompressed = 4'194'304;
  // Pyld08/15: serializer_max_series_points_per_payload.
  size_t max_points_per_payload = 10'000;
  size_t max_metric_name_bytes = 350;          // Pyld10
  size_t max_tags = 100;                       // Pyld13 (MaxTags default)
  size_t max_resources = 500;                  // Pyld18 (MaxResources default)
  size_t max_host_name_bytes = 255;            // Pyld19
  int64_t max_future_seconds = 600;            // Pyld21: timestamp <= now + 600 s
  size_t max_tag_bytes = 200;                  // Pyld23
  size_t max_tag_set_bytes = 100 * 1024;       // Pyld24
};

// Bounds on what control-API clients can make the fakeintake hold or build (issue 10).
// Exceeding one is a 4xx whose message names the limit.
struct ControlLimits {
  size_t max_fault_rules = 1000;              // rules in the schedule (replace or append)
  size_t max_overrides = 1000;                // response overrides (endpoint, method)
  size_t max_text_bytes = 4096;               // a rule's or override's id, route, type, body
  size_t max_request_body_bytes = 1u << 20;   // a control request's body; more -> 413
  size_t max_violations_per_answer = 10'000;  // /fakeintake/violations page size (next_cursor)
};

struct IntakeOptions {
  // Stored payloads older than this are dropped (the agent fakeintake's default).
  std::chrono::nanoseconds retention = std::chrono::minutes(15);
  // Upper bound on what the store holds (raw + decoded + headers); the oldest payloads are
  // evicted to make room. 0 = no cap (not recommended).
  size_t max_memory_bytes = size_t{1} << 30;
  // Largest decompressed body accepted; larger -> 413 (counted as a violation).
  size_t max_decompressed_bytes = 64u << 20;
  // Largest request body (as sent) accepted; larger -> 413.
  size_t max_body_bytes = 64u << 20;
  // Distinct routes the store and route stats track; a POST to a new route beyond this is
  // answered 400 and counted (protects against unbounded route cardinality).
  size_t max_routes = 16'384;
  // Longest request path accepted on an intake route; longer -> 414, not stored or tracked.
  size_t max_route_bytes = 1024;
  // Estimated size bound of one control answer: /fakeintake/payloads is cut short past it
  // ("truncated": true, continue from next_cursor); /metrics and /fakeintake/routestats answer
  // 413 with a message instead of building more.
  size_t max_answer_bytes = 64u << 20;
  ControlLimits control;
  // Violations kept per payload (all are counted).
  size_t max_violations_per_payload = 100;
  // Virtual time: answer at once and report latency / "never answer" in X-Ddsim-* headers
  // instead of delaying (for the simulator). When false, the transport really waits.
  bool simulate_delays = false;
  // API keys /api/v1/validate accepts; empty = accept every key (the default).
  std::set<std::string> valid_api_keys;
  // When true and valid_api_keys is not empty, intake POSTs with another key get 403.
  bool enforce_api_keys_on_intake = false;
  // Seed of the fault engine's random source (probabilities, latency distributions).
  uint64_t fault_seed = 0;
  // The Fakeintake-ID header value; empty = a random UUID per handler (changes per start).
  std::string server_id;
  // When > 0, ingest answers before storing (the simulator's embedded intakes): the request
  // thread decompresses and decodes, or, for the agent's /api/v2/series protobuf bodies, only
  // validates them without building anything (decodesCleanly), and answers; decoding, property
  // checks, the memory store, the run store and route stats then follow in arrival order on one
  // thread of the handler's, with at most this many bytes of answered payloads waiting.
  // drainIngest() waits for them; control requests (/fakeintake/*) drain first, so a client
  // finds what it was answered for. The memory store then keeps a payload larger than its whole
  // cap (alone) instead of answering 413, since the answer is already given. 0: store, then
  // answer (the fakeintake binary).
  size_t deferred_ingest_bytes = 0;
  // When false, the memory store keeps each payload as received (raw bytes, envelope,
  // violations) and frees its decoded form once the checks and an inline run store write are
  // done; /fakeintake/payloads?format=json decodes it again on query. `fakeintake --store`
  // runs this way: the run store keeps the decoded points, so memory holds many more payloads
  // per byte and ingest frees the decoded form while it is still in cache. Ignored while a
  // queued run store writer (RunStoreWrites::kQueued) still needs the decoded form.
  bool decoded_in_memory = true;
  // Run property checks on decoded payloads.
  bool check_properties = true;
  // Property ids ("Pyld17", ...) not to check.
  std::set<std::string> disabled_properties;
  PropertyLimits limits;
};

}  // namespace ddsim::fakeintake
