// API key sources (spec §7.1 step 3) against a scripted KMS / Secrets Manager that checks the
// SigV4 signature of every call.
#include "core/serverless/api_key.h"

#include <gtest/gtest.h>

#include "core/forwarder/http_transport.h"
#include "tests/unit/serverless/fake_aws.h"

namespace ddsim::serverless {
namespace {

using testing::fakeEncrypt;

const char* kArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dd-key";

struct Fixture {
  testing::FakeAws aws;
  common::ManualClock clock;
  forwarder::HttpTransport transport{clock};
  Environment base() const {
    return {{"AWS_ACCESS_KEY_ID", testing::kAccessKey}, {"AWS_SECRET_ACCESS_KEY", testing::kSecretKey},
            {"AWS_SESSION_TOKEN", "tok"}, {"AWS_REGION", "us-east-1"}, {"AWS_LAMBDA_FUNCTION_NAME", "my-fn"},
            {"AWS_ENDPOINT_URL_KMS", aws.url()}, {"AWS_ENDPOINT_URL_SECRETS_MANAGER", aws.url()}};
  }
};

TEST(ApiKey, SourcesTable) {
  struct Row {
    const char* name;
    Environment extra;
    const char* want_key;
    const char* want_source;
    size_t want_kms_calls;
  };
  Fixture f;
  f.aws.secrets()[kArn] = "  sm-key \n";
  const Row rows[] = {
      {"plain", {{"DD_API_KEY", "plain-key"}}, "plain-key", "DD_API_KEY", 0},
      {"DD_KMS_API_KEY without context", {{"DD_KMS_API_KEY", fakeEncrypt("kms-key")}}, "kms-key", "DD_KMS_API_KEY", 1},
      {"DD_KMS_API_KEY with the function-name context",
       {{"DD_KMS_API_KEY", fakeEncrypt("ctx-key", "my-fn")}}, "ctx-key", "DD_KMS_API_KEY", 2},
      {"DD_API_KEY_KMS_ENCRYPTED", {{"DD_API_KEY_KMS_ENCRYPTED", fakeEncrypt("enc-key")}}, "enc-key",
       "DD_API_KEY_KMS_ENCRYPTED", 1},
      {"Secrets Manager, trimmed", {{"DD_API_KEY_SECRET_ARN", kArn}}, "sm-key", "DD_API_KEY_SECRET_ARN", 0},
      {"decrypted wins over plain", {{"DD_API_KEY", "plain"}, {"DD_KMS_API_KEY", fakeEncrypt("k2")}}, "k2",
       "DD_KMS_API_KEY", 1},
      {"undecryptable falls back to plain", {{"DD_API_KEY", "plain"}, {"DD_KMS_API_KEY", base64Encode("junk")}},
       "plain", "DD_API_KEY", 2},
      {"nothing", {}, "", "", 0},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    const size_t before = f.aws.server().count("POST");
    Environment env = f.base();
    for (const auto& [k, v] : r.extra) env[k] = v;
    AwsJsonClient client(env, f.transport, f.clock);
    const auto got = resolveApiKey(env, client);
    EXPECT_EQ(got.api_key, r.want_key);
    EXPECT_EQ(got.source, r.want_source);
    size_t kms_calls = 0;
    const auto reqs = f.aws.server().requests("POST");
    for (size_t i = before; i < reqs.size(); ++i) {
      for (const auto& [n, v] : reqs[i].headers) kms_calls += n == "X-Amz-Target" && v == "TrentService.Decrypt";
    }
    EXPECT_EQ(kms_calls, r.want_kms_calls);
  }
  EXPECT_EQ(f.aws.badSignatures(), 0);
}

TEST(ApiKey, AnySuffixedVariableIsExportedWithoutItsSuffix) {
  Fixture f;
  f.aws.secrets()[kArn] = "{\"logs\":1}";
  Environment env = f.base();
  env["DD_LOGS_CONFIG_KMS_ENCRYPTED"] = fakeEncrypt("cfg");
  env["DD_OTHER_SECRET_ARN"] = kArn;
  AwsJsonClient client(env, f.transport, f.clock);
  const auto got = resolveApiKey(env, client);
  EXPECT_EQ(got.decrypted.at("DD_LOGS_CONFIG"), "cfg");
  EXPECT_EQ(got.decrypted.at("DD_OTHER"), "{\"logs\":1}");
  EXPECT_TRUE(got.api_key.empty());
}

TEST(ApiKey, WarnsWhenSetInMultiplePlaces) {
  Fixture f;
  Environment env = f.base();
  env["DD_API_KEY"] = "a";
  env["DD_KMS_API_KEY"] = fakeEncrypt("b");
  AwsJsonClient client(env, f.transport, f.clock);
  const auto got = resolveApiKey(env, client);
  ASSERT_EQ(got.warnings.size(), 1u);
  EXPECT_NE(got.warnings[0].find("KMS, environment variable"), std::string::npos) << got.warnings[0];
}

TEST(ApiKey, WrongSecretIsRejectedBySignatureCheck) {
  Fixture f;
  Environment env = f.base();
  env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret";
  env["DD_KMS_API_KEY"] = fakeEncrypt("k");
  AwsJsonClient client(env, f.transport, f.clock);
  const auto got = resolveApiKey(env, client);
  EXPECT_TRUE(got.api_key.empty());
  ASSERT_EQ(got.errors.size(), 1u);
  EXPECT_NE(got.errors[0].find("InvalidSignatureException"), std::string::npos) << got.errors[0];
  EXPECT_GE(f.aws.badSignatures(), 1);
}

TEST(ApiKey, UnreachableDefaultEndpointSaysWhichVariableToSet) {
  Fixture f;
  Environment env = f.base();
  env.erase("AWS_ENDPOINT_URL_KMS");
  env["AWS_REGION"] = "zz-nowhere-1";
  env["AWS_ENDPOINT_URL"] = "";
  env["DD_KMS_API_KEY"] = fakeEncrypt("k");
  AwsJsonClient client(env, f.transport, f.clock);
  EXPECT_EQ(client.endpointFor("kms", "zz-nowhere-1"), "https://kms.zz-nowhere-1.amazonaws.com");
  const auto got = resolveApiKey(env, client);
  ASSERT_EQ(got.errors.size(), 1u);
  EXPECT_NE(got.errors[0].find("AWS_ENDPOINT_URL_KMS"), std::string::npos) << got.errors[0];
}

TEST(ApiKey, SecretArnMustNameARegion) {
  Fixture f;
  Environment env = f.base();
  AwsJsonClient client(env, f.transport, f.clock);
  const auto got = client.getSecretValue("not-an-arn");
  ASSERT_FALSE(got.isOk());
  EXPECT_NE(got.status().message().find("not-an-arn"), std::string::npos);
}

TEST(ApiKey, Base64RoundTrip) {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    EXPECT_EQ(base64Decode(base64Encode(s)).value_or("<bad>"), s);
  }
  EXPECT_FALSE(base64Decode("abc").has_value());
}

}  // namespace
}  // namespace ddsim::serverless
