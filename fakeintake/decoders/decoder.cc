#include "fakeintake/decoders/decoder.h"

#include <algorithm>
#include <cctype>

#include "fakeintake/decoders/json_body.h"
#include "fakeintake/decoders/series_v2_direct.h"

namespace ddsim::fakeintake {

using common::Result;

bool isJsonContentType(std::string_view content_type) {
  std::string ct(content_type.substr(0, content_type.find(';')));
  std::transform(ct.begin(), ct.end(), ct.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  while (!ct.empty() && ct.front() == ' ') ct.erase(ct.begin());
  return ct == "application/json" || ct == "text/json" ||
         (ct.size() > 5 && ct.compare(ct.size() - 5, 5, "+json") == 0);
}

namespace {

template <typename T>
Result<DecodedPayload> wrap(Result<T> r, std::vector<DecodeNote> notes, size_t size) {
  if (!r.isOk()) return r.status();
  DecodedPayload p;
  p.items = std::move(r).value();
  p.uncompressed_size = size;
  p.notes = std::move(notes);
  return p;
}

}  // namespace

bool decodesCleanly(RouteKind kind, std::string_view content_type, std::string_view body) {
  // decodeSeriesV2Protobuf takes "{}" as no series before the direct decoder sees it: the same
  // result, but leave that special case to the full path.
  return kind == RouteKind::kSeriesV2 && !isJsonContentType(content_type) && body != "{}" &&
         validateSeriesV2Direct(body);
}

Result<DecodedPayload> decodeBody(RouteKind kind, std::string_view content_type, std::string body,
                                  size_t max_decompressed, std::vector<DecodedSeries>* reuse) {
  std::vector<DecodeNote> notes;
  const size_t size = body.size();
  // Each decoder runs before `notes` is moved into the result (argument order is unspecified).
  switch (kind) {
    case RouteKind::kSeriesV2: {
      auto r = isJsonContentType(content_type) ? decodeSeriesV2Json(body, notes)
                                               : decodeSeriesV2Protobuf(body, notes, reuse);
      return wrap(std::move(r), std::move(notes), size);
    }
    case RouteKind::kSeriesV1: {
      auto r = decodeSeriesV1Json(body, notes);
      return wrap(std::move(r), std::move(notes), size);
    }
    case RouteKind::kSketches: {
      auto r = decodeSketches(body, notes);
      return wrap(std::move(r), std::move(notes), size);
    }
    case RouteKind::kCheckRuns: {
      auto r = decodeCheckRuns(body, notes);
      return wrap(std::move(r), std::move(notes), size);
    }
    case RouteKind::kIntake: {
      auto r = decodeIntake(std::move(body), notes);
      return wrap(std::move(r), std::move(notes), size);
    }
    case RouteKind::kOrchestrator:
    case RouteKind::kOrchestratorManifest: {
      auto r = decodeOrchestrator(body, kind == RouteKind::kOrchestratorManifest, max_decompressed, notes);
      return wrap(std::move(r), std::move(notes), size);
    }
    case RouteKind::kTraces: {
      auto r = decodeTraces(body, notes);
      return wrap(std::move(r), std::move(notes), size);
    }
    case RouteKind::kStats: {
      auto r = decodeStats(body, notes);
      return wrap(std::move(r), std::move(notes), size);
    }
    case RouteKind::kLogs: {
      auto r = decodeLogs(std::move(body), notes);
      return wrap(std::move(r), std::move(notes), size);
    }
    case RouteKind::kValidate:
    case RouteKind::kGeneric: break;
  }
  // Catch-all: keep the text; mark JSON when it parses.
  DecodedGeneric g;
  if (isMultipartContentType(content_type)) {
    auto parts = decodeMultipart(body, content_type);
    if (parts.isOk()) {
      body = std::move(parts).value();
      g.is_json = true;
    } else {
      notes.push_back({"", parts.status().message() + "; kept as sent"});
    }
  } else if (isJsonContentType(content_type)) {
    auto parsed = parseJsonBody(body, "JSON body", notes);
    g.is_json = parsed.isOk();
    if (!parsed.isOk()) notes.push_back({"", parsed.status().message()});
  }
  g.text = std::move(body);
  DecodedPayload p;
  p.items = std::move(g);
  p.uncompressed_size = size;
  p.notes = std::move(notes);
  return p;
}

}  // namespace ddsim::fakeintake
