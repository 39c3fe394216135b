// A corpus of malformed requests against the real server: each gets a clear 4xx, the server
// keeps serving others, nothing already stored is lost. (Run under the sanitizer build too.)
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using nlohmann::json;
using testing::TestServer;

const std::string kGood = testing::testData("series_v2_zlib.bin");

using testing::RawConnection;
using testing::statusOf;

size_t storedCount(TestServer& s) { return s.handler().store().stats().payloads; }

TEST(BadInput, CorpusGetsClear4xxAndLosesNothing) {
  TestServer s;
  ASSERT_EQ(s.post("/api/v2/series", kGood, "deflate")->status, 202);
  const std::string z = testing::zlibCompress("{\"series\":[]}");
  const std::string proto = testing::seriesPayload({{"m", {}, {{1700000000, 1}}}});
  struct Case {
    const char* name;
    const char* path;
    std::string body;
    const char* encoding;
    const char* content_type;
    int want;
    const char* reason;  // part of the error message
  } cases[] = {
      {"garbage protobuf", "/api/v2/series", "\x08\x96\x01garbage\xff\xff", "", "application/x-protobuf", 400, "MetricPayload"},
      {"random bytes deflate", "/api/v2/series", "\x78\x9c\x01\x02\x03\x04", "deflate", "application/x-protobuf", 400, "deflate"},
      {"plain body labelled gzip", "/api/v1/series", "{\"series\":[]}", "gzip", "application/json", 400, "gzip"},
      {"zlib labelled zstd", "/api/v1/series", z, "zstd", "application/json", 400, "zstd"},
      {"truncated zlib", "/api/v1/check_run", z.substr(0, 5), "deflate", "application/json", 400, "truncated"},
      {"unknown encoding", "/api/v2/series", "x", "br", "application/x-protobuf", 415, "unsupported Content-Encoding"},
      {"two encodings", "/api/v2/series", "x", "gzip, deflate", "application/x-protobuf", 415, "unsupported"},
      {"protobuf sent as JSON", "/api/v2/series", proto, "", "application/json", 400, "not valid JSON"},
      {"JSON to the sketch route", "/api/beta/sketches", "{\"sketches\":[]}", "", "application/json", 400, "SketchPayload"},
      {"v1 series not an object", "/api/v1/series", "[1,2,3]", "", "application/json", 400, "expected a JSON object"},
      {"events with bad types", "/intake/", "{\"events\":{\"api\":[{\"msg_title\":1}]}}", "", "application/json", 400,
       "msg_title"},
      {"orchestrator too short", "/api/v2/orch", "\x03\x00", "", "application/x-protobuf", 400, "too short"},
      {"deeply nested JSON", "/api/v1/series", std::string(5000, '[') , "", "application/json", 400, "nested deeper"},
  };
  size_t expected_stored = 1;
  for (const auto& c : cases) {
    auto r = s.post(c.path, c.body, c.encoding, c.content_type);
    ASSERT_TRUE(r) << c.name;
    EXPECT_EQ(r->status, c.want) << c.name << ": " << r->body;
    auto errors = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(errors.is_object()) << c.name;
    EXPECT_NE(errors["errors"][0].get<std::string>().find(c.reason), std::string::npos)
        << c.name << ": " << r->body;
    ++expected_stored;  // kept raw, with the reason
  }
  EXPECT_EQ(storedCount(s), expected_stored);
  // The first, good payload is intact and still decodes.
  auto first = s.handler().store().query(PayloadQuery{"/api/v2/series"}, s.clock().systemNow());
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first[0]->raw, kGood);
  EXPECT_TRUE(first[0]->decoded.has_value());
  // Failures are counted per route and the raw bytes are queryable with the reason.
  auto routestats = s.client(60000)->Get("/fakeintake/routestats");
  ASSERT_TRUE(routestats) << httplib::to_string(routestats.error());
  auto stats = json::parse(routestats->body);
  EXPECT_EQ(stats["routes"]["/api/v2/series"]["decode_errors"], 5);
  auto raw = json::parse(s.client()->Get("/fakeintake/payloads?endpoint=/api/beta/sketches")->body);
  EXPECT_NE(raw["payloads"][0]["decode_error"].get<std::string>().find("SketchPayload"), std::string::npos);
  EXPECT_EQ(s.post("/api/v2/series", kGood, "deflate")->status, 202);
}

TEST(BadInput, DecompressionBombIs413AndCounted) {
  IntakeOptions o;
  o.max_decompressed_bytes = 4u << 20;
  TestServer s(o);
  std::string bomb = testing::zstdCompress(std::string(64u << 20, '\0'), 3);
  ASSERT_LT(bomb.size(), 64u * 1024);
  auto r = s.post("/api/v2/series", bomb, "zstd");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("limit of 4194304"), std::string::npos) << r->body;
  EXPECT_EQ(s.handler().counters().get("violations.DdDecompressedCap"), 1);
  EXPECT_EQ(s.handler().counters().get("rejected.decompressed_too_large"), 1);
  EXPECT_EQ(s.post("/api/v2/series", kGood, "deflate")->status, 202);
}

