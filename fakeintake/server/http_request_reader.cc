#include "fakeintake/server/http_request_reader.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>
#include <vector>

namespace ddsim::fakeintake {

namespace {

constexpr size_t kReadChunk = 64 * 1024;

bool isTokenChar(unsigned char c) {
  if (std::isalnum(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~': return true;
    default: return false;
  }
}

bool isToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return isTokenChar(static_cast<unsigned char>(c)); });
}

std::string_view trimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Percent-decodes a path ('+' stays '+', unlike in query strings).
std::string decodePath(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Digits only, no sign, no spaces inside; nullopt when malformed or over 2^63.
std::optional<uint64_t> parseDecimal(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

ReadOutcome fail(int status, std::string message) {
  ReadOutcome o;
  o.kind = ReadOutcome::Kind::kError;
  o.keep_alive = false;
  o.error_status = status;
  o.error = std::move(message);
  return o;
}

ReadOutcome closed() { return ReadOutcome{}; }

// Splits the head into lines (CRLF or bare LF, as Go's textproto accepts).
std::vector<std::string_view> splitLines(std::string_view head) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < head.size()) {
    size_t nl = head.find('\n', start);
    if (nl == std::string_view::npos) nl = head.size();
    std::string_view line = head.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = nl + 1;
  }
  return lines;
}

}  // namespace

RequestReader::Fill RequestReader::fillHead(size_t& head_end, bool& got_any) {
  size_t scan_from = pos_;
  for (;;) {
    std::string_view unread(buf_.data() + pos_, buf_.size() - pos_);
    // Leading blank lines before a request line are ignored (RFC 9112 §2.2).
    while (!unread.empty() && (unread.front() == '\r' || unread.front() == '\n')) {
      ++pos_;
      unread.remove_prefix(1);
      scan_from = std::max(scan_from, pos_);
    }
    size_t from = scan_from >= pos_ + 3 ? scan_from - 3 : pos_;
    for (size_t i = from; i < buf_.size(); ++i) {
      if (buf_[i] != '\n') continue;
      if (i + 1 < buf_.size() && buf_[i + 1] == '\n') {
        head_end = i + 2;
        return Fill::kOk;
      }
      if (i + 2 < buf_.size() && buf_[i + 1] == '\r' && buf_[i + 2] == '\n') {
        head_end = i + 3;
        return Fill::kOk;
      }
    }
    scan_from = buf_.size();
    if (buf_.size() - pos_ > limits_.max_header_bytes + limits_.max_request_line_bytes) return Fill::kTooLarge;
    char tmp[16 * 1024];
    long n = stream_.read(tmp, sizeof tmp);
    if (n <= 0) return Fill::kClosed;
    got_any = true;
    buf_.append(tmp, static_cast<size_t>(n));
  }
}

bool RequestReader::fillAtLeast(size_t n) {
  while (buf_.size() - pos_ < n) {
    const size_t want = std::min(kReadChunk, n - (buf_.size() - pos_));
    const size_t old = buf_.size();
    buf_.resize(old + want);
    long got = stream_.read(buf_.data() + old, want);
    buf_.resize(old + static_cast<size_t>(std::max<long>(got, 0)));
    if (got <= 0) return false;
  }
  return true;
}

bool RequestReader::readLine(std::string& line, size_t max) {
  for (;;) {
    size_t nl = buf_.find('\n', pos_);
    if (nl != std::string::npos) {
      line.assign(buf_, pos_, nl - pos_);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      pos_ = nl + 1;
      return true;
    }
    if (buf_.size() - pos_ > max) return false;
    char tmp[4096];
    long n = stream_.read(tmp, sizeof tmp);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
  }
}

std::string RequestReader::takeUnread() {
  std::string rest = buf_.substr(pos_);
  buf_.clear();
  pos_ = 0;
  return rest;
}

void RequestReader::prime(std::string bytes) {
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  if (buf_.empty()) {
    buf_ = std::move(bytes);
  } else {
    buf_.append(bytes);
  }
}

