#pragma once
// Fakes of the two AWS services the serverless extension reads its API key from, on one
// loopback port, over their JSON protocol (POST /, application/x-amz-json-1.1, the operation in
// X-Amz-Target): KMS Decrypt (TrentService.Decrypt) and Secrets Manager GetSecretValue
// (secretsmanager.GetSecretValue). Give the extension the URL as AWS_ENDPOINT_URL_KMS and
// AWS_ENDPOINT_URL_SECRETS_MANAGER.
//
// Every request must carry a SigV4 Authorization header. By default the fake checks its shape,
// the credential scope's service and region and the access key, then recomputes the signature
// with its secret key (core/serverless/sigv4.h); setSignatureCheck replaces that check.
// Rejections are counted by reason. Thread-safe.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/common/status.h"
#include "simulator/lambda/loopback_server.h"

namespace ddsim::lambda {

// What a signature check sees of a request.
struct AwsRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string service;  // "kms" or "secretsmanager", from X-Amz-Target
};

using SignatureCheck = std::function<common::Status(const AwsRequest&)>;

struct AwsFakeOptions {
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  std::string access_key_id = "AKIDDDSIMLAMBDA00001";  // what the extension gets as AWS_ACCESS_KEY_ID
  std::string secret_access_key = "ddsim/lambda/secret/key/for/tests/00000000";
};

class AwsFake {
 public:
  explicit AwsFake(AwsFakeOptions options = {});
  ~AwsFake();
  AwsFake(const AwsFake&) = delete;
  AwsFake& operator=(const AwsFake&) = delete;

  common::Result<int> start();  // any free port on 127.0.0.1
  void stop();
  std::string url() const { return server_.url(); }
  const AwsFakeOptions& options() const { return options_; }

  // Replaces the default (shape, then signature) check.
  void setSignatureCheck(SignatureCheck check);

  // Registers `plaintext` under a new ciphertext and returns the ciphertext in base64 (the
  // value of DD_KMS_API_KEY). With a non-empty `function_name`, Decrypt succeeds only with the
  // encryption context {"LambdaFunctionName": function_name}; without, only with none.
  std::string encrypt(const std::string& plaintext, const std::string& function_name = "");
  // Adds a secret; its ARN (the value of DD_API_KEY_SECRET_ARN) is returned.
  std::string putSecret(const std::string& name, const std::string& value);

  // Answered requests by operation ("TrentService.Decrypt" ...) and rejections by reason.
  std::map<std::string, int64_t> served() const;
  std::map<std::string, int64_t> rejected() const;

 private:
  void handle(const AwsRequest& req, int& status, std::string& body);

  struct Ciphertext {
    std::string plaintext;
    std::string function_name;
  };
  struct Secret {
    std::string name;
    std::string value;
  };

  AwsFakeOptions options_;
  LoopbackServer server_{"the AWS fake"};
  mutable std::mutex mu_;
  SignatureCheck check_;
  std::map<std::string, Ciphertext> ciphertexts_;  // by raw ciphertext bytes
  std::map<std::string, Secret> secrets_;          // by ARN
  std::map<std::string, int64_t> served_, rejected_;
};

// The default check: an "AWS4-HMAC-SHA256 Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request,
// SignedHeaders=..., Signature=<64 hex>" header naming `access_key_id`, `region` and the
// request's service, and an X-Amz-Date. The error says which part is wrong.
common::Status checkSigV4Shape(const AwsRequest& req, const std::string& access_key_id, const std::string& region);

}  // namespace ddsim::lambda
