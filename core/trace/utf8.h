#pragma once
// UTF-8 helpers that behave as Go's unicode/utf8 does, so that normalization cuts and replaces
// exactly where the trace agent does (docs/trace-agent.md §5).
#include <cstddef>
#include <string>
#include <string_view>

namespace ddsim::trace {

inline constexpr char32_t kRuneError = 0xFFFD;

struct DecodedRune {
  char32_t rune;  // kRuneError for an invalid sequence
  size_t width;   // bytes consumed: 1 for an invalid sequence, never 0 unless s is empty
};

// Decodes the rune at the start of s as Go's utf8.DecodeRune: overlong forms, surrogates and
// values past U+10FFFF are invalid and consume one byte.
DecodedRune decodeRune(std::string_view s);

// Appends the UTF-8 encoding of r (a valid code point) to out.
void appendRune(std::string& out, char32_t r);

// Number of bytes r takes in UTF-8.
size_t runeLength(char32_t r);

// Every invalid byte replaced by U+FFFD, as the agent's msgpack decoder repairs strings.
std::string repairUtf8(std::string_view s);
bool isValidUtf8(std::string_view s);

// The agent's TruncateUTF8: at most `limit` bytes, cut at a rune start. Agent quirk kept: when
// no rune starts after `limit`, s is returned whole even though it is longer than `limit`.
std::string_view truncateUtf8(std::string_view s, size_t limit);

}  // namespace ddsim::trace
