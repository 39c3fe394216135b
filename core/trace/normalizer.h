#pragma once
// The trace agent's span and trace normalization and truncation (docs/trace-agent.md §5, from
// the agent's pkg/trace/agent/normalizer.go and truncator.go). Time is an argument: callers pass
// "now" from their clock.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/common/status.h"
#include "core/trace/span.h"

namespace ddsim::trace {

inline constexpr size_t kMaxServiceLen = 100;
inline constexpr size_t kMaxNameLen = 100;
inline constexpr size_t kMaxTypeLen = 100;
inline constexpr size_t kMaxResourceLen = 5000;
inline constexpr size_t kMaxMetaKeyLen = 100;
inline constexpr size_t kMaxMetaValueLen = 5000;
inline constexpr std::string_view kDefaultSpanName = "unnamed_operation";
inline constexpr std::string_view kDefaultServiceName = "unnamed-service";
// 2000-01-01T00:00:00Z in Unix nanoseconds: earlier starts are garbage.
inline constexpr int64_t kYear2000Nanos = 946684800LL * 1000000000LL;

// Why a string was changed; kNone when it was kept.
enum class FixReason { kNone, kEmpty, kTooLong, kInvalid };

struct Normalized {
  std::string value;
  FixReason reason = FixReason::kNone;
};

Normalized normalizeName(std::string_view name);
// `lang` is the tracer's language (Datadog-Meta-Lang), used for the fallback name.
Normalized normalizeService(std::string_view service, std::string_view lang);
// peer.service and _dd.base_service: "" stays "", nothing valid left gives "" (kInvalid).
Normalized normalizePeerService(std::string_view service);
std::string fallbackService(std::string_view lang);

// A negative duration, or one that overflows start + duration, becomes 0.
int64_t fixDuration(int64_t start, int64_t duration, bool* invalid = nullptr);
// A start before 2000 becomes now - duration (now when that is negative).
int64_t fixStartTime(int64_t start, int64_t duration, int64_t now_nanos, bool* invalid = nullptr);
// An http.status_code is kept only when it is an integer in [100, 600).
bool isValidStatusCode(std::string_view code);

// Counts by the agent's reason tags (service_empty, span_name_truncate, trace_id_zero, ...).
using ReasonCounts = std::map<std::string, uint64_t>;

// Normalizes one span in place. Fails (the trace must be dropped) when trace_id or span_id is 0;
// the message carries the agent's reason tag.
common::Status normalizeSpan(Span& span, std::string_view lang, int64_t now_nanos, ReasonCounts& counts);

// Normalizes every span of a trace. Fails on an empty trace, a span of another trace
// (foreign_span) or a span normalizeSpan refuses. Duplicate span ids are only counted.
common::Status normalizeTrace(Trace& trace, std::string_view lang, int64_t now_nanos, ReasonCounts& counts);

// Resource, meta and metric key/value length limits (the agent's Truncate).
void truncateSpan(Span& span);

}  // namespace ddsim::trace
