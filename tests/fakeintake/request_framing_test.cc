// frameRequest (fakeintake/server/request_framing.h): whether buffered bytes hold one whole
// request, by the same framing rules as RequestReader (RFC 9112 §6: Content-Length, chunked).
// The property that makes the reactor safe: for every prefix of a request the answer is
// "incomplete" (never "complete" early), and for the whole request it is "complete" with the
// request's exact length; whatever RequestReader refuses is "hand over".
#include <gtest/gtest.h>

#include <string>

#include "fakeintake/server/request_framing.h"

namespace ddsim::fakeintake {
namespace {

using Kind = Framing::Kind;

struct Case {
  const char* name;
  std::string bytes;
  Kind kind;
  size_t length;  // for kComplete; 0 = all of `bytes`
};

TEST(RequestFraming, Table) {
  const std::string post = "POST /api/v2/series HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n";
  const Case cases[] = {
      {"empty", "", Kind::kIncomplete, 0},
      {"half a request line", "GET /fake", Kind::kIncomplete, 0},
      {"head without its blank line", "GET / HTTP/1.1\r\nHost: x\r\n", Kind::kIncomplete, 0},
      {"GET, no body", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", Kind::kComplete, 0},
      {"bare LF line ends", "GET / HTTP/1.1\nHost: x\n\n", Kind::kComplete, 0},
      {"leading blank lines are skipped", "\r\n\r\nGET / HTTP/1.1\r\n\r\n", Kind::kComplete, 0},
      {"body short by one", post + "abcd", Kind::kIncomplete, 0},
      {"body whole", post + "abcde", Kind::kComplete, post.size() + 5},
      {"a pipelined request after", post + "abcdeGET / HTTP/1.1\r\n", Kind::kComplete, post.size() + 5},
      {"content-length lower case", "POST / HTTP/1.1\r\ncontent-length: 1\r\n\r\nz", Kind::kComplete, 0},
      {"chunked, whole",
       "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", Kind::kComplete, 0},
      {"chunked, trailer", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;x=y\r\na\r\n0\r\nT: v\r\n\r\n",
       Kind::kComplete, 0},
      {"chunked, data short", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab", Kind::kIncomplete, 0},
      {"chunked, no last chunk", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", Kind::kIncomplete, 0},
      {"chunked, no final blank line", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", Kind::kIncomplete, 0},
      // What RequestReader answers with an error: handed over at once.
      {"content-length not digits", "POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", Kind::kHandOver, 0},
      {"content-length negative", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", Kind::kHandOver, 0},
      {"conflicting lengths", "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", Kind::kHandOver, 0},
      {"length and chunked", "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
       Kind::kHandOver, 0},
      {"gzip transfer coding", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", Kind::kHandOver, 0},
      {"bad chunk size", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", Kind::kHandOver, 0},
      {"chunk data not followed by CRLF",
       "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naX", Kind::kHandOver, 0},
      {"header line without a colon", "GET / HTTP/1.1\r\nHost\r\n\r\n", Kind::kHandOver, 0},
      {"unsupported Expect", "POST / HTTP/1.1\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\n", Kind::kHandOver, 0},
      {"body over the limit", "POST / HTTP/1.1\r\nContent-Length: 2000\r\n\r\n", Kind::kHandOver, 0},
  };
  RequestLimits limits;
  limits.max_body_bytes = 1000;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const Framing f = frameRequest(c.bytes, limits);
    EXPECT_EQ(static_cast<int>(f.kind), static_cast<int>(c.kind));
    if (c.kind == Kind::kComplete) EXPECT_EQ(f.length, c.length ? c.length : c.bytes.size());
  }
}

TEST(RequestFraming, AHeadOverTheLimitsIsHandedOverBeforeItEnds) {
  RequestLimits limits;
  limits.max_header_bytes = 100;
  limits.max_request_line_bytes = 100;
  const std::string head = "GET / HTTP/1.1\r\nX: " + std::string(300, 'a');
  EXPECT_EQ(frameRequest(head, limits).kind, Kind::kHandOver);
  EXPECT_EQ(frameRequest(head.substr(0, 150), limits).kind, Kind::kIncomplete);
}

TEST(RequestFraming, EveryPrefixIsIncompleteAndTheWholeIsComplete) {
  const std::string requests[] = {
      "POST /api/v1/series HTTP/1.1\r\nHost: x\r\nContent-Length: 13\r\n\r\n{\"series\":[]}",
      "POST /intake/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;e=1\r\n world\r\n0\r\nX: y\r\n\r\n",
      "\r\nGET /fakeintake/health HTTP/1.0\n\n",
  };
  RequestLimits limits;
  for (const auto& r : requests) {
    SCOPED_TRACE(r);
    for (size_t n = 0; n < r.size(); ++n) {
      ASSERT_EQ(frameRequest(r.substr(0, n), limits).kind, Kind::kIncomplete) << "prefix of " << n << " bytes";
    }
    const Framing f = frameRequest(r + "GET / HTTP/1.1\r\n", limits);
    ASSERT_EQ(f.kind, Kind::kComplete);
    EXPECT_EQ(f.length, r.size());
  }
}

TEST(RequestFraming, ExpectContinueIsAwaitedOnlyBeforeTheFirstBodyByte) {
  const std::string head = "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
  RequestLimits limits;
  const Framing waiting = frameRequest(head, limits);
  EXPECT_EQ(waiting.kind, Kind::kIncomplete);
  EXPECT_TRUE(waiting.awaits_continue);
  EXPECT_EQ(waiting.head_length, head.size());
  EXPECT_EQ(waiting.content_length, 2u);
  EXPECT_FALSE(frameRequest(head + "a", limits).awaits_continue);
  EXPECT_EQ(frameRequest(head + "ab", limits).kind, Kind::kComplete);
  // Without a body there is nothing to wait for.
  EXPECT_FALSE(frameRequest("GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n", limits).awaits_continue);
}

}  // namespace
}  // namespace ddsim::fakeintake
