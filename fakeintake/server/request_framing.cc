#include "fakeintake/server/request_framing.h"

#include <optional>

#include "fakeintake/core/http_message.h"

namespace ddsim::fakeintake {

namespace {

Framing incomplete() { return Framing{}; }
Framing handOver() { return Framing{Framing::Kind::kHandOver, 0, false}; }
Framing complete(size_t n) { return Framing{Framing::Kind::kComplete, n, false}; }

std::string_view trimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Where the head ends (just past its blank line), searching from `from`; npos when not yet.
size_t headEnd(std::string_view b, size_t from) {
  for (size_t i = b.find('\n', from); i != std::string_view::npos; i = b.find('\n', i + 1)) {
    if (i + 1 < b.size() && b[i + 1] == '\n') return i + 2;
    if (i + 2 < b.size() && b[i + 1] == '\r' && b[i + 2] == '\n') return i + 3;
  }
  return std::string_view::npos;
}

// Chunk size as RequestReader reads it (hex, at most 15 digits, extensions after ';').
std::optional<uint64_t> chunkSize(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (size_t semi = line.find(';'); semi != std::string_view::npos) line = line.substr(0, semi);
  line = trimOws(line);
  if (line.empty() || line.size() > 15) return std::nullopt;
  uint64_t v = 0;
  for (char c : line) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<uint64_t>(d);
  }
  return v;
}

// The chunked body starting at `pos`: complete (end offset), incomplete, or hand over.
Framing frameChunked(std::string_view b, size_t pos, const RequestLimits& limits) {
  uint64_t body = 0;
  for (;;) {
    const size_t nl = b.find('\n', pos);
    if (nl == std::string_view::npos) return b.size() - pos > 1024 ? handOver() : incomplete();
    if (nl - pos > 1024) return handOver();
    auto size = chunkSize(b.substr(pos, nl - pos));
    if (!size) return handOver();
    pos = nl + 1;
    if (*size == 0) break;
    body += *size;
    if (body > limits.max_body_bytes) return handOver();
    if (b.size() - pos < *size + 1) return incomplete();
    pos += static_cast<size_t>(*size);
    if (b[pos] == '\r') ++pos;
    if (pos >= b.size()) return incomplete();
    if (b[pos] != '\n') return handOver();
    ++pos;
  }
  // Trailer fields until the empty line.
  for (size_t trailers = 0;; ++trailers) {
    if (trailers > limits.max_headers) return handOver();
    const size_t nl = b.find('\n', pos);
    if (nl == std::string_view::npos) return b.size() - pos > limits.max_header_bytes ? handOver() : incomplete();
    std::string_view line = b.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl + 1;
    if (line.empty()) return complete(pos);
  }
}

}  // namespace

Framing frameRequest(std::string_view b, const RequestLimits& limits) {
  size_t start = 0;
  while (start < b.size() && (b[start] == '\r' || b[start] == '\n')) ++start;
  const size_t end = headEnd(b, start);
  if (end == std::string_view::npos) {
    return b.size() - start > limits.max_header_bytes + limits.max_request_line_bytes ? handOver() : incomplete();
  }
  std::optional<uint64_t> length;
  bool chunked = false;
  bool expect_continue = false;
  size_t lines = 0;
  // Header lines after the request line; only the framing fields matter here.
  size_t pos = b.find('\n', start) + 1;
  while (pos < end) {
    size_t nl = b.find('\n', pos);
    std::string_view line = b.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if (++lines > limits.max_headers) return handOver();
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return handOver();
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trimOws(line.substr(colon + 1));
    if (equalsIgnoreCase(name, "Content-Length")) {
      if (value.empty() || value.size() > 18) return handOver();
      uint64_t v = 0;
      for (char c : value) {
        if (c < '0' || c > '9') return handOver();
        v = v * 10 + static_cast<uint64_t>(c - '0');
      }
      if (length && *length != v) return handOver();
      length = v;
    } else if (equalsIgnoreCase(name, "Transfer-Encoding")) {
      if (!equalsIgnoreCase(value, "chunked") || chunked) return handOver();
      chunked = true;
    } else if (equalsIgnoreCase(name, "Expect")) {
      if (!equalsIgnoreCase(value, "100-continue")) return handOver();
      expect_continue = true;
    }
  }
  if (chunked && length) return handOver();
  if (length && *length > limits.max_body_bytes) return handOver();
  const bool has_body = chunked || length.value_or(0) > 0;
  Framing f = chunked ? frameChunked(b, end, limits)
                      : (b.size() - end >= length.value_or(0) ? complete(end + length.value_or(0)) : incomplete());
  f.awaits_continue = f.kind == Framing::Kind::kIncomplete && expect_continue && has_body && b.size() == end;
  f.head_length = end;
  f.content_length = length.value_or(0);
  return f;
}

}  // namespace ddsim::fakeintake
