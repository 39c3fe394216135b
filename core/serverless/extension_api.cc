#include "core/serverless/extension_api.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace ddsim::serverless {
namespace {

std::unique_ptr<httplib::Client> makeClient(const std::string& host_port) {
  auto c = std::make_unique<httplib::Client>("http://" + host_port);
  c->set_tcp_nodelay(true);
  c->set_keep_alive(false);
  return c;
}

}  // namespace

ExtensionApiClient::ExtensionApiClient(std::string runtime_api) : runtime_api_(std::move(runtime_api)) {}
ExtensionApiClient::~ExtensionApiClient() = default;

common::Result<Registration> ExtensionApiClient::registerExtension(const std::string& name) {
  auto c = makeClient(runtime_api_);
  c->set_connection_timeout(5);
  c->set_read_timeout(5);
  httplib::Headers h = {{"Lambda-Extension-Name", name}, {"Lambda-Extension-Accept-Feature", "accountId"}};
  auto res = c->Post("/2020-01-01/extension/register", h, R"({"events":["INVOKE","SHUTDOWN"]})", "application/json");
  if (!res) {
    return common::unavailable("extension registration at " + runtime_api_ + " failed: " + httplib::to_string(res.error()));
  }
  Registration r;
  try {
    const auto j = nlohmann::json::parse(res->body);
    r.function_name = j.value("functionName", "");
    r.account_id = j.value("accountId", "");
  } catch (const nlohmann::json::exception& e) {
    return common::invalidArgument("extension registration: the answer is not JSON: " + std::string(e.what()));
  }
  if (res->status != 200) {
    return common::unavailable("extension registration answered HTTP " + std::to_string(res->status));
  }
  r.extension_id = res->get_header_value("Lambda-Extension-Identifier");
  if (r.extension_id.empty()) {
    return common::invalidArgument("extension registration: no Lambda-Extension-Identifier header in the answer");
  }
  extension_id_ = r.extension_id;
  return r;
}

common::Result<LambdaEvent> ExtensionApiClient::nextEvent() {
  httplib::Client* c = nullptr;
  {
    std::lock_guard l(mu_);
    if (cancelled_) return common::unavailable("event/next cancelled");
    next_client_ = makeClient(runtime_api_);
    next_client_->set_read_timeout(24 * 3600);  // "no client timeout"
    c = next_client_.get();
  }
  auto res = c->Get("/2020-01-01/extension/event/next", {{"Lambda-Extension-Identifier", extension_id_}});
  if (!res) return common::unavailable("event/next failed: " + httplib::to_string(res.error()));
  if (res->status != 200) return common::unavailable("event/next answered HTTP " + std::to_string(res->status));
  try {
    const auto j = nlohmann::json::parse(res->body);
    LambdaEvent e;
    e.event_type = j.value("eventType", "");
    e.deadline_ms = j.value("deadlineMs", int64_t{0});
    e.invoked_function_arn = j.value("invokedFunctionArn", "");
    e.shutdown_reason = j.value("shutdownReason", "");
    e.request_id = j.value("requestId", "");
    return e;
  } catch (const nlohmann::json::exception& ex) {
    return common::invalidArgument("event/next: the answer is not a JSON event: " + std::string(ex.what()));
  }
}

void ExtensionApiClient::cancel() {
  std::lock_guard l(mu_);
  cancelled_ = true;
  if (next_client_) next_client_->stop();
}

common::Status ExtensionApiClient::subscribeTelemetry(const TelemetrySubscription& sub) {
  auto c = makeClient(runtime_api_);
  c->set_connection_timeout(5);
  c->set_read_timeout(5);
  const nlohmann::json body = {
      {"schemaVersion", "2022-07-01"},
      {"destination", {{"protocol", "HTTP"}, {"URI", sub.destination}}},
      {"types", sub.types},
      {"buffering", {{"timeoutMs", sub.timeout_ms}, {"maxBytes", sub.max_bytes}, {"maxItems", sub.max_items}}}};
  auto res = c->Put("/2022-07-01/telemetry", {{"Lambda-Extension-Identifier", extension_id_}}, body.dump(),
                    "application/json");
  if (!res) return common::unavailable("telemetry subscription failed: " + httplib::to_string(res.error()));
  if (res->status >= 300) {
    return common::unavailable("telemetry subscription answered HTTP " + std::to_string(res->status) + ": " +
                               res->body.substr(0, 200));
  }
  return common::Status::ok();
}

std::string stripArnQualifier(const std::string& arn) {
  size_t colons = 0;
  for (char c : arn) colons += c == ':';
  if (colons + 1 > 7) return arn.substr(0, arn.rfind(':'));
  return arn;
}

}  // namespace ddsim::serverless
