#include "core/serverless/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace ddsim::serverless {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string toHex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xF];
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Trims and collapses runs of spaces, as the canonical header value requires.
std::string canonicalValue(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

bool unreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~'; }

std::string encode(std::string_view s, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xF]);
    }
  }
  return out;
}

std::string decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Lower-cased names -> canonical values (repeated headers joined with ','), sorted by name.
std::map<std::string, std::string> canonicalHeaders(const SigV4Request& r) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : r.headers) {
    auto& slot = out[lower(name)];
    if (!slot.empty()) slot.push_back(',');
    slot += canonicalValue(value);
  }
  return out;
}

std::string scopeOf(std::string_view date, std::string_view region, std::string_view service) {
  std::string s(date);
  s.append("/").append(region).append("/").append(service).append("/aws4_request");
  return s;
}

SigV4Signature computeSignature(const SigV4Request& r, std::string_view secret, std::string_view access_key,
                                std::string_view amz_date, std::string_view region, std::string_view service,
                                const std::vector<std::string>& signed_names) {
  const auto headers = canonicalHeaders(r);
  SigV4Signature out;
  std::string canonical_headers;
  for (const auto& name : signed_names) {
    auto it = headers.find(name);
    canonical_headers += name + ":" + (it == headers.end() ? std::string() : it->second) + "\n";
    if (!out.signed_headers.empty()) out.signed_headers.push_back(';');
    out.signed_headers += name;
  }
  const std::string path = r.path.empty() ? "/" : encode(decode(r.path), /*keep_slash=*/true);
  out.canonical_request = r.method + "\n" + path + "\n" + canonicalQuery(r.query) + "\n" + canonical_headers + "\n" +
                          out.signed_headers + "\n" + sha256Hex(r.body);
  const std::string date(amz_date.substr(0, 8));
  const std::string scope = scopeOf(date, region, service);
  out.string_to_sign = std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" + scope + "\n" +
                       sha256Hex(out.canonical_request);
  std::string key = hmacSha256("AWS4" + std::string(secret), date);
  key = hmacSha256(key, region);
  key = hmacSha256(key, service);
  key = hmacSha256(key, "aws4_request");
  const std::string raw = hmacSha256(key, out.string_to_sign);
  out.signature = toHex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  out.authorization = std::string(kAlgorithm) + " Credential=" + std::string(access_key) + "/" + scope +
                      ", SignedHeaders=" + out.signed_headers + ", Signature=" + out.signature;
  return out;
}

std::optional<std::string> headerValue(const SigV4Request& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (lower(n) == name) return v;
  }
  return std::nullopt;
}

// Value of `key=` inside the comma-separated Authorization parameters.
std::optional<std::string> authParam(std::string_view params, std::string_view key) {
  size_t pos = 0;
  while (pos < params.size()) {
    size_t end = params.find(',', pos);
    if (end == std::string_view::npos) end = params.size();
    std::string_view part = params.substr(pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (part.size() > key.size() && part.substr(0, key.size()) == key && part[key.size()] == '=') {
      return std::string(part.substr(key.size() + 1));
    }
    pos = end + 1;
  }
  return std::nullopt;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  for (;;) {
    size_t end = s.find(sep, pos);
    out.emplace_back(s.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    if (end == std::string_view::npos) return out;
    pos = end + 1;
  }
}

}  // namespace

std::string sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return toHex(digest, sizeof digest);
}

std::string hmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string canonicalQuery(std::string_view raw_query) {
  if (raw_query.empty()) return {};
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& part : split(raw_query, '&')) {
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    const std::string name = decode(std::string_view(part).substr(0, eq));
    const std::string value = eq == std::string::npos ? std::string() : decode(std::string_view(part).substr(eq + 1));
    pairs.emplace_back(encode(name, false), encode(value, false));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [n, v] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += n + "=" + v;
  }
  return out;
}

SigV4Signature signV4(const SigV4Request& request, const SigV4Credentials& credentials, std::string_view amz_date,
                      std::string_view region, std::string_view service) {
  std::vector<std::string> names;
  for (const auto& [name, value] : canonicalHeaders(request)) names.push_back(name);
  return computeSignature(request, credentials.secret_access_key, credentials.access_key_id, amz_date, region,
                          service, names);
}

SigV4Signature signRequestInPlace(SigV4Request& request, const SigV4Credentials& credentials,
                                  std::string_view amz_date, std::string_view region, std::string_view service) {
  request.headers.emplace_back("X-Amz-Date", std::string(amz_date));
  if (!credentials.session_token.empty()) request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  SigV4Signature sig = signV4(request, credentials, amz_date, region, service);
  request.headers.emplace_back("Authorization", sig.authorization);
  return sig;
}

common::Result<SigV4Verified> verifySigV4(const SigV4Request& request, const SecretLookup& secret_lookup) {
  const auto auth = headerValue(request, "authorization");
  if (!auth) return common::invalidArgument("sigv4: the request has no Authorization header");
  std::string_view a(*auth);
  if (a.substr(0, kAlgorithm.size()) != kAlgorithm || a.size() == kAlgorithm.size() || a[kAlgorithm.size()] != ' ') {
    return common::invalidArgument("sigv4: Authorization does not start with 'AWS4-HMAC-SHA256 '");
  }
  const std::string_view params = a.substr(kAlgorithm.size() + 1);
  const auto credential = authParam(params, "Credential");
  const auto signed_headers = authParam(params, "SignedHeaders");
  const auto signature = authParam(params, "Signature");
  if (!credential || !signed_headers || !signature) {
    return common::invalidArgument("sigv4: Authorization lacks Credential, SignedHeaders or Signature");
  }
  const auto scope = split(*credential, '/');
  if (scope.size() != 5 || scope[4] != "aws4_request" || scope[1].size() != 8) {
    return common::invalidArgument("sigv4: Credential '" + *credential +
                                   "' is not <key id>/<yyyymmdd>/<region>/<service>/aws4_request");
  }
  const auto names = split(*signed_headers, ';');
  if (std::find(names.begin(), names.end(), "host") == names.end() ||
      std::find(names.begin(), names.end(), "x-amz-date") == names.end()) {
    return common::invalidArgument("sigv4: SignedHeaders '" + *signed_headers + "' must include host and x-amz-date");
  }
  if (!std::is_sorted(names.begin(), names.end())) {
    return common::invalidArgument("sigv4: SignedHeaders '" + *signed_headers + "' are not sorted");
  }
  const auto amz_date = headerValue(request, "x-amz-date");
  if (!amz_date || amz_date->size() != 16 || amz_date->substr(0, 8) != scope[1]) {
    return common::invalidArgument("sigv4: X-Amz-Date is missing or does not match the credential scope date " +
                                   scope[1]);
  }
  const auto secret = secret_lookup(scope[0]);
  if (!secret) return common::notFound("sigv4: unknown access key id '" + scope[0] + "'");
  const SigV4Signature expected =
      computeSignature(request, *secret, scope[0], *amz_date, scope[2], scope[3], names);
  if (expected.signature != *signature) {
    return common::failedPrecondition("sigv4: signature mismatch (the request was altered or signed with another key)");
  }
  SigV4Verified out{scope[0], scope[1], scope[2], scope[3], headerValue(request, "x-amz-security-token").value_or("")};
  return out;
}

}  // namespace ddsim::serverless
