// libFuzzer target: arbitrary text as a scenario file (simulator/scenario). The loader returns
// a scenario or an error naming where, never crashes or throws.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "simulator/scenario/scenario_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto s = ddsim::scenario::parseScenarioText(text, "fuzz.json");
  if (!s.isOk() && s.status().message().empty()) std::abort();
  return 0;
}
