#include "simulator/lambda/aws_fake.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "core/serverless/sigv4.h"
#include "fakeintake/core/base64.h"

namespace ddsim::lambda {

using nlohmann::json;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string awsError(const std::string& type, const std::string& message) {
  return json{{"__type", type}, {"message", message}}.dump();
}

}  // namespace

common::Status checkSigV4Shape(const AwsRequest& req, const std::string& access_key_id, const std::string& region) {
  auto header = [&](const char* name) {
    auto it = req.headers.find(name);
    return it == req.headers.end() ? std::string() : it->second;
  };
  const std::string auth = header("authorization");
  const std::string prefix = "AWS4-HMAC-SHA256 Credential=";
  if (auth.rfind(prefix, 0) != 0) return common::invalidArgument("missing or non-SigV4 Authorization header");
  if (header("x-amz-date").size() != 16) return common::invalidArgument("missing X-Amz-Date (yyyymmddThhmmssZ)");
  const auto comma = auth.find(',');
  const std::string credential = auth.substr(prefix.size(), comma - prefix.size());
  // key/date/region/service/aws4_request
  std::vector<std::string> parts;
  for (size_t start = 0, slash; start <= credential.size(); start = slash + 1) {
    slash = credential.find('/', start);
    if (slash == std::string::npos) slash = credential.size();
    parts.push_back(credential.substr(start, slash - start));
  }
  if (parts.size() != 5 || parts[4] != "aws4_request") return common::invalidArgument("malformed credential scope");
  if (parts[0] != access_key_id) return common::invalidArgument("unknown access key " + parts[0]);
  if (parts[1] != header("x-amz-date").substr(0, 8)) return common::invalidArgument("scope date differs from X-Amz-Date");
  if (parts[2] != region) return common::invalidArgument("scope region " + parts[2] + ", expected " + region);
  if (parts[3] != req.service) return common::invalidArgument("scope service " + parts[3] + ", expected " + req.service);
  if (auth.find("SignedHeaders=") == std::string::npos) return common::invalidArgument("no SignedHeaders");
  const auto sig = auth.find("Signature=");
  if (sig == std::string::npos || auth.size() - sig - 10 != 64) return common::invalidArgument("no 64-hex Signature");
  return common::Status::ok();
}

AwsFake::AwsFake(AwsFakeOptions options) : options_(std::move(options)) {
  // The shape first (its errors name the scope part that is wrong), then the signature itself,
  // recomputed with the fake's secret key (core/serverless/sigv4.h).
  check_ = [this](const AwsRequest& r) -> common::Status {
    if (auto st = checkSigV4Shape(r, options_.access_key_id, options_.region); !st) return st;
    serverless::SigV4Request q;
    q.method = r.method;
    q.path = r.path;
    q.body = r.body;
    for (const auto& [name, value] : r.headers) q.headers.emplace_back(name, value);
    auto verified = serverless::verifySigV4(q, [this](std::string_view id) -> std::optional<std::string> {
      if (id == options_.access_key_id) return options_.secret_access_key;
      return std::nullopt;
    });
    if (!verified.isOk()) return verified.status();
    return common::Status::ok();
  };
  server_.http().Post("/", [this](const httplib::Request& req, httplib::Response& res) {
    AwsRequest r;
    r.method = req.method;
    r.path = req.path;
    r.body = req.body;
    for (const auto& [k, v] : req.headers) r.headers[lower(k)] = v;
    int status = 200;
    std::string body;
    handle(r, status, body);
    res.status = status;
    res.set_content(body, "application/x-amz-json-1.1");
  });
}

AwsFake::~AwsFake() { stop(); }

common::Result<int> AwsFake::start() { return server_.start(); }

void AwsFake::stop() { server_.stop(); }

void AwsFake::setSignatureCheck(SignatureCheck check) {
  std::lock_guard lock(mu_);
  check_ = std::move(check);
}

