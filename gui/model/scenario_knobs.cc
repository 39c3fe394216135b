#include "gui/model/scenario_knobs.h"

#include "core/config/agent_config.h"

namespace ddsim::gui {
namespace {

using nlohmann::json;

// The first DogStatsD workload, or null.
json* dogstatsdWorkload(json& scenario) {
  if (!scenario.contains("workloads") || !scenario["workloads"].is_array()) return nullptr;
  for (auto& w : scenario["workloads"]) {
    if (w.is_object() && w.value("type", "") == "dogstatsd") return &w;
  }
  return nullptr;
}

// The agent settings a scenario gives, over the agent's defaults.
common::Result<config::AgentConfig> agentConfigOf(const json& overrides) {
  config::AgentConfig cfg;
  if (!overrides.is_object()) return common::Status(common::StatusCode::kInvalidArgument, "agent: expected an object");
  for (const auto& [k, v] : overrides.items()) {
    if (auto st = cfg.set(k, v, "scenario"); !st.isOk()) return st;
  }
  return cfg;
}

double seconds(const json& v, double fallback) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    if (auto d = config::parseDurationSeconds(v.get<std::string>()); d.isOk()) return *d;
  }
  return fallback;
}

}  // namespace

common::Result<ScenarioKnobs> ScenarioKnobs::read(const json& scenario) {
  if (!scenario.is_object()) return common::Status(common::StatusCode::kInvalidArgument, "a scenario is a JSON object");
  ScenarioKnobs k;
  k.duration_seconds = seconds(scenario.value("duration", json(60)), 60);
  json copy = scenario;
  if (const json* w = dogstatsdWorkload(copy)) {
    k.has_dogstatsd = true;
    k.contexts = w->value("contexts", int64_t{1000});
    const json rate = w->value("rate", json(1000));
    if (rate.is_number()) {
      k.rate_per_second = rate.get<double>();
    } else if (rate.is_object()) {
      k.rate_is_constant = rate.value("kind", "constant") == "constant";
      k.rate_per_second = rate.value("per_second", rate.value("from", 0.0));
    }
    const json tags = w->value("tags_per_metric", json(0));
    if (tags.is_number_integer()) {
      k.tags_min = k.tags_max = tags.get<int64_t>();
    } else if (tags.is_array() && tags.size() == 2 && tags[0].is_number() && tags[1].is_number()) {
      k.tags_min = tags[0].get<int64_t>();
      k.tags_max = tags[1].get<int64_t>();
    }
    if (w->contains("metric_weights") && (*w)["metric_weights"].is_object()) {
      for (const auto& [name, v] : (*w)["metric_weights"].items()) {
        if (v.is_number()) k.metric_weights[name] = v.get<double>();
      }
    }
  }
  auto cfg = agentConfigOf(scenario.value("agent", json::object()));
  if (!cfg.isOk()) return common::Status(cfg.status().code(), "agent settings: " + cfg.status().message());
  k.compressor = cfg->getString("serializer_compressor_kind");
  k.compressor_level = cfg->getInt("serializer_zstd_compressor_level");
  k.series_v2 = cfg->getBool("use_v2_api.series");
  k.forwarder_workers = cfg->getInt("forwarder_num_workers");
  k.max_payload_size = cfg->getInt(k.series_v2 ? "serializer_max_series_payload_size" : "serializer_max_payload_size");
  k.max_uncompressed_payload_size = cfg->getInt(k.series_v2 ? "serializer_max_series_uncompressed_payload_size"
                                                            : "serializer_max_uncompressed_payload_size");
  k.flush_interval_seconds = cfg->getDurationSeconds("ddsim.flush_interval");
  return k;
}

void ScenarioKnobs::apply(json& scenario) const {
  auto before = read(scenario);
  const ScenarioKnobs old = before.isOk() ? std::move(before).value() : ScenarioKnobs{};
  if (duration_seconds != old.duration_seconds) scenario["duration"] = duration_seconds;
  if (json* w = dogstatsdWorkload(scenario)) {
    if (contexts != old.contexts) (*w)["contexts"] = contexts;
    if (rate_per_second != old.rate_per_second) (*w)["rate"] = {{"kind", "constant"}, {"per_second", rate_per_second}};
    if (tags_min != old.tags_min || tags_max != old.tags_max) (*w)["tags_per_metric"] = {tags_min, tags_max};
    if (metric_weights != old.metric_weights) (*w)["metric_weights"] = metric_weights;
  }
  json& agent = scenario["agent"];
  if (!agent.is_object()) agent = json::object();
  auto set = [&](const char* key, const json& now, const json& was) {
    if (now != was) agent[key] = now;
  };
  set("serializer_compressor_kind", compressor, old.compressor);
  set("serializer_zstd_compressor_level", compressor_level, old.compressor_level);
  set("use_v2_api.series", series_v2, old.series_v2);
  set("forwarder_num_workers", forwarder_workers, old.forwarder_workers);
  set(series_v2 ? "serializer_max_series_payload_size" : "serializer_max_payload_size", max_payload_size,
      old.max_payload_size);
  set(series_v2 ? "serializer_max_series_uncompressed_payload_size" : "serializer_max_uncompressed_payload_size",
      max_uncompressed_payload_size, old.max_uncompressed_payload_size);
  set("ddsim.flush_interval", flush_interval_seconds, old.flush_interval_seconds);
  if (agent.empty()) scenario.erase("agent");
}

std::vector<LimitLine> payloadLimits(const json& agent_overrides) {
  auto cfg = agentConfigOf(agent_overrides.is_object() ? agent_overrides : json::object());
  if (!cfg.isOk()) return {};
  if (cfg->getBool("use_v2_api.series")) {
    return {{"series max compressed", static_cast<double>(cfg->getInt("serializer_max_series_payload_size"))},
            {"series max uncompressed",
             static_cast<double>(cfg->getInt("serializer_max_series_uncompressed_payload_size"))}};
  }
  return {{"max compressed", static_cast<double>(cfg->getInt("serializer_max_payload_size"))},
          {"max uncompressed", static_cast<double>(cfg->getInt("serializer_max_uncompressed_payload_size"))}};
}

}  // namespace ddsim::gui
