#include "core/serverless/aws_client.h"

#include <openssl/evp.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "core/forwarder/url.h"

extern char** environ;

namespace ddsim::serverless {
namespace {

std::string amzDate(common::SystemTime t) {
  const std::time_t secs = common::toUnixSecondsInt(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string endpointVariable(std::string_view service) {
  return service == "kms" ? "AWS_ENDPOINT_URL_KMS" : "AWS_ENDPOINT_URL_SECRETS_MANAGER";
}

}  // namespace

Environment captureEnvironment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view var(*e);
    const size_t eq = var.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(var.substr(0, eq)), std::string(var.substr(eq + 1)));
  }
  return env;
}

std::string envOr(const Environment& env, std::string_view name, std::string_view fallback) {
  auto it = env.find(name);
  return it == env.end() || it->second.empty() ? std::string(fallback) : it->second;
}

std::string base64Encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * text.size() / 4 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  // EVP_DecodeBlock counts padding as zero bytes.
  if (!text.empty() && text.back() == '=') --len;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

AwsJsonClient::AwsJsonClient(const Environment& env, forwarder::Transport& transport, common::Clock& clock)
    : env_(env), transport_(transport), clock_(clock) {
  credentials_ = {envOr(env, "AWS_ACCESS_KEY_ID"), envOr(env, "AWS_SECRET_ACCESS_KEY"),
                  envOr(env, "AWS_SESSION_TOKEN")};
}

std::string AwsJsonClient::endpointFor(std::string_view service, std::string_view region) const {
  std::string url = envOr(env_, endpointVariable(service));
  if (url.empty()) url = envOr(env_, "AWS_ENDPOINT_URL");
  if (url.empty()) url = "https://" + std::string(service) + "." + std::string(region) + ".amazonaws.com";
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

common::Result<std::string> AwsJsonClient::call(std::string_view service, std::string_view region,
                                                std::string_view target, const std::string& body) const {
  last_error_ = {};
  if (credentials_.access_key_id.empty() || credentials_.secret_access_key.empty()) {
    return common::failedPrecondition(std::string(service) +
                                      ": no AWS credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are unset)");
  }
  const std::string endpoint = endpointFor(service, region);
  auto url = forwarder::parseUrl(endpoint + "/");
  if (!url.isOk()) return common::invalidArgument(std::string(service) + " endpoint: " + url.status().message());
  SigV4Request req;
  req.path = "/";
  req.headers = {{"Host", url->hostPort()},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", std::string(target)}};
  req.body = body;
  signRequestInPlace(req, credentials_, amzDate(clock_.systemNow()), region, service);

  forwarder::TransportRequest tr;
  tr.method = "POST";
  tr.url = endpoint + "/";
  for (const auto& [n, v] : req.headers) {
    if (n != "Host") tr.headers.emplace_back(n, v);
  }
  tr.body = req.body;
  tr.timeout = std::chrono::seconds(5);
  const auto res = transport_.send(tr);
  if (!res.hasResponse()) {
    std::string hint;
    if (envOr(env_, endpointVariable(service)).empty() && envOr(env_, "AWS_ENDPOINT_URL").empty()) {
      hint = " (the default AWS endpoint is not reachable from a sandbox: set " + endpointVariable(service) +
             " to a reachable " + std::string(service) + " endpoint)";
    }
    last_error_.message = res.error_message;
    return common::unavailable(std::string(target) + " at " + endpoint + " failed: " +
                               std::string(forwarder::transportErrorName(res.error)) + " " + res.error_message + hint);
  }
  if (res.status != 200) {
    last_error_.http_status = res.status;
    try {
      const auto j = nlohmann::json::parse(res.body);
      last_error_.type = j.value("__type", "");
      last_error_.message = j.value("message", j.value("Message", ""));
    } catch (const nlohmann::json::exception&) {
      last_error_.message = res.body.substr(0, 200);
    }
    return common::unavailable(std::string(target) + " at " + endpoint + " answered HTTP " +
                               std::to_string(res.status) + " " + last_error_.type + ": " + last_error_.message);
  }
  return res.body;
}

common::Result<std::string> AwsJsonClient::kmsDecrypt(std::string_view ciphertext_b64,
                                                      std::optional<std::string_view> function_name) const {
  nlohmann::json body = {{"CiphertextBlob", std::string(ciphertext_b64)}};
  if (function_name) body["EncryptionContext"] = {{"LambdaFunctionName", std::string(*function_name)}};
  const std::string region = envOr(env_, "AWS_REGION", "us-east-1");
  auto answer = call("kms", region, "TrentService.Decrypt", body.dump());
  if (!answer.isOk()) return answer.status();
  try {
    const auto j = nlohmann::json::parse(*answer);
    auto plain = base64Decode(j.at("Plaintext").get<std::string>());
    if (!plain) return common::invalidArgument("KMS Decrypt: Plaintext is not base64");
    return *plain;
  } catch (const nlohmann::json::exception& e) {
    return common::invalidArgument(std::string("KMS Decrypt: unexpected answer: ") + e.what());
  }
}

common::Result<std::string> AwsJsonClient::getSecretValue(std::string_view arn) const {
  // arn:<partition>:secretsmanager:<region>:<account>:secret:<name>
  std::vector<std::string> parts;
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    const size_t colon = arn.find(':', pos);
    if (colon == std::string_view::npos) break;
    parts.emplace_back(arn.substr(pos, colon - pos));
    pos = colon + 1;
  }
  if (parts.size() < 4 || parts[0] != "arn" || parts[2] != "secretsmanager" || parts[3].empty()) {
    return common::invalidArgument("Secrets Manager ARN '" + std::string(arn) +
                                   "' is not arn:<partition>:secretsmanager:<region>:...");
  }
  const nlohmann::json body = {{"SecretId", std::string(arn)}};
  auto answer = call("secretsmanager", parts[3], "secretsmanager.GetSecretValue", body.dump());
  if (!answer.isOk()) return answer.status();
  try {
    const auto j = nlohmann::json::parse(*answer);
    return j.at("SecretString").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    return common::invalidArgument(std::string("GetSecretValue: unexpected answer: ") + e.what());
  }
}

}  // namespace ddsim::serverless
