// libFuzzer target: arbitrary payload bytes through the fakeintake's decoders, one route kind
// (and content type) per input chosen by its first byte, then the JSON form tools read back.
// Decoders must never crash, never throw, and produce JSON that serializes. Series v2 protobuf
// bodies the direct decoder accepts must decode as libprotobuf decodes them.
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fakeintake/decoders/decoded_json.h"
#include "fakeintake/decoders/decoder.h"
#include "fakeintake/decoders/series_v2_direct.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddsim::fakeintake;
  if (size == 0) return 0;
  struct Target {
    RouteKind kind;
    const char* content_type;
  };
  static constexpr Target kTargets[] = {
      {RouteKind::kSeriesV2, "application/x-protobuf"},
      {RouteKind::kSeriesV2, "application/json"},
      {RouteKind::kSeriesV1, "application/json"},
      {RouteKind::kSketches, "application/x-protobuf"},
      {RouteKind::kCheckRuns, "application/json"},
      {RouteKind::kIntake, "application/json"},
      {RouteKind::kOrchestrator, "application/x-protobuf"},
      {RouteKind::kOrchestratorManifest, "application/x-protobuf"},
      {RouteKind::kGeneric, "application/json"},
      {RouteKind::kGeneric, "multipart/form-data; boundary=XyZ"},
      // Appended, so the first bytes of the older seeds keep their route.
      {RouteKind::kTraces, "application/x-protobuf"},
      {RouteKind::kStats, "application/msgpack"},
  };
  const Target& t = kTargets[data[0] % (sizeof kTargets / sizeof kTargets[0])];
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  if (t.kind == RouteKind::kSeriesV2 && std::string_view(t.content_type) == "application/x-protobuf") {
    std::vector<DecodedSeries> direct;
    if (decodeSeriesV2Direct(body, direct)) {
      std::vector<DecodeNote> notes;
      auto reference = decodeSeriesV2WithLibprotobuf(body, notes);
      if (!reference.isOk() || !notes.empty()) std::abort();
      if (itemsToJson(DecodedItems{direct}).dump() != itemsToJson(DecodedItems{*reference}).dump()) std::abort();
    }
  }
  auto decoded = decodeBody(t.kind, t.content_type, std::move(body), 1u << 20);
  if (!decoded.isOk()) {
    if (decoded.status().message().empty()) std::abort();  // every refusal says why
    return 0;
  }
  const nlohmann::json j = itemsToJson(decoded->items, t.kind);
  const std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);  // valid UTF-8
  if (text.empty()) std::abort();
  return 0;
}
