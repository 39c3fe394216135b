#include "core/serverless/inferred_span.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <charconv>
#include <ctime>

namespace ddsim::serverless {
namespace {

using nlohmann::json;

bool sameKey(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// The member `key` of `j` compared without case (the agent lowercases the payload), or null.
const json* member(const json* j, std::string_view key) {
  if (j == nullptr || !j->is_object()) return nullptr;
  if (auto it = j->find(std::string(key)); it != j->end()) return &*it;
  for (auto it = j->begin(); it != j->end(); ++it) {
    if (sameKey(it.key(), key)) return &it.value();
  }
  return nullptr;
}

const json* path(const json& j, std::initializer_list<std::string_view> keys) {
  const json* at = &j;
  for (auto k : keys) at = member(at, k);
  return at;
}

// A key of a map-valued field (attributes, headers): the agent looks these up exactly.
const json* exact(const json* j, const char* key) {
  if (j == nullptr || !j->is_object()) return nullptr;
  auto it = j->find(key);
  return it == j->end() ? nullptr : &*it;
}

std::string str(const json* j) { return j != nullptr && j->is_string() ? j->get<std::string>() : ""; }

// An epoch field: a JSON number (the agent's int64 fields; a string there fails its decoding,
// so 0), or with `from_string` a decimal string (SQS attributes are strings).
int64_t number(const json* j, bool from_string = false) {
  if (j == nullptr) return 0;
  if (j->is_number_integer()) return from_string ? 0 : j->get<int64_t>();
  if (j->is_number()) return from_string ? 0 : static_cast<int64_t>(j->get<double>());
  if (j->is_string() && from_string) {
    const std::string s = j->get<std::string>();
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size() ? v : 0;
  }
  return 0;
}

const json* firstRecord(const json& event) {
  const json* records = member(&event, "Records");
  return records != nullptr && records->is_array() && !records->empty() ? &(*records)[0] : nullptr;
}

// The last ':'-separated part of an ARN (the queue or topic name).
std::string arnTail(const std::string& arn) {
  const auto colon = arn.rfind(':');
  return colon == std::string::npos ? arn : arn.substr(colon + 1);
}

// "YYYY-MM-DDTHH:MM:SS[.fff...]Z" as nanoseconds since the epoch; `need_millis` requires exactly
// three fraction digits (the agent's EventBridge layout). 0 when it does not parse.
int64_t isoNanos(const std::string& s, bool need_millis) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6 || consumed != 19) {
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  int64_t frac_ns = 0;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    int64_t scale = 100000000;
    size_t digits = 0;
    for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, ++digits) {
      frac_ns += (s[i] - '0') * scale;
      scale /= 10;
    }
    if (need_millis && digits != 3) return 0;
  } else if (need_millis) {
    return 0;
  }
  if (i + 1 != s.size() || s[i] != 'Z') return 0;
  return static_cast<int64_t>(::timegm(&tm)) * 1000000000 + frac_ns;
}

std::string serviceFor(const ServiceMapping& m, const std::string& specific, std::string_view generic,
                       const std::string& fallback) {
  if (auto it = m.find(specific); it != m.end()) return it->second;
  if (auto it = m.find(generic); it != m.end()) return it->second;
  return fallback;
}

bool invokedAsync(const json& event) {
  return str(exact(member(&event, "headers"), "X-Amz-Invocation-Type")) == "Event";
}

// API Gateway HTTP (v2) and function URLs share their event shape.
void httpV2(const json& event, const ServiceMapping& m, InferredSpan& out, std::string_view name,
            std::string_view generic) {
  const std::string method = str(path(event, {"requestContext", "http", "method"}));
  const std::string route = str(path(event, {"requestContext", "http", "path"}));
  const std::string domain = str(path(event, {"requestContext", "domainName"}));
  const std::string resource = method + " " + route;
  auto& s = out.span;
  s.name = std::string(name);
  s.service = serviceFor(m, str(path(event, {"requestContext", "apiId"})), generic, domain);
  s.resource = resource;
  s.type = "http";
  s.start = number(path(event, {"requestContext", "timeEpoch"})) * 1000000;
  s.meta = {{"endpoint", route},
            {"http.url", domain + route},
            {"http.method", method},
            {"http.protocol", str(path(event, {"requestContext", "http", "protocol"}))},
            {"http.source_ip", str(path(event, {"requestContext", "http", "sourceIp"}))},
            {"http.user_agent", str(path(event, {"requestContext", "http", "userAgent"}))},
            {"operation_name", std::string(name)},
            {"request_id", str(path(event, {"requestContext", "requestId"}))},
            {"resource_names", resource}};
  out.is_async = invokedAsync(event);
}

}  // namespace

