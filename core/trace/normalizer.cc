#include "core/trace/normalizer.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <set>
#include <vector>

#include "core/trace/tag_normalizer.h"
#include "core/trace/utf8.h"

namespace ddsim::trace {
namespace {

void count(ReasonCounts& counts, const char* reason) { ++counts[reason]; }

void countFix(ReasonCounts& counts, FixReason reason, const char* prefix) {
  switch (reason) {
    case FixReason::kNone: return;
    case FixReason::kEmpty: ++counts[std::string(prefix) + "_empty"]; return;
    case FixReason::kTooLong: ++counts[std::string(prefix) + "_truncate"]; return;
    case FixReason::kInvalid: ++counts[std::string(prefix) + "_invalid"]; return;
  }
}

std::string truncatedKey(const std::string& key) { return std::string(truncateUtf8(key, kMaxMetaKeyLen)) + "..."; }

// Agent behaviour (truncator.go): the shortened key gets "..." and is added beside the long one,
// which stays (the agent never deletes it).
template <typename Map>
void truncateKeys(Map& map, bool values_too) {
  std::vector<std::pair<std::string, typename Map::mapped_type>> added;
  for (auto& [key, value] : map) {
    const bool key_too_long = key.size() > kMaxMetaKeyLen;
    if constexpr (std::is_same_v<typename Map::mapped_type, std::string>) {
      if (values_too && value.size() > kMaxMetaValueLen) {
        std::string v = std::string(truncateUtf8(value, kMaxMetaValueLen)) + "...";
        if (!key_too_long) {
          value = std::move(v);
          continue;
        }
        added.emplace_back(truncatedKey(key), std::move(v));
        continue;
      }
    }
    if (key_too_long) added.emplace_back(truncatedKey(key), value);
  }
  for (auto& [k, v] : added) map[k] = std::move(v);
}

// Keys as std::string once: a key built per lookup is heap-allocated past 15 bytes.
const std::string kPeerServiceKey = "peer.service";
const std::string kBaseServiceKey = "_dd.base_service";
const std::string kEnvKey = "env";
const std::string kStatusCodeKey = "http.status_code";

// Up to this many spans, duplicate span ids are found by a scan rather than a set.
constexpr size_t kLinearScanSpans = 16;

}  // namespace

std::string fallbackService(std::string_view lang) {
  if (lang.empty()) return std::string(kDefaultServiceName);
  return "unnamed-" + std::string(lang) + "-service";
}

Normalized normalizeName(std::string_view name) {
  if (name.empty()) return {std::string(kDefaultSpanName), FixReason::kEmpty};
  FixReason reason = FixReason::kNone;
  if (name.size() > kMaxNameLen) {
    name = truncateUtf8(name, kMaxNameLen);
    reason = FixReason::kTooLong;
  }
  std::optional<std::string> parsed = normalizeMetricName(name);
  if (!parsed) return {std::string(kDefaultSpanName), FixReason::kInvalid};
  return {std::move(*parsed), reason};
}

Normalized normalizeService(std::string_view service, std::string_view lang) {
  if (service.empty()) return {fallbackService(lang), FixReason::kEmpty};
  FixReason reason = FixReason::kNone;
  if (service.size() > kMaxServiceLen) {
    service = truncateUtf8(service, kMaxServiceLen);
    reason = FixReason::kTooLong;
  }
  std::string s = normalizeTagValue(service);
  if (s.empty()) return {fallbackService(lang), FixReason::kInvalid};
  return {std::move(s), reason};
}

Normalized normalizePeerService(std::string_view service) {
  if (service.empty()) return {};
  FixReason reason = FixReason::kNone;
  if (service.size() > kMaxServiceLen) {
    service = truncateUtf8(service, kMaxServiceLen);
    reason = FixReason::kTooLong;
  }
  std::string s = normalizeTagValue(service);
  if (s.empty()) return {"", FixReason::kInvalid};
  return {std::move(s), reason};
}

int64_t fixDuration(int64_t start, int64_t duration, bool* invalid) {
  // The agent compares against MaxInt64 - start; for a negative start that subtraction wraps in
  // Go, which this reproduces with unsigned arithmetic.
  const auto headroom = static_cast<int64_t>(static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) -
                                             static_cast<uint64_t>(start));
  const bool bad = duration < 0 || duration > headroom;
  if (invalid != nullptr) *invalid = bad;
  return bad ? 0 : duration;
}

int64_t fixStartTime(int64_t start, int64_t duration, int64_t now_nanos, bool* invalid) {
  const bool bad = start < kYear2000Nanos;
  if (invalid != nullptr) *invalid = bad;
  if (!bad) return start;
  const int64_t fixed = now_nanos - duration;  // duration is already fixed: 0 <= duration
  return fixed < 0 ? now_nanos : fixed;
}

