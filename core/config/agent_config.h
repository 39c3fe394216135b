#pragma once
// The agent configuration as ddsim holds it: every key of config_keys.h with its effective
// value and where that value came from (default, a YAML file and line, an environment variable,
// a scenario). Values are validated against the key's type when set, with errors that name the
// source, the key and what was expected. Not thread-safe: build it, then read it.
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"
#include "core/config/config_keys.h"

namespace ddsim::config {

class AgentConfig {
 public:
  AgentConfig() = default;

  // Sets `key` from a JSON value (scenario overrides, parsed YAML). `source` names where the
  // value came from ("scenario steady.json", "datadog.yaml:12:3") and is used in errors.
  // Unknown keys are an InvalidArgument error (callers that must tolerate them, like the YAML
  // loader, check findKey() first and record a warning instead).
  common::Status set(std::string_view key, const nlohmann::json& value, std::string_view source);
  // Sets `key` from text (environment variables, command lines), parsed by the key's type:
  // lists are space-separated or a JSON array, maps are JSON.
  common::Status setFromString(std::string_view key, std::string_view text, std::string_view source);

  // True when the key has a non-null value (set, or a non-null default).
  bool has(std::string_view key) const;
  // The effective value (the default when never set). The key must exist in config_keys.h.
  const nlohmann::json& get(std::string_view key) const;
  bool getBool(std::string_view key) const;
  int64_t getInt(std::string_view key) const;
  double getFloat(std::string_view key) const;
  std::string getString(std::string_view key) const;
  std::vector<std::string> getStringList(std::string_view key) const;
  double getDurationSeconds(std::string_view key) const;
  // "default", or the source given when the value was set.
  std::string sourceOf(std::string_view key) const;

  void addWarning(std::string w) { warnings_.push_back(std::move(w)); }
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Every key with its effective value, for reports and `ddsim agent --print-config`.
  nlohmann::json effective() const;

 private:
  struct Entry {
    nlohmann::json value;
    std::string source;
  };
  std::map<std::string, Entry, std::less<>> values_;
  std::vector<std::string> warnings_;
};

// Converts a JSON value to the key's type, or explains why it cannot. Exposed for tests.
common::Result<nlohmann::json> coerceValue(const KeySpec& spec, const nlohmann::json& value);
// Parses "90", "1.5", "90s", "100ms", "1h30m", "25h" into seconds.
common::Result<double> parseDurationSeconds(std::string_view text);

// Loads a datadog.yaml-style file: nested mappings are flattened into dotted keys
// (use_v2_api: {series: false} -> use_v2_api.series). Unknown keys are kept out of the config
// and listed in warnings() with their line, as the agent ignores them.
// `path` may also be a directory: its datadog.yaml is read, as the agent's `-c DIR` does.
common::Status loadYamlFile(AgentConfig& cfg, const std::string& path);
// The file loadYamlFile reads for `path_or_dir`: the path itself, or DIR/datadog.yaml for a
// directory (NotFound, naming the directory, when it holds none).
common::Result<std::string> configFilePath(const std::string& path_or_dir);
common::Status loadYamlString(AgentConfig& cfg, std::string_view text, std::string_view source_name);

// Applies DD_* environment variables by the agent's naming rule (config_keys.h envVarName).
// `getenv_fn` defaults to std::getenv; tests pass their own.
using EnvLookup = std::function<const char*(const char*)>;
common::Status applyEnvironment(AgentConfig& cfg, const EnvLookup& getenv_fn = {});

}  // namespace ddsim::config