ReadOutcome RequestReader::next() {
  // Drop what earlier requests consumed.
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  size_t head_end = 0;
  bool got_any = false;
  switch (fillHead(head_end, got_any)) {
    case Fill::kOk: break;
    case Fill::kClosed: return closed();
    case Fill::kTooLarge:
      return fail(431, "request head over " + std::to_string(limits_.max_header_bytes) + " bytes");
  }
  const std::string head = buf_.substr(pos_, head_end - pos_);
  pos_ = head_end;
  std::vector<std::string_view> lines = splitLines(head);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.empty()) return fail(400, "empty request");

  // Request line.
  std::string_view rl = lines[0];
  if (rl.size() > limits_.max_request_line_bytes) {
    return fail(414, "request line over " + std::to_string(limits_.max_request_line_bytes) + " bytes");
  }
  const size_t sp1 = rl.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : rl.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || rl.find(' ', sp2 + 1) != std::string_view::npos) {
    return fail(400, "malformed request line");
  }
  std::string_view method = rl.substr(0, sp1);
  std::string_view target = rl.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = rl.substr(sp2 + 1);
  if (!isToken(method)) return fail(400, "malformed method in the request line");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    if (version.substr(0, 5) == "HTTP/") return fail(505, "HTTP version " + std::string(version) + " is not supported");
    return fail(400, "malformed HTTP version in the request line");
  }
  if (target.empty() || target.front() != '/') return fail(400, "request target must be a path (origin-form)");
  for (char c : target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return fail(400, "control character in the request target");
  }

  ReadOutcome out;
  out.kind = ReadOutcome::Kind::kRequest;
  IntakeRequest& req = out.request;
  req.method = std::string(method);
  const size_t q = target.find('?');
  req.path = decodePath(target.substr(0, q));
  if (q != std::string_view::npos) req.query = parseQueryString(target.substr(q + 1));
  out.keep_alive = version == "HTTP/1.1";
  out.head_only = method == "HEAD";

  // Header fields.
  if (lines.size() - 1 > limits_.max_headers) {
    return fail(431, "more than " + std::to_string(limits_.max_headers) + " header fields");
  }
  size_t header_bytes = 0;
  std::optional<uint64_t> content_length;
  bool chunked = false;
  bool has_transfer_encoding = false;
  bool expect_continue = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.empty()) return fail(400, "empty line inside the header block");
    if (line.front() == ' ' || line.front() == '\t') return fail(400, "obsolete header line folding");
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return fail(400, "header line without a colon");
    std::string_view name = line.substr(0, colon);
    if (!isToken(name)) return fail(400, "malformed header name \"" + std::string(name) + "\"");
    std::string_view value = trimOws(line.substr(colon + 1));
    header_bytes += name.size() + value.size();
    if (header_bytes > limits_.max_header_bytes) {
      return fail(431, "request headers total over " + std::to_string(limits_.max_header_bytes) + " bytes");
    }
    if (equalsIgnoreCase(name, "Content-Length")) {
      auto v = parseDecimal(value);
      if (!v) return fail(400, "invalid Content-Length \"" + std::string(value) + "\" (digits only)");
      if (content_length && *content_length != *v) return fail(400, "conflicting Content-Length headers");
      content_length = v;
    } else if (equalsIgnoreCase(name, "Transfer-Encoding")) {
      has_transfer_encoding = true;
      if (!equalsIgnoreCase(value, "chunked") || chunked) {
        return fail(501, "Transfer-Encoding \"" + std::string(value) + "\" is not supported (only chunked)");
      }
      chunked = true;
    } else if (equalsIgnoreCase(name, "Connection")) {
      if (equalsIgnoreCase(value, "close")) out.keep_alive = false;
      if (equalsIgnoreCase(value, "keep-alive")) out.keep_alive = true;
    } else if (equalsIgnoreCase(name, "Expect")) {
      if (!equalsIgnoreCase(value, "100-continue")) return fail(417, "unsupported Expect \"" + std::string(value) + "\"");
      expect_continue = true;
    }
    req.headers.add(std::string(name), std::string(value));
  }
  if (has_transfer_encoding && content_length) {
    return fail(400, "both Content-Length and Transfer-Encoding");
  }
  if (content_length && *content_length > limits_.max_body_bytes) {
    return fail(413, "request body of " + std::to_string(*content_length) + " bytes, over the limit of " +
                         std::to_string(limits_.max_body_bytes));
  }
  const size_t length = static_cast<size_t>(content_length.value_or(0));
  if (length > 0 && limits_.admit_body && !limits_.admit_body(length)) {
    return fail(503, "request bodies in flight are over the server's memory budget; retry");
  }
  const bool continue_sent = std::exchange(continue_sent_, false);
  if (expect_continue && (chunked || content_length.value_or(0) > 0) && !continue_sent) {
    if (!stream_.writeAll("HTTP/1.1 100 Continue\r\n\r\n")) return closed();
  }
  if (chunked) return readChunked(std::move(out));
  if (length > 0) {
    if (!fillAtLeast(length)) return closed();
    req.body.assign(buf_, pos_, length);
    pos_ += length;
  }
  return out;
}

