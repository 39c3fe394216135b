#pragma once
// The serializer (spec §5): turns what a flush hands on into the agent's payloads and submits
// them to the forwarder, one Submission per send with the endpoint and the headers of §5.2.
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/aggregator/serializer_interface.h"
#include "core/common/clock.h"
#include "core/common/counters.h"
#include "core/serializer/compression.h"
#include "core/serializer/forwarder_interface.h"
#include "core/serializer/json_payload_builder.h"
#include "core/serializer/serializer_counters.h"
#include "core/serializer/serializer_options.h"
#include "core/serializer/series_v2.h"
#include "core/serializer/sketches.h"
#include "core/serializer/split.h"

namespace ddsim::serializer {

// Thread-safe: every send*() may be called from any thread. Series v2, sketches and the JSON
// kinds each build under their own lock (the JSON kinds share one, like the agent's shared
// compressor buffers); orchestrator payloads need none.
class Serializer final : public aggregator::MetricSerializer {
 public:
  // `forwarder` and `clock` must outlive the serializer. The clock stamps orchestrator headers.
  Serializer(SerializerOptions options, PayloadForwarder& forwarder, const common::Clock& clock);

  // A failed build drops the whole batch (counted) and returns the error, prefixed as the agent
  // logs it ("dropping series payload: ..."); a forwarder refusal is returned as is.
  common::Status sendSeries(std::vector<metrics::Serie>&& series) override;
  common::Status sendSketches(std::vector<metrics::SketchSeries>&& sketches) override;
  common::Status sendServiceChecks(std::vector<metrics::ServiceCheck>&& checks) override;
  common::Status sendEvents(std::vector<metrics::Event>&& events) override;
  common::Status sendOrchestratorMetadata(metrics::OrchestratorMetadata&& metadata) override;
  common::Status sendOrchestratorManifests(std::vector<metrics::OrchestratorManifest>&& manifests) override;

  // The payloads a send*() would submit, built without submitting them and without counting
  // the items in (discards found while building are counted). Appends to *out; on failure the
  // batch is abandoned as send*() would. For benchmarks and tools. Thread-safe.
  common::Status buildSeries(std::span<const metrics::Serie> series, std::vector<PayloadPtr>* out);
  common::Status buildSketches(std::span<const metrics::SketchSeries> sketches, std::vector<PayloadPtr>* out);
  common::Status buildServiceChecks(std::span<const metrics::ServiceCheck> checks, std::vector<PayloadPtr>* out);
  common::Status buildEvents(std::span<const metrics::Event> events, std::vector<PayloadPtr>* out);

  const SerializerOptions& options() const { return options_; }
  const Compressor& compressor() const { return *compressor_; }
  const SerializerCounters& counters() const { return counters_; }
  // The counters of serializer_counters.h as a flat snapshot.
  common::TelemetrySnapshot telemetry() const { return counters_.snapshot(); }

  // The extra headers of spec §5.2 (Content-Encoding absent for "none").
  Headers jsonHeaders() const;
  Headers protobufHeaders() const;
  Headers orchestratorHeaders(const std::string& cluster_id) const;

 private:
  // Counts `items` in; false (and counted as dropped) when the kind is disabled.
  bool admit(PayloadKind kind, bool enabled, size_t items);
  // Submits what was built, or drops the batch when the build failed.
  common::Status finish(PayloadKind kind, std::string_view what, const common::Status& built, Endpoint endpoint,
                        std::vector<PayloadPtr>&& payloads, Headers headers, size_t items);
  common::Status split(const SplittableMarshaler& m, PayloadKind kind, std::vector<PayloadPtr>* out);
  common::Status submit(PayloadKind kind, Endpoint endpoint, std::vector<PayloadPtr>&& payloads, Headers headers);
  common::Status failed(PayloadKind kind, std::string_view what, const common::Status& st, size_t items);
  common::Status buildJson(PayloadKind kind, std::string_view header, std::string_view footer, JsonItemSource& items,
                           ItemTooBigPolicy policy, std::vector<PayloadPtr>* out);
  common::Status buildEventsStream(std::span<const metrics::Event> events, std::vector<PayloadPtr>* out);
  common::Status sendOrchestratorMessage(PayloadKind kind, Endpoint endpoint, const metrics::OrchestratorMessage& m,
                                         const std::string& cluster_id, bool* encode_error);
  bool streamAvailable() const { return stream_available_; }

  const SerializerOptions options_;
  PayloadForwarder& forwarder_;
  const common::Clock& clock_;
  std::unique_ptr<Compressor> compressor_;
  bool stream_available_;
  SerializerCounters counters_;

  std::mutex v2_mu_;
  SeriesV2Builder v2_builder_;
  std::mutex sketch_mu_;
  SketchesBuilder sketch_builder_;
  std::mutex json_mu_;
  JsonPayloadBuilder json_builder_;
};

}  // namespace ddsim::serializer
