#include "fakeintake/decoders/decoded_json.h"

#include <algorithm>
#include <cmath>

#include "fakeintake/core/utf8.h"

namespace ddsim::fakeintake {

using common::Result;
using common::Status;
using common::StatusCode;
using nlohmann::json;

namespace {

// JSON has no NaN/Inf: they are written as strings so nothing is lost silently.
json number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return v;
}

double numberFrom(const json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "NaN") return std::nan("");
    if (s == "+Inf" || s == "Inf") return INFINITY;
    if (s == "-Inf") return -INFINITY;
  }
  return 0;
}

json originJson(const DecodedOrigin& o, bool v2_names) {
  json origin = json::object();
  if (v2_names) {
    if (o.metric_type) origin["origin_metric_type"] = o.metric_type;
    if (o.product) origin["origin_product"] = o.product;
    if (o.category) origin["origin_category"] = o.category;
    if (o.service) origin["origin_service"] = o.service;
  }
  return json{{"origin", origin}};
}

std::optional<DecodedOrigin> originFrom(const json& j) {
  auto md = j.find("metadata");
  if (md == j.end() || !md->is_object()) return std::nullopt;
  DecodedOrigin o;
  auto origin = md->find("origin");
  if (origin != md->end() && origin->is_object()) {
    o.metric_type = origin->value("origin_metric_type", 0u);
    o.product = origin->value("origin_product", 0u);
    o.category = origin->value("origin_category", 0u);
    o.service = origin->value("origin_service", 0u);
  }
  return o;
}

std::vector<std::string> stringsFrom(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& t : *it) {
    if (t.is_string()) out.push_back(t.get<std::string>());
  }
  return out;
}

template <typename T>
Result<T> guarded(const json& j, const char* what, T (*fn)(const json&)) {
  if (!j.is_object()) return Status(StatusCode::kInvalidArgument, std::string(what) + ": expected an object");
  try {
    return fn(j);
  } catch (const std::exception& e) {
    return Status(StatusCode::kInvalidArgument, std::string(what) + ": " + e.what());
  }
}

}  // namespace

json toJson(const DecodedSeries& s) {
  json j = json::object();
  if (!s.resources.empty()) {
    json res = json::array();
    for (const auto& r : s.resources) {
      json x = json::object();
      if (!r.type.empty()) x["type"] = r.type;
      if (!r.name.empty()) x["name"] = r.name;
      res.push_back(std::move(x));
    }
    j["resources"] = std::move(res);
  }
  if (!s.metric.empty()) j["metric"] = s.metric;
  if (!s.tags.empty()) j["tags"] = s.tags;
  if (!s.points.empty()) {
    json pts = json::array();
    for (const auto& p : s.points) {
      json x = json::object();
      if (p.value != 0 || std::isnan(p.value)) x["value"] = number(p.value);
      if (p.timestamp != 0) x["timestamp"] = p.timestamp;
      pts.push_back(std::move(x));
    }
    j["points"] = std::move(pts);
  }
  if (s.type != 0) j["type"] = s.type;
  if (!s.unit.empty()) j["unit"] = s.unit;
  if (!s.source_type_name.empty()) j["source_type_name"] = s.source_type_name;
  if (s.interval != 0) j["interval"] = s.interval;
  if (s.origin) j["metadata"] = originJson(*s.origin, true);
  return j;
}

json toJson(const DecodedSketch& s) {
  json j = json::object();
  j["metric"] = s.metric;
  if (!s.host.empty()) j["host"] = s.host;
  j["distributions"] = json::array();
  if (!s.tags.empty()) j["tags"] = s.tags;
  json ds = json::array();
  for (const auto& d : s.dogsketches) {
    json x = json::object();
    if (d.ts) x["ts"] = d.ts;
    if (d.cnt) x["cnt"] = d.cnt;
    if (d.min != 0) x["min"] = number(d.min);
    if (d.max != 0) x["max"] = number(d.max);
    if (d.avg != 0) x["avg"] = number(d.avg);
    if (d.sum != 0) x["sum"] = number(d.sum);
    if (!d.k.empty()) x["k"] = d.k;
    if (!d.n.empty()) x["n"] = d.n;
    ds.push_back(std::move(x));
  }
  j["dogsketches"] = std::move(ds);
  if (s.origin) j["metadata"] = originJson(*s.origin, true);
  return j;
}

