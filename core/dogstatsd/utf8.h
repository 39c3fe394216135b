#pragma once
// UTF-8 validation for the optional strict mode of the parser and its bad-input counters.
#include <string_view>

namespace ddsim::dogstatsd {

// True when every byte is < 0x80 (checked a word at a time): the common, cheap case.
bool isAscii(std::string_view s);
// True when s is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool isValidUtf8(std::string_view s);

}  // namespace ddsim::dogstatsd