std::string AwsFake::encrypt(const std::string& plaintext, const std::string& function_name) {
  std::lock_guard lock(mu_);
  // Opaque bytes; only this fake can "decrypt" them.
  const std::string blob = "ddsim-kms-v1:" + std::to_string(ciphertexts_.size()) + ":" +
                           fakeintake::base64Encode(plaintext + "|" + function_name);
  ciphertexts_[blob] = {plaintext, function_name};
  return fakeintake::base64Encode(blob);
}

std::string AwsFake::putSecret(const std::string& name, const std::string& value) {
  std::lock_guard lock(mu_);
  const std::string arn =
      "arn:aws:secretsmanager:" + options_.region + ":" + options_.account_id + ":secret:" + name + "-AbCdEf";
  secrets_[arn] = {name, value};
  return arn;
}

std::map<std::string, int64_t> AwsFake::served() const {
  std::lock_guard lock(mu_);
  return served_;
}

std::map<std::string, int64_t> AwsFake::rejected() const {
  std::lock_guard lock(mu_);
  return rejected_;
}

void AwsFake::handle(const AwsRequest& in, int& status, std::string& body) {
  AwsRequest req = in;
  const auto target = req.headers.count("x-amz-target") ? req.headers.at("x-amz-target") : "";
  std::lock_guard lock(mu_);
  auto reject = [&](int code, const std::string& reason, const std::string& type, const std::string& message) {
    ++rejected_[reason];
    status = code;
    body = awsError(type, message);
  };
  if (target == "TrentService.Decrypt") {
    req.service = "kms";
  } else if (target == "secretsmanager.GetSecretValue") {
    req.service = "secretsmanager";
  } else {
    return reject(400, "unknown_operation", "UnknownOperationException", "X-Amz-Target '" + target + "' is not served");
  }
  if (auto st = check_(req); !st) {
    return reject(403, "signature", "InvalidSignatureException", st.message());
  }
  json doc = json::parse(req.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return reject(400, "bad_body", "SerializationException", "the body is not a JSON object");
  }
  if (req.service == "kms") {
    auto blob = doc.contains("CiphertextBlob") && doc["CiphertextBlob"].is_string()
                    ? fakeintake::base64Decode(doc["CiphertextBlob"].get<std::string>())
                    : std::nullopt;
    auto it = blob ? ciphertexts_.find(*blob) : ciphertexts_.end();
    if (it == ciphertexts_.end()) {
      return reject(400, "kms.invalid_ciphertext", "InvalidCiphertextException", "CiphertextBlob is not a ciphertext of this KMS");
    }
    std::string context_fn;
    if (doc.contains("EncryptionContext") && doc["EncryptionContext"].is_object()) {
      context_fn = doc["EncryptionContext"].value("LambdaFunctionName", "");
    }
    if (context_fn != it->second.function_name) {
      // KMS answers a wrong encryption context as an invalid ciphertext.
      return reject(400, "kms.wrong_context", "InvalidCiphertextException", "the encryption context does not match");
    }
    ++served_[target];
    body = json{{"KeyId", "arn:aws:kms:" + options_.region + ":" + options_.account_id +
                              ":key/00000000-0000-4000-8000-000000000001"},
                {"Plaintext", fakeintake::base64Encode(it->second.plaintext)},
                {"EncryptionAlgorithm", "SYMMETRIC_DEFAULT"}}
               .dump();
    return;
  }
  const std::string id = doc.value("SecretId", "");
  auto it = std::find_if(secrets_.begin(), secrets_.end(),
                         [&](const auto& s) { return s.first == id || s.second.name == id; });
  if (it == secrets_.end()) {
    return reject(400, "secretsmanager.not_found", "ResourceNotFoundException", "Secrets Manager can't find the secret " + id);
  }
  ++served_[target];
  body = json{{"ARN", it->first},
              {"Name", it->second.name},
              {"SecretString", it->second.value},
              {"VersionId", "00000000-0000-4000-8000-000000000002"},
              {"VersionStages", {"AWSCURRENT"}},
              {"CreatedDate", 1700000000}}
             .dump();
}

}  // namespace ddsim::lambda
