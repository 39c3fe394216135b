#pragma once
// Every agent configuration key ddsim understands, with its type and the agent's default
// (spec §10). One table: the YAML loader, the DD_* environment loader, scenario `agent`
// overrides and `ddsim agent --help-config` all read it.
#include <nlohmann/json.hpp>

#include <span>
#include <string_view>

namespace ddsim::config {

enum class KeyType {
  kBool,
  kInt,
  kFloat,
  kString,
  kStringList,  // YAML sequence; from the environment: space-separated (or a JSON array)
  kDuration,    // seconds as a number, or a Go-style duration string "90s", "25h", "1m30s"
  kMap,         // a YAML mapping kept whole (e.g. additional_endpoints: url -> [keys])
};

std::string_view keyTypeName(KeyType t);

struct KeySpec {
  std::string_view name;       // dotted agent key, e.g. "use_v2_api.series"
  KeyType type;
  nlohmann::json default_value;  // null = unset
  std::string_view component;  // which part of the pipeline reads it
  std::string_view help;
  // What a number means: "seconds" (every kDuration: a bare number is seconds), "bytes",
  // "minutes", "packets"...; empty when the value has no unit (flags, names, plain factors).
  std::string_view unit = {};
};

// The whole table, sorted by name.
std::span<const KeySpec> allKeys();
// Looks a key up by its dotted name; nullptr if unknown.
const KeySpec* findKey(std::string_view name);
// The agent's environment-variable rule: "DD_" + upper(key) with '.' -> '_', and apm_config.*
// as DD_APM_* (the agent's explicit bindings for its trace keys); "" for the keys the agent knows
// without a variable (apm_config.trace_writer.*, apm_config.stats_writer.*).
std::string envVarName(std::string_view key);

}  // namespace ddsim::config
