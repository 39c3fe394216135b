// Inferred spans from invocation events, one row per event source, as the agent builds them in
// pkg/serverless/trace/inferredspan/span_enrichment.go (names, services, resources, meta, start),
// detected as pkg/serverless/trigger/events.go detects them, and linked to the execution span as
// pkg/serverless/invocationlifecycle/trace.go links them.
#include "core/serverless/inferred_span.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/serverless/invocation_lifecycle.h"

namespace ddsim::serverless {
namespace {

using nlohmann::json;

const json kRestEvent = json::parse(R"({
  "resource": "/orders/{id}", "path": "/orders/42", "httpMethod": "GET",
  "headers": {"x-datadog-trace-id": "1111", "x-datadog-parent-id": "2222"},
  "requestContext": {"apiId": "a1b2c3", "stage": "prod", "requestId": "req-rest",
                     "domainName": "a1b2c3.execute-api.us-east-1.amazonaws.com",
                     "requestTimeEpoch": 1700000000123}})");

const json kHttpEvent = json::parse(R"({
  "version": "2.0", "routeKey": "POST /cart", "rawPath": "/cart", "rawQueryString": "",
  "requestContext": {"apiId": "h77", "domainName": "h77.execute-api.eu-west-1.amazonaws.com",
                     "requestId": "req-http", "stage": "$default", "timeEpoch": 1700000001000,
                     "http": {"method": "POST", "path": "/cart", "protocol": "HTTP/1.1",
                              "sourceIp": "203.0.113.9", "userAgent": "curl/8.0"}}})");

const json kUrlEvent = json::parse(R"({
  "version": "2.0", "rawPath": "/hook", "rawQueryString": "x=1",
  "headers": {"X-Amz-Invocation-Type": "Event"},
  "requestContext": {"apiId": "u9", "domainName": "u9abc.lambda-url.us-east-1.on.aws",
                     "requestId": "req-url", "timeEpoch": 1700000002000,
                     "http": {"method": "GET", "path": "/hook", "protocol": "HTTP/1.1",
                              "sourceIp": "198.51.100.1", "userAgent": "ua"}}})");

const json kSqsEvent = json::parse(R"({"Records": [{
  "messageId": "m-1", "receiptHandle": "rh-1", "body": "hello", "eventSource": "aws:sqs",
  "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders-queue",
  "attributes": {"SentTimestamp": "1700000003000", "SenderId": "AIDAEXAMPLE"}}]})");

const json kSnsEvent = json::parse(R"({"Records": [{
  "EventSource": "aws:sns",
  "Sns": {"Type": "Notification", "MessageId": "sns-1", "Subject": "order placed",
          "TopicArn": "arn:aws:sns:us-east-1:123456789012:orders-topic",
          "Timestamp": "2023-11-14T22:13:24.500Z", "Message": "{}"}}]})");

const json kEventBridgeEvent = json::parse(R"({
  "version": "0", "id": "eb-1", "detail-type": "OrderPlaced", "source": "shop.orders",
  "time": "2023-11-14T22:13:25.250Z", "detail": {}})");

struct Row {
  const char* source;
  const json* event;
  const char* name;
  const char* service;
  const char* resource;
  const char* type;
  int64_t start;
  bool async;
  std::map<std::string, std::string> meta;  // a subset to check
};

