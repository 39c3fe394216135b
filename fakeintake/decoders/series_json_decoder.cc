// JSON series: /api/v1/series (spec §5.4; the agent fakeintake's V1 mapping onto MetricSeries)
// and /api/v2/series with Content-Type application/json (the official API clients' shape of
// MetricPayload).
#include <cmath>
#include <cstdint>
#include <string>

#include "fakeintake/decoders/decoder.h"
#include "fakeintake/decoders/json_body.h"

namespace ddsim::fakeintake {

using common::Result;
using common::Status;
using common::StatusCode;
using nlohmann::json;

namespace {

Status bad(const std::string& where, const std::string& what) { return jsonError(where, what); }

std::string at(std::string_view base, size_t i) { return std::string(base) + "[" + std::to_string(i) + "]"; }

// metadata.origin. The official API clients (v2 JSON) write {metric_type, product, service};
// gogoproto's MetricSeries JSON writes origin_* names; the v1 form {product, category, service}.
Status readOrigin(const json& obj, const std::string& where, std::optional<DecodedOrigin>& out) {
  const json* md = jsonField(obj, "metadata");
  if (!md) return Status::ok();
  if (!md->is_object()) return bad(where + ".metadata", "expected an object");
  const json* o = jsonField(*md, "origin");
  if (!o) return Status::ok();
  if (!o->is_object()) return bad(where + ".metadata.origin", "expected an object");
  const std::string w = where + ".metadata.origin";
  int64_t v[4] = {0, 0, 0, 0};
  const char* names[4] = {"metric_type", "product", "category", "service"};
  for (int i = 0; i < 4; ++i) {
    std::string prefixed = std::string("origin_") + names[i];
    const char* key = jsonField(*o, prefixed) ? prefixed.c_str() : names[i];
    if (auto st = readJsonInt(*o, key, w, v[i]); !st.isOk()) return st;
    if (v[i] < 0 || v[i] > UINT32_MAX) return bad(w + "." + key, "out of range");
  }
  // agent fakeintake behaviour: an all-zero origin means "no metadata".
  if (v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] == 0) return Status::ok();
  out = DecodedOrigin{static_cast<uint32_t>(v[0]), static_cast<uint32_t>(v[1]), static_cast<uint32_t>(v[2]),
                      static_cast<uint32_t>(v[3])};
  return Status::ok();
}

// One series object -> d. Errors name `where` (e.g. "series[3]").
using SeriesReader = Status (*)(const json& s, const std::string& where, DecodedSeries& d);

Status readV1Series(const json& s, const std::string& where, DecodedSeries& d) {
  std::string type, host, device;
  int64_t interval = 0;
  for (auto st : {readJsonString(s, "metric", where, d.metric), readJsonString(s, "type", where, type),
                  readJsonString(s, "host", where, host), readJsonString(s, "device", where, device),
                  readJsonString(s, "source_type_name", where, d.source_type_name),
                  readJsonString(s, "unit", where, d.unit), readJsonInt(s, "interval", where, interval),
                  readJsonStrings(s, "tags", where, d.tags), readOrigin(s, where, d.origin)}) {
    if (!st.isOk()) return st;
  }
  d.interval = interval;
  int t = seriesTypeFromName(type);
  d.type = t < 0 ? 0 : t;
  if (!host.empty()) d.resources.push_back({"host", host});
  if (!device.empty()) d.resources.push_back({"device", device});
  const json* points = jsonField(s, "points");
  if (points) {
    if (!points->is_array()) return bad(where + ".points", "expected an array of [timestamp, value]");
    d.points.reserve(points->size());
    for (size_t j = 0; j < points->size(); ++j) {
      const json& p = (*points)[j];
      std::string pw = at(where + ".points", j);
      if (!p.is_array() || p.size() != 2) return bad(pw, "expected [timestamp, value]");
      if (!p[0].is_number()) return bad(pw, "timestamp is not a number");
      if (!p[1].is_number()) return bad(pw, "value is not a number");
      const double ts = p[0].get<double>();
      if (!(ts > -9.2e18 && ts < 9.2e18)) return bad(pw, "timestamp out of range");
      d.points.push_back({p[1].get<double>(), static_cast<int64_t>(ts)});
    }
  }
  return Status::ok();
}

Status readV2Series(const json& s, const std::string& where, DecodedSeries& d) {
  for (auto st : {readJsonString(s, "metric", where, d.metric), readJsonString(s, "unit", where, d.unit),
                  readJsonString(s, "source_type_name", where, d.source_type_name),
                  readJsonInt(s, "interval", where, d.interval), readJsonStrings(s, "tags", where, d.tags),
                  readOrigin(s, where, d.origin)}) {
    if (!st.isOk()) return st;
  }
  if (const json* t = jsonField(s, "type")) {
    // The API clients send the MetricIntakeType number; names are accepted too.
    if (t->is_number_integer()) {
      d.type = t->get<int>();
    } else if (t->is_string()) {
      int v = seriesTypeFromName(t->get<std::string>());
      if (v < 0) return bad(where + ".type", "unknown metric type \"" + t->get<std::string>() + "\"");
      d.type = v;
    } else {
      return bad(where + ".type", "expected an integer");
    }
  }
  if (const json* res = jsonField(s, "resources")) {
    if (!res->is_array()) return bad(where + ".resources", "expected an array");
    for (size_t j = 0; j < res->size(); ++j) {
      const json& r = (*res)[j];
      std::string rw = at(where + ".resources", j);
      if (!r.is_object()) return bad(rw, "expected an object");
      DecodedResource dr;
      if (auto st = readJsonString(r, "type", rw, dr.type); !st.isOk()) return st;
      if (auto st = readJsonString(r, "name", rw, dr.name); !st.isOk()) return st;
      d.resources.push_back(std::move(dr));
    }
  }
  if (const json* points = jsonField(s, "points")) {
    if (!points->is_array()) return bad(where + ".points", "expected an array");
    d.points.reserve(points->size());
    for (size_t j = 0; j < points->size(); ++j) {
      const json& p = (*points)[j];
      std::string pw = at(where + ".points", j);
      if (!p.is_object()) return bad(pw, "expected {\"timestamp\": ..., \"value\": ...}");
      DecodedPoint dp;
      if (auto st = readJsonInt(p, "timestamp", pw, dp.timestamp); !st.isOk()) return st;
      if (const json* v = jsonField(p, "value")) {
        if (!v->is_number()) return bad(pw + ".value", "expected a number");
        dp.value = v->get<double>();
      }
      d.points.push_back(dp);
    }
  }
  return Status::ok();
}

// {"series":[...]}: the envelope both JSON forms share.
Result<std::vector<DecodedSeries>> decodeSeriesDocument(std::string_view body, const char* what,
                                                        std::vector<DecodeNote>& notes, SeriesReader read) {
  std::vector<DecodedSeries> out;
  // agent fakeintake behaviour: a body of exactly "{}" means "no series".
  if (body == "{}") return out;
  auto doc = parseJsonBody(body, what, notes);
  if (!doc.isOk()) return doc.status();
  if (!doc->is_object()) return bad(what, "expected a JSON object with a \"series\" array");
  const json* series = jsonField(*doc, "series");
  if (!series) return out;
  if (!series->is_array()) return bad("series", "expected an array");
  out.reserve(series->size());
  for (size_t i = 0; i < series->size(); ++i) {
    const json& s = (*series)[i];
    std::string where = at("series", i);
    if (!s.is_object()) return bad(where, "expected an object");
    DecodedSeries d;
    if (auto st = read(s, where, d); !st.isOk()) return st;
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

Result<std::vector<DecodedSeries>> decodeSeriesV1Json(std::string_view body,
                                                      std::vector<DecodeNote>& notes) {
  return decodeSeriesDocument(body, "v1 series payload", notes, readV1Series);
}

Result<std::vector<DecodedSeries>> decodeSeriesV2Json(std::string_view body,
                                                      std::vector<DecodeNote>& notes) {
  return decodeSeriesDocument(body, "v2 series JSON payload", notes, readV2Series);
}

}  // namespace ddsim::fakeintake
