#pragma once
// UTF-8 validation and repair for decoded payload strings. Decoders never reject a payload for
// invalid UTF-8 (the agent's fakeintake decodes it leniently): each maximal invalid sequence
// becomes U+FFFD and the payload gets a Pyld50 violation.
#include <cstddef>
#include <string>
#include <string_view>

namespace ddsim::fakeintake {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool isValidUtf8(std::string_view s);
// Offset of the first invalid byte, or npos when valid.
size_t firstInvalidUtf8(std::string_view s);
// Replaces each maximal invalid subsequence with U+FFFD. Returns the number of replacements.
size_t sanitizeUtf8(std::string& s);

}  // namespace ddsim::fakeintake
