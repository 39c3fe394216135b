#pragma once
// A scripted KMS + Secrets Manager on loopback for the API key tests: every request's SigV4
// signature is checked with verifySigV4 (a bad one gets 400 InvalidSignatureException).
// "Encryption" is base64("ENC:" + plaintext [+ "|ctx=" + function name]).
#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "core/serverless/aws_client.h"
#include "core/serverless/sigv4.h"
#include "tests/unit/forwarder/scripted_server.h"

namespace ddsim::serverless::testing {

inline constexpr const char* kAccessKey = "AKIDTEST";
inline constexpr const char* kSecretKey = "secret/test/key";

inline std::string fakeEncrypt(const std::string& plain, const std::string& context = "") {
  return base64Encode("ENC:" + plain + (context.empty() ? "" : "|ctx=" + context));
}

class FakeAws {
 public:
  FakeAws() {
    server_.setScript([this](const forwarder::fwdtest::Recorded& r) { return answer(r); });
  }
  std::string url() const { return server_.url(); }
  std::map<std::string, std::string>& secrets() { return secrets_; }
  const forwarder::fwdtest::ScriptedServer& server() const { return server_; }
  int badSignatures() const { return bad_signatures_; }

 private:
  static forwarder::fwdtest::Action error(int status, const std::string& type, const std::string& msg) {
    return {forwarder::fwdtest::Behaviour::kStatus, status, nlohmann::json{{"__type", type}, {"message", msg}}.dump(),
            {}};
  }
  forwarder::fwdtest::Action answer(const forwarder::fwdtest::Recorded& r) {
    SigV4Request req;
    req.method = r.method;
    req.path = r.path;
    req.body = r.body;
    std::string target;
    for (const auto& [n, v] : r.headers) {
      if (n == "REMOTE_ADDR" || n == "REMOTE_PORT" || n == "LOCAL_ADDR" || n == "LOCAL_PORT") continue;
      req.headers.emplace_back(n, v);
      if (n == "X-Amz-Target") target = v;
    }
    const auto ok = verifySigV4(req, [](std::string_view id) -> std::optional<std::string> {
      if (id == kAccessKey) return std::string(kSecretKey);
      return std::nullopt;
    });
    if (!ok.isOk()) {
      ++bad_signatures_;
      return error(400, "InvalidSignatureException", ok.status().message());
    }
    const auto body = nlohmann::json::parse(r.body);
    if (target == "TrentService.Decrypt") {
      const auto plain = base64Decode(body.value("CiphertextBlob", ""));
      if (!plain || plain->rfind("ENC:", 0) != 0) return error(400, "InvalidCiphertextException", "not ours");
      std::string text = plain->substr(4);
      std::string want_ctx;
      if (auto bar = text.find("|ctx="); bar != std::string::npos) {
        want_ctx = text.substr(bar + 5);
        text.resize(bar);
      }
      std::string got_ctx;
      if (body.contains("EncryptionContext")) got_ctx = body["EncryptionContext"].value("LambdaFunctionName", "");
      if (got_ctx != want_ctx) return error(400, "InvalidCiphertextException", "context mismatch");
      return {forwarder::fwdtest::Behaviour::kStatus, 200,
              nlohmann::json{{"Plaintext", base64Encode(text)}, {"KeyId", "k"}}.dump(), {}};
    }
    if (target == "secretsmanager.GetSecretValue") {
      auto it = secrets_.find(body.value("SecretId", ""));
      if (it == secrets_.end()) return error(400, "ResourceNotFoundException", "no such secret");
      return {forwarder::fwdtest::Behaviour::kStatus, 200,
              nlohmann::json{{"ARN", it->first}, {"SecretString", it->second}}.dump(), {}};
    }
    return error(400, "UnknownOperationException", target);
  }

  std::map<std::string, std::string> secrets_;
  int bad_signatures_ = 0;
  forwarder::fwdtest::ScriptedServer server_;
};

}  // namespace ddsim::serverless::testing
