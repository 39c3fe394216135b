#include "core/serializer/serializer_counters.h"

#include <string>

namespace ddsim::serializer {

std::string_view payloadKindName(PayloadKind kind) {
  switch (kind) {
    case PayloadKind::kSeriesV2: return "series_v2";
    case PayloadKind::kSeriesV1: return "series_v1";
    case PayloadKind::kSketches: return "sketches";
    case PayloadKind::kServiceChecks: return "service_checks";
    case PayloadKind::kEvents: return "events";
    case PayloadKind::kOrchestratorMetadata: return "orchestrator";
    case PayloadKind::kOrchestratorManifest: return "orchestrator_manifest";
  }
  return "unknown";
}

void SerializerCounters::drop(PayloadKind k, std::string_view reason, int64_t n) {
  if (n <= 0) return;
  std::string name(payloadKindName(k));
  name += '.';
  name += reason;
  dropped.add(name, n);
}

common::TelemetrySnapshot SerializerCounters::snapshot() const {
  common::TelemetrySnapshot s;
  auto put = [&s](std::string_view name, const Counter& c) {
    s[std::string("serializer.") + std::string(name)] = static_cast<double>(c.load(std::memory_order_relaxed));
  };
  put("compressor.TotalPayloads", compressor.total_payloads);
  put("compressor.TotalCompressCycles", compressor.total_compress_cycles);
  put("compressor.BytesIn", compressor.bytes_in);
  put("compressor.BytesOut", compressor.bytes_out);
  put("jsonstream.TotalCalls", jsonstream.total_calls);
  put("jsonstream.TotalItems", jsonstream.total_items);
  put("jsonstream.WriteItemErrors", jsonstream.write_item_errors);
  put("jsonstream.PayloadFulls", jsonstream.payload_fulls);
  put("jsonstream.ItemDrops", jsonstream.item_drops);
  put("sketch_series.ItemTooBig", sketch_series.item_too_big);
  put("sketch_series.PayloadFull", sketch_series.payload_full);
  put("sketch_series.UnexpectedItemDrops", sketch_series.unexpected_item_drops);
  put("splitter.NotTooBig", splitter.not_too_big);
  put("splitter.TooBig", splitter.too_big);
  put("splitter.TotalLoops", splitter.total_loops);
  put("splitter.PayloadDrops", splitter.payload_drops);
  put("series.TimesSplit", series_times_split);
  put("series.SplitMetricsTooBig", series_split_metrics_too_big);
  put("ServiceCheck.TimesSplit", service_check_times_split);
  put("ServiceCheck.ServiceChecksShorter", service_check_shorter);
  put("Event.TimesSplit", event_times_split);
  put("Event.EventsShorter", event_shorter);
  put("serializer.SendEventsErrItemTooBigs", send_events_item_too_bigs);
  put("serializer.SendEventsErrItemTooBigsFallback", send_events_item_too_bigs_fallback);
  for (size_t i = 0; i < kNumPayloadKinds; ++i) {
    const std::string k(payloadKindName(static_cast<PayloadKind>(i)));
    const KindStats& ks = kinds[i];
    put(k + ".items_in", ks.items_in);
    put(k + ".items_sent", ks.items_sent);
    put(k + ".payloads", ks.payloads);
    put(k + ".bytes_sent", ks.bytes_sent);
    put(k + ".bytes_uncompressed", ks.bytes_uncompressed);
    put(k + ".send_errors", ks.send_errors);
    put(k + ".nonfinite_values", ks.nonfinite_values);
  }
  for (const auto& [name, v] : dropped.snapshot()) {
    s["serializer.dropped." + name] = static_cast<double>(v);
  }
  return s;
}

}  // namespace ddsim::serializer