json toJson(const DecodedCheckRun& c) {
  return json{{"check", c.check},     {"host_name", c.host_name},
              {"timestamp", c.timestamp}, {"status", c.status},
              {"message", c.message}, {"tags", c.tags_null ? json(nullptr) : json(c.tags)}};
}

json toJson(const DecodedEvent& e) {
  json j = json::object();
  j["Source"] = e.source;
  j["msg_title"] = e.title;
  j["msg_text"] = e.text;
  j["timestamp"] = e.timestamp;
  if (!e.priority.empty()) j["priority"] = e.priority;
  j["host"] = e.host;
  if (!e.tags.empty()) j["tags"] = e.tags;
  if (!e.alert_type.empty()) j["alert_type"] = e.alert_type;
  if (!e.aggregation_key.empty()) j["aggregation_key"] = e.aggregation_key;
  if (!e.source_type_name.empty()) j["source_type_name"] = e.source_type_name;
  if (!e.event_type.empty()) j["event_type"] = e.event_type;
  return j;
}

json toJson(const DecodedOrchestratorMessage& m) {
  json j = json::object();
  j["header"] = {{"version", m.version},           {"encoding", m.encoding},
                 {"type", m.type},                 {"subscription_id", m.subscription_id},
                 {"org_id", m.org_id},             {"timestamp", m.header_timestamp}};
  j["type_name"] = m.type_name;
  j["body_bytes"] = m.body_bytes;
  j["body_decoded_bytes"] = m.body_decoded_bytes;
  if (!m.message_name.empty()) j["message"] = m.message_name;
  if (!m.body_json.empty()) {
    try {
      j["body"] = json::parse(m.body_json);
    } catch (const std::exception&) {
      // A body that is not JSON is kept as text; its JSON form must still be valid UTF-8.
      std::string text = m.body_json;
      sanitizeUtf8(text);
      j["body"] = std::move(text);
    }
  }
  return j;
}

json itemsToJson(const DecodedItems& items) {
  return std::visit(
      [](const auto& v) -> json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return json::array();
        } else if constexpr (std::is_same_v<T, DecodedGeneric>) {
          if (v.is_json) {
            try {
              return json::parse(v.text);
            } catch (const std::exception&) {
            }
          }
          // Text as received may hold any bytes (the raw form has them all): the JSON form is
          // valid UTF-8, invalid sequences as U+FFFD.
          std::string text = v.text;
          sanitizeUtf8(text);
          return text;
        } else {
          json arr = json::array();
          for (const auto& item : v) arr.push_back(toJson(item));
          return arr;
        }
      },
      items);
}

json toV1Json(const DecodedSeries& s) {
  json j = json::object();
  j["metric"] = s.metric;
  json pts = json::array();
  for (const auto& p : s.points) pts.push_back(json::array({p.timestamp, number(p.value)}));
  j["points"] = std::move(pts);
  j["tags"] = s.tags;
  j["host"] = std::string(s.host());
  for (const auto& r : s.resources) {
    if (r.type == "device") j["device"] = r.name;
  }
  j["type"] = std::string(seriesTypeName(s.type));
  j["interval"] = s.interval;
  if (!s.source_type_name.empty()) j["source_type_name"] = s.source_type_name;
  if (!s.unit.empty()) j["unit"] = s.unit;
  return j;
}

json itemsToJson(const DecodedItems& items, RouteKind kind) {
  const auto* series = std::get_if<std::vector<DecodedSeries>>(&items);
  if (kind != RouteKind::kSeriesV1 || !series) return itemsToJson(items);
  json arr = json::array();
  for (const auto& s : *series) arr.push_back(toV1Json(s));
  return arr;
}