TEST(InferredSpan, OneRowPerEventSource) {
  const std::vector<Row> rows = {
      {"api-gateway-rest", &kRestEvent, "aws.apigateway", "a1b2c3.execute-api.us-east-1.amazonaws.com",
       "GET /orders/42", "http", 1700000000123000000, false,
       {{"apiid", "a1b2c3"}, {"apiname", "a1b2c3"}, {"endpoint", "/orders/42"},
        {"http.url", "a1b2c3.execute-api.us-east-1.amazonaws.com/orders/42"},
        {"operation_name", "aws.apigateway.rest"}, {"request_id", "req-rest"}, {"stage", "prod"},
        {"resource_names", "GET /orders/42"}, {"_inferred_span.synchronicity", "sync"}}},
      {"api-gateway-http", &kHttpEvent, "aws.httpapi", "h77.execute-api.eu-west-1.amazonaws.com", "POST /cart",
       "http", 1700000001000000000, false,
       {{"http.method", "POST"}, {"http.protocol", "HTTP/1.1"}, {"http.source_ip", "203.0.113.9"},
        {"http.user_agent", "curl/8.0"}, {"operation_name", "aws.httpapi"}, {"request_id", "req-http"}}},
      {"lambda-url", &kUrlEvent, "aws.lambda.url", "u9abc.lambda-url.us-east-1.on.aws", "GET /hook", "http",
       1700000002000000000, true,
       {{"http.url", "u9abc.lambda-url.us-east-1.on.aws/hook"}, {"operation_name", "aws.lambda.url"},
        {"_inferred_span.synchronicity", "async"}}},
      {"sqs", &kSqsEvent, "aws.sqs", "sqs", "orders-queue", "web", 1700000003000000000, true,
       {{"queuename", "orders-queue"}, {"event_source_arn", "arn:aws:sqs:us-east-1:123456789012:orders-queue"},
        {"receipt_handle", "rh-1"}, {"sender_id", "AIDAEXAMPLE"}, {"operation_name", "aws.sqs"}}},
      {"sns", &kSnsEvent, "aws.sns", "sns", "orders-topic", "web", 1700000004500000000, true,
       {{"topicname", "orders-topic"}, {"topic_arn", "arn:aws:sns:us-east-1:123456789012:orders-topic"},
        {"message_id", "sns-1"}, {"type", "Notification"}, {"subject", "order placed"}}},
      {"eventbridge", &kEventBridgeEvent, "aws.eventbridge", "eventbridge", "shop.orders", "web",
       1700000005250000000, true, {{"detail_type", "OrderPlaced"}, {"operation_name", "aws.eventbridge"}}},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.source);
    EXPECT_EQ(eventSourceName(detectEventSource(*row.event)), row.source);
    const auto s = inferSpan(*row.event, {});
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->span.name, row.name);
    EXPECT_EQ(s->span.service, row.service);
    EXPECT_EQ(s->span.resource, row.resource);
    EXPECT_EQ(s->span.type, row.type);
    EXPECT_EQ(s->span.start, row.start);
    EXPECT_EQ(s->is_async, row.async);
    EXPECT_EQ(s->span.meta.at("_inferred_span.tag_source"), "self");
    for (const auto& [k, v] : row.meta) EXPECT_EQ(s->span.meta.count(k) ? s->span.meta.at(k) : "<absent>", v) << k;
  }
}

TEST(InferredSpan, SourcesWithoutAnInferredSpan) {
  for (const char* text : {
           R"({"Records": [{"eventSource": "aws:s3", "s3": {"bucket": {"name": "b"}}}]})",
           R"({"Records": [{"eventSource": "aws:kinesis", "kinesis": {}}]})",
           R"({"requestContext": {"messageDirection": "IN", "stage": "prod"}})",
           R"({"source": "aws.events", "detail-type": "Scheduled Event", "time": "2023-11-14T22:13:25.000Z"})",
           R"({"anything": 1})", R"([1, 2])", R"("not an object")"}) {
    const json event = json::parse(text);
    EXPECT_EQ(detectEventSource(event), EventSource::kUnknown) << text;
    EXPECT_FALSE(inferSpan(event, {}).has_value()) << text;
  }
}

TEST(InferredSpan, KeysCompareWithoutCase) {
  json e = json::parse(R"({"records": [{"eventsource": "aws:sqs", "eventsourcearn": "arn:aws:sqs:r:1:q",
                                        "attributes": {"SentTimestamp": "5"}}]})");
  const auto s = inferSpan(e, {});
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->span.resource, "q");
  EXPECT_EQ(s->span.start, 5000000);
  // Map keys (attributes, headers) are looked up exactly, as the agent's Go maps are.
  e["records"][0]["attributes"] = {{"sentTimestamp", "5"}};
  EXPECT_EQ(inferSpan(e, {})->span.start, 0);
}

TEST(InferredSpan, EpochFieldsHaveTheAgentsTypes) {
  // requestTimeEpoch is a number in the agent's event type (a string fails to decode: start 0);
  // SQS attributes are strings (a number there is not a SentTimestamp).
  json rest = kRestEvent;
  rest["requestContext"]["requestTimeEpoch"] = "1700000000123";
  EXPECT_EQ(inferSpan(rest, {})->span.start, 0);
  json sqs = kSqsEvent;
  sqs["Records"][0]["attributes"]["SentTimestamp"] = 1700000003000;
  EXPECT_EQ(inferSpan(sqs, {})->span.start, 0);
}

TEST(InferredSpan, EventBridgeTimeNeedsMilliseconds) {
  // The agent parses the time with a millisecond layout; without them its start is 0 (and the
  // lifecycle then sends no inferred span).
  json e = kEventBridgeEvent;
  e["time"] = "2023-11-14T22:13:25Z";
  EXPECT_EQ(inferSpan(e, {})->span.start, 0);
}

TEST(InferredSpan, ServiceMappingSpecificThenGeneric) {
  const auto m = parseServiceMapping(" orders-queue : queue-svc ,lambda_sqs:all-queues, lambda_sns:topics,bad,"
                                     "a:b:c,same:same,:x,lambda_api_gateway:gw");
  EXPECT_EQ(m.size(), 4u);
  EXPECT_EQ(inferSpan(kSqsEvent, m)->span.service, "queue-svc");
  json other = kSqsEvent;
  other["Records"][0]["eventSourceARN"] = "arn:aws:sqs:us-east-1:1:other";
  EXPECT_EQ(inferSpan(other, m)->span.service, "all-queues");
  EXPECT_EQ(inferSpan(kSnsEvent, m)->span.service, "topics");
  EXPECT_EQ(inferSpan(kRestEvent, m)->span.service, "gw");
  EXPECT_EQ(inferSpan(kUrlEvent, m)->span.service, "u9abc.lambda-url.us-east-1.on.aws") << "lambda_url, not gateway";
}

