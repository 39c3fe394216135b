#include "core/config/agent_config.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace ddsim::config {

using common::Result;
using common::Status;
using nlohmann::json;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string describe(const json& v) {
  // A value read from a file may hold invalid UTF-8: shown with U+FFFD, never thrown.
  std::string d = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (d.size() > 60) d = d.substr(0, 57) + "...";
  return d;
}

Status typeError(const KeySpec& spec, const json& v, std::string_view extra = {}) {
  std::string msg = std::string(spec.name) + ": expected " + std::string(keyTypeName(spec.type));
  if (!extra.empty()) msg += " (" + std::string(extra) + ")";
  msg += ", got " + describe(v);
  return common::invalidArgument(msg);
}

Result<bool> parseBool(std::string_view s) {
  std::string l = lower(s);
  if (l == "true" || l == "yes" || l == "on" || l == "1" || l == "t") return true;
  if (l == "false" || l == "no" || l == "off" || l == "0" || l == "f") return false;
  return common::invalidArgument("not a boolean");
}

std::vector<std::string> splitFields(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

}  // namespace

Result<double> parseDurationSeconds(std::string_view text) {
  std::string s(text);
  // Plain number: seconds.
  {
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size() && errno == 0 && std::isfinite(v)) {
      if (v < 0) return common::invalidArgument("negative duration '" + s + "'");
      return v;
    }
  }
  // Go-style: sequence of <number><unit>, units ns us ms s m h.
  double total = 0;
  size_t i = 0;
  if (s.empty()) return common::invalidArgument("empty duration");
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == start) return common::invalidArgument("bad duration '" + s + "' (e.g. 30, \"30s\", \"1m30s\", \"25h\")");
    double num = std::strtod(s.substr(start, i - start).c_str(), nullptr);
    size_t ustart = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    std::string unit = s.substr(ustart, i - ustart);
    double mult;
    if (unit == "h") mult = 3600;
    else if (unit == "m") mult = 60;
    else if (unit == "s") mult = 1;
    else if (unit == "ms") mult = 1e-3;
    else if (unit == "us" || unit == "µs") mult = 1e-6;
    else if (unit == "ns") mult = 1e-9;
    else return common::invalidArgument("bad duration unit '" + unit + "' in '" + s + "' (use h, m, s, ms, us, ns)");
    total += num * mult;
  }
  return total;
}

Result<json> coerceValue(const KeySpec& spec, const json& v) {
  if (v.is_null()) return json(nullptr);
  switch (spec.type) {
    case KeyType::kBool:
      if (v.is_boolean()) return v;
      if (v.is_number_integer()) return json(v.get<int64_t>() != 0);
      if (v.is_string()) {
        auto b = parseBool(v.get<std::string>());
        if (b.isOk()) return json(*b);
      }
      return typeError(spec, v, "true or false");
    case KeyType::kInt:
      if (v.is_number_integer()) return v;
      if (v.is_number_float()) {
        double d = v.get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e18) return json(static_cast<int64_t>(d));
        return typeError(spec, v, "a whole number");
      }
      if (v.is_string()) {
        const std::string s = v.get<std::string>();
        char* end = nullptr;
        errno = 0;
        long long n = std::strtoll(s.c_str(), &end, 10);
        if (!s.empty() && end == s.c_str() + s.size() && errno == 0) return json(static_cast<int64_t>(n));
      }
      return typeError(spec, v);
    case KeyType::kFloat:
      if (v.is_number()) return json(v.get<double>());
      if (v.is_string()) {
        const std::string s = v.get<std::string>();
        char* end = nullptr;
        double d = std::strtod(s.c_str(), &end);
        if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(d)) return json(d);
      }
      return typeError(spec, v);
    case KeyType::kString:
      if (v.is_string()) return v;
      if (v.is_number() || v.is_boolean()) return json(v.dump());
      return typeError(spec, v);
    case KeyType::kStringList: {
      if (v.is_string()) {
        const std::string s = v.get<std::string>();
        // The agent accepts a JSON array in a string as well as space-separated words.
        if (!s.empty() && s.front() == '[') {
          json parsed = json::parse(s, nullptr, false);
          if (!parsed.is_discarded()) return coerceValue(spec, parsed);
        }
        return json(splitFields(s));
      }
      if (!v.is_array()) return typeError(spec, v);
      json out = json::array();
      for (const auto& e : v) {
        if (e.is_string()) out.push_back(e);
        else if (e.is_number() || e.is_boolean()) out.push_back(e.dump());
        else return typeError(spec, v, "every element a string");
      }
      return out;
    }
    case KeyType::kDuration: {
      if (v.is_number()) {
        double d = v.get<double>();
        if (!std::isfinite(d) || d < 0) return typeError(spec, v, "a non-negative number of seconds");
        return json(d);
      }
      if (v.is_string()) {
        auto d = parseDurationSeconds(v.get<std::string>());
        if (d.isOk()) return json(*d);
        return common::invalidArgument(std::string(spec.name) + ": " + d.status().message());
      }
      return typeError(spec, v, "seconds or a string like \"30s\"");
    }
    case KeyType::kMap:
      if (v.is_object()) return v;
      if (v.is_string()) {
        json parsed = json::parse(v.get<std::string>(), nullptr, false);
        if (!parsed.is_discarded() && parsed.is_object()) return parsed;
      }
      return typeError(spec, v, "a mapping, or a JSON object in a string");
  }
  return typeError(spec, v);
}

