#pragma once
// Names where in a JSON text a parse failed, as a JSON path ("$.workloads[0].contexts"), so a
// scenario that is well-formed JSON but holds an unrepresentable value (a number such as 1e400
// that overflows a double) is reported like every other scenario error.
#include <optional>
#include <string>
#include <string_view>

namespace ddsim::scenario {

struct JsonParseFailure {
  std::string path;     // "$" when the failure is outside any value
  std::string message;  // what the parser said, without its exception prefix
  size_t byte = 0;      // 1-based byte offset of the failure
};

// Parses `text` only to find its first failure; nullopt when it parses.
std::optional<JsonParseFailure> locateJsonParseFailure(std::string_view text);

}  // namespace ddsim::scenario
