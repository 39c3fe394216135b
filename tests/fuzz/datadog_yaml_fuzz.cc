// libFuzzer target: arbitrary text as datadog.yaml (core/config). The loader accepts it or
// says why not, never crashes or throws; an accepted file yields the effective configuration
// and the pipeline options (or a clear error for a bad value).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/config/agent_config.h"
#include "core/config/pipeline_options.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ddsim::config::AgentConfig cfg;
  auto st = ddsim::config::loadYamlString(cfg, text, "fuzz.yaml");
  if (!st.isOk()) {
    if (st.message().empty()) std::abort();
    return 0;
  }
  (void)cfg.effective().dump(2, ' ', false, nlohmann::json::error_handler_t::replace);  // as --print-config
  auto options = ddsim::config::pipelineOptions(cfg);
  if (!options.isOk() && options.status().message().empty()) std::abort();
  return 0;
}
