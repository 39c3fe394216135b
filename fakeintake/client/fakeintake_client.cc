#include "fakeintake/client/fakeintake_client.h"

#include <httplib.h>

#include <charconv>
#include <set>

#include "fakeintake/core/base64.h"
#include "fakeintake/core/http_message.h"
#include "fakeintake/decoders/decoded_json.h"

namespace ddsim::fakeintake {

using common::Result;
using common::Status;
using common::StatusCode;
using nlohmann::json;

namespace {
constexpr const char* kSketchRoute = "/api/beta/sketches";
constexpr const char* kCheckRunRoute = "/api/v1/check_run";
constexpr const char* kTraceRoute = "/api/v0.2/traces";
constexpr const char* kStatsRoute = "/api/v0.2/stats";
constexpr const char* kEventRoute = "/intake/";

Status protocolError(const std::string& what) {
  return Status(StatusCode::kDataLoss, "fakeintake answer: " + what);
}
}  // namespace

Result<std::unique_ptr<FakeintakeClient>> FakeintakeClient::create(const std::string& url,
                                                                   ClientOptions options) {
  std::string_view u = url;
  if (u.rfind("http://", 0) != 0) {
    return Status(StatusCode::kInvalidArgument, "fakeintake URL must start with http:// (got \"" + url + "\")");
  }
  u.remove_prefix(7);
  while (!u.empty() && u.back() == '/') u.remove_suffix(1);
  size_t colon = u.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Status(StatusCode::kInvalidArgument, "fakeintake URL needs host:port (got \"" + url + "\")");
  }
  int port = 0;
  auto ps = u.substr(colon + 1);
  auto [p, ec] = std::from_chars(ps.data(), ps.data() + ps.size(), port);
  if (ec != std::errc() || p != ps.data() + ps.size() || port <= 0 || port > 65535) {
    return Status(StatusCode::kInvalidArgument, "fakeintake URL has an invalid port (got \"" + url + "\")");
  }
  return std::unique_ptr<FakeintakeClient>(
      new FakeintakeClient(std::string(u.substr(0, colon)), port, std::move(options)));
}

FakeintakeClient::FakeintakeClient(std::string host, int port, ClientOptions options)
    : http_(std::make_unique<httplib::Client>(host, port)), options_(std::move(options)) {
  auto ms = options_.timeout.count();
  http_->set_connection_timeout(ms / 1000, (ms % 1000) * 1000);
  http_->set_read_timeout(ms / 1000, (ms % 1000) * 1000);
  http_->set_write_timeout(ms / 1000, (ms % 1000) * 1000);
  http_->set_keep_alive(true);
}

FakeintakeClient::~FakeintakeClient() = default;

void FakeintakeClient::resetCaches() {
  cursors_.clear();
  series_.clear();
  sketches_.clear();
  check_runs_.clear();
  events_.clear();
  traces_.clear();
  stats_.clear();
}

Result<FakeintakeClient::Response> FakeintakeClient::request(const std::string& method,
                                                             const std::string& path,
                                                             const std::string& body,
                                                             const std::string& content_type) {
  httplib::Headers headers = {{"Accept-Encoding", "gzip"}};
  if (method != "GET" && method != "POST" && method != "DELETE") {
    return Status(StatusCode::kInvalidArgument, "unsupported method " + method);
  }
  httplib::Result res = method == "GET"    ? http_->Get(path.c_str(), headers)
                        : method == "POST" ? http_->Post(path.c_str(), headers, body, content_type.c_str())
                                           : http_->Delete(path.c_str(), headers);
  if (!res) {
    return Status(StatusCode::kUnavailable,
                  method + " " + path + ": " + httplib::to_string(res.error()));
  }
  std::string id = res->get_header_value(std::string(kFakeintakeIdHeader).c_str());
  if (!id.empty()) {
    if (!server_id_.empty() && id != server_id_) {
      if (options_.strict_server_id) {
        server_id_ = id;
        resetCaches();
        return Status(StatusCode::kFailedPrecondition,
                      "the fakeintake restarted (Fakeintake-ID changed); stored payloads are gone");
      }
      resetCaches();
    }
    server_id_ = id;
  }
  return Response{res->status, res->body};
}

Result<json> FakeintakeClient::getJson(const std::string& path) {
  auto r = request("GET", path);
  if (!r.isOk()) return r.status();
  if (r->status != 200) {
    return Status(StatusCode::kUnavailable, "GET " + path + " answered " + std::to_string(r->status) + ": " + r->body);
  }
  try {
    return json::parse(r->body);
  } catch (const std::exception& e) {
    return protocolError(std::string("invalid JSON from ") + path + ": " + e.what());
  }
}

