#include "simulator/lambda/function_runtime.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <msgpack.hpp>

#include "core/common/clock.h"
#include "core/serverless/execution_state.h"

#include "simulator/lambda/intake_recorder.h"

namespace ddsim::lambda {

namespace {

std::string replaceAll(std::string out, const std::vector<std::pair<std::string, std::string>>& pairs) {
  for (const auto& [key, value] : pairs) {
    for (size_t pos = out.find(key); pos != std::string::npos; pos = out.find(key, pos + value.size())) {
      out.replace(pos, key.size(), value);
    }
  }
  return out;
}

}  // namespace

std::string expandTemplate(const std::string& text, int64_t index, const std::string& request_id) {
  return replaceAll(text, {{"{request_id}", request_id}, {"{invocation}", std::to_string(index)}});
}

std::string expandEvent(const std::string& event, int64_t index, const std::string& request_id,
                        common::SystemTime now) {
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::string iso = serverless::formatRfc3339(now);
  return replaceAll(expandTemplate(event, index, request_id),
                    {{"\"{now_ms_number}\"", std::to_string(ms)}, {"{now_ms}", std::to_string(ms)}, {"{now_iso}", iso}});
}

std::string addDogStatsdTag(const std::string& line, const std::string& tag) {
  const size_t tags = line.find("|#");
  if (tags == std::string::npos) return line + "|#" + tag;
  const size_t found = line.find('|', tags + 2);
  const size_t end = found == std::string::npos ? line.size() : found;
  std::string out = line;
  out.insert(end, (end == tags + 2 ? "" : ",") + tag);
  return out;
}

std::string encodeTraceV04(int spans, uint64_t seed, const std::string& service, const std::string& request_id,
                           uint64_t trace_id, uint64_t parent_id) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> p(buf);
  const uint64_t span_base = seed * 0x9E3779B97F4A7C15ULL + 1;
  if (trace_id == 0) trace_id = span_base;
  const int64_t start = 1'700'000'000'000'000'000LL;
  p.pack_array(1);
  p.pack_array(static_cast<uint32_t>(spans));
  for (int i = 0; i < spans; ++i) {
    p.pack_map(10);
    p.pack("service"), p.pack(service);
    p.pack("name"), p.pack(i == 0 ? "aws.lambda" : "function.work");
    p.pack("resource"), p.pack(service);
    p.pack("trace_id"), p.pack(trace_id);
    p.pack("span_id"), p.pack(span_base + static_cast<uint64_t>(i) + 1);
    p.pack("parent_id"), p.pack(i == 0 ? parent_id : span_base + 1);
    p.pack("start"), p.pack(start + i * 1000);
    p.pack("duration"), p.pack(int64_t{1'000'000});
    p.pack("error"), p.pack(int32_t{0});
    p.pack("meta"), p.pack_map(1), p.pack("request_id"), p.pack(request_id);
  }
  return std::string(buf.data(), buf.size());
}

FunctionRuntime::FunctionRuntime(RuntimeScript script) : script_(std::move(script)) {
  if (!script_.dogstatsd.empty()) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(script_.dogstatsd_port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ >= 0) ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  }
}

FunctionRuntime::~FunctionRuntime() {
  if (fd_ >= 0) ::close(fd_);
}

RuntimeOutput FunctionRuntime::emit(int64_t index, const std::string& request_id) {
  RuntimeOutput out;
  for (const auto& line : script_.dogstatsd) {
    std::string text = expandTemplate(line, index, request_id);
    if (script_.tag_invocation) text = addDogStatsdTag(text, std::string(kInvocationTag) + ":" + std::to_string(index));
    if (fd_ >= 0 && ::send(fd_, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size())) {
      ++out.dogstatsd_lines;
      const std::string name = text.substr(0, text.find(':'));
      if (std::find(out.metric_names.begin(), out.metric_names.end(), name) == out.metric_names.end()) {
        out.metric_names.push_back(name);
      }
    } else {
      ++out.dogstatsd_errors;  // e.g. ECONNREFUSED reported for the previous datagram
    }
  }
  uint64_t parent_id = 0;
  if (script_.extension_port > 0) {
    httplib::Client ext("127.0.0.1", script_.extension_port);
    ext.set_tcp_nodelay(true);
    ext.set_connection_timeout(std::chrono::seconds(1));
    const std::string event = script_.event.empty() ? "{\"request_id\":\"" + request_id + "\"}"
                                                    : expandEvent(script_.event, index, request_id,
                                                                  common::SystemClock::instance().systemNow());
    if (auto res = ext.Post("/lambda/start-invocation", event, "application/json"); res && res->status / 100 == 2) {
      out.lifecycle_started = true;
      if (auto ctx = ext.Get("/trace-context"); ctx && ctx->status / 100 == 2) {
        out.trace_id = std::strtoull(ctx->get_header_value("x-datadog-trace-id").c_str(), nullptr, 10);
        parent_id = std::strtoull(ctx->get_header_value("x-datadog-span-id").c_str(), nullptr, 10);
      }
    }
  }
  if (script_.spans > 0) {
    httplib::Client client("127.0.0.1", script_.trace_port);
    client.set_tcp_nodelay(true);
    client.set_connection_timeout(std::chrono::seconds(1));
    client.set_read_timeout(std::chrono::seconds(2));
    const std::string body = encodeTraceV04(script_.spans, static_cast<uint64_t>(index), script_.service, request_id,
                                            out.trace_id, parent_id);
    httplib::Headers headers{{"X-Datadog-Trace-Count", "1"}};
    auto res = client.Put("/v0.4/traces", headers, body, "application/msgpack");
    out.spans = script_.spans;
    out.trace_accepted = res && res->status >= 200 && res->status < 300;
  }
  for (const auto& line : script_.logs) out.logs.push_back(expandTemplate(line, index, request_id));
  return out;
}

std::string FunctionRuntime::nextInvocation(int port) {
  httplib::Client api("127.0.0.1", port);
  api.set_tcp_nodelay(true);
  api.set_read_timeout(std::chrono::seconds(5));
  auto res = api.Get("/2018-06-01/runtime/invocation/next");
  if (!res || res->status != 200) return "";
  return res->get_header_value("Lambda-Runtime-Aws-Request-Id");
}

bool FunctionRuntime::answerInvocation(int port, const std::string& request_id, bool error) {
  httplib::Client api("127.0.0.1", port);
  api.set_tcp_nodelay(true);
  const std::string path = "/2018-06-01/runtime/invocation/" + request_id + (error ? "/error" : "/response");
  const std::string ok = script_.response.empty() ? R"({"statusCode":200})" : script_.response;
  auto res = api.Post(path, error ? R"({"errorType":"Function.Error"})" : ok, "application/json");
  return res && res->status / 100 == 2;
}

bool FunctionRuntime::endInvocation(bool error) {
  if (script_.extension_port <= 0) return true;
  httplib::Client ext("127.0.0.1", script_.extension_port);
  ext.set_tcp_nodelay(true);
  ext.set_connection_timeout(std::chrono::seconds(1));
  httplib::Headers headers;
  if (error) headers.emplace("x-datadog-invocation-error", "true");
  auto res = ext.Post("/lambda/end-invocation", headers, script_.response.empty() ? "{}" : script_.response,
                      "application/json");
  return res && res->status / 100 == 2;
}

}  // namespace ddsim::lambda
