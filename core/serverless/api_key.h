#pragma once
// Where the extension's API key comes from (spec §7.1 step 3, the agent's apikey.HandleEnv):
// DD_API_KEY in clear, DD_KMS_API_KEY (KMS-encrypted, exported as DD_API_KEY), and any
// variable ending in _KMS_ENCRYPTED or _SECRET_ARN, decrypted (KMS Decrypt, Secrets Manager
// GetSecretValue) and exported without the suffix, trimmed.
#include <string>
#include <vector>

#include "core/serverless/aws_client.h"

namespace ddsim::serverless {

struct ApiKeyResolution {
  // Variables to export: name without suffix -> decrypted, trimmed value.
  Environment decrypted;
  // The key the extension will use ("" when none could be established).
  std::string api_key;
  // Which variable gave it: DD_API_KEY, DD_KMS_API_KEY, DD_API_KEY_KMS_ENCRYPTED,
  // DD_API_KEY_SECRET_ARN (or "" when none).
  std::string source;
  // How it was obtained: "plain" (DD_API_KEY), "kms" (Decrypt without an encryption context),
  // "kms_with_context" (with {"LambdaFunctionName": ...}), "secrets_manager", or "none".
  std::string path = "none";
  std::vector<std::string> warnings;  // "set in multiple places"
  std::vector<std::string> errors;    // one per variable that could not be decrypted, with why
};

// KMS decryption as the agent does it: first without an encryption context; when KMS answers
// with an error, again with {"LambdaFunctionName": AWS_LAMBDA_FUNCTION_NAME} (the context the
// Lambda console adds). Transport failures are not retried. `used_context`, when given, says
// whether the successful call carried the context.
common::Result<std::string> decryptKms(const AwsJsonClient& aws, const Environment& env, std::string_view ciphertext,
                                       bool* used_context = nullptr);

// The line the extension logs once its key is settled, which the simulated Lambda reads from
// the extension's output: "API key source: <path> (<variable>)", or the agent's
// "No API key configured" when there is none.
std::string apiKeySourceLine(const ApiKeyResolution& key);

// Resolves every secret variable of `env`. Decrypted values take precedence over DD_API_KEY in
// clear (they are exported over it, as the agent's os.Setenv does). The agent visits the
// variables in Go map order (unspecified); ddsim visits them sorted by name and keeps the first
// success per exported name.
ApiKeyResolution resolveApiKey(const Environment& env, const AwsJsonClient& aws);

}  // namespace ddsim::serverless
