#include "fakeintake/faults/fault_rule.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <nlohmann/json.hpp>

#include "fakeintake/core/time_format.h"

namespace ddsim::fakeintake {

using common::Result;
using common::Status;
using common::StatusCode;
using nlohmann::json;

bool FaultRule::storesPayload() const {
  if (store) return *store;
  if (reset || never_answer) return false;
  return !status || *status < 400;
}

bool FaultRule::matches(std::string_view m, std::string_view path) const {
  if (method != "*" && method != m) return false;
  if (route == "*") return true;
  if (!route.empty() && route.back() == '*') {
    std::string_view prefix(route.data(), route.size() - 1);
    return path.substr(0, prefix.size()) == prefix;
  }
  return path == route;
}

namespace {

Status bad(const std::string& where, const std::string& what) {
  return Status(StatusCode::kInvalidArgument, where + ": " + what);
}

Result<double> number(const json& j, const std::string& where) {
  if (!j.is_number()) return bad(where, "expected a number");
  double v = j.get<double>();
  if (!std::isfinite(v)) return bad(where, "expected a finite number");
  return v;
}

Result<common::SystemTime> timeValue(const json& j, const std::string& where) {
  if (j.is_number()) return common::fromUnixSeconds(j.get<double>());
  if (j.is_string()) {
    if (auto t = parseTimeParam(j.get<std::string>())) return *t;
  }
  return bad(where, "expected unix seconds or an RFC 3339 time");
}

Result<LatencySpec> latencyFromJson(const json& j, const std::string& where) {
  LatencySpec spec;
  if (j.is_number()) {
    auto v = number(j, where);
    if (!v.isOk()) return v.status();
    if (*v < 0) return bad(where, "latency must be >= 0");
    spec.ms = *v;
    return spec;
  }
  if (!j.is_object()) return bad(where, "expected milliseconds or an object");
  std::string dist = "fixed";
  for (const auto& [key, value] : j.items()) {
    std::string w = where + "." + key;
    if (key == "distribution") {
      if (!value.is_string()) return bad(w, "expected a string");
      dist = value.get<std::string>();
      continue;
    }
    auto v = number(value, w);
    if (!v.isOk()) return v.status();
    if (*v < 0) return bad(w, "must be >= 0");
    if (key == "ms" || key == "mean_ms") spec.ms = *v;
    else if (key == "min_ms") spec.min_ms = *v;
    else if (key == "max_ms") spec.max_ms = *v;
    else if (key == "stddev_ms") spec.stddev_ms = *v;
    else return bad(w, "unknown field (expected distribution, ms, mean_ms, min_ms, max_ms, stddev_ms)");
  }
  if (dist == "fixed") spec.distribution = LatencyDistribution::kFixed;
  else if (dist == "uniform") spec.distribution = LatencyDistribution::kUniform;
  else if (dist == "exponential") spec.distribution = LatencyDistribution::kExponential;
  else if (dist == "normal") spec.distribution = LatencyDistribution::kNormal;
  else return bad(where + ".distribution", "unknown \"" + dist + "\" (expected fixed, uniform, exponential or normal)");
  if (spec.distribution == LatencyDistribution::kUniform && spec.max_ms < spec.min_ms) {
    return bad(where, "uniform needs min_ms <= max_ms");
  }
  if (spec.distribution == LatencyDistribution::kExponential && spec.ms <= 0) {
    return bad(where, "exponential needs mean_ms > 0");
  }
  return spec;
}

const char* distributionName(LatencyDistribution d) {
  switch (d) {
    case LatencyDistribution::kFixed: return "fixed";
    case LatencyDistribution::kUniform: return "uniform";
    case LatencyDistribution::kExponential: return "exponential";
    case LatencyDistribution::kNormal: return "normal";
  }
  return "fixed";
}

}  // namespace

Result<FaultRule> faultRuleFromJson(const json& j, const std::string& where) {
  if (!j.is_object()) return bad(where, "expected an object");
  FaultRule r;
  for (const auto& item : j.items()) {
    // Plain references, not a structured binding: clang 14 cannot capture bindings in lambdas.
    const std::string& key = item.key();
    const json& value = item.value();
    const std::string w = where + "." + key;
    auto str = [&](std::string& out) -> Status {
      if (!value.is_string()) return bad(w, "expected a string");
      out = value.get<std::string>();
      return Status::ok();
    };
    auto integer = [&](int64_t lo, int64_t hi) -> Result<int64_t> {
      if (!value.is_number_integer()) return bad(w, "expected an integer");
      int64_t v = value.get<int64_t>();
      if (v < lo || v > hi) return bad(w, "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
      return v;
    };
    auto boolean = [&](bool& out) -> Status {
      if (!value.is_boolean()) return bad(w, "expected true or false");
      out = value.get<bool>();
      return Status::ok();
    };
    auto seconds = [&]() -> Result<common::Duration> {
      auto v = number(value, w);
      if (!v.isOk()) return v.status();
      if (*v < 0) return bad(w, "must be >= 0");
      return common::fromSeconds(*v);
    };
    Status st;
    if (key == "id") st = str(r.id);
    else if (key == "route" || key == "endpoint") st = str(r.route);
    else if (key == "method") {
      st = str(r.method);
      std::transform(r.method.begin(), r.method.end(), r.method.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    } else if (key == "status" || key == "status_code") {
      auto v = integer(100, 599);
      if (!v.isOk()) return v.status();
      r.status = static_cast<int>(*v);
    } else if (key == "body") st = str(r.body);
    else if (key == "content_type") st = str(r.content_type);
    else if (key == "retry_after" || key == "retry_after_s") {
      auto v = integer(0, 86400 * 365);
      if (!v.isOk()) return v.status();
      r.retry_after_s = *v;
    } else if (key == "latency" || key == "latency_ms") {
      auto v = latencyFromJson(value, w);
      if (!v.isOk()) return v.status();
      r.latency = *v;
    } else if (key == "reset") st = boolean(r.reset);
    else if (key == "never_answer") st = boolean(r.never_answer);
    else if (key == "store") {
      bool b = false;
      st = boolean(b);
      r.store = b;
    } else if (key == "probability") {
      auto v = number(value, w);
      if (!v.isOk()) return v.status();
      if (*v < 0 || *v > 1) return bad(w, "must be in [0, 1]");
      r.probability = *v;
    } else if (key == "count") {
      auto v = integer(0, INT64_MAX);
      if (!v.isOk()) return v.status();
      r.count = *v;
    } else if (key == "skip") {
      auto v = integer(0, INT64_MAX);
      if (!v.isOk()) return v.status();
      r.skip = *v;
    } else if (key == "window") {
      if (!value.is_object()) return bad(w, "expected an object");
      for (const auto& [wk, wv] : value.items()) {
        const std::string ww = w + "." + wk;
        if (wk == "start" || wk == "end") {
          auto t = timeValue(wv, ww);
          if (!t.isOk()) return t.status();
          (wk == "start" ? r.window_start : r.window_end) = *t;
        } else if (wk == "start_after_s" || wk == "duration_s") {
          auto v = number(wv, ww);
          if (!v.isOk()) return v.status();
          if (*v < 0) return bad(ww, "must be >= 0");
          (wk == "start_after_s" ? r.start_after : r.duration) = common::fromSeconds(*v);
        } else {
          return bad(ww, "unknown field (expected start, end, start_after_s, duration_s)");
        }
      }
    } else if (key == "start_after_s") {
      auto v = seconds();
      if (!v.isOk()) return v.status();
      r.start_after = *v;
    } else if (key == "duration_s") {
      auto v = seconds();
      if (!v.isOk()) return v.status();
      r.duration = *v;
    } else if (key == "state") {
      continue;  // read-only state echoed by GET; ignored on input
    } else {
      return bad(w, "unknown field");
    }
    if (!st.isOk()) return st;
  }
  if (r.reset && r.never_answer) return bad(where, "reset and never_answer are exclusive");
  if (!r.status && !r.latency && !r.reset && !r.never_answer) {
    return bad(where, "a rule needs an effect: status, latency, reset or never_answer");
  }
  if (r.window_start && r.window_end && *r.window_end < *r.window_start) {
    return bad(where + ".window", "end is before start");
  }
  return r;
}

Result<std::vector<FaultRule>> parseFaultRules(std::string_view json_text) {
  json doc;
  try {
    doc = json::parse(json_text.begin(), json_text.end());
  } catch (const std::exception& e) {
    return Status(StatusCode::kInvalidArgument, std::string("fault rules are not valid JSON: ") + e.what());
  }
  const json* rules = &doc;
  if (doc.is_object() && doc.contains("rules")) rules = &doc["rules"];
  std::vector<FaultRule> out;
  if (rules->is_object()) {
    auto r = faultRuleFromJson(*rules, "rule");
    if (!r.isOk()) return r.status();
    out.push_back(std::move(r).value());
    return out;
  }
  if (!rules->is_array()) return Status(StatusCode::kInvalidArgument, "rules: expected an array of rules");
  for (size_t i = 0; i < rules->size(); ++i) {
    auto r = faultRuleFromJson((*rules)[i], "rules[" + std::to_string(i) + "]");
    if (!r.isOk()) return r.status();
    out.push_back(std::move(r).value());
  }
  return out;
}

json faultRuleToJson(const FaultRule& r) {
  json j;
  if (!r.id.empty()) j["id"] = r.id;
  j["route"] = r.route;
  j["method"] = r.method;
  if (r.status) {
    j["status"] = *r.status;
    j["body"] = r.body;
    j["content_type"] = r.content_type;
  }
  if (r.retry_after_s) j["retry_after"] = *r.retry_after_s;
  if (r.latency) {
    json l;
    l["distribution"] = distributionName(r.latency->distribution);
    l["ms"] = r.latency->ms;
    if (r.latency->min_ms > 0) l["min_ms"] = r.latency->min_ms;
    if (r.latency->max_ms > 0) l["max_ms"] = r.latency->max_ms;
    if (r.latency->stddev_ms > 0) l["stddev_ms"] = r.latency->stddev_ms;
    j["latency"] = l;
  }
  if (r.reset) j["reset"] = true;
  if (r.never_answer) j["never_answer"] = true;
  j["store"] = r.storesPayload();
  j["probability"] = r.probability;
  if (r.count) j["count"] = *r.count;
  if (r.skip) j["skip"] = r.skip;
  if (r.window_start || r.window_end) {
    json w;
    if (r.window_start) w["start"] = formatRfc3339Nano(*r.window_start);
    if (r.window_end) w["end"] = formatRfc3339Nano(*r.window_end);
    j["window"] = w;
  }
  return j;
}

}  // namespace ddsim::fakeintake
