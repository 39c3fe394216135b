// SigV4 against AWS's published test suite (tests/data/sigv4, the get-vanilla family), and the
// verifier the simulated Lambda's KMS / Secrets Manager use.
#include "core/serverless/sigv4.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

namespace ddsim::serverless {
namespace {

nlohmann::json loadVectors() {
  std::ifstream in(std::string(DDSIM_TEST_DATA_DIR) + "/sigv4/get_vanilla_family.json");
  return nlohmann::json::parse(in);
}

SigV4Credentials suiteCredentials(const nlohmann::json& v) {
  return {v["credentials"]["access_key_id"], v["credentials"]["secret_access_key"], ""};
}

SigV4Request suiteRequest(const nlohmann::json& v, const nlohmann::json& c) {
  SigV4Request r;
  r.method = c["method"];
  r.path = c["path"];
  r.query = c["query"];
  r.headers = {{"Host", v["host"]}, {"X-Amz-Date", v["amz_date"]}};
  return r;
}

TEST(SigV4, MatchesTheAwsTestSuite) {
  const auto v = loadVectors();
  ASSERT_GE(v["cases"].size(), 4u);
  for (const auto& c : v["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const auto sig = signV4(suiteRequest(v, c), suiteCredentials(v), v["amz_date"].get<std::string>(),
                            v["region"].get<std::string>(), v["service"].get<std::string>());
    if (c.contains("canonical_request")) {
      EXPECT_EQ(sig.canonical_request, c["canonical_request"]);
    }
    if (c.contains("string_to_sign")) {
      EXPECT_EQ(sig.string_to_sign, c["string_to_sign"]);
    }
    EXPECT_EQ(sig.authorization, c["authorization"]);
  }
}

TEST(SigV4, Sha256OfEmptyInput) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SigV4, HeaderValuesAreTrimmedAndNamesLowerCased) {
  SigV4Request a, b;
  a.headers = {{"Host", "h"}, {"X-Amz-Date", "20150830T123600Z"}, {"My-Header", "  a   b "}};
  b.headers = {{"host", "h"}, {"x-amz-date", "20150830T123600Z"}, {"my-header", "a b"}};
  const SigV4Credentials k{"id", "secret", ""};
  EXPECT_EQ(signV4(a, k, "20150830T123600Z", "r", "s").signature, signV4(b, k, "20150830T123600Z", "r", "s").signature);
}

struct VerifyCase {
  const char* name;
  void (*mutate)(SigV4Request&);
  common::StatusCode want;
};

SigV4Request signedKmsRequest() {
  SigV4Request r;
  r.headers = {{"Host", "127.0.0.1:4566"}, {"Content-Type", "application/x-amz-json-1.1"},
               {"X-Amz-Target", "TrentService.Decrypt"}};
  r.body = R"({"CiphertextBlob":"AAAA"})";
  signRequestInPlace(r, {"AKID", "SECRET", "TOKEN"}, "20261202T120000Z", "us-east-1", "kms");
  return r;
}

TEST(SigV4, VerifyAcceptsWhatSignRequestInPlaceProduces) {
  auto lookup = [](std::string_view id) -> std::optional<std::string> {
    if (id == "AKID") return "SECRET";
    return std::nullopt;
  };
  const auto ok = verifySigV4(signedKmsRequest(), lookup);
  ASSERT_TRUE(ok.isOk()) << ok.status().toString();
  EXPECT_EQ(ok->region, "us-east-1");
  EXPECT_EQ(ok->service, "kms");
  EXPECT_EQ(ok->session_token, "TOKEN");

  const VerifyCase cases[] = {
      {"body altered", [](SigV4Request& r) { r.body += " "; }, common::StatusCode::kFailedPrecondition},
      {"signed header altered", [](SigV4Request& r) { r.headers[2].second = "TrentService.Encrypt"; },
       common::StatusCode::kFailedPrecondition},
      {"no authorization", [](SigV4Request& r) { r.headers.pop_back(); }, common::StatusCode::kInvalidArgument},
      {"unknown key",
       [](SigV4Request& r) {
         auto& a = r.headers.back().second;
         a.replace(a.find("AKID"), 4, "OTHR");
       },
       common::StatusCode::kNotFound},
      {"date outside scope", [](SigV4Request& r) { r.headers[3].second = "20261203T120000Z"; },
       common::StatusCode::kInvalidArgument},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    SigV4Request r = signedKmsRequest();
    c.mutate(r);
    const auto got = verifySigV4(r, lookup);
    ASSERT_FALSE(got.isOk());
    EXPECT_EQ(got.status().code(), c.want) << got.status().toString();
  }
}

}  // namespace
}  // namespace ddsim::serverless
