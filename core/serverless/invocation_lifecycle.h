#pragma once
// The invocation lifecycle behind /lambda/start-invocation, /lambda/end-invocation and
// /trace-context (the agent's pkg/serverless/invocationlifecycle, with inferred spans):
// a tracer that has no Datadog Lambda library (/lambda/hello never called) announces each
// invocation; the extension keeps its execution context (trace id, parent id, sampling
// priority), answers it in x-datadog-* headers, and at the end builds the function's
// execution span ("aws.lambda", type serverless) for the trace agent.
// Thread-safe (the comm server calls it from its threads).
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/common/clock.h"
#include "core/common/random.h"
#include "core/serverless/inferred_span.h"
#include "core/trace/receiver.h"

namespace ddsim::serverless {

inline constexpr const char* kTraceIdHeader = "x-datadog-trace-id";
inline constexpr const char* kParentIdHeader = "x-datadog-parent-id";
inline constexpr const char* kSpanIdHeader = "x-datadog-span-id";
inline constexpr const char* kSamplingPriorityHeader = "x-datadog-sampling-priority";
inline constexpr const char* kInvocationErrorHeader = "x-datadog-invocation-error";

// HTTP field names compare without case.
bool sameHeaderName(std::string_view a, std::string_view b);

struct ExecutionContext {
  uint64_t trace_id = 0;
  uint64_t span_id = 0;
  uint64_t parent_id = 0;
  int32_t sampling_priority = 1;  // auto keep unless the caller sent one
  common::SystemTime start{};
  bool started = false;
};

struct InvocationEnd {
  std::string request_id;
  bool cold_start = false;
  std::string function_name;  // the span's resource
  std::string function_arn;
  // The function's response payload (the /lambda/end-invocation body, or what the runtime posted
  // to .../response through the proxy): its "statusCode" becomes http.status_code on the
  // execution span, and a 5xx marks the spans as errors (the agent's OnInvokeEnd).
  std::string response;
};

// The agent's GetStatusCodeFromHTTPResponse: "statusCode" of a JSON object, a number printed
// without a fraction or a string as is; "" when absent, not JSON, or of another type.
std::string statusCodeOf(const std::string& response);

struct InferredSpanOptions {
  // DD_TRACE_ENABLED and DD_TRACE_MANAGED_SERVICES (both true by default): infer a span for the
  // managed service that triggered the invocation (inferred_span.h).
  bool enabled = true;
  ServiceMapping service_mapping;  // DD_SERVICE_MAPPING
};

class InvocationLifecycle {
 public:
  explicit InvocationLifecycle(uint64_t seed, InferredSpanOptions inferred = {})
      : random_(seed), inferred_options_(std::move(inferred)) {}

  // /lambda/start-invocation: `body` is the invocation event. The trace context comes from the
  // event's "headers" object, else from the request's headers, else a new trace. Returns the
  // headers to answer (the trace id and sampling priority).
  std::map<std::string, std::string> onStart(const std::map<std::string, std::string>& headers,
                                             const std::string& body, common::SystemTime now);
  // /lambda/end-invocation: the execution span as a received payload for the trace agent, or
  // nullopt when no invocation was started or a Datadog library makes its own span. With an
  // inferred span, the payload carries it as a second trace chunk of the same trace: it is the
  // execution span's parent, and the caller's parent id (from the event) becomes its parent.
  std::optional<trace::ReceivedPayload> onEnd(const std::map<std::string, std::string>& headers,
                                              const InvocationEnd& end, bool library_detected,
                                              common::SystemTime now);
  // /trace-context: trace id, span id and sampling priority of the current invocation.
  std::map<std::string, std::string> traceContext() const;
  ExecutionContext current() const;

 private:
  mutable std::mutex mu_;
  common::Random random_;
  ExecutionContext ctx_;
  InferredSpanOptions inferred_options_;
  std::optional<InferredSpan> inferred_;  // the current invocation's, when its event has one
};

}  // namespace ddsim::serverless
