#pragma once
// HTTP/1.1 request framing for the fakeintake server, independent of sockets so that it can be
// fuzzed in-process: a RequestReader pulls bytes from a ByteStream and yields one IntakeRequest
// at a time, or the error answer the server must send before closing. Parsing is strict (the
// agent's Go net/http is the peer, and a tester's tool must not be lenient where the real intake
// is not):
//  - request line "METHOD SP origin-form SP HTTP/1.0|1.1"; header lines "name: value", no
//    whitespace before the colon, no obsolete line folding -> 400;
//  - Content-Length must be digits only; several headers must agree; a negative, non-numeric or
//    conflicting length -> 400; Content-Length with Transfer-Encoding -> 400;
//  - Transfer-Encoding: only "chunked" (501 otherwise), strictly framed chunk sizes;
//  - header block over max_header_bytes -> 431, body over max_body_bytes -> 413;
//  - "Expect: 100-continue" gets its interim answer before the body is read.
// Not thread-safe: one reader per connection.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "fakeintake/core/http_message.h"

namespace ddsim::fakeintake {

// A connection's bytes. Implementations bound every wait (timeouts, server stop).
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads up to `n` bytes: > 0 bytes read, 0 the peer closed, < 0 timed out or failed.
  virtual long read(char* buf, size_t n) = 0;
  // Writes every byte; false when the peer is gone or the write timed out.
  virtual bool writeAll(std::string_view bytes) = 0;
};

struct RequestLimits {
  size_t max_request_line_bytes = 8 * 1024;  // more -> 414
  size_t max_header_bytes = 64 * 1024;       // the whole header block; more -> 431
  size_t max_headers = 256;                  // header lines; more -> 431
  size_t max_body_bytes = 64u << 20;         // declared or chunked; more -> 413
  // Asked before a body (or a chunk) of n bytes is read; false -> 503 "retry" (the server's
  // bound on bodies held at once). Unset = always.
  std::function<bool(size_t)> admit_body;
};

struct ReadOutcome {
  enum class Kind {
    kRequest,  // `request` holds a complete request
    kClosed,   // the peer closed (or timed out) between requests: close quietly
    kError,    // answer `error_status` with `error`, then close
  };
  Kind kind = Kind::kClosed;
  IntakeRequest request;
  bool keep_alive = true;     // the client's wish (HTTP/1.1 default, Connection header)
  bool head_only = false;     // a HEAD request: answer without a body
  int error_status = 0;
  std::string error;
};

class RequestReader {
 public:
  RequestReader(ByteStream& stream, RequestLimits limits) : stream_(stream), limits_(limits) {}

  // Reads the next request. A timeout or close in the middle of a request is kClosed too (the
  // peer is gone or too slow; Go's server closes without answering as well).
  ReadOutcome next();
  // Bytes of a following (pipelined) request already read.
  bool hasBuffered() const { return pos_ < buf_.size(); }
  std::string_view unread() const { return std::string_view(buf_).substr(pos_); }
  // Takes the unread bytes out of the reader (a request's start, handed back to the reactor).
  std::string takeUnread();
  // Bytes already read from the connection by someone else; they come before the stream's.
  void prime(std::string bytes);
  // The interim "100 Continue" of the next request was already written (by the reactor).
  void continueAlreadySent() { continue_sent_ = true; }

 private:
  // Fills until the buffer holds "\r\n\r\n" (or "\n\n") after pos_; returns the head's end.
  enum class Fill { kOk, kClosed, kTooLarge };
  Fill fillHead(size_t& head_end, bool& got_any);
  bool fillAtLeast(size_t n);  // ensures n unread bytes (false: closed or timed out)
  bool readLine(std::string& line, size_t max);
  ReadOutcome readChunked(ReadOutcome out);

  ByteStream& stream_;
  const RequestLimits limits_;
  std::string buf_;
  size_t pos_ = 0;
  bool continue_sent_ = false;
};

// The status line's reason phrase ("OK", "Bad Request", ...; "Unknown" for others).
std::string_view reasonPhrase(int status);
// An HTTP/1.1 response: status line, headers, Content-Length, Connection, then the body
// (omitted when `head_only`).
std::string serializeResponse(const IntakeResponse& response, bool keep_alive, bool head_only);
// A short JSON error answer ({"errors":["..."]}) with Connection: close.
std::string errorResponse(int status, std::string_view message, std::string_view server_id);

}  // namespace ddsim::fakeintake