ReadOutcome RequestReader::readChunked(ReadOutcome out) {
  std::string& body = out.request.body;
  std::string line;
  for (;;) {
    if (!readLine(line, 1024)) return closed();
    std::string_view size_text = line;
    if (size_t semi = size_text.find(';'); semi != std::string_view::npos) size_text = size_text.substr(0, semi);
    size_text = trimOws(size_text);
    if (size_text.empty() || size_text.size() > 15) return fail(400, "malformed chunk size");
    uint64_t size = 0;
    for (char c : size_text) {
      int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0) return fail(400, "malformed chunk size");
      size = size * 16 + static_cast<uint64_t>(d);
    }
    if (size == 0) break;
    if (body.size() + size > limits_.max_body_bytes) {
      return fail(413, "chunked request body over the limit of " + std::to_string(limits_.max_body_bytes) + " bytes");
    }
    if (limits_.admit_body && !limits_.admit_body(static_cast<size_t>(size))) {
      return fail(503, "request bodies in flight are over the server's memory budget; retry");
    }
    if (!fillAtLeast(static_cast<size_t>(size) + 2)) return closed();
    body.append(buf_, pos_, static_cast<size_t>(size));
    pos_ += static_cast<size_t>(size);
    if (buf_[pos_] == '\r') ++pos_;
    if (pos_ >= buf_.size() && !fillAtLeast(1)) return closed();
    if (buf_[pos_] != '\n') return fail(400, "chunk data not followed by CRLF");
    ++pos_;
  }
  // Trailer fields until the empty line; ignored.
  for (size_t trailers = 0;; ++trailers) {
    if (trailers > limits_.max_headers || !readLine(line, limits_.max_header_bytes)) return closed();
    if (line.empty()) break;
  }
  return out;
}

std::string_view reasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

std::string serializeResponse(const IntakeResponse& response, bool keep_alive, bool head_only) {
  std::string out;
  out.reserve(256 + (head_only ? 0 : response.body.size()));
  out.append("HTTP/1.1 ").append(std::to_string(response.status)).append(" ");
  out.append(reasonPhrase(response.status)).append("\r\n");
  bool has_type = false;
  for (const auto& [k, v] : response.headers.entries()) {
    if (equalsIgnoreCase(k, "Content-Length") || equalsIgnoreCase(k, "Connection")) continue;
    if (equalsIgnoreCase(k, "Content-Type")) has_type = true;
    // Header values never carry CR/LF onto the wire (a fault rule's text is user input).
    std::string value = v;
    std::replace_if(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    out.append(k).append(": ").append(value).append("\r\n");
  }
  if (!has_type && !response.body.empty()) out.append("Content-Type: text/plain\r\n");
  out.append("Content-Length: ").append(std::to_string(response.body.size())).append("\r\n");
  out.append(keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
  if (!head_only) out.append(response.body);
  return out;
}

std::string errorResponse(int status, std::string_view message, std::string_view server_id) {
  IntakeResponse r;
  r.status = status;
  r.headers.set("Content-Type", "application/json");
  r.headers.set(kFakeintakeIdHeader, std::string(server_id));
  if (status == 503) r.headers.set("Retry-After", "1");
  r.body = errorsJson(message);
  return serializeResponse(r, false, false);
}

}  // namespace ddsim::fakeintake