TEST(InferredSpan, SyncLastsUntilTheEndAsyncUntilTheInvocationStarted) {
  const common::SystemTime start{std::chrono::milliseconds(1700000000500)};
  const common::SystemTime end = start + std::chrono::milliseconds(40);
  auto sync = *inferSpan(kRestEvent, {});
  completeInferredSpan(sync, start, end, true);
  EXPECT_EQ(sync.span.duration, (1700000000540 - 1700000000123) * 1000000);
  EXPECT_EQ(sync.span.error, 1);
  auto async = *inferSpan(kSqsEvent, {});
  completeInferredSpan(async, start + std::chrono::seconds(3), end + std::chrono::seconds(3), false);
  EXPECT_EQ(async.span.duration, 500 * 1000000);
  EXPECT_EQ(async.span.error, 0);
}

TEST(InferredSpan, LifecycleMakesItTheExecutionSpansParent) {
  InvocationLifecycle lc(7);
  const common::SystemTime t0{std::chrono::milliseconds(1700000000200)};
  const auto answer = lc.onStart({}, kRestEvent.dump(), t0);
  EXPECT_EQ(answer.at(kTraceIdHeader), "1111");
  auto p = lc.onEnd({}, {"req", false, "fn", ""}, false, t0 + std::chrono::milliseconds(30));
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->traces.size(), 2u);
  const auto& exec = p->traces[0][0];
  const auto& inferred = p->traces[1][0];
  EXPECT_EQ(exec.name, "aws.lambda");
  EXPECT_EQ(inferred.name, "aws.apigateway");
  EXPECT_EQ(inferred.trace_id, 1111u);
  EXPECT_EQ(exec.trace_id, 1111u);
  EXPECT_EQ(inferred.parent_id, 2222u) << "the caller's span is the inferred span's parent";
  EXPECT_EQ(exec.parent_id, inferred.span_id);
  EXPECT_NE(inferred.span_id, 0u);
  EXPECT_EQ(inferred.start, 1700000000123000000);
  EXPECT_EQ(inferred.duration, (1700000000230 - 1700000000123) * 1000000);
}

TEST(InferredSpan, TheResponsesStatusCodeTagsTheExecutionSpanAnd5xxIsAnError) {
  struct Row {
    const char* response;
    const char* status;  // "" = no tag
    int error;
  };
  for (const Row& row : {Row{R"({"statusCode": 200, "body": "ok"})", "200", 0},
                         Row{R"({"statusCode": "404"})", "404", 0},
                         Row{R"({"statusCode": 502})", "502", 1},
                         Row{R"({"statusCode": 500.5})", "500.5", 0},
                         Row{R"({"statusCode": 2e2})", "200", 0},
                         Row{R"({"statusCode": true})", "", 0},
                         Row{R"("just a string")", "", 0},
                         Row{"not json", "", 0}}) {
    SCOPED_TRACE(row.response);
    EXPECT_EQ(statusCodeOf(row.response), row.status);
    InvocationLifecycle lc(7);
    const common::SystemTime t0{std::chrono::milliseconds(1700000000200)};
    lc.onStart({}, kRestEvent.dump(), t0);
    auto p = lc.onEnd({}, {"req", false, "fn", "", row.response}, false, t0);
    ASSERT_TRUE(p.has_value());
    ASSERT_EQ(p->traces.size(), 2u);
    const auto& exec = p->traces[0][0];
    EXPECT_EQ(exec.meta.count("http.status_code") ? exec.meta.at("http.status_code") : "", row.status);
    EXPECT_EQ(exec.error, row.error);
    EXPECT_EQ(p->traces[1][0].error, row.error) << "the inferred span shares the error";
  }
}

TEST(InferredSpan, LifecycleWithoutManagedServicesOrAStart) {
  const common::SystemTime t0{std::chrono::milliseconds(1700000000200)};
  InvocationLifecycle off(7, InferredSpanOptions{false, {}});
  off.onStart({}, kRestEvent.dump(), t0);
  auto p = off.onEnd({}, {"req", false, "fn", ""}, false, t0);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->traces.size(), 1u);
  EXPECT_EQ(p->traces[0][0].parent_id, 2222u) << "without an inferred span the caller is the parent";
  InvocationLifecycle on(7);
  json e = kEventBridgeEvent;
  e["time"] = "2023-11-14T22:13:25Z";
  on.onStart({}, e.dump(), t0);
  p = on.onEnd({}, {"req", false, "fn", ""}, false, t0);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->traces.size(), 1u) << "a start of 0 sends no inferred span, as the agent";
}

}  // namespace
}  // namespace ddsim::serverless