std::string_view eventSourceName(EventSource s) {
  switch (s) {
    case EventSource::kApiGatewayRest: return "api-gateway-rest";
    case EventSource::kApiGatewayHttp: return "api-gateway-http";
    case EventSource::kLambdaUrl: return "lambda-url";
    case EventSource::kSqs: return "sqs";
    case EventSource::kSns: return "sns";
    case EventSource::kEventBridge: return "eventbridge";
    case EventSource::kUnknown: break;
  }
  return "unknown";
}

EventSource detectEventSource(const json& event) {
  if (!event.is_object()) return EventSource::kUnknown;
  const json* ctx = member(&event, "requestContext");
  const std::string domain = str(path(event, {"requestContext", "domainName"}));
  const bool lambda_url = domain.find("lambda-url") != std::string::npos;
  // The agent's order: REST, HTTP v2, websocket, ALB, CloudFront, CloudWatch, logs, DynamoDB,
  // Kinesis, S3, SNS, SNS-in-SQS, SQS, AppSync, EventBridge, function URL.
  if (ctx != nullptr && member(&event, "httpMethod") != nullptr && member(&event, "resource") != nullptr) {
    return EventSource::kApiGatewayRest;
  }
  if (str(member(&event, "version")) == "2.0" && member(&event, "rawQueryString") != nullptr &&
      member(ctx, "domainName") != nullptr && !lambda_url) {
    return EventSource::kApiGatewayHttp;
  }
  if (member(ctx, "messageDirection") != nullptr || member(ctx, "elb") != nullptr) return EventSource::kUnknown;
  if (str(member(&event, "source")) == "aws.events" || member(&event, "awslogs") != nullptr) {
    return EventSource::kUnknown;  // scheduled CloudWatch events and logs: no inferred span
  }
  if (const json* r = firstRecord(event); r != nullptr) {
    for (const char* k : {"cf", "dynamodb", "kinesis", "s3"}) {
      if (member(r, k) != nullptr) return EventSource::kUnknown;
    }
    if (member(r, "Sns") != nullptr) return EventSource::kSns;
    // The agent checks for SNS-in-SQS (SNSSQS) by looking into "body" as an object; a real SQS
    // body is a string, so such events are SQS events there too.
    if (str(member(r, "eventSource")) == "aws:sqs") return EventSource::kSqs;
  }
  if (path(event, {"info", "selectionSetGraphQL"}) != nullptr) return EventSource::kUnknown;
  if (member(&event, "detail-type") != nullptr) return EventSource::kEventBridge;
  if (lambda_url) return EventSource::kLambdaUrl;
  return EventSource::kUnknown;
}

ServiceMapping parseServiceMapping(std::string_view text) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
  };
  ServiceMapping out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view entry = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto colon = entry.find(':');
    if (colon == std::string_view::npos || entry.find(':', colon + 1) != std::string_view::npos) continue;
    const auto key = trim(entry.substr(0, colon));
    const auto value = trim(entry.substr(colon + 1));
    if (key.empty() || value.empty() || key == value) continue;
    out[std::string(key)] = std::string(value);
  }
  return out;
}

