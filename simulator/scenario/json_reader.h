#pragma once
// Reads a JSON document field by field, collecting errors that name the JSON path
// ("$.workloads[0].rate.kind") and what was expected. Unknown keys are errors too, so a typo
// in a scenario never goes unnoticed. Not thread-safe.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ddsim::scenario {

class ErrorList {
 public:
  void add(std::string path, std::string message) { errors_.push_back(path + ": " + message); }
  bool empty() const { return errors_.empty(); }
  const std::vector<std::string>& all() const { return errors_; }

 private:
  std::vector<std::string> errors_;
};

// A view of one JSON object at `path`. Every accessor records the key as known; finish()
// reports the keys nobody asked for.
class ObjectReader {
 public:
  ObjectReader(const nlohmann::json& obj, std::string path, ErrorList& errors);

  bool valid() const { return valid_; }
  const std::string& path() const { return path_; }
  std::string childPath(std::string_view key) const { return path_ + "." + std::string(key); }
  bool has(std::string_view key);
  // The raw value (marks the key known); nullptr when absent.
  const nlohmann::json* raw(std::string_view key);

  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<double> number(std::string_view key, bool required = false);
  // A number >= min (and <= max when given).
  std::optional<double> numberIn(std::string_view key, double min, double max, bool required = false);
  std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max, bool required = false);
  std::optional<bool> boolean(std::string_view key, bool required = false);
  // Seconds: a number, or a duration string ("90s", "15m", "1h30m").
  std::optional<double> duration(std::string_view key, bool required = false);
  // One of the listed strings.
  std::optional<std::string> oneOf(std::string_view key, std::initializer_list<std::string_view> choices,
                                   bool required = false);
  std::optional<std::vector<std::string>> stringList(std::string_view key, bool required = false);
  // [min, max] pair of numbers (or a single number meaning [n, n]).
  std::optional<std::pair<double, double>> range(std::string_view key, double lo, double hi, bool required = false);

  void error(std::string_view key, std::string message);
  // Reports unknown keys. Call once after reading every field.
  void finish();

 private:
  const nlohmann::json* obj_;
  std::string path_;
  ErrorList& errors_;
  bool valid_ = true;
  std::vector<std::string> known_;
};

std::string describeJson(const nlohmann::json& v);

}  // namespace ddsim::scenario
