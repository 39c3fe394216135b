// The KMS and Secrets Manager fakes over their JSON protocol, and the SigV4 check that guards
// them (the shape, then the signature recomputed by core/serverless/sigv4.h).
#include "simulator/lambda/aws_fake.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/serverless/sigv4.h"
#include "fakeintake/core/base64.h"

namespace ddsim::lambda {
namespace {

using nlohmann::json;

class LambdaAwsFakeTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(aws_.start().isOk()); }

  // A request signed with SigV4 for `service` by `key` (the fake's own key by default);
  // `tamper` changes the body after signing.
  httplib::Result call(const std::string& target, const std::string& service, const json& body,
                       const std::string& key = "AKIDDDSIMLAMBDA00001", bool tamper = false) {
    const std::string host = aws_.url().substr(aws_.url().find("://") + 3);
    serverless::SigV4Request q;
    q.headers = {{"Host", host}, {"X-Amz-Target", target}, {"Content-Type", "application/x-amz-json-1.1"}};
    q.body = body.dump();
    serverless::signRequestInPlace(q, {key, aws_.options().secret_access_key, ""}, "20261202T221500Z", "us-east-1",
                                   service);
    httplib::Client c(aws_.url());
    httplib::Headers h;
    for (const auto& [name, value] : q.headers) {
      if (name != "Host" && name != "Content-Type") h.emplace(name, value);
    }
    return c.Post("/", h, tamper ? q.body + " " : q.body, "application/x-amz-json-1.1");
  }

  AwsFake aws_;
};

TEST_F(LambdaAwsFakeTest, KmsDecryptNeedsTheEncryptionContextItWasEncryptedWith) {
  const std::string with_ctx = aws_.encrypt("api-key-1", "my-fn");
  const std::string without = aws_.encrypt("api-key-2");
  auto ok = call("TrentService.Decrypt", "kms",
                 {{"CiphertextBlob", with_ctx}, {"EncryptionContext", {{"LambdaFunctionName", "my-fn"}}}});
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  const json answer = json::parse(ok->body);
  EXPECT_EQ(fakeintake::base64Decode(answer["Plaintext"].get<std::string>()), "api-key-1");
  EXPECT_EQ(answer["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT");
  // The agent tries with the context first, then without: each ciphertext answers one of them.
  auto no_ctx = call("TrentService.Decrypt", "kms", {{"CiphertextBlob", with_ctx}});
  ASSERT_TRUE(no_ctx);
  EXPECT_EQ(no_ctx->status, 400);
  EXPECT_EQ(json::parse(no_ctx->body)["__type"], "InvalidCiphertextException");
  auto plain = call("TrentService.Decrypt", "kms", {{"CiphertextBlob", without}});
  ASSERT_TRUE(plain);
  EXPECT_EQ(fakeintake::base64Decode(json::parse(plain->body)["Plaintext"].get<std::string>()), "api-key-2");
  auto garbage = call("TrentService.Decrypt", "kms", {{"CiphertextBlob", "bm90IGEgYmxvYg=="}});
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 400);
  EXPECT_EQ(aws_.served().at("TrentService.Decrypt"), 2);
  EXPECT_EQ(aws_.rejected().at("kms.wrong_context"), 1);
  EXPECT_EQ(aws_.rejected().at("kms.invalid_ciphertext"), 1);
}

TEST_F(LambdaAwsFakeTest, GetSecretValueByArnOrName) {
  const std::string arn = aws_.putSecret("dd-api-key", "secret-key");
  EXPECT_EQ(arn, "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key-AbCdEf");
  for (const std::string& id : {arn, std::string("dd-api-key")}) {
    auto res = call("secretsmanager.GetSecretValue", "secretsmanager", {{"SecretId", id}});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    const json answer = json::parse(res->body);
    EXPECT_EQ(answer["SecretString"], "secret-key");
    EXPECT_EQ(answer["ARN"], arn);
    EXPECT_EQ(answer["VersionStages"][0], "AWSCURRENT");
  }
  auto missing = call("secretsmanager.GetSecretValue", "secretsmanager", {{"SecretId", "other"}});
  ASSERT_TRUE(missing);
  EXPECT_EQ(json::parse(missing->body)["__type"], "ResourceNotFoundException");
}

TEST_F(LambdaAwsFakeTest, BadSignaturesAreRefusedWithTheReason) {
  aws_.putSecret("s", "v");
  auto wrong_service = call("secretsmanager.GetSecretValue", "kms", {{"SecretId", "s"}});
  ASSERT_TRUE(wrong_service);
  EXPECT_EQ(wrong_service->status, 403);
  EXPECT_NE(wrong_service->body.find("scope service kms, expected secretsmanager"), std::string::npos);
  auto wrong_key = call("secretsmanager.GetSecretValue", "secretsmanager", {{"SecretId", "s"}}, "AKIDOTHER");
  ASSERT_TRUE(wrong_key);
  EXPECT_EQ(wrong_key->status, 403);
  httplib::Client c(aws_.url());
  auto unsigned_req = c.Post("/", {{"X-Amz-Target", "secretsmanager.GetSecretValue"}}, R"({"SecretId":"s"})",
                             "application/x-amz-json-1.1");
  ASSERT_TRUE(unsigned_req);
  EXPECT_EQ(unsigned_req->status, 403);
  EXPECT_EQ(aws_.rejected().at("signature"), 3);
  auto unknown = call("TrentService.Encrypt", "kms", json::object());
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_EQ(aws_.rejected().at("unknown_operation"), 1);
}

// The signature is recomputed: a body changed after signing is refused (403), the same request
// untouched is served.
TEST_F(LambdaAwsFakeTest, ASignatureThatDoesNotMatchTheRequestIsRefused) {
  const std::string arn = aws_.putSecret("s", "v");
  auto bad = call("secretsmanager.GetSecretValue", "secretsmanager", {{"SecretId", arn}}, "AKIDDDSIMLAMBDA00001", true);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 403) << bad->body;
  auto good = call("secretsmanager.GetSecretValue", "secretsmanager", {{"SecretId", arn}});
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200) << good->body;
}

TEST_F(LambdaAwsFakeTest, APluggedInCheckReplacesTheShapeCheck) {
  aws_.putSecret("s", "v");
  aws_.setSignatureCheck([](const AwsRequest& r) {
    return r.headers.count("x-test-signed") ? common::Status::ok() : common::invalidArgument("not signed by the test");
  });
  auto res = call("secretsmanager.GetSecretValue", "secretsmanager", {{"SecretId", "s"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_NE(res->body.find("not signed by the test"), std::string::npos);
}

}  // namespace
}  // namespace ddsim::lambda
