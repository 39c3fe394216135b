#include "simulator/scenario/json_reader.h"

#include <algorithm>
#include <cmath>

#include "core/config/agent_config.h"

namespace ddsim::scenario {

using nlohmann::json;

std::string describeJson(const json& v) {
  std::string d = v.dump();
  if (d.size() > 48) d = d.substr(0, 45) + "...";
  return d;
}

ObjectReader::ObjectReader(const json& obj, std::string path, ErrorList& errors)
    : obj_(&obj), path_(std::move(path)), errors_(errors) {
  if (!obj.is_object()) {
    errors_.add(path_, "expected an object, got " + describeJson(obj));
    valid_ = false;
  }
}

bool ObjectReader::has(std::string_view key) { return valid_ && obj_->contains(key); }

const json* ObjectReader::raw(std::string_view key) {
  known_.emplace_back(key);
  if (!valid_) return nullptr;
  auto it = obj_->find(key);
  return it == obj_->end() ? nullptr : &*it;
}

void ObjectReader::error(std::string_view key, std::string message) {
  errors_.add(childPath(key), std::move(message));
}

namespace {
template <typename T>
std::optional<T> missing(ObjectReader& r, std::string_view key, bool required) {
  if (required) r.error(key, "is required");
  return std::nullopt;
}
}  // namespace

std::optional<std::string> ObjectReader::string(std::string_view key, bool required) {
  const json* v = raw(key);
  if (!v) return missing<std::string>(*this, key, required);
  if (!v->is_string()) {
    error(key, "expected a string, got " + describeJson(*v));
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<double> ObjectReader::number(std::string_view key, bool required) {
  const json* v = raw(key);
  if (!v) return missing<double>(*this, key, required);
  if (!v->is_number()) {
    error(key, "expected a number, got " + describeJson(*v));
    return std::nullopt;
  }
  return v->get<double>();
}

std::optional<double> ObjectReader::numberIn(std::string_view key, double min, double max, bool required) {
  auto n = number(key, required);
  if (!n) return n;
  if (!(*n >= min && *n <= max)) {
    error(key, "expected a number in [" + json(min).dump() + ", " + json(max).dump() + "], got " + json(*n).dump());
    return std::nullopt;
  }
  return n;
}

std::optional<int64_t> ObjectReader::integer(std::string_view key, int64_t min, int64_t max, bool required) {
  const json* v = raw(key);
  if (!v) return missing<int64_t>(*this, key, required);
  bool integral = v->is_number_integer() ||
                  (v->is_number_float() && std::floor(v->get<double>()) == v->get<double>() &&
                   std::fabs(v->get<double>()) < 9e18);
  if (!integral) {
    error(key, "expected an integer, got " + describeJson(*v));
    return std::nullopt;
  }
  int64_t n = v->is_number_integer() ? v->get<int64_t>() : static_cast<int64_t>(v->get<double>());
  if (n < min || n > max) {
    error(key, "expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " +
                   std::to_string(n));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> ObjectReader::boolean(std::string_view key, bool required) {
  const json* v = raw(key);
  if (!v) return missing<bool>(*this, key, required);
  if (!v->is_boolean()) {
    error(key, "expected true or false, got " + describeJson(*v));
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<double> ObjectReader::duration(std::string_view key, bool required) {
  const json* v = raw(key);
  if (!v) return missing<double>(*this, key, required);
  if (v->is_number()) {
    double d = v->get<double>();
    if (d < 0 || !std::isfinite(d)) {
      error(key, "expected a non-negative duration, got " + describeJson(*v));
      return std::nullopt;
    }
    return d;
  }
  if (v->is_string()) {
    auto d = config::parseDurationSeconds(v->get<std::string>());
    if (d.isOk()) return *d;
    error(key, d.status().message());
    return std::nullopt;
  }
  error(key, "expected a duration (seconds, or a string like \"90s\", \"15m\"), got " + describeJson(*v));
  return std::nullopt;
}

std::optional<std::string> ObjectReader::oneOf(std::string_view key, std::initializer_list<std::string_view> choices,
                                               bool required) {
  auto s = string(key, required);
  if (!s) return s;
  for (auto c : choices) {
    if (*s == c) return s;
  }
  std::string list;
  for (auto c : choices) {
    if (!list.empty()) list += ", ";
    list += std::string(c);
  }
  error(key, "expected one of " + list + ", got \"" + *s + "\"");
  return std::nullopt;
}

std::optional<std::vector<std::string>> ObjectReader::stringList(std::string_view key, bool required) {
  const json* v = raw(key);
  if (!v) return missing<std::vector<std::string>>(*this, key, required);
  if (!v->is_array()) {
    error(key, "expected a list of strings, got " + describeJson(*v));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      errors_.add(childPath(key) + "[" + std::to_string(i) + "]", "expected a string, got " + describeJson((*v)[i]));
      return std::nullopt;
    }
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

std::optional<std::pair<double, double>> ObjectReader::range(std::string_view key, double lo, double hi, bool required) {
  const json* v = raw(key);
  if (!v) return missing<std::pair<double, double>>(*this, key, required);
  std::pair<double, double> r;
  if (v->is_number()) {
    r = {v->get<double>(), v->get<double>()};
  } else if (v->is_array() && v->size() == 2 && (*v)[0].is_number() && (*v)[1].is_number()) {
    r = {(*v)[0].get<double>(), (*v)[1].get<double>()};
  } else {
    error(key, "expected a number or a [min, max] pair, got " + describeJson(*v));
    return std::nullopt;
  }
  if (r.first > r.second || r.first < lo || r.second > hi) {
    error(key, "expected min <= max within [" + json(lo).dump() + ", " + json(hi).dump() + "], got " + describeJson(*v));
    return std::nullopt;
  }
  return r;
}

void ObjectReader::finish() {
  if (!valid_) return;
  for (auto it = obj_->begin(); it != obj_->end(); ++it) {
    if (std::find(known_.begin(), known_.end(), it.key()) == known_.end()) {
      std::string list;
      std::vector<std::string> sorted = known_;
      std::sort(sorted.begin(), sorted.end());
      sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
      for (const auto& k : sorted) {
        if (!list.empty()) list += ", ";
        list += k;
      }
      errors_.add(childPath(it.key()), "unknown key (expected one of: " + list + ")");
    }
  }
}

}  // namespace ddsim::scenario
