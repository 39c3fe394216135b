#pragma once
// The dashboard's scenario form, Qt-free: the main knobs of a scenario read from its JSON and
// written back into it (the first DogStatsD workload's contexts, rate, tags and metric mix; the
// agent settings for compression, series version, forwarder workers, payload limits and the
// flush interval). Knobs the scenario does not set show the agent's defaults; a knob left at its
// default is not written, so an edited scenario stays as small as the original.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/status.h"
#include "gui/model/dashboard_model.h"

namespace ddsim::gui {

struct ScenarioKnobs {
  bool has_dogstatsd = false;  // the scenario has a DogStatsD workload to edit
  int64_t contexts = 1000;
  double rate_per_second = 1000;  // a constant rate; other profiles show their first rate
  bool rate_is_constant = true;
  int64_t tags_min = 0, tags_max = 0;
  std::map<std::string, double> metric_weights;  // count, gauge, timer, distribution, set, histogram
  std::string compressor = "zstd";
  int64_t compressor_level = 1;
  bool series_v2 = true;
  int64_t forwarder_workers = 1;
  int64_t max_payload_size = 512000;            // the limit of the series route in use
  int64_t max_uncompressed_payload_size = 5242880;
  double flush_interval_seconds = 15;
  double duration_seconds = 60;

  // Reads the knobs of a scenario document; errors name what is malformed.
  static common::Result<ScenarioKnobs> read(const nlohmann::json& scenario);
  // Writes the knobs into `scenario` (changing only what differs from what it says).
  void apply(nlohmann::json& scenario) const;
};

// The payload limits a run had, for the payload-size chart, from its agent overrides.
std::vector<LimitLine> payloadLimits(const nlohmann::json& agent_overrides);

}  // namespace ddsim::gui