TEST(BadInput, OversizedBodiesAre413BeforeBeingRead) {
  IntakeOptions o;
  o.max_body_bytes = 1u << 20;
  TestServer s(o);
  auto r = s.post("/api/v2/series", std::string((1u << 20) + 1, 'x'), "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  // Chunked bodies carry no Content-Length: the handler's reader enforces the limit.
  RawConnection c(s.port());
  ASSERT_TRUE(c.ok());
  std::string chunk(64 * 1024, 'y');
  std::string req = "POST /api/v2/series HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 20; ++i) req += "10000\r\n" + chunk + "\r\n";
  req += "0\r\n\r\n";
  c.send(req);
  EXPECT_EQ(statusOf(c.readAll()), 413);
  EXPECT_EQ(storedCount(s), 0u);
  EXPECT_EQ(s.post("/api/v2/series", kGood, "deflate")->status, 202);
}

TEST(BadInput, HugeHeadersAndUrisAre4xx) {
  TestServer s;
  // One header line over the 64 KiB header block limit.
  {
    RawConnection c(s.port());
    c.send("GET /fakeintake/health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100 * 1024, 'a') + "\r\n\r\n");
    EXPECT_EQ(statusOf(c.readAll()), 431);
  }
  // Many headers adding up to more than 64 KiB.
  {
    httplib::Headers h;
    for (int i = 0; i < 200; ++i) h.emplace("X-H" + std::to_string(i), std::string(500, 'b'));
    auto r = s.client()->Get("/fakeintake/health", h);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
  }
  // A request line longer than the 8 KiB request-line limit.
  {
    auto r = s.client()->Get(("/api/v2/series?" + std::string(20000, 'q')).c_str());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status / 100, 4);
  }
  EXPECT_EQ(s.client()->Get("/fakeintake/health")->status, 200);
}

TEST(BadInput, TenThousandRoutesAreStoredAndTheServerKeepsServing) {
  TestServer s;
  std::atomic<int> ok{0};
  auto worker = [&](int from, int to) {
    auto c = s.client();
    for (int i = from; i < to; ++i) {
      auto r = c->Post(("/custom/route/" + std::to_string(i)).c_str(), "payload " + std::to_string(i), "text/plain");
      if (r && r->status == 200) ++ok;
    }
  };
  std::thread a(worker, 0, 5000), b(worker, 5000, 10000);
  a.join();
  b.join();
  EXPECT_EQ(ok.load(), 10000);
  EXPECT_EQ(s.handler().routeStats().routeCount(), 10000u);
  auto stats = json::parse(s.client()->Get("/fakeintake/routestats")->body);
  EXPECT_EQ(stats["routes"].size(), 10000u);
  EXPECT_EQ(stats["routes"]["/custom/route/9999"]["count"], 1);
  EXPECT_EQ(s.post("/api/v2/series", kGood, "deflate")->status, 202);
}

TEST(BadInput, RouteCardinalityLimitIsAClear400) {
  IntakeOptions o;
  o.max_routes = 100;
  TestServer s(o);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(s.client()->Post(("/r/" + std::to_string(i)).c_str(), "x", "text/plain")->status, 200);
  auto r = s.client()->Post("/r/100", "x", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("too many distinct routes"), std::string::npos);
  EXPECT_EQ(s.client()->Post("/r/5", "again", "text/plain")->status, 200);  // known routes still work
  EXPECT_EQ(s.handler().counters().get("rejected.route_limit"), 1);
}

TEST(BadInput, SlowAndSilentClientsDoNotBlockOthers) {
  ServerOptions so;
  so.threads = 8;
  so.read_timeout = std::chrono::milliseconds(500);
  TestServer s(IntakeOptions{}, so);
  // Clients that stall mid-request: headers half sent, or a body shorter than its length.
  std::vector<std::unique_ptr<RawConnection>> stalled;
  for (int i = 0; i < 3; ++i) {
    stalled.push_back(std::make_unique<RawConnection>(s.port()));
    stalled.back()->send("POST /api/v2/series HTTP/1.1\r\nHost: x\r\nContent-Len");
  }
  for (int i = 0; i < 3; ++i) {
    stalled.push_back(std::make_unique<RawConnection>(s.port()));
    stalled.back()->send("POST /api/v2/series HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npartial");
  }
  stalled.push_back(std::make_unique<RawConnection>(s.port()));  // connects, sends nothing
  // Others are served meanwhile.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(s.post("/api/v2/series", kGood, "deflate")->status, 202);
  // A stalled body is cut off by the read timeout: answered 400 (or closed), never stored.
  std::string answer = stalled[3]->readAll();
  EXPECT_TRUE(answer.empty() || statusOf(answer) == 400) << answer;
  EXPECT_EQ(storedCount(s), 20u);
}

TEST(BadInput, LyingContentLengthAndOddRequests) {
  TestServer s;
  {
    // Declares more than it sends, then closes: nothing stored.
    RawConnection c(s.port());
    c.send("POST /api/v1/series HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"series\":");
  }
  {
    RawConnection c(s.port());
    c.send("BREW /api/v2/series HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(statusOf(c.readAll()), 400);
  }
  {
    RawConnection c(s.port());
    c.send("this is not http\r\n\r\n");
    EXPECT_EQ(statusOf(c.readAll()), 400);
  }
  auto del = s.client()->Delete("/api/v2/series");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 400);
  EXPECT_EQ(s.post("/api/v2/series", kGood, "deflate")->status, 202);
  EXPECT_EQ(storedCount(s), 1u);
}

}  // namespace
}  // namespace ddsim::fakeintake
