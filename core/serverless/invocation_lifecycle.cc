#include "core/serverless/invocation_lifecycle.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <charconv>

namespace ddsim::serverless {
namespace {

std::string headerOf(const std::map<std::string, std::string>& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (sameHeaderName(k, name)) return v;
  }
  return "";
}

template <typename T>
std::optional<T> parseNumber(const std::string& s) {
  T v{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

int64_t unixNanos(common::SystemTime t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

bool sameHeaderName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::map<std::string, std::string> InvocationLifecycle::onStart(const std::map<std::string, std::string>& headers,
                                                                const std::string& body, common::SystemTime now) {
  // The event's own headers (API Gateway, function URL) carry the caller's context; a direct
  // invocation's context comes in the request's headers.
  std::map<std::string, std::string> event_headers;
  const auto event = nlohmann::json::parse(body, nullptr, false);
  if (event.is_object() && event.contains("headers") && event["headers"].is_object()) {
    for (auto it = event["headers"].begin(); it != event["headers"].end(); ++it) {
      if (it.value().is_string()) event_headers[it.key()] = it.value().get<std::string>();
    }
  }
  std::lock_guard l(mu_);
  ctx_ = {};
  ctx_.start = now;
  ctx_.started = true;
  // agent behaviour: a new trace and span id unless a context is found.
  ctx_.trace_id = random_.nextU64() >> 1;
  ctx_.span_id = random_.nextU64() >> 1;
  const auto& source = headerOf(event_headers, kTraceIdHeader).empty() ? headers : event_headers;
  if (auto id = parseNumber<uint64_t>(headerOf(source, kTraceIdHeader)); id && *id != 0) ctx_.trace_id = *id;
  if (auto id = parseNumber<uint64_t>(headerOf(source, kParentIdHeader)); id && *id != 0) ctx_.parent_id = *id;
  if (auto p = parseNumber<int32_t>(headerOf(source, kSamplingPriorityHeader))) ctx_.sampling_priority = *p;
  // agent behaviour: the inferred span (when its event gives a start) sits between the caller
  // and the execution span: same trace, the caller's parent id moves up to it.
  inferred_.reset();
  if (inferred_options_.enabled) {
    if (auto inferred = inferSpan(event, inferred_options_.service_mapping); inferred && inferred->span.start != 0) {
      inferred->span.trace_id = ctx_.trace_id;
      inferred->span.span_id = random_.nextU64() >> 1;
      inferred->span.parent_id = ctx_.parent_id;
      ctx_.parent_id = inferred->span.span_id;
      inferred_ = std::move(inferred);
    }
  }
  return {{kTraceIdHeader, std::to_string(ctx_.trace_id)},
          {kSamplingPriorityHeader, std::to_string(ctx_.sampling_priority)}};
}

std::string statusCodeOf(const std::string& response) {
  const auto doc = nlohmann::json::parse(response, nullptr, false);
  if (!doc.is_object()) return "";
  const auto it = doc.find("statusCode");
  if (it == doc.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) {
    char buf[32];  // the shortest form that reads back, as Go's FormatFloat(v, 'f', -1): "200", "500.5"
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, it->get<double>(), std::chars_format::fixed);
    return ec == std::errc() ? std::string(buf, end) : "";
  }
  return "";
}

std::optional<trace::ReceivedPayload> InvocationLifecycle::onEnd(const std::map<std::string, std::string>& headers,
                                                                 const InvocationEnd& end, bool library_detected,
                                                                 common::SystemTime now) {
  std::lock_guard l(mu_);
  if (!ctx_.started || library_detected) return std::nullopt;
  // The tracer may name the span it made the execution span's id (InjectSpanID).
  if (auto id = parseNumber<uint64_t>(headerOf(headers, kSpanIdHeader)); id && *id != 0) ctx_.span_id = *id;
  trace::Span s;
  s.service = "aws.lambda";
  s.name = "aws.lambda";
  s.resource = end.function_name;
  s.type = "serverless";
  s.trace_id = ctx_.trace_id;
  s.span_id = ctx_.span_id;
  s.parent_id = ctx_.parent_id;
  s.start = unixNanos(ctx_.start);
  s.duration = std::max<int64_t>(0, unixNanos(now) - s.start);
  s.error = headerOf(headers, kInvocationErrorHeader) == "true" ? 1 : 0;
  if (const std::string status = statusCodeOf(end.response); !status.empty()) {
    s.meta["http.status_code"] = status;
    if (status.size() == 3 && status[0] == '5') s.error = 1;
  }
  s.meta["request_id"] = end.request_id;
  s.meta["cold_start"] = end.cold_start ? "true" : "false";
  if (!end.function_arn.empty()) s.meta["function_arn"] = end.function_arn;
  s.metrics["_sampling_priority_v1"] = ctx_.sampling_priority;
  s.metrics["_top_level"] = 1;
  trace::ReceivedPayload p;
  p.endpoint = "serverless";
  const bool error = s.error != 0;
  p.traces.push_back({std::move(s)});
  if (inferred_) {
    completeInferredSpan(*inferred_, ctx_.start, now, error);
    inferred_->span.metrics["_sampling_priority_v1"] = ctx_.sampling_priority;
    inferred_->span.metrics["_top_level"] = 1;
    p.traces.push_back({std::move(inferred_->span)});
    inferred_.reset();
  }
  ctx_.started = false;
  return p;
}

std::map<std::string, std::string> InvocationLifecycle::traceContext() const {
  std::lock_guard l(mu_);
  return {{kTraceIdHeader, std::to_string(ctx_.trace_id)},
          {kSpanIdHeader, std::to_string(ctx_.span_id)},
          {kSamplingPriorityHeader, std::to_string(ctx_.sampling_priority)}};
}

ExecutionContext InvocationLifecycle::current() const {
  std::lock_guard l(mu_);
  return ctx_;
}

}  // namespace ddsim::serverless