Status FakeintakeClient::health() {
  auto r = request("GET", "/fakeintake/health");
  if (!r.isOk()) return r.status();
  if (r->status != 200) return Status(StatusCode::kUnavailable, "health answered " + std::to_string(r->status));
  return Status::ok();
}

template <typename T>
Status FakeintakeClient::refresh(const std::string& route, std::vector<T>& cache,
                                 Result<T> (*from_json)(const json&)) {
  uint64_t& cursor = cursors_[route];
  // The server pages large answers ("truncated"): keep asking from next_cursor.
  for (bool more = true; more;) {
    auto doc = getJson("/fakeintake/payloads?format=json&endpoint=" + percentEncode(route) +
                       "&cursor=" + std::to_string(cursor));
    if (!doc.isOk()) return doc.status();
    const json& payloads = (*doc)["payloads"];
    if (!payloads.is_array()) return protocolError("payloads is not an array");
    for (const auto& p : payloads) {
      auto data = p.find("data");
      if (data == p.end() || !data->is_array()) continue;  // undecodable or generic body
      for (const auto& item : *data) {
        auto v = from_json(item);
        if (!v.isOk()) return protocolError(v.status().message());
        cache.push_back(std::move(v).value());
      }
    }
    if (auto next = doc->find("next_cursor"); next != doc->end() && next->is_number_unsigned()) {
      cursor = next->get<uint64_t>();
    }
    more = doc->value("truncated", false) && !payloads.empty();
  }
  return Status::ok();
}

Result<std::vector<DecodedSeries>> FakeintakeClient::filterMetrics(const MetricFilter& filter) {
  auto compiled = CompiledMetricFilter::compile(filter);
  if (!compiled.isOk()) return compiled.status();
  std::vector<DecodedSeries> out;
  for (const auto& route : options_.series_routes) {
    if (auto s = refresh(route, series_[route], &seriesFromJson); !s.isOk()) return s;
    for (const auto& s : series_[route]) {
      if (compiled->matches(s)) out.push_back(s);
    }
  }
  return out;
}

Result<std::vector<std::string>> FakeintakeClient::metricNames() {
  std::set<std::string> names;
  for (const auto& route : options_.series_routes) {
    if (auto s = refresh(route, series_[route], &seriesFromJson); !s.isOk()) return s;
    for (const auto& s : series_[route]) names.insert(s.metric);
  }
  return std::vector<std::string>(names.begin(), names.end());
}

Result<std::vector<DecodedCheckRun>> FakeintakeClient::checkRuns(const std::string& name) {
  if (auto s = refresh(kCheckRunRoute, check_runs_, &checkRunFromJson); !s.isOk()) return s;
  std::vector<DecodedCheckRun> out;
  for (const auto& c : check_runs_) {
    if (name.empty() || c.check == name) out.push_back(c);
  }
  return out;
}

Result<std::vector<DecodedEvent>> FakeintakeClient::events(const std::string& source) {
  if (auto s = refresh(kEventRoute, events_, &eventFromJson); !s.isOk()) return s;
  std::vector<DecodedEvent> out;
  for (const auto& e : events_) {
    if (source.empty() || e.source == source) out.push_back(e);
  }
  return out;
}

Result<std::vector<DecodedSketch>> FakeintakeClient::sketches(const std::string& name) {
  if (auto s = refresh(kSketchRoute, sketches_, &sketchFromJson); !s.isOk()) return s;
  std::vector<DecodedSketch> out;
  for (const auto& k : sketches_) {
    if (name.empty() || k.metric == name) out.push_back(k);
  }
  return out;
}

Result<std::vector<DecodedAgentPayload>> FakeintakeClient::traces() {
  if (auto s = refresh(kTraceRoute, traces_, &agentPayloadFromJson); !s.isOk()) return s;
  return traces_;
}

Result<std::vector<DecodedStatsPayload>> FakeintakeClient::stats() {
  if (auto s = refresh(kStatsRoute, stats_, &statsPayloadFromJson); !s.isOk()) return s;
  return stats_;
}

Result<std::map<std::string, RouteStatInfo>> FakeintakeClient::routeStats() {
  auto doc = getJson("/fakeintake/routestats");
  if (!doc.isOk()) return doc.status();
  std::map<std::string, RouteStatInfo> out;
  try {
    for (const auto& [route, s] : doc->at("routes").items()) {
      RouteStatInfo i;
      i.route = route;
      i.count = s.value("count", uint64_t{0});
      i.requests = s.value("requests", uint64_t{0});
      i.bytes_compressed = s.value("bytes_compressed", uint64_t{0});
      i.bytes_uncompressed = s.value("bytes_uncompressed", uint64_t{0});
      i.decode_errors = s.value("decode_errors", uint64_t{0});
      i.violations = s.value("violations", uint64_t{0});
      i.faults = s.value("faults", uint64_t{0});
      if (auto sc = s.find("status_counts"); sc != s.end()) {
        for (const auto& [code, n] : sc->items()) i.status_counts[std::stoi(code)] = n.get<uint64_t>();
      }
      out[route] = std::move(i);
    }
  } catch (const std::exception& e) {
    return protocolError(std::string("routestats: ") + e.what());
  }
  return out;
}

