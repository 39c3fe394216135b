// /api/v2/logs as the HTTP logs intake takes it: a JSON array of entries, each an object with at
// least a string "message" (timestamp, hostname, service, ddsource, ddtags, status optional).
#include <nlohmann/json.hpp>

#include "fakeintake/decoders/decoder.h"

namespace ddsim::fakeintake {

common::Result<DecodedGeneric> decodeLogs(std::string body, std::vector<DecodeNote>& /*notes*/) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    return common::invalidArgument(std::string("logs: the body is not JSON: ") + e.what());
  }
  if (!j.is_array()) return common::invalidArgument("logs: the body is not a JSON array of log entries");
  for (size_t i = 0; i < j.size(); ++i) {
    const auto& e = j[i];
    if (!e.is_object()) return common::invalidArgument("logs[" + std::to_string(i) + "]: not an object");
    auto m = e.find("message");
    if (m == e.end() || !m->is_string()) {
      return common::invalidArgument("logs[" + std::to_string(i) + "]: no string \"message\"");
    }
  }
  return DecodedGeneric{std::move(body), true};
}

}  // namespace ddsim::fakeintake
