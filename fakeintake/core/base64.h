#pragma once
// Standard base64 (RFC 4648, with padding), as Go's encoding/json writes []byte fields.
#include <optional>
#include <string>
#include <string_view>

namespace ddsim::fakeintake {

std::string base64Encode(std::string_view data);
// nullopt when `text` is not valid padded or unpadded standard base64.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace ddsim::fakeintake
