#include "fakeintake/handler/control_api.h"

#include <charconv>
#include <set>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "fakeintake/core/base64.h"
#include "fakeintake/core/time_format.h"
#include "fakeintake/decoders/decoded_json.h"
#include "fakeintake/handler/intake_handler.h"
#include "fakeintake/handler/prometheus.h"
#include "fakeintake/properties/property_checker.h"

namespace ddsim::fakeintake {

using nlohmann::json;

namespace {

IntakeResponse respond(int status, std::string body, std::string_view content_type) {
  IntakeResponse r;
  r.status = status;
  r.body = std::move(body);
  if (!content_type.empty()) r.headers.set("Content-Type", std::string(content_type));
  return r;
}

IntakeResponse jsonOk(const json& j) { return respond(200, j.dump(-1, ' ', false, json::error_handler_t::replace), "application/json"); }

IntakeResponse jsonError(int status, std::string_view message) {
  return respond(status, json{{"errors", json::array({message})}}.dump(-1, ' ', false, json::error_handler_t::replace),
                 "application/json");
}

std::optional<uint64_t> parseUint(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Reads cursor=, since=, limit= (shared by payloads and violations). Error text or "".
std::string readWindow(const IntakeRequest& req, PayloadQuery& q) {
  if (auto c = queryParam(req.query, "cursor")) {
    auto v = parseUint(*c);
    if (!v) return "cursor must be a non-negative integer (the next_cursor of a previous answer)";
    q.after_id = *v;
  }
  if (auto s = queryParam(req.query, "since")) {
    auto t = parseTimeParam(*s);
    if (!t) return "since must be RFC 3339 (2024-01-02T03:04:05Z) or unix seconds";
    q.since = *t;
  }
  if (auto l = queryParam(req.query, "limit")) {
    auto v = parseUint(*l);
    if (!v) return "limit must be a non-negative integer";
    q.limit = static_cast<size_t>(*v);
  }
  return "";
}

json payloadEnvelope(const StoredPayload& p) {
  json j = json::object();
  j["timestamp"] = formatRfc3339Nano(p.received);
  j["api_key"] = p.api_key;
  j["encoding"] = p.encoding;
  j["content_type"] = p.content_type;
  j["id"] = p.id;
  j["route"] = p.route;
  j["status"] = p.response_status;
  j["size"] = p.raw.size();
  j["uncompressed_size"] = p.uncompressed_size;
  if (!p.decode_error.empty()) j["decode_error"] = p.decode_error;
  j["violations"] = p.violation_count;
  return j;
}

IntakeResponse getPayloads(IntakeHandler& h, const IntakeRequest& req, common::SystemTime now) {
  auto endpoint = queryParam(req.query, "endpoint");
  if (!endpoint || endpoint->empty()) return respond(400, "missing endpoint query parameter", "text/plain");
  PayloadQuery q;
  q.route = std::string(*endpoint);
  if (std::string err = readWindow(req, q); !err.empty()) return jsonError(400, err);
  const bool as_json = queryParam(req.query, "format").value_or("") == "json";
  const bool with_headers = queryParam(req.query, "headers").value_or("") == "true";
  auto payloads = h.store().query(q, now);
  json arr = json::array();
  // One answer stays bounded however much is stored: past max_answer_bytes (estimated) the
  // answer stops early with "truncated": true and the client continues from next_cursor.
  const size_t max_answer = h.options().max_answer_bytes;
  size_t estimate = 0;
  bool truncated = false;
  uint64_t next = q.after_id;
  for (const auto& p : payloads) {
    // A payload decoded again on query (fakeintake --store) costs what its decoded form did.
    const size_t cost = as_json ? 2 * (p->memory_bytes + p->freed_decoded_bytes) : p->raw.size() * 4 / 3 + 512;
    if (!arr.empty() && estimate + cost > max_answer) {
      truncated = true;
      break;
    }
    estimate += cost;
    next = p->id;
    json j = payloadEnvelope(*p);
    if (as_json) {
      if (p->decoded) {
        j["data"] = itemsToJson(p->decoded->items, p->kind);
      } else if (p->freed_decoded_bytes > 0) {
        auto again = decodeStored(*p, h.options().max_decompressed_bytes);
        if (again.isOk()) {
          j["data"] = itemsToJson(again->items, p->kind);
        } else {  // it decoded at ingest: never expected, so said in the answer, counted and logged
          j["data"] = nullptr;
          j["decode_again_error"] = again.status().message();
          h.counters().add("decode_again_errors");
          spdlog::warn("fakeintake: payload {} decoded at ingest but not on query: {}", p->id, again.status().message());
        }
      } else {
        j["data"] = nullptr;
      }
    } else {
      j["data"] = base64Encode(p->raw);
    }
    if (with_headers) {
      json hs = json::array();
      for (const auto& [k, v] : p->headers.entries()) hs.push_back({k, v});
      j["headers"] = hs;
    }
    arr.push_back(std::move(j));
  }
  json answer = {{"payloads", std::move(arr)}, {"next_cursor", next}};
  if (truncated) answer["truncated"] = true;
  return jsonOk(answer);
}

IntakeResponse answerTooLarge(const IntakeHandler& h, std::string_view what, size_t estimate) {
  return jsonError(413, std::string(what) + " answer of about " + std::to_string(estimate) +
                            " bytes, over the limit of " + std::to_string(h.options().max_answer_bytes) +
                            " (max_answer_bytes); flush payloads (/fakeintake/flushPayloads) or raise the limit");
}

json histogramJson(const SizeHistogram& h) {
  json buckets = json::array();
  uint64_t cumulative = 0;
  for (size_t i = 0; i < h.counts.size(); ++i) {
    cumulative += h.counts[i];
    json b = {{"count", h.counts[i]}, {"cumulative", cumulative}};
    if (i < kSizeBucketBounds.size()) {
      b["le"] = kSizeBucketBounds[i];
    } else {
      b["le"] = "+Inf";
    }
    buckets.push_back(std::move(b));
  }
  return json{{"buckets", buckets}, {"sum", h.sum}, {"count", h.count}};
}

IntakeResponse getRouteStats(IntakeHandler& h, common::SystemTime now) {
  h.store().expire(now);
  auto counts = h.store().countsByRoute();
  const auto snapshot = h.routeStats().snapshot();
  // Each route's entry is about 1.5 KiB of JSON plus its name twice: refuse before building.
  size_t estimate = 0;
  for (const auto& [route, s] : snapshot) estimate += 1536 + 2 * route.size();
  if (estimate > h.options().max_answer_bytes) return answerTooLarge(h, "routestats", estimate);
  json routes = json::object();
  for (const auto& [route, s] : snapshot) {
    auto it = counts.find(route);
    json statuses = json::object();
    for (const auto& [code, n] : s.status_counts) statuses[std::to_string(code)] = n;
    routes[route] = {{"id", route},
                     {"count", it == counts.end() ? 0 : it->second},
                     {"requests", s.requests},
                     {"bytes_compressed", s.bytes_compressed},
                     {"bytes_uncompressed", s.bytes_uncompressed},
                     {"decode_errors", s.decode_errors},
                     {"violations", s.violations},
                     {"faults", s.faults},
                     {"status_counts", statuses},
                     {"size_histogram", histogramJson(s.compressed_sizes)},
                     {"uncompressed_size_histogram", histogramJson(s.uncompressed_sizes)}};
  }
  return jsonOk(json{{"routes", routes}});
}

IntakeResponse configureOverride(IntakeHandler& h, const IntakeRequest& req) {
  if (req.method == "DELETE") {
    h.faults().clearOverrides();
    return respond(200, "", "");
  }
  if (req.method != "POST") return jsonError(400, "invalid request method " + req.method);
  json j;
  try {
    j = json::parse(req.body);
  } catch (const std::exception& e) {
    return jsonError(400, std::string("override is not valid JSON: ") + e.what());
  }
  if (!j.is_object()) return jsonError(400, "override: expected a JSON object");
  ResponseOverride o;
  try {
    o.endpoint = j.value("endpoint", "");
    o.method = j.value("method", "");
    o.status_code = j.value("status_code", 0);
    o.content_type = j.value("content_type", "");
    std::string body = j.contains("body") && j["body"].is_string() ? j["body"].get<std::string>() : "";
    auto decoded = base64Decode(body);
    if (!decoded) return jsonError(400, "override.body: expected base64 (Go []byte JSON)");
    o.body = std::move(*decoded);
  } catch (const std::exception& e) {
    return jsonError(400, std::string("override: ") + e.what());
  }
  if (o.endpoint.empty()) return jsonError(400, "override.endpoint is required");
  if (o.method.empty()) o.method = "POST";  // agent fakeintake default
  // agent fakeintake behaviour: an override for a method that is not an HTTP method is a 400.
  static const std::set<std::string> kMethods = {"GET", "HEAD", "POST", "PUT", "PATCH",
                                                 "DELETE", "CONNECT", "OPTIONS", "TRACE"};
  if (kMethods.count(o.method) == 0) return jsonError(400, "override.method \"" + o.method + "\" is not an HTTP method");
  if (o.status_code < 100 || o.status_code > 599) return jsonError(400, "override.status_code must be 100..599");
  const ControlLimits& limits = h.options().control;
  for (const auto& [field, text] : {std::pair<const char*, const std::string*>{"endpoint", &o.endpoint},
                                    {"content_type", &o.content_type}, {"body", &o.body}}) {
    if (text->size() > limits.max_text_bytes) {
      return jsonError(400, std::string("override.") + field + " is " + std::to_string(text->size()) +
                                " bytes, over the limit of " + std::to_string(limits.max_text_bytes));
    }
  }
  if (!h.faults().setOverrideWithin(std::move(o), limits.max_overrides)) {
    return jsonError(400, "too many response overrides: the limit is " + std::to_string(limits.max_overrides));
  }
  return respond(200, "", "");
}

IntakeResponse faultsEndpoint(IntakeHandler& h, const IntakeRequest& req, common::SystemTime now) {
  if (req.method == "GET") return jsonOk(h.faults().stateJson(now));
  if (req.method == "DELETE") {
    h.faults().clearRules();
    return jsonOk(h.faults().stateJson(now));
  }
  if (req.method != "POST" && req.method != "PUT") return jsonError(405, "use GET, POST, PUT or DELETE");
  std::string mode = "replace";
  if (auto m = queryParam(req.query, "mode")) mode = std::string(*m);
  try {
    json doc = json::parse(req.body);
    if (doc.is_object() && doc.contains("mode") && doc["mode"].is_string()) mode = doc["mode"].get<std::string>();
  } catch (const std::exception&) {
    // reported by parseFaultRules below
  }
  if (mode != "replace" && mode != "append") return jsonError(400, "mode must be replace or append");
  auto rules = parseFaultRules(req.body);
  if (!rules.isOk()) return jsonError(400, rules.status().message());
  const ControlLimits& limits = h.options().control;
  for (size_t i = 0; i < rules->size(); ++i) {
    const FaultRule& r = (*rules)[i];
    for (const auto& [field, text] : {std::pair<const char*, const std::string*>{"id", &r.id}, {"route", &r.route},
                                      {"method", &r.method}, {"body", &r.body}, {"content_type", &r.content_type}}) {
      if (text->size() > limits.max_text_bytes) {
        return jsonError(400, "rules[" + std::to_string(i) + "]." + field + " is " + std::to_string(text->size()) +
                                  " bytes, over the limit of " + std::to_string(limits.max_text_bytes));
      }
    }
  }
  const size_t n = rules->size();
  const bool ok = mode == "append" ? h.faults().appendRulesWithin(std::move(rules).value(), now, limits.max_fault_rules)
                                   : h.faults().setRulesWithin(std::move(rules).value(), now, limits.max_fault_rules);
  if (!ok) {
    return jsonError(400, "too many fault rules: " + std::to_string(n) + (mode == "append" ? " more than the " +
                          std::to_string(h.faults().ruleCount()) + " installed" : std::string()) +
                          " would exceed the limit of " + std::to_string(limits.max_fault_rules));
  }
  return jsonOk(h.faults().stateJson(now));
}

IntakeResponse violationsEndpoint(IntakeHandler& h, const IntakeRequest& req, common::SystemTime now) {
  PayloadQuery q;
  if (std::string err = readWindow(req, q); !err.empty()) return jsonError(400, err);
  auto route = queryParam(req.query, "route");
  auto property = queryParam(req.query, "property");
  std::vector<StoredPayloadPtr> payloads;
  if (route) {
    q.route = std::string(*route);
    size_t limit = q.limit;
    q.limit = 0;
    payloads = h.store().query(q, now);
    q.limit = limit;
  } else {
    payloads = h.store().all(q.after_id, now);
  }
  json list = json::array();
  uint64_t next = q.after_id;
  for (const auto& p : payloads) {
    if (q.since && p->received < *q.since) continue;
    for (const auto& v : p->violations) {
      if (property && v.property != *property) continue;
      list.push_back({{"payload_id", p->id},
                      {"route", p->route},
                      {"timestamp", formatRfc3339Nano(p->received)},
                      {"property", v.property},
                      {"message", v.message}});
    }
    next = p->id;
    if (q.limit > 0 && list.size() >= q.limit) break;
    if (list.size() >= h.options().control.max_violations_per_answer) break;  // continue from next_cursor
  }
  json counts = json::object();
  for (const auto& [name, n] : h.counters().snapshot()) {
    if (name.rfind("violations.", 0) == 0) counts[name.substr(11)] = n;
  }
  return jsonOk(json{{"violations", list}, {"counts", counts}, {"next_cursor", next}});
}

IntakeResponse apiKeysEndpoint(IntakeHandler& h, const IntakeRequest& req) {
  if (req.method == "GET") {
    auto [count, enforce] = h.apiKeyPolicy();
    return jsonOk(json{{"valid_key_count", count}, {"accept_all", count == 0}, {"enforce_on_intake", enforce}});
  }
  if (req.method != "POST") return jsonError(405, "use GET or POST");
  try {
    json j = json::parse(req.body);
    std::set<std::string> keys;
    if (j.contains("valid_keys")) {
      for (const auto& k : j.at("valid_keys")) keys.insert(k.get<std::string>());
    }
    bool enforce = j.value("enforce_on_intake", false);
    h.setValidApiKeys(std::move(keys), enforce);
  } catch (const std::exception& e) {
    return jsonError(400, std::string("api keys: expected {\"valid_keys\":[...],\"enforce_on_intake\":bool}: ") + e.what());
  }
  return respond(200, "", "");
}

IntakeResponse propertiesEndpoint() {
  json arr = json::array();
  for (const auto& p : propertyCatalog()) {
    arr.push_back({{"id", p.id}, {"name", p.name}, {"description", p.description}});
  }
  return jsonOk(json{{"properties", arr}});
}

IntakeResponse statsEndpoint(IntakeHandler& h) {
  json j = json::object();
  for (const auto& [k, v] : h.telemetry()) j[k] = v;
  j["server_id"] = h.serverId();
  j["last_id"] = h.store().lastId();
  return jsonOk(j);
}

}  // namespace

IntakeResponse handleControl(IntakeHandler& h, const IntakeRequest& req, common::SystemTime now) {
  const std::string& path = req.path;
  const ControlLimits& limits = h.options().control;
  if (req.body.size() > limits.max_request_body_bytes) {
    return jsonError(413, "control request body of " + std::to_string(req.body.size()) + " bytes, over the limit of " +
                              std::to_string(limits.max_request_body_bytes));
  }
  if (path == "/metrics") {
    auto text = renderPrometheus(h, now, h.options().max_answer_bytes);
    if (!text) return answerTooLarge(h, "/metrics", h.options().max_answer_bytes);
    return respond(200, std::move(*text), "text/plain; version=0.0.4");
  }
  if (path == "/fakeintake/health") return respond(200, "", "");
  if (path == "/fakeintake/payloads" || path == "/fakeintake/payloads/") return getPayloads(h, req, now);
  if (path == "/fakeintake/routestats") return getRouteStats(h, now);
  if (path == "/fakeintake/flushPayloads") {
    h.flush();
    return respond(200, "", "");
  }
  if (path == "/fakeintake/configure/override") return configureOverride(h, req);
  if (path == "/fakeintake/faults") return faultsEndpoint(h, req, now);
  if (path == "/fakeintake/violations") return violationsEndpoint(h, req, now);
  if (path == "/fakeintake/configure/apikeys") return apiKeysEndpoint(h, req);
  if (path == "/fakeintake/properties") return propertiesEndpoint();
  if (path == "/fakeintake/stats") return statsEndpoint(h);
  return jsonError(404, "unknown control endpoint " + path);
}

}  // namespace ddsim::fakeintake
