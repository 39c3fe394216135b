#pragma once
// The two AWS calls the extension makes for its API key (spec §7.1 step 3), over their JSON
// protocols (application/x-amz-json-1.1, X-Amz-Target), signed with SigV4 from the credentials
// Lambda gives the function (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
// AWS_REGION). Endpoints as the AWS SDKs resolve them: AWS_ENDPOINT_URL_KMS /
// AWS_ENDPOINT_URL_SECRETS_MANAGER, then AWS_ENDPOINT_URL, then https://<service>.<region>.amazonaws.com
// (which a sandbox cannot reach; errors then say which variable to set).
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/clock.h"
#include "core/common/status.h"
#include "core/forwarder/transport.h"
#include "core/serverless/sigv4.h"

namespace ddsim::serverless {

// The process environment as a map (captured once; tests build their own).
using Environment = std::map<std::string, std::string, std::less<>>;
Environment captureEnvironment();
std::string envOr(const Environment& env, std::string_view name, std::string_view fallback = "");

std::string base64Encode(std::string_view data);
std::optional<std::string> base64Decode(std::string_view text);

// An AWS JSON-protocol error: HTTP status and the "__type" the service answered
// ("InvalidCiphertextException"), empty for transport failures.
struct AwsError {
  int http_status = 0;
  std::string type;
  std::string message;
};

class AwsJsonClient {
 public:
  // `transport` and `clock` must outlive the client. The clock gives X-Amz-Date.
  AwsJsonClient(const Environment& env, forwarder::Transport& transport, common::Clock& clock);

  // KMS Decrypt of a base64 ciphertext; the plaintext bytes. `function_name`, when set, is sent
  // as the encryption context {"LambdaFunctionName": name}.
  common::Result<std::string> kmsDecrypt(std::string_view ciphertext_b64,
                                         std::optional<std::string_view> function_name) const;
  // Secrets Manager GetSecretValue of `arn`; its SecretString. The region comes from the ARN.
  common::Result<std::string> getSecretValue(std::string_view arn) const;

  // The endpoint used for a service ("kms", "secretsmanager") in `region`.
  std::string endpointFor(std::string_view service, std::string_view region) const;
  // The last error's detail (for the KMS retry decision and tests).
  const AwsError& lastError() const { return last_error_; }

 private:
  common::Result<std::string> call(std::string_view service, std::string_view region, std::string_view target,
                                   const std::string& body) const;

  const Environment& env_;
  forwarder::Transport& transport_;
  common::Clock& clock_;
  SigV4Credentials credentials_;
  mutable AwsError last_error_;
};

}  // namespace ddsim::serverless
