#pragma once
// The trace agent's string normalizations (docs/trace-agent.md §5, from the agent's
// pkg/trace/traceutil/normalize/normalize.go). Pure functions, thread-safe.
#include <optional>
#include <string>
#include <string_view>

namespace ddsim::trace {

inline constexpr size_t kMaxTagLength = 200;

// A tag value (service, env, peer.service): lower-cased, invalid runs become '_', trailing
// invalid run removed, at most 200 characters kept. May return "".
std::string normalizeTagValue(std::string_view v);

// A full "key:value" tag: as normalizeTagValue, and leading non-letters are trimmed too.
std::string normalizeTag(std::string_view v);

// True when normalizeTagValue(v) == v: the cheap check of the common case (short ASCII,
// lower-case, valid characters), so callers can keep the string without building a new one.
bool isNormalTagValue(std::string_view v);

// True when normalizeMetricName(name) == name.
bool isNormalMetricName(std::string_view name);

// The metric-name rules the agent applies to span names. nullopt when `name` is empty, longer
// than 100 bytes, or has no ASCII letter.
std::optional<std::string> normalizeMetricName(std::string_view name);

}  // namespace ddsim::trace
