#pragma once
// The serializer's counters: the agent's expvars (spec §5.12) under their agent names, plus
// ddsim's per-kind item/payload counts and every discard by reason. Thread-safe (atomics and
// a CounterSet); exported as a flat common::TelemetrySnapshot.
#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

#include "core/common/counters.h"
#include "core/serializer/payload_compressor.h"

namespace ddsim::serializer {

// What a send*() builds; indexes the per-kind counters.
enum class PayloadKind : uint8_t {
  kSeriesV2 = 0,
  kSeriesV1,
  kSketches,
  kServiceChecks,
  kEvents,
  kOrchestratorMetadata,
  kOrchestratorManifest,
};
inline constexpr size_t kNumPayloadKinds = 7;
// "series_v2", "series_v1", "sketches", "service_checks", "events", "orchestrator", "orchestrator_manifest".
std::string_view payloadKindName(PayloadKind kind);

using Counter = std::atomic<int64_t>;

struct JsonStreamStats {  // the agent's `jsonstream` expvars
  Counter total_calls{0};
  Counter total_items{0};
  Counter write_item_errors{0};
  Counter payload_fulls{0};
  Counter item_drops{0};
};

// The agent's `sketch_series` expvars. In the agent the v2 series builder increments these same
// variables (both live in one Go package), so they count v2 series and sketches together.
struct ProtoStreamStats {
  Counter item_too_big{0};
  Counter payload_full{0};
  Counter unexpected_item_drops{0};
};

struct SplitterStats {  // the agent's `splitter` expvars (spec §5.9)
  Counter not_too_big{0};
  Counter too_big{0};
  Counter total_loops{0};
  Counter payload_drops{0};
};

struct KindStats {  // ddsim: per payload kind
  Counter items_in{0};         // items handed to send*()
  Counter items_sent{0};       // items inside submitted payloads
  Counter payloads{0};         // payloads submitted
  Counter bytes_sent{0};       // compressed bytes submitted
  Counter bytes_uncompressed{0};
  Counter send_errors{0};      // send*() calls that failed (whole batch dropped)
  Counter nonfinite_values{0};  // NaN/±Inf values written as the agent writes them
};

struct SerializerCounters {
  CompressorStats compressor;
  JsonStreamStats jsonstream;
  ProtoStreamStats sketch_series;
  SplitterStats splitter;
  Counter series_times_split{0};             // `series` TimesSplit
  Counter series_split_metrics_too_big{0};   // `series` SplitMetricsTooBig
  Counter service_check_times_split{0};      // `ServiceCheck` TimesSplit
  Counter service_check_shorter{0};          // `ServiceCheck` ServiceChecksShorter
  Counter event_times_split{0};              // `Event` TimesSplit
  Counter event_shorter{0};                  // `Event` EventsShorter
  Counter send_events_item_too_bigs{0};      // `serializer` SendEventsErrItemTooBigs
  Counter send_events_item_too_bigs_fallback{0};  // `serializer` SendEventsErrItemTooBigsFallback
  std::array<KindStats, kNumPayloadKinds> kinds;
  // Items discarded, by "<kind>.<reason>". Reasons: disabled (enable_payloads.* off), no_index
  // (v1 skips NoIndex series), item_too_big, item_does_not_fit_empty_payload, marshal_error,
  // compress_error, split_too_big (left after the split rounds), split_chunk_marshal_error,
  // serialize_error (the whole batch: a failed build), forwarder_refused, encode_error
  // (orchestrator), not_sent_after_error (orchestrator messages after a failed one).
  common::CounterSet dropped;

  KindStats& kind(PayloadKind k) { return kinds[static_cast<size_t>(k)]; }
  void drop(PayloadKind k, std::string_view reason, int64_t n = 1);

  // Names: "serializer.<agent map>.<agent key>" for the agent's expvars (e.g.
  // "serializer.compressor.BytesIn", "serializer.jsonstream.PayloadFulls"),
  // "serializer.<kind>.<counter>" for the per-kind counts and "serializer.dropped.<kind>.<reason>".
  common::TelemetrySnapshot snapshot() const;
};

}  // namespace ddsim::serializer
