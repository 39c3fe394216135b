#pragma once
// JSON forms of decoded items, in the shapes of the agent fakeintake's `format=json` answers:
// series as gogoproto's MetricPayload_MetricSeries JSON (resources, metric, tags, points
// [{value, timestamp}], type as a number, unit, source_type_name, interval, metadata; empty
// fields omitted), sketches as SketchPayload_Sketch, check runs as CheckRun, events as the
// agent's Event with its "Source". The *FromJson functions read these back (the client).
#include <nlohmann/json.hpp>

#include "core/common/status.h"
#include "fakeintake/core/routes.h"
#include "fakeintake/decoders/decoded.h"

namespace ddsim::fakeintake {

nlohmann::json toJson(const DecodedSeries& s);
nlohmann::json toJson(const DecodedSketch& s);
nlohmann::json toJson(const DecodedCheckRun& c);
nlohmann::json toJson(const DecodedEvent& e);
nlohmann::json toJson(const DecodedOrchestratorMessage& m);
// The AgentPayload in the protobuf JSON mapping's field names (hostName, tracerPayloads,
// chunks, spans, traceID, ...); ids as numbers (uint64).
nlohmann::json toJson(const DecodedAgentPayload& p);
// The StatsPayload in the protobuf JSON mapping's field names (agentHostname, stats, start,
// HTTPStatusCode, okSummary as base64, ...), plus ddsim's okCount/errorCount: the values in each
// sketch.
nlohmann::json toJson(const DecodedStatsPayload& p);
// The "data" of one payload: an array of items, or for generic bodies the JSON value / text.
nlohmann::json itemsToJson(const DecodedItems& items);
// A series in the agent's v1 JSON shape, as the agent fakeintake answers for /api/v1/series:
// metric, points [[timestamp, value]], tags, host, device (when set), type as text
// ("gauge", "rate", "count"), interval, source_type_name (when set).
nlohmann::json toV1Json(const DecodedSeries& s);
// itemsToJson, except that series received on /api/v1/series keep their v1 shape.
nlohmann::json itemsToJson(const DecodedItems& items, RouteKind kind);

common::Result<DecodedSeries> seriesFromJson(const nlohmann::json& j);
common::Result<DecodedSketch> sketchFromJson(const nlohmann::json& j);
common::Result<DecodedCheckRun> checkRunFromJson(const nlohmann::json& j);
common::Result<DecodedEvent> eventFromJson(const nlohmann::json& j);
common::Result<DecodedAgentPayload> agentPayloadFromJson(const nlohmann::json& j);
common::Result<DecodedStatsPayload> statsPayloadFromJson(const nlohmann::json& j);

}  // namespace ddsim::fakeintake
