#pragma once
// Parsing JSON request bodies with nlohmann_json at the adapter boundary: exceptions are caught
// and turned into a status with the byte offset; invalid UTF-8 and \u escapes of lone
// surrogates become U+FFFD (Go's encoding/json, which the agent fakeintake uses, does the same)
// with a Pyld50 note; nesting depth and element count
// are bounded before building the DOM so a hostile body cannot blow up memory.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/status.h"
#include "fakeintake/decoders/decoded.h"

namespace ddsim::fakeintake {

inline constexpr int kMaxJsonDepth = 64;
inline constexpr size_t kMaxJsonElements = 2'000'000;

// `what` names the payload in messages ("v1 series payload").
common::Result<nlohmann::json> parseJsonBody(std::string_view body, std::string_view what,
                                             std::vector<DecodeNote>& notes);

// The member `key` of `obj`, or null when absent or JSON null. Never throws.
const nlohmann::json* jsonField(const nlohmann::json& obj, std::string_view key);

// Typed readers for decoders. Absent (or null) members leave `out` unchanged; a member of the
// wrong type is a DataLoss "<where>.<key>: expected ...".
common::Status jsonError(const std::string& where, const std::string& what);
common::Status readJsonString(const nlohmann::json& obj, std::string_view key, const std::string& where,
                              std::string& out);
// Integers, or floats truncated toward zero (Go's int64(float64)); out-of-range is an error.
common::Status readJsonInt(const nlohmann::json& obj, std::string_view key, const std::string& where,
                           int64_t& out);
common::Status readJsonStrings(const nlohmann::json& obj, std::string_view key, const std::string& where,
                               std::vector<std::string>& out);

}  // namespace ddsim::fakeintake