Result<DecodedSeries> seriesFromJson(const json& j) {
  return guarded<DecodedSeries>(j, "series", [](const json& x) {
    DecodedSeries s;
    if (auto it = x.find("resources"); it != x.end() && it->is_array()) {
      for (const auto& r : *it) s.resources.push_back({r.value("type", ""), r.value("name", "")});
    }
    s.metric = x.value("metric", "");
    s.tags = stringsFrom(x, "tags");
    // The v1 shape (host, device, points [[ts, v]], type as text) is read too.
    for (const char* key : {"host", "device"}) {
      if (auto it = x.find(key); it != x.end() && it->is_string() && !it->get<std::string>().empty()) {
        s.resources.push_back({key, it->get<std::string>()});
      }
    }
    if (auto it = x.find("points"); it != x.end() && it->is_array()) {
      for (const auto& p : *it) {
        DecodedPoint dp;
        if (p.is_array() && p.size() == 2) {
          dp.timestamp = p[0].get<int64_t>();
          dp.value = numberFrom(p[1]);
        } else {
          if (auto v = p.find("value"); v != p.end()) dp.value = numberFrom(*v);
          dp.timestamp = p.value("timestamp", int64_t{0});
        }
        s.points.push_back(dp);
      }
    }
    if (auto t = x.find("type"); t != x.end() && t->is_string()) {
      s.type = std::max(0, seriesTypeFromName(t->get<std::string>()));
    } else {
      s.type = x.value("type", 0);
    }
    s.unit = x.value("unit", "");
    s.source_type_name = x.value("source_type_name", "");
    s.interval = x.value("interval", int64_t{0});
    s.origin = originFrom(x);
    return s;
  });
}

Result<DecodedSketch> sketchFromJson(const json& j) {
  return guarded<DecodedSketch>(j, "sketch", [](const json& x) {
    DecodedSketch s;
    s.metric = x.value("metric", "");
    s.host = x.value("host", "");
    s.tags = stringsFrom(x, "tags");
    if (auto it = x.find("dogsketches"); it != x.end() && it->is_array()) {
      for (const auto& d : *it) {
        DecodedDogsketch ds;
        ds.ts = d.value("ts", int64_t{0});
        ds.cnt = d.value("cnt", int64_t{0});
        if (auto v = d.find("min"); v != d.end()) ds.min = numberFrom(*v);
        if (auto v = d.find("max"); v != d.end()) ds.max = numberFrom(*v);
        if (auto v = d.find("avg"); v != d.end()) ds.avg = numberFrom(*v);
        if (auto v = d.find("sum"); v != d.end()) ds.sum = numberFrom(*v);
        if (auto v = d.find("k"); v != d.end() && v->is_array()) ds.k = v->get<std::vector<int32_t>>();
        if (auto v = d.find("n"); v != d.end() && v->is_array()) ds.n = v->get<std::vector<uint32_t>>();
        s.dogsketches.push_back(std::move(ds));
      }
    }
    s.origin = originFrom(x);
    return s;
  });
}

Result<DecodedCheckRun> checkRunFromJson(const json& j) {
  return guarded<DecodedCheckRun>(j, "check run", [](const json& x) {
    DecodedCheckRun c;
    c.check = x.value("check", "");
    c.host_name = x.value("host_name", "");
    c.timestamp = x.value("timestamp", int64_t{0});
    c.status = x.value("status", 0);
    c.message = x.value("message", "");
    auto tags = x.find("tags");
    c.tags_null = tags == x.end() || tags->is_null();
    c.tags = stringsFrom(x, "tags");
    return c;
  });
}

Result<DecodedEvent> eventFromJson(const json& j) {
  return guarded<DecodedEvent>(j, "event", [](const json& x) {
    DecodedEvent e;
    e.source = x.value("Source", "");
    e.title = x.value("msg_title", "");
    e.text = x.value("msg_text", "");
    e.timestamp = x.value("timestamp", int64_t{0});
    e.priority = x.value("priority", "");
    e.host = x.value("host", "");
    e.tags = stringsFrom(x, "tags");
    e.alert_type = x.value("alert_type", "");
    e.aggregation_key = x.value("aggregation_key", "");
    e.source_type_name = x.value("source_type_name", "");
    e.event_type = x.value("event_type", "");
    return e;
  });
}

}  // namespace ddsim::fakeintake
