#pragma once
// The extension's side of the Lambda Extensions API (2020-01-01) and Telemetry API (2022-07-01)
// at AWS_LAMBDA_RUNTIME_API (spec §7.1 steps 5 and 8, §7.2).
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/serverless/lambda_event_source.h"

namespace httplib {
class Client;
}

namespace ddsim::serverless {

struct Registration {
  std::string extension_id;  // Lambda-Extension-Identifier
  std::string function_name;
  std::string account_id;
};

struct TelemetrySubscription {
  std::string destination;  // http://sandbox:8124/lambda/logs in Lambda
  std::vector<std::string> types = {"platform", "function", "extension"};
  int timeout_ms = 25;
  int max_bytes = 262144;
  int max_items = 1000;
};

class ExtensionApiClient final : public LambdaEventSource {
 public:
  // `runtime_api`: host:port (AWS_LAMBDA_RUNTIME_API; Lambda's default is localhost:9001).
  explicit ExtensionApiClient(std::string runtime_api);
  ~ExtensionApiClient();

  // POST /2020-01-01/extension/register with Lambda-Extension-Name: datadog-agent,
  // Lambda-Extension-Accept-Feature: accountId and {"events":["INVOKE","SHUTDOWN"]}; 5 s timeout.
  // Errors name the status or the reason (body not JSON, identifier missing).
  common::Result<Registration> registerExtension(const std::string& name = "datadog-agent");
  // GET /2020-01-01/extension/event/next; blocks with no timeout until Lambda answers, or until
  // cancel() (then Unavailable).
  common::Result<LambdaEvent> nextEvent() override;
  // PUT /2022-07-01/telemetry; any status < 300 is accepted.
  common::Status subscribeTelemetry(const TelemetrySubscription& sub);
  // Unblocks nextEvent() from another thread. Thread-safe.
  void cancel() override;

  const std::string& extensionId() const { return extension_id_; }

 private:
  std::string runtime_api_;
  std::string extension_id_;
  std::mutex mu_;
  std::unique_ptr<httplib::Client> next_client_;
  bool cancelled_ = false;
};

// "arn:aws:lambda:r:1:function:f:alias" -> without the qualifier (more than 7 ':' tokens drop
// the last, spec §7.2).
std::string stripArnQualifier(const std::string& arn);

}  // namespace ddsim::serverless
