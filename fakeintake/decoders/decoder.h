#pragma once
// Body decoders, one per payload kind, and the dispatcher the handler calls. Each takes the
// decompressed body and returns the decoded items or a DataLoss/InvalidArgument status whose
// message says what is wrong and where (HTTP 400 with that reason). Thread-safe (no state).
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"
#include "fakeintake/core/routes.h"
#include "fakeintake/decoders/decoded.h"

namespace ddsim::fakeintake {

// Decodes a decompressed body received on a route of kind `kind`. `content_type` picks JSON vs
// protobuf on /api/v2/series. `max_decompressed` bounds nested decompression (orchestrator
// zstd bodies). `body` is consumed (moved into a generic payload when kept as text).
// `reuse`, when given, is an earlier payload's series vector for /api/v2/series protobuf bodies
// to refill in place (see decodeSeriesV2Direct); other routes leave it untouched.
common::Result<DecodedPayload> decodeBody(RouteKind kind, std::string_view content_type,
                                          std::string body, size_t max_decompressed,
                                          std::vector<DecodedSeries>* reuse = nullptr);

// True when decodeBody(kind, content_type, body, ...) is certain to succeed with no notes,
// found without building the values. Only plainly valid /api/v2/series protobuf bodies (what
// agents send) qualify; false means "decode it to know". An intake may answer on true and
// decode afterwards.
bool decodesCleanly(RouteKind kind, std::string_view content_type, std::string_view body);

// True when the Content-Type names JSON ("application/json", "...+json", "text/json").
bool isJsonContentType(std::string_view content_type);
// True for "multipart/form-data; boundary=...".
bool isMultipartContentType(std::string_view content_type);
// The parts of a multipart/form-data body as the JSON text {"parts":[{"name","filename",
// "content_type","size","data"(base64)}]}; DataLoss when it does not parse.
common::Result<std::string> decodeMultipart(std::string_view body, std::string_view content_type);

// The individual decoders (spec sections in decoded.h). `notes` collects tolerated oddities.
common::Result<std::vector<DecodedSeries>> decodeSeriesV2Protobuf(std::string_view body,
                                                                  std::vector<DecodeNote>& notes,
                                                                  std::vector<DecodedSeries>* reuse = nullptr);
// The same with libprotobuf alone (decodeSeriesV2Protobuf's path for bodies the direct decoder
// leaves to it; tests compare the two).
common::Result<std::vector<DecodedSeries>> decodeSeriesV2WithLibprotobuf(std::string_view body,
                                                                         std::vector<DecodeNote>& notes);
common::Result<std::vector<DecodedSeries>> decodeSeriesV2Json(std::string_view body,
                                                              std::vector<DecodeNote>& notes);
common::Result<std::vector<DecodedSeries>> decodeSeriesV1Json(std::string_view body,
                                                              std::vector<DecodeNote>& notes);
common::Result<std::vector<DecodedSketch>> decodeSketches(std::string_view body,
                                                          std::vector<DecodeNote>& notes);
common::Result<std::vector<DecodedCheckRun>> decodeCheckRuns(std::string_view body,
                                                             std::vector<DecodeNote>& notes);
// /intake/: an events payload -> events; any other JSON object (host metadata) -> generic.
common::Result<DecodedItems> decodeIntake(std::string body, std::vector<DecodeNote>& notes);
// /api/v2/logs: a JSON array of objects, each with a string "message" (the HTTP logs intake's
// format); kept as JSON text. InvalidArgument names the first offending entry.
common::Result<DecodedGeneric> decodeLogs(std::string body, std::vector<DecodeNote>& notes);
common::Result<std::vector<DecodedOrchestratorMessage>> decodeOrchestrator(
    std::string_view body, bool manifest_route, size_t max_decompressed,
    std::vector<DecodeNote>& notes);

// /api/v0.2/traces: one AgentPayload (docs/trace-agent.md §6).
common::Result<std::vector<DecodedAgentPayload>> decodeTraces(std::string_view body, std::vector<DecodeNote>& notes);
// /api/v0.2/stats: one StatsPayload as msgpack (docs/trace-agent.md §8.3).
common::Result<std::vector<DecodedStatsPayload>> decodeStats(std::string_view body, std::vector<DecodeNote>& notes);

}  // namespace ddsim::fakeintake