bool isValidStatusCode(std::string_view code) {
  uint64_t value = 0;
  const char* end = code.data() + code.size();
  if (code.size() > 1 && code[0] == '+') return false;
  auto [ptr, ec] = std::from_chars(code.data(), end, value);
  if (ec != std::errc() || ptr != end || code.empty()) return false;
  return value >= 100 && value < 600;
}

common::Status normalizeSpan(Span& span, std::string_view lang, int64_t now_nanos, ReasonCounts& counts) {
  if (span.trace_id == 0) {
    count(counts, "trace_id_zero");
    return common::invalidArgument("TraceID is zero (reason:trace_id_zero)");
  }
  if (span.span_id == 0) {
    count(counts, "span_id_zero");
    return common::invalidArgument("SpanID is zero (reason:span_id_zero)");
  }
  // Strings that are already normal (the common case) are kept as they are, without building
  // the normalized copy; isNormal* agree with the full normalizers (normalizer_test.cc).
  if (span.service.empty() || span.service.size() > kMaxServiceLen || !isNormalTagValue(span.service)) {
    Normalized service = normalizeService(span.service, lang);
    countFix(counts, service.reason, "service");
    span.service = std::move(service.value);
  }

  for (const auto& [key, prefix] : {std::pair{&kPeerServiceKey, "peer_service"},
                                    std::pair{&kBaseServiceKey, "base_service"}}) {
    auto it = span.meta.find(*key);
    if (it == span.meta.end() || it->second.empty()) continue;
    Normalized peer = normalizePeerService(it->second);
    countFix(counts, peer.reason, prefix);
    it->second = std::move(peer.value);
  }

  if (span.name.size() > kMaxNameLen || !isNormalMetricName(span.name)) {
    Normalized name = normalizeName(span.name);
    countFix(counts, name.reason, "span_name");
    span.name = std::move(name.value);
  }

  if (span.resource.empty()) {
    count(counts, "resource_empty");
    span.resource = span.name;
  }
  if (span.parent_id == span.trace_id && span.parent_id == span.span_id) span.parent_id = 0;

  bool invalid = false;
  span.duration = fixDuration(span.start, span.duration, &invalid);
  if (invalid) count(counts, "invalid_duration");
  span.start = fixStartTime(span.start, span.duration, now_nanos, &invalid);
  if (invalid) count(counts, "invalid_start_date");

  if (span.type.size() > kMaxTypeLen) {
    count(counts, "type_truncate");
    span.type = std::string(truncateUtf8(span.type, kMaxTypeLen));
  }
  if (auto env = span.meta.find(kEnvKey); env != span.meta.end() && !isNormalTagValue(env->second)) {
    env->second = normalizeTagValue(env->second);
  }
  if (auto sc = span.meta.find(kStatusCodeKey); sc != span.meta.end() && !isValidStatusCode(sc->second)) {
    count(counts, "invalid_http_status_code");
    span.meta.erase(sc);
  }
  return common::Status::ok();
}

common::Status normalizeTrace(Trace& trace, std::string_view lang, int64_t now_nanos, ReasonCounts& counts) {
  if (trace.empty()) {
    count(counts, "empty_trace");
    return common::invalidArgument("trace is empty (reason:empty_trace)");
  }
  const uint64_t trace_id = trace.front().trace_id;
  const bool scan = trace.size() <= kLinearScanSpans;
  std::set<uint64_t> span_ids;
  for (size_t i = 0; i < trace.size(); ++i) {
    Span& span = trace[i];
    if (span.trace_id != trace_id) {
      count(counts, "foreign_span");
      return common::invalidArgument("trace has foreign span (reason:foreign_span): span " +
                                     std::to_string(span.span_id));
    }
    if (common::Status s = normalizeSpan(span, lang, now_nanos, counts); !s.isOk()) return s;
    const bool seen = scan ? std::any_of(trace.begin(), trace.begin() + static_cast<ptrdiff_t>(i),
                                         [&span](const Span& s) { return s.span_id == span.span_id; })
                           : !span_ids.insert(span.span_id).second;
    if (seen) count(counts, "duplicate_span_id");
  }
  return common::Status::ok();
}

void truncateSpan(Span& span) {
  if (span.resource.size() > kMaxResourceLen) span.resource = std::string(truncateUtf8(span.resource, kMaxResourceLen));
  truncateKeys(span.meta, true);
  truncateKeys(span.metrics, false);
}

}  // namespace ddsim::trace