std::optional<InferredSpan> inferSpan(const json& event, const ServiceMapping& m) {
  InferredSpan out;
  out.source = detectEventSource(event);
  auto& s = out.span;
  switch (out.source) {
    case EventSource::kApiGatewayRest: {
      const std::string method = str(member(&event, "httpMethod"));
      const std::string route = str(member(&event, "path"));
      const std::string domain = str(path(event, {"requestContext", "domainName"}));
      const std::string api_id = str(path(event, {"requestContext", "apiId"}));
      const std::string resource = method + " " + route;
      s.name = "aws.apigateway";
      s.service = serviceFor(m, api_id, "lambda_api_gateway", domain);
      s.resource = resource;
      s.type = "http";
      s.start = number(path(event, {"requestContext", "requestTimeEpoch"})) * 1000000;
      s.meta = {{"apiid", api_id},
                {"apiname", api_id},
                {"endpoint", route},
                {"http.url", domain + route},
                {"operation_name", "aws.apigateway.rest"},
                {"request_id", str(path(event, {"requestContext", "requestId"}))},
                {"resource_names", resource},
                {"stage", str(path(event, {"requestContext", "stage"}))}};
      out.is_async = invokedAsync(event);
      break;
    }
    case EventSource::kApiGatewayHttp:
      httpV2(event, m, out, "aws.httpapi", "lambda_api_gateway");
      break;
    case EventSource::kLambdaUrl:
      httpV2(event, m, out, "aws.lambda.url", "lambda_url");
      break;
    case EventSource::kSqs: {
      const json* r = firstRecord(event);
      const std::string arn = str(member(r, "eventSourceARN"));
      const std::string queue = arnTail(arn);
      s.name = "aws.sqs";
      s.service = serviceFor(m, queue, "lambda_sqs", "sqs");
      s.resource = queue;
      s.type = "web";
      s.start = number(exact(member(r, "attributes"), "SentTimestamp"), true) * 1000000;
      s.meta = {{"operation_name", "aws.sqs"},
                {"resource_names", queue},
                {"queuename", queue},
                {"event_source_arn", arn},
                {"receipt_handle", str(member(r, "receiptHandle"))},
                {"sender_id", str(exact(member(r, "attributes"), "SenderId"))}};
      out.is_async = true;
      break;
    }
    case EventSource::kSns: {
      const json* sns = member(firstRecord(event), "Sns");
      const std::string arn = str(member(sns, "TopicArn"));
      const std::string topic = arnTail(arn);
      s.name = "aws.sns";
      s.service = serviceFor(m, topic, "lambda_sns", "sns");
      s.resource = topic;
      s.type = "web";
      s.start = isoNanos(str(member(sns, "Timestamp")), false);
      s.meta = {{"operation_name", "aws.sns"}, {"resource_names", topic},
                {"topicname", topic},          {"topic_arn", arn},
                {"message_id", str(member(sns, "MessageId"))}, {"type", str(member(sns, "Type"))}};
      if (const std::string subject = str(member(sns, "Subject")); !subject.empty()) s.meta["subject"] = subject;
      out.is_async = true;
      break;
    }
    case EventSource::kEventBridge: {
      const std::string source = str(member(&event, "source"));
      s.name = "aws.eventbridge";
      s.service = serviceFor(m, source, "lambda_eventbridge", "eventbridge");
      s.resource = source;
      s.type = "web";
      s.start = isoNanos(str(member(&event, "time")), true);
      s.meta = {{"operation_name", "aws.eventbridge"},
                {"resource_names", source},
                {"detail_type", str(member(&event, "detail-type"))}};
      out.is_async = true;
      break;
    }
    case EventSource::kUnknown:
      return std::nullopt;
  }
  // What the Datadog tracers mark their inferred spans with (the trace agent leaves their
  // service alone and does not copy the function's tags onto them).
  s.meta["_inferred_span.tag_source"] = "self";
  s.meta["_inferred_span.synchronicity"] = out.is_async ? "async" : "sync";
  return out;
}

void completeInferredSpan(InferredSpan& s, common::SystemTime invocation_start, common::SystemTime end, bool error) {
  auto nanos = [](common::SystemTime t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  };
  s.span.duration = (s.is_async ? nanos(invocation_start) : nanos(end)) - s.span.start;
  if (error) s.span.error = 1;
}

}  // namespace ddsim::serverless
