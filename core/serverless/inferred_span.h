#pragma once
// Inferred spans (the agent's pkg/serverless/trace/inferredspan, with its trigger detection from
// pkg/serverless/trigger): the managed service that invoked the function — an API Gateway, a
// function URL, a queue, a topic, an event bus — becomes a span of its own, parent of the
// aws.lambda execution span, built from the invocation event alone. Sources: API Gateway REST
// (v1) and HTTP (v2), Lambda function URL, SQS, SNS, EventBridge; anything else infers nothing.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/common/clock.h"
#include "core/trace/span.h"

namespace ddsim::serverless {

enum class EventSource { kUnknown, kApiGatewayRest, kApiGatewayHttp, kLambdaUrl, kSqs, kSns, kEventBridge };
std::string_view eventSourceName(EventSource s);

// What kind of event `event` is, in the agent's order of checks (trigger.GetEventType; keys
// compare without case, as the agent lowercases the payload first). Sources the agent knows but
// ddsim does not infer (websocket, ALB, S3, Kinesis, DynamoDB, ...) are kUnknown.
EventSource detectEventSource(const nlohmann::json& event);

// DD_SERVICE_MAPPING ("key:value,key:value"; serverless.service_mapping): a source's specific
// key (API id, queue, topic, event source) wins over its generic key (lambda_api_gateway,
// lambda_url, lambda_sqs, lambda_sns, lambda_eventbridge) over the default service. Entries
// without exactly one ':' , with an empty side, or mapping a key to itself are ignored.
using ServiceMapping = std::map<std::string, std::string, std::less<>>;
ServiceMapping parseServiceMapping(std::string_view text);

struct InferredSpan {
  trace::Span span;      // name, service, resource, type, start, meta; ids set by the lifecycle
  bool is_async = false; // queues, topics, buses, and HTTP calls with X-Amz-Invocation-Type: Event
  EventSource source = EventSource::kUnknown;
};

// The inferred span for `event`, nullopt when its source is not one ddsim infers. Start times
// come from the event (request epoch in ms, SentTimestamp, the SNS Timestamp, the EventBridge
// time — which, as in the agent, must carry milliseconds or the start is 0).
std::optional<InferredSpan> inferSpan(const nlohmann::json& event, const ServiceMapping& mapping);

// Finishes it as the agent's CompleteInferredSpan: an async span lasts until the invocation
// started, a sync one until it ended; `error` marks it as the execution span is marked.
void completeInferredSpan(InferredSpan& s, common::SystemTime invocation_start, common::SystemTime end, bool error);

}  // namespace ddsim::serverless