Status AgentConfig::set(std::string_view key, const json& value, std::string_view source) {
  const KeySpec* spec = findKey(key);
  if (!spec) {
    return common::invalidArgument(std::string(source) + ": unknown agent config key '" + std::string(key) + "'");
  }
  auto coerced = coerceValue(*spec, value);
  if (!coerced.isOk()) {
    return common::invalidArgument(std::string(source) + ": " + coerced.status().message());
  }
  auto it = values_.find(key);
  if (it == values_.end()) {
    values_.emplace(std::string(key), Entry{std::move(coerced).value(), std::string(source)});
  } else {
    it->second = Entry{std::move(coerced).value(), std::string(source)};
  }
  return Status::ok();
}

Status AgentConfig::setFromString(std::string_view key, std::string_view text, std::string_view source) {
  return set(key, json(std::string(text)), source);
}

bool AgentConfig::has(std::string_view key) const { return !get(key).is_null(); }

const json& AgentConfig::get(std::string_view key) const {
  auto it = values_.find(key);
  if (it != values_.end()) return it->second.value;
  const KeySpec* spec = findKey(key);
  assert(spec && "unknown config key read by the program");
  static const json kNull;
  return spec ? spec->default_value : kNull;
}

bool AgentConfig::getBool(std::string_view key) const {
  const json& v = get(key);
  return v.is_boolean() ? v.get<bool>() : false;
}

int64_t AgentConfig::getInt(std::string_view key) const {
  const json& v = get(key);
  return v.is_number() ? v.get<int64_t>() : 0;
}

double AgentConfig::getFloat(std::string_view key) const {
  const json& v = get(key);
  return v.is_number() ? v.get<double>() : 0.0;
}

std::string AgentConfig::getString(std::string_view key) const {
  const json& v = get(key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::vector<std::string> AgentConfig::getStringList(std::string_view key) const {
  const json& v = get(key);
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const auto& e : v) out.push_back(e.get<std::string>());
  }
  return out;
}

double AgentConfig::getDurationSeconds(std::string_view key) const { return getFloat(key); }

std::string AgentConfig::sourceOf(std::string_view key) const {
  auto it = values_.find(key);
  return it == values_.end() ? "default" : it->second.source;
}

json AgentConfig::effective() const {
  json out = json::object();
  for (const auto& spec : allKeys()) {
    out[std::string(spec.name)] = get(spec.name);
  }
  return out;
}

Status applyEnvironment(AgentConfig& cfg, const EnvLookup& getenv_fn) {
  for (const auto& spec : allKeys()) {
    const std::string var = envVarName(spec.name);
    if (var.empty()) continue;  // no environment variable for this key
    const char* v = getenv_fn ? getenv_fn(var.c_str()) : std::getenv(var.c_str());
    if (v == nullptr) continue;
    if (auto st = cfg.setFromString(spec.name, v, "environment variable " + var); !st.isOk()) return st;
  }
  return Status::ok();
}

}  // namespace ddsim::config
