#include "core/serializer/serializer.h"

#include <string>

#include "core/serializer/events.h"
#include "core/serializer/process_message.h"
#include "core/serializer/series_v1.h"
#include "core/serializer/service_checks.h"
#include "core/serializer/split.h"

namespace ddsim::serializer {
namespace {
constexpr std::string_view kJsonContentType = "application/json";
constexpr std::string_view kProtobufContentType = "application/x-protobuf";
}  // namespace

Serializer::Serializer(SerializerOptions options, PayloadForwarder& forwarder, const common::Clock& clock)
    : options_(std::move(options)),
      forwarder_(forwarder),
      clock_(clock),
      compressor_(makeCompressor(options_.compression)),
      stream_available_(compressor_->newStream() != nullptr),
      v2_builder_(*compressor_, counters_),
      sketch_builder_(*compressor_, counters_),
      json_builder_(*compressor_, counters_) {}

Headers Serializer::jsonHeaders() const {
  Headers h{{"Content-Type", std::string(kJsonContentType)}};
  if (!compressor_->contentEncoding().empty()) h.emplace_back("Content-Encoding", compressor_->contentEncoding());
  return h;
}

Headers Serializer::protobufHeaders() const {
  Headers h{{"Content-Type", std::string(kProtobufContentType)}, {"DD-Agent-Payload", options_.agent_payload_version}};
  if (!compressor_->contentEncoding().empty()) h.emplace_back("Content-Encoding", compressor_->contentEncoding());
  return h;
}

Headers Serializer::orchestratorHeaders(const std::string& cluster_id) const {
  return {
      {"X-Dd-Hostname", options_.hostname},
      {"X-Dd-Orchestrator-ClusterID", cluster_id},
      {"X-DD-Agent-Timestamp", std::to_string(common::toUnixSecondsInt(clock_.systemNow()))},
      {"DD-EVP-ORIGIN", "agent"},
      {"DD-EVP-ORIGIN-VERSION", options_.agent_version},
      {"Content-Type", std::string(kProtobufContentType)},
  };
}

common::Status Serializer::failed(PayloadKind kind, std::string_view what, const common::Status& st, size_t items) {
  counters_.kind(kind).send_errors.fetch_add(1, std::memory_order_relaxed);
  counters_.drop(kind, "serialize_error", static_cast<int64_t>(items));
  return common::Status(st.code(), "dropping " + std::string(what) + " payload: " + st.message());
}

bool Serializer::admit(PayloadKind kind, bool enabled, size_t items) {
  counters_.kind(kind).items_in.fetch_add(static_cast<int64_t>(items), std::memory_order_relaxed);
  if (!enabled) counters_.drop(kind, "disabled", static_cast<int64_t>(items));
  return enabled;
}

common::Status Serializer::finish(PayloadKind kind, std::string_view what, const common::Status& built,
                                  Endpoint endpoint, std::vector<PayloadPtr>&& payloads, Headers headers,
                                  size_t items) {
  if (!built.isOk()) return failed(kind, what, built, items);
  return submit(kind, endpoint, std::move(payloads), std::move(headers));
}

common::Status Serializer::split(const SplittableMarshaler& m, PayloadKind kind, std::vector<PayloadPtr>* out) {
  // agent behaviour: a failing split returns an error and nothing is sent (spec §5.9).
  std::vector<PayloadPtr> payloads;
  auto st = splitPayloads(m, *compressor_, options_.split, counters_, kind, &payloads);
  if (!st.isOk()) return st;
  for (auto& p : payloads) out->push_back(std::move(p));
  return {};
}

common::Status Serializer::submit(PayloadKind kind, Endpoint endpoint, std::vector<PayloadPtr>&& payloads,
                                  Headers headers) {
  if (payloads.empty()) return {};
  int64_t items = 0, bytes = 0, raw = 0;
  for (const auto& p : payloads) {
    items += p->item_count;
    bytes += static_cast<int64_t>(p->bytes.size());
    raw += static_cast<int64_t>(p->uncompressed_size);
  }
  const auto npayloads = static_cast<int64_t>(payloads.size());
  Submission sub;
  sub.endpoint = endpoint;
  sub.payloads = std::move(payloads);
  sub.headers = std::move(headers);
  auto st = forwarder_.submit(std::move(sub));
  auto& k = counters_.kind(kind);
  if (!st.isOk()) {
    k.send_errors.fetch_add(1, std::memory_order_relaxed);
    counters_.drop(kind, "forwarder_refused", items);
    return st;
  }
  k.items_sent.fetch_add(items, std::memory_order_relaxed);
  k.payloads.fetch_add(npayloads, std::memory_order_relaxed);
  k.bytes_sent.fetch_add(bytes, std::memory_order_relaxed);
  k.bytes_uncompressed.fetch_add(raw, std::memory_order_relaxed);
  return {};
}

common::Status Serializer::buildJson(PayloadKind kind, std::string_view header, std::string_view footer,
                                     JsonItemSource& items, ItemTooBigPolicy policy, std::vector<PayloadPtr>* out) {
  if (options_.enable_json_stream_shared_compressor_buffers) {
    std::lock_guard lock(json_mu_);
    return json_builder_.build(kind, header, footer, items, options_.json_limits, policy, out);
  }
  JsonPayloadBuilder fresh(*compressor_, counters_);
  return fresh.build(kind, header, footer, items, options_.json_limits, policy, out);
}

common::Status Serializer::buildSeries(std::span<const metrics::Serie> series, std::vector<PayloadPtr>* out) {
  if (options_.use_v2_api_series) {
    std::lock_guard lock(v2_mu_);
    return v2_builder_.build(series, options_.series_v2_limits, out);
  }
  const PayloadKind kind = PayloadKind::kSeriesV1;
  // agent behaviour: v1 skips NoIndex series (spec §5.4).
  std::vector<const metrics::Serie*> indexed;
  indexed.reserve(series.size());
  for (const auto& s : series) {
    if (!s.no_index) indexed.push_back(&s);
  }
  counters_.drop(kind, "no_index", static_cast<int64_t>(series.size() - indexed.size()));
  if (streamAvailable() && options_.enable_stream_payload_serialization) {
    SeriesV1Items items(indexed);
    auto st = buildJson(kind, kSeriesV1Header, kSeriesV1Footer, items, ItemTooBigPolicy::kDrop, out);
    counters_.kind(kind).nonfinite_values.fetch_add(items.nonfiniteValues(), std::memory_order_relaxed);
    return st;
  }
  return split(SeriesV1Marshaler(std::move(indexed), &counters_), kind, out);
}

common::Status Serializer::sendSeries(std::vector<metrics::Serie>&& series) {
  const bool v2 = options_.use_v2_api_series;
  const PayloadKind kind = v2 ? PayloadKind::kSeriesV2 : PayloadKind::kSeriesV1;
  if (!admit(kind, options_.enable_series, series.size())) return {};
  std::vector<PayloadPtr> payloads;
  auto st = buildSeries(series, &payloads);
  return finish(kind, "series", st, v2 ? Endpoint::kSeriesV2 : Endpoint::kSeriesV1, std::move(payloads),
                v2 ? protobufHeaders() : jsonHeaders(), series.size());
}

common::Status Serializer::buildSketches(std::span<const metrics::SketchSeries> sketches, std::vector<PayloadPtr>* out) {
  if (streamAvailable() && options_.enable_sketch_stream_payload_serialization) {
    std::lock_guard lock(sketch_mu_);
    return sketch_builder_.build(sketches, options_.json_limits, out);
  }
  return split(SketchesMarshaler(sketches), PayloadKind::kSketches, out);
}

common::Status Serializer::sendSketches(std::vector<metrics::SketchSeries>&& sketches) {
  const PayloadKind kind = PayloadKind::kSketches;
  if (!admit(kind, options_.enable_sketches, sketches.size())) return {};
  std::vector<PayloadPtr> payloads;
  auto st = buildSketches(sketches, &payloads);
  return finish(kind, "sketch", st, Endpoint::kSketches, std::move(payloads), protobufHeaders(), sketches.size());
}

common::Status Serializer::buildServiceChecks(std::span<const metrics::ServiceCheck> checks,
                                              std::vector<PayloadPtr>* out) {
  const PayloadKind kind = PayloadKind::kServiceChecks;
  if (streamAvailable() && options_.enable_service_checks_stream_payload_serialization) {
    ServiceCheckItems items(checks);
    return buildJson(kind, kServiceChecksHeader, kServiceChecksFooter, items, ItemTooBigPolicy::kDrop, out);
  }
  return split(ServiceChecksMarshaler(checks, &counters_), kind, out);
}

common::Status Serializer::sendServiceChecks(std::vector<metrics::ServiceCheck>&& checks) {
  const PayloadKind kind = PayloadKind::kServiceChecks;
  if (!admit(kind, options_.enable_service_checks, checks.size())) return {};
  std::vector<PayloadPtr> payloads;
  auto st = buildServiceChecks(checks, &payloads);
  return finish(kind, "service check", st, Endpoint::kCheckRun, std::move(payloads), jsonHeaders(), checks.size());
}

common::Status Serializer::buildEventsStream(std::span<const metrics::Event> events, std::vector<PayloadPtr>* out) {
  const PayloadKind kind = PayloadKind::kEvents;
  const auto groups = groupEventsBySourceType(events);
  EventGroupItems all(groups);
  auto st = buildJson(kind, eventsHeader(), eventsFooter(options_.hostname), all, ItemTooBigPolicy::kFail, out);
  if (!isItemTooBig(st)) return st;
  // agent behaviour (spec §5.8): a source type too big for one payload -> one builder per
  // source type, unless there are too many source types -> the non-stream path.
  counters_.send_events_item_too_bigs.fetch_add(1, std::memory_order_relaxed);
  if (groups.size() > options_.max_event_source_types_for_stream_fallback) {
    counters_.send_events_item_too_bigs_fallback.fetch_add(1, std::memory_order_relaxed);
    return split(EventsMarshaler(events, options_.hostname, &counters_), kind, out);
  }
  const std::string footer = eventsSourceTypeFooter(options_.hostname);
  std::vector<PayloadPtr> payloads;
  for (const auto& g : groups) {
    EventItems items(g.events);
    if (auto s = buildJson(kind, eventsSourceTypeHeader(g.source_type), footer, items, ItemTooBigPolicy::kDrop,
                           &payloads);
        !s.isOk()) {
      return s;
    }
  }
  for (auto& p : payloads) out->push_back(std::move(p));
  return {};
}

common::Status Serializer::buildEvents(std::span<const metrics::Event> events, std::vector<PayloadPtr>* out) {
  if (streamAvailable() && options_.enable_events_stream_payload_serialization) return buildEventsStream(events, out);
  return split(EventsMarshaler(events, options_.hostname, &counters_), PayloadKind::kEvents, out);
}

common::Status Serializer::sendEvents(std::vector<metrics::Event>&& events) {
  const PayloadKind kind = PayloadKind::kEvents;
  if (!admit(kind, options_.enable_events, events.size())) return {};
  std::vector<PayloadPtr> payloads;
  auto st = buildEvents(events, &payloads);
  return finish(kind, "event", st, Endpoint::kIntake, std::move(payloads), jsonHeaders(), events.size());
}

common::Status Serializer::sendOrchestratorMessage(PayloadKind kind, Endpoint endpoint,
                                                   const metrics::OrchestratorMessage& m,
                                                   const std::string& cluster_id, bool* encode_error) {
  *encode_error = false;
  ProcessMessageHeader h;
  h.encoding = options_.orchestrator_encoding;
  h.type = m.message_type;
  ByteBuffer body;
  if (auto st = encodeProcessMessage(h, m.body, options_.orchestrator_zstd_level, &body); !st.isOk()) {
    counters_.drop(kind, "encode_error");
    *encode_error = true;
    return common::Status(st.code(), "Unable to encode message: " + st.message());
  }
  auto p = std::make_shared<Payload>();
  p->bytes = body.toString();
  p->uncompressed_size = m.body.size() + kProcessMessageHeaderV3Size;
  p->item_count = 1;
  std::vector<PayloadPtr> payloads{std::move(p)};
  return submit(kind, endpoint, std::move(payloads), orchestratorHeaders(cluster_id));
}

common::Status Serializer::sendOrchestratorMetadata(metrics::OrchestratorMetadata&& metadata) {
  const PayloadKind kind = PayloadKind::kOrchestratorMetadata;
  admit(kind, true, metadata.messages.size());
  const Endpoint endpoint = options_.orchestrator_use_legacy_endpoint ? Endpoint::kOrchestratorLegacy
                                                                      : Endpoint::kOrchestrator;
  // agent behaviour: one payload per message; the first failure ends the call.
  bool encode_error = false;
  for (size_t i = 0; i < metadata.messages.size(); ++i) {
    if (auto st = sendOrchestratorMessage(kind, endpoint, metadata.messages[i], metadata.cluster_id, &encode_error);
        !st.isOk()) {
      counters_.drop(kind, "not_sent_after_error", static_cast<int64_t>(metadata.messages.size() - i - 1));
      return st;
    }
  }
  return {};
}

common::Status Serializer::sendOrchestratorManifests(std::vector<metrics::OrchestratorManifest>&& manifests) {
  const PayloadKind kind = PayloadKind::kOrchestratorManifest;
  size_t total = 0;
  for (const auto& m : manifests) total += m.messages.size();
  admit(kind, true, total);
  size_t done = 0;
  bool encode_error = false;
  for (const auto& manifest : manifests) {
    for (const auto& msg : manifest.messages) {
      ++done;
      auto st = sendOrchestratorMessage(kind, Endpoint::kOrchestratorManifest, msg, manifest.cluster_id, &encode_error);
      // agent behaviour: an encoding error skips the message; a submit error ends the call.
      if (st.isOk() || encode_error) continue;
      counters_.drop(kind, "not_sent_after_error", static_cast<int64_t>(total - done));
      return st;
    }
  }
  return {};
}

}  // namespace ddsim::serializer
