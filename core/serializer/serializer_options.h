#pragma once
// Every serializer setting with the agent's default (spec §10; compression per today's agent:
// zstd level 1). The config layer maps datadog.yaml keys onto this struct.
#include <cstdint>
#include <string>

#include "core/serializer/compression.h"
#include "core/serializer/json_payload_builder.h"
#include "core/serializer/process_message.h"
#include "core/serializer/series_v2.h"
#include "core/serializer/split.h"

namespace ddsim::serializer {

struct SerializerOptions {
  // serializer_compressor_kind (zstd) and serializer_zstd_compressor_level (1).
  CompressionOptions compression;
  // use_v2_api.series: series as v2 protobuf; false sends v1 JSON (serverless forces false).
  bool use_v2_api_series = true;
  // serializer_max_series_payload_size (512000), serializer_max_series_uncompressed_payload_size
  // (5242880), serializer_max_series_points_per_payload (10000).
  SeriesV2Limits series_v2_limits;
  // serializer_max_payload_size (2621440) and serializer_max_uncompressed_payload_size
  // (4194304): v1 series, sketches, service checks, events.
  JsonLimits json_limits;

  // enable_payloads.*: when false the matching send*() drops its input (counted) and succeeds.
  bool enable_series = true;
  bool enable_sketches = true;
  bool enable_service_checks = true;
  bool enable_events = true;
  bool enable_json_to_v1_intake = true;  // accepted for completeness; no payload here uses it

  // The stream switches (each also needs a compressor kind with a stream; "none" has none).
  bool enable_stream_payload_serialization = true;                 // v1 series
  bool enable_service_checks_stream_payload_serialization = true;
  bool enable_events_stream_payload_serialization = true;
  bool enable_sketch_stream_payload_serialization = true;
  // enable_json_stream_shared_compressor_buffers: the JSON builds share one builder under a
  // lock (true) or each build gets fresh buffers (false). Output is the same either way.
  bool enable_json_stream_shared_compressor_buffers = true;

  // DD-Agent-Payload header on protobuf payloads (the agent-payload version it was built with).
  std::string agent_payload_version = "v5.0.125";
  // The agent's hostname: events' internalHostname and orchestrator X-Dd-Hostname.
  std::string hostname;
  // DD-EVP-ORIGIN-VERSION on orchestrator payloads.
  std::string agent_version = "7.57.0";
  // orchestrator_explorer.use_legacy_endpoint: /api/v1/orchestrator instead of /api/v2/orch.
  bool orchestrator_use_legacy_endpoint = false;
  // The process message encoding of orchestrator payloads: the agent writes 2 (legacy zstd);
  // see process_message.h for what ddsim puts in that frame.
  ProcessMessageEncoding orchestrator_encoding = ProcessMessageEncoding::kZstdPB;
  // zstd level for orchestrator bodies when the encoding is a zstd 1.x one (DataDog/zstd's
  // default level).
  int orchestrator_zstd_level = 5;

  // The split package's hard-coded thresholds (2 MiB / 64 MiB / 3 rounds).
  SplitThresholds split;
  // Events: above this many source types the ItemTooBig fallback is the non-stream path
  // (maxItemCountForCreateMarshalersBySourceType, hard-coded 100 in the agent).
  size_t max_event_source_types_for_stream_fallback = 100;
};

}  // namespace ddsim::serializer
