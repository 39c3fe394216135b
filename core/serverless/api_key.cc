#include "core/serverless/api_key.h"

namespace ddsim::serverless {
namespace {

constexpr std::string_view kKmsSuffix = "_KMS_ENCRYPTED";
constexpr std::string_view kSecretSuffix = "_SECRET_ARN";
constexpr std::string_view kKmsApiKey = "DD_KMS_API_KEY";

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

}  // namespace

common::Result<std::string> decryptKms(const AwsJsonClient& aws, const Environment& env, std::string_view ciphertext,
                                       bool* used_context) {
  if (used_context) *used_context = false;
  auto plain = aws.kmsDecrypt(ciphertext, std::nullopt);
  if (plain.isOk() || aws.lastError().http_status == 0) return plain;
  const std::string function_name = envOr(env, "AWS_LAMBDA_FUNCTION_NAME");
  auto with_context = aws.kmsDecrypt(ciphertext, function_name);
  if (with_context.isOk()) {
    if (used_context) *used_context = true;
    return with_context;
  }
  return common::unavailable(plain.status().message() + "; with encryption context LambdaFunctionName=" +
                             function_name + ": " + with_context.status().message());
}

ApiKeyResolution resolveApiKey(const Environment& env, const AwsJsonClient& aws) {
  ApiKeyResolution out;
  std::vector<std::string> set_in;
  for (const auto& [name, label] : {std::pair{"DD_API_KEY_KMS_ENCRYPTED", "KMS_ENCRYPTED"},
                                    std::pair{"DD_KMS_API_KEY", "KMS"}, std::pair{"DD_API_KEY_SECRET_ARN", "SSM"},
                                    std::pair{"DD_API_KEY", "environment variable"}}) {
    if (!envOr(env, name).empty()) set_in.emplace_back(label);
  }
  if (set_in.size() > 1) {
    std::string joined;
    for (const auto& s : set_in) joined += (joined.empty() ? "" : ", ") + s;
    out.warnings.push_back("An API Key has been set in multiple places: " + joined);
  }
  Environment sources;  // exported name -> the variable it came from
  Environment paths;    // exported name -> how it was decrypted
  auto keep = [&](const std::string& exported, const std::string& from, common::Result<std::string> value,
                  const std::string& path) {
    if (!value.isOk()) {
      out.errors.push_back(from + ": " + value.status().message());
      return;
    }
    if (out.decrypted.count(exported)) return;
    out.decrypted[exported] = trim(*value);
    sources[exported] = from;
    paths[exported] = path;
  };
  auto kms = [&](const std::string& exported, const std::string& from, const std::string& ciphertext) {
    bool with_context = false;
    auto value = decryptKms(aws, env, ciphertext, &with_context);
    keep(exported, from, std::move(value), with_context ? "kms_with_context" : "kms");
  };
  for (const auto& [name, value] : env) {
    if (value.empty()) continue;
    if (endsWith(name, kKmsSuffix)) {
      kms(name.substr(0, name.size() - kKmsSuffix.size()), name, value);
    }
    if (name == kKmsApiKey) kms("DD_API_KEY", name, value);
    if (endsWith(name, kSecretSuffix)) {
      keep(name.substr(0, name.size() - kSecretSuffix.size()), name, aws.getSecretValue(value), "secrets_manager");
    }
  }
  if (auto it = out.decrypted.find("DD_API_KEY"); it != out.decrypted.end() && !it->second.empty()) {
    out.api_key = it->second;
    out.source = sources["DD_API_KEY"];
    out.path = paths["DD_API_KEY"];
  } else if (const std::string plain = trim(envOr(env, "DD_API_KEY")); !plain.empty()) {
    out.api_key = plain;
    out.source = "DD_API_KEY";
    out.path = "plain";
  }
  return out;
}

std::string apiKeySourceLine(const ApiKeyResolution& key) {
  if (key.api_key.empty()) return "No API key configured";
  return "API key source: " + key.path + " (" + key.source + ")";
}

}  // namespace ddsim::serverless