Result<std::vector<RawPayload>> FakeintakeClient::payloads(const std::string& route, uint64_t cursor,
                                                           uint64_t* next_cursor) {
  auto doc = getJson("/fakeintake/payloads?endpoint=" + percentEncode(route) + "&cursor=" + std::to_string(cursor));
  if (!doc.isOk()) return doc.status();
  std::vector<RawPayload> out;
  try {
    for (const auto& p : doc->at("payloads")) {
      RawPayload r;
      r.id = p.value("id", uint64_t{0});
      r.timestamp = p.value("timestamp", "");
      r.route = p.value("route", "");
      r.encoding = p.value("encoding", "");
      r.content_type = p.value("content_type", "");
      auto data = base64Decode(p.value("data", ""));
      if (!data) return protocolError("payload data is not base64");
      r.data = std::move(*data);
      r.status = p.value("status", 0);
      r.decode_error = p.value("decode_error", "");
      r.violations = p.value("violations", uint64_t{0});
      out.push_back(std::move(r));
    }
    if (next_cursor) *next_cursor = doc->value("next_cursor", cursor);
  } catch (const std::exception& e) {
    return protocolError(std::string("payloads: ") + e.what());
  }
  return out;
}

Result<std::vector<ViolationInfo>> FakeintakeClient::violations(const std::string& route,
                                                                const std::string& property) {
  std::string path = "/fakeintake/violations?";
  if (!route.empty()) path += "route=" + percentEncode(route) + "&";
  if (!property.empty()) path += "property=" + percentEncode(property);
  auto doc = getJson(path);
  if (!doc.isOk()) return doc.status();
  std::vector<ViolationInfo> out;
  try {
    for (const auto& v : doc->at("violations")) {
      out.push_back({v.value("payload_id", uint64_t{0}), v.value("route", ""), v.value("property", ""),
                     v.value("message", "")});
    }
  } catch (const std::exception& e) {
    return protocolError(std::string("violations: ") + e.what());
  }
  return out;
}

Status FakeintakeClient::flush() {
  auto r = request("GET", "/fakeintake/flushPayloads");
  if (!r.isOk()) return r.status();
  if (r->status != 200) return Status(StatusCode::kUnavailable, "flush answered " + std::to_string(r->status));
  resetCaches();
  return Status::ok();
}

Status FakeintakeClient::setFaultsJson(const std::string& body, bool append) {
  auto r = request("POST", std::string("/fakeintake/faults?mode=") + (append ? "append" : "replace"), body);
  if (!r.isOk()) return r.status();
  if (r->status != 200) return Status(StatusCode::kInvalidArgument, "faults rejected: " + r->body);
  return Status::ok();
}

Status FakeintakeClient::setFaults(const std::vector<FaultRule>& rules, bool append) {
  json arr = json::array();
  for (const auto& r : rules) arr.push_back(faultRuleToJson(r));
  return setFaultsJson(json{{"rules", arr}}.dump(), append);
}

Status FakeintakeClient::clearFaults() {
  auto r = request("DELETE", "/fakeintake/faults");
  if (!r.isOk()) return r.status();
  if (r->status != 200) return Status(StatusCode::kUnavailable, "clear faults answered " + std::to_string(r->status));
  return Status::ok();
}

Result<json> FakeintakeClient::faultState() { return getJson("/fakeintake/faults"); }

Status FakeintakeClient::configureOverride(const ResponseOverride& o) {
  json j = {{"endpoint", o.endpoint},
            {"status_code", o.status_code},
            {"content_type", o.content_type},
            {"method", o.method},
            {"body", base64Encode(o.body)}};
  auto r = request("POST", "/fakeintake/configure/override", j.dump());
  if (!r.isOk()) return r.status();
  if (r->status != 200) return Status(StatusCode::kInvalidArgument, "override rejected: " + r->body);
  return Status::ok();
}

Status FakeintakeClient::setValidApiKeys(const std::vector<std::string>& keys, bool enforce_on_intake) {
  json j = {{"valid_keys", keys}, {"enforce_on_intake", enforce_on_intake}};
  auto r = request("POST", "/fakeintake/configure/apikeys", j.dump());
  if (!r.isOk()) return r.status();
  if (r->status != 200) return Status(StatusCode::kInvalidArgument, "api keys rejected: " + r->body);
  return Status::ok();
}

}  // namespace ddsim::fakeintake
