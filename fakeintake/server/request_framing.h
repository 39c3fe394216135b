#pragma once
// Whether a connection's buffered bytes already hold a whole HTTP/1.1 request, judged without
// reading more. The server's reactor reads every connection without blocking and gives it to a
// worker only when a request is complete (or when the strict RequestReader must answer an
// error), so a client trickling bytes holds a buffer but never a thread. The rules follow
// RequestReader's framing (http_request_reader.h): leading blank lines, the head ending in a
// blank line (CRLF or LF), Content-Length or chunked Transfer-Encoding. Anything RequestReader
// would refuse is "hand over": it answers the error with the same message as before.
#include <cstddef>
#include <string_view>

#include "fakeintake/server/http_request_reader.h"

namespace ddsim::fakeintake {

struct Framing {
  enum class Kind {
    kIncomplete,  // more bytes are needed
    kComplete,    // `length` bytes from the start hold one whole request
    kHandOver,    // malformed or over a limit: the strict reader answers the error now
  };
  Kind kind = Kind::kIncomplete;
  size_t length = 0;
  // The head is complete, asks "Expect: 100-continue" and no body byte has arrived yet: the
  // client waits for the interim answer before it sends the body.
  bool awaits_continue = false;
  // Once the head is complete: its length and the declared Content-Length (0 when chunked).
  size_t head_length = 0;
  uint64_t content_length = 0;
};

Framing frameRequest(std::string_view buffered, const RequestLimits& limits);

}  // namespace ddsim::fakeintake
