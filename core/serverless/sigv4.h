#pragma once
// AWS Signature Version 4 (HMAC-SHA256), the signing the KMS and Secrets Manager JSON protocols
// require. Pure functions of their inputs (no clock, no environment): the caller passes the
// X-Amz-Date. Two users: the extension signs its KMS Decrypt / GetSecretValue calls
// (core/serverless/api_key.h), the simulated Lambda's KMS and Secrets Manager verify them.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/status.h"

namespace ddsim::serverless {

struct SigV4Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // optional; sent as X-Amz-Security-Token and signed
};

// One HTTP request as signed. `path` is the URI path as sent ("/" when empty); `query` the raw
// query string without '?'. Header names in any case; every header listed is signed.
struct SigV4Request {
  std::string method = "POST";
  std::string path = "/";
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Every intermediate value, so tests can compare each step with AWS's published test suite.
struct SigV4Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // lower-case hex
  std::string authorization;   // the Authorization header value
};

// Lower-case hex SHA-256 of `data`.
std::string sha256Hex(std::string_view data);
// Raw (32-byte) HMAC-SHA256.
std::string hmacSha256(std::string_view key, std::string_view data);

// The canonical query string: pairs percent-decoded, then encoded with AWS's unreserved set
// (A-Z a-z 0-9 - _ . ~), sorted by name then value, joined with '&'.
std::string canonicalQuery(std::string_view raw_query);

// Signs `request` as it stands (its headers must already hold Host and X-Amz-Date, plus
// X-Amz-Security-Token when a session token is used). `amz_date` is "YYYYMMDDTHHMMSSZ".
SigV4Signature signV4(const SigV4Request& request, const SigV4Credentials& credentials, std::string_view amz_date,
                      std::string_view region, std::string_view service);

// Adds X-Amz-Date, X-Amz-Security-Token (when the credentials have one) and Authorization to
// `request` (which must already carry Host). Returns the signature for logging/tests.
SigV4Signature signRequestInPlace(SigV4Request& request, const SigV4Credentials& credentials,
                                  std::string_view amz_date, std::string_view region, std::string_view service);

// What a verified request was signed for.
struct SigV4Verified {
  std::string access_key_id;
  std::string date;     // YYYYMMDD of the credential scope
  std::string region;
  std::string service;
  std::string session_token;  // X-Amz-Security-Token, if the request had one
};

// The secret access key of an access key id, or nullopt when the id is unknown.
using SecretLookup = std::function<std::optional<std::string>(std::string_view access_key_id)>;

// Checks `request`'s Authorization header as an AWS service would: well-formed
// "AWS4-HMAC-SHA256 Credential=<id>/<date>/<region>/<service>/aws4_request, SignedHeaders=...,
// Signature=...", host and x-amz-date among the signed headers, X-Amz-Date matching the
// scope's date, a known access key, and the recomputed signature equal. Errors say which check
// failed (InvalidArgument for malformed input, NotFound for an unknown key, FailedPrecondition
// for a signature mismatch). Does not check the clock skew (the caller has the clock).
common::Result<SigV4Verified> verifySigV4(const SigV4Request& request, const SecretLookup& secret_lookup);

}  // namespace ddsim::serverless
