// datadog.yaml loading for AgentConfig (yaml-cpp). yaml-cpp exceptions stop here.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/config/agent_config.h"

namespace ddsim::config {
namespace {

using common::Status;
using nlohmann::json;

std::string where(std::string_view source, const YAML::Mark& m) {
  return std::string(source) + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

// Deeper than any datadog.yaml; a YAML alias that refers to a node containing itself would
// otherwise recurse without end (found by tests/fuzz/datadog_yaml_fuzz.cc).
constexpr int kMaxDepth = 64;

struct TooDeep {
  YAML::Mark mark;
};

// Scalars stay strings: the key's type decides how to read them (coerceValue).
json toJson(const YAML::Node& n, int depth = 0) {
  if (depth > kMaxDepth) throw TooDeep{n.Mark()};
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return n.Scalar();
    case YAML::NodeType::Sequence: {
      json a = json::array();
      for (const auto& e : n) a.push_back(toJson(e, depth + 1));
      return a;
    }
    case YAML::NodeType::Map: {
      json o = json::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = toJson(kv.second, depth + 1);
      return o;
    }
  }
  return nullptr;
}

// Maps in a kMap key keep their scalars as strings; the list values are strings anyway.
Status walk(AgentConfig& cfg, const YAML::Node& node, const std::string& prefix, std::string_view source,
            int depth = 0) {
  if (depth > kMaxDepth) throw TooDeep{node.Mark()};
  for (const auto& kv : node) {
    const std::string name = kv.first.as<std::string>();
    const std::string key = prefix.empty() ? name : prefix + "." + name;
    const KeySpec* spec = findKey(key);
    if (spec) {
      if (auto st = cfg.set(key, toJson(kv.second), where(source, kv.first.Mark())); !st.isOk()) return st;
      continue;
    }
    if (kv.second.IsMap()) {
      if (auto st = walk(cfg, kv.second, key, source, depth + 1); !st.isOk()) return st;
      continue;
    }
    cfg.addWarning(where(source, kv.first.Mark()) + ": unknown key '" + key + "' ignored");
  }
  return Status::ok();
}

}  // namespace

common::Result<std::string> configFilePath(const std::string& path_or_dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path_or_dir, ec)) return path_or_dir;
  // Agent behaviour: `-c DIR` reads DIR/datadog.yaml.
  const std::string file = (std::filesystem::path(path_or_dir) / "datadog.yaml").string();
  if (!std::filesystem::is_regular_file(file, ec)) {
    return common::notFound("directory '" + path_or_dir + "' holds no datadog.yaml (give a datadog.yaml-style file "
                            "or the directory that holds datadog.yaml)");
  }
  return file;
}

Status loadYamlString(AgentConfig& cfg, std::string_view text, std::string_view source_name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return common::invalidArgument(where(source_name, e.mark) + ": invalid YAML: " + e.msg);
  }
  if (root.IsNull()) return Status::ok();
  if (!root.IsMap()) {
    return common::invalidArgument(std::string(source_name) + ": the top level must be a mapping of config keys");
  }
  try {
    return walk(cfg, root, "", source_name);
  } catch (const YAML::Exception& e) {
    return common::invalidArgument(where(source_name, e.mark) + ": " + e.msg);
  } catch (const TooDeep& e) {
    return common::invalidArgument(where(source_name, e.mark) + ": nested more than " + std::to_string(kMaxDepth) +
                                   " levels deep (an alias that refers to itself?)");
  }
}

Status loadYamlFile(AgentConfig& cfg, const std::string& path_or_dir) {
  auto path = configFilePath(path_or_dir);
  if (!path.isOk()) return path.status();
  std::ifstream in(*path, std::ios::binary);
  if (!in) return common::ioError("cannot open config file '" + *path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return loadYamlString(cfg, ss.str(), *path);
}

}  // namespace ddsim::config
