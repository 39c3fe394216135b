#pragma once
// Where a value sits in a trace payload, e.g. "v0.5: traces[1][0].meta[env]": shared by the
// msgpack decoders so both name a bad value the same way. Cheap to pass around: the text is only
// built for an error message, never on the hot path. Internal to core/trace.
#include <cstdint>
#include <string>
#include <string_view>

namespace ddsim::trace {

struct Where {
  enum class Part { kValue, kKey, kEntry };
  const char* version;
  uint32_t trace = 0;
  uint32_t span = 0;
  std::string_view field;  // "" for the span itself
  Part part = Part::kValue;
  std::string_view entry;  // map key, for kEntry

  Where at(std::string_view f) const { return {version, trace, span, f, Part::kValue, {}}; }
  Where key() const { return {version, trace, span, field, Part::kKey, {}}; }
  Where entryOf(std::string_view k) const { return {version, trace, span, field, Part::kEntry, k}; }

  std::string str() const {
    std::string s = std::string(version) + ": traces[" + std::to_string(trace) + "][" + std::to_string(span) + "]";
    if (!field.empty()) s += "." + std::string(field);
    if (part == Part::kKey) s += " key";
    if (part == Part::kEntry) s += "[" + std::string(entry) + "]";
    return s;
  }
};

// Values nested deeper than this are refused, by both decoders alike (spec §4).
inline constexpr size_t kMaxMsgpackDepth = 16;

}  // namespace ddsim::trace
