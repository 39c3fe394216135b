// The fakeintake over real HTTP on 127.0.0.1:0: the agent's fixtures posted as the agent posts
// them, and the control API's JSON shapes (anchors.md §1.1, §1.2).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakeintake/core/base64.h"
#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using nlohmann::json;
using testing::TestServer;
using testing::testData;

json getJson(const TestServer& s, const std::string& path, int* status = nullptr) {
  auto r = s.client()->Get(path.c_str());
  EXPECT_TRUE(r) << path;
  if (!r) return json();
  if (status) *status = r->status;
  return json::parse(r->body, nullptr, false);
}

TEST(FakeintakeServer, StoresAndDecodesTheAgentSeriesFixture) {
  TestServer s;
  const std::string body = testData("series_v2_zlib.bin");
  auto r = s.post("/api/v2/series", body, "deflate");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(json::parse(r->body), json::parse(R"({"errors":[]})"));
  EXPECT_EQ(r->get_header_value("Fakeintake-ID"), s.handler().serverId());

  // Raw: the body as sent, base64, with the agent fakeintake's fields.
  json raw = getJson(s, "/fakeintake/payloads?endpoint=/api/v2/series");
  ASSERT_EQ(raw["payloads"].size(), 1u);
  const json& p = raw["payloads"][0];
  EXPECT_EQ(base64Decode(p["data"].get<std::string>()), body);
  EXPECT_EQ(p["encoding"], "deflate");
  EXPECT_EQ(p["content_type"], "application/x-protobuf");
  EXPECT_EQ(p["timestamp"], "2023-11-14T22:13:20Z");  // the ManualClock's start
  EXPECT_EQ(p["api_key"], std::string(27, '*') + "bcdef");
  EXPECT_EQ(p["uncompressed_size"], 20149);
  // Headers as sent, API key redacted to its last 5 characters (headers=true).
  json with_headers = getJson(s, "/fakeintake/payloads?endpoint=/api/v2/series&headers=true");
  std::map<std::string, std::string> headers;
  for (const auto& h : with_headers["payloads"][0]["headers"]) headers[h[0]] = h[1];
  EXPECT_EQ(headers["DD-API-KEY"], std::string(27, '*') + "bcdef");
  EXPECT_EQ(headers["Content-Encoding"], "deflate");
  EXPECT_EQ(headers.count("REMOTE_ADDR"), 0u);

  // Decoded: 151 series in the MetricSeries JSON shape.
  json dec = getJson(s, "/fakeintake/payloads?endpoint=/api/v2/series&format=json");
  const json& data = dec["payloads"][0]["data"];
  ASSERT_EQ(data.size(), 151u);
  const json& first = data[0];
  EXPECT_EQ(first["metric"], "datadog.dogstatsd.client.aggregated_context_by_type");
  EXPECT_EQ(first["type"], 2);
  EXPECT_EQ(first["interval"], 10);
  EXPECT_EQ(first["resources"][0], json::parse(R"({"type":"host","name":"COMP-N52P6N99MH"})"));
  EXPECT_EQ(first["points"][0]["timestamp"], 1675259630);
  EXPECT_TRUE(first["tags"].is_array());
}

TEST(FakeintakeServer, StoresAndDecodesTheAgentCheckRunFixture) {
  TestServer s;
  auto r = s.post("/api/v1/check_run", testData("check_run_zlib.bin"), "deflate", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  json dec = getJson(s, "/fakeintake/payloads?endpoint=/api/v1/check_run&format=json");
  const json& data = dec["payloads"][0]["data"];
  ASSERT_EQ(data.size(), 12u);
  for (const auto& c : data) {
    for (const char* key : {"check", "host_name", "timestamp", "status", "message", "tags"}) {
      EXPECT_TRUE(c.contains(key)) << key;
    }
  }
}

TEST(FakeintakeServer, RouteStatsHaveTheAgentShapeAndBytes) {
  TestServer s;
  const std::string body = testData("series_v2_zlib.bin");
  ASSERT_TRUE(s.post("/api/v2/series", body, "deflate"));
  ASSERT_TRUE(s.post("/api/v2/series", body, "deflate"));
  ASSERT_TRUE(s.post("/some/other/route", "hello", "", "text/plain"));
  json stats = getJson(s, "/fakeintake/routestats");
  const json& series = stats["routes"]["/api/v2/series"];
  EXPECT_EQ(series["id"], "/api/v2/series");
  EXPECT_EQ(series["count"], 2);
  EXPECT_EQ(series["requests"], 2);
  EXPECT_EQ(series["bytes_compressed"], 2 * body.size());
  EXPECT_EQ(series["bytes_uncompressed"], 2 * 20149);
  EXPECT_EQ(series["status_counts"]["202"], 2);
  // 2,479 bytes fall in the (1 KiB, 4 KiB] bucket.
  EXPECT_EQ(series["size_histogram"]["buckets"][1]["le"], 4096);
  EXPECT_EQ(series["size_histogram"]["buckets"][1]["count"], 2);
  EXPECT_EQ(stats["routes"]["/some/other/route"]["count"], 1);
  // Catch-all storage keeps the body (decoded form = the text).
  json other = getJson(s, "/fakeintake/payloads?endpoint=/some/other/route&format=json");
  EXPECT_EQ(other["payloads"][0]["data"], "hello");
  EXPECT_EQ(other["payloads"][0]["encoding"], "text/plain");
}

TEST(FakeintakeServer, FlushHealthOverrideAndServerId) {
  TestServer s;
  ASSERT_TRUE(s.post("/api/v2/series", testData("series_v2_zlib.bin"), "deflate"));
  auto h = s.client()->Get("/fakeintake/health");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(h->body, "");
  auto f = s.client()->Get("/fakeintake/flushPayloads");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->status, 200);
  EXPECT_EQ(getJson(s, "/fakeintake/payloads?endpoint=/api/v2/series")["payloads"].size(), 0u);
  EXPECT_EQ(getJson(s, "/fakeintake/routestats")["routes"].size(), 0u);

  // The agent fakeintake's override: static, exact path, base64 body, payload still stored.
  auto o = s.client()->Post("/fakeintake/configure/override",
                            R"({"endpoint":"/api/v2/series","status_code":503,"content_type":"text/plain",)"
                            R"("method":"POST","body":")" + base64Encode("down") + R"("})",
                            "application/json");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->status, 200);
  auto r = s.post("/api/v2/series", testData("series_v2_zlib.bin"), "deflate");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "down");
  EXPECT_EQ(getJson(s, "/fakeintake/routestats")["routes"]["/api/v2/series"]["count"], 1);

  // A new handler (server restart) has a new Fakeintake-ID.
  TestServer other;
  auto a = s.client()->Get("/fakeintake/health");
  auto b = other.client()->Get("/fakeintake/health");
  EXPECT_NE(a->get_header_value("Fakeintake-ID"), b->get_header_value("Fakeintake-ID"));
  EXPECT_EQ(a->get_header_value("Fakeintake-ID").size(), 36u);
}

TEST(FakeintakeServer, PayloadsErrorsMatchTheAgentFakeintake) {
  TestServer s;
  auto r = s.client()->Get("/fakeintake/payloads");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body, "missing endpoint query parameter");
  int status = 0;
  json j = getJson(s, "/fakeintake/payloads?endpoint=/api/v2/series&cursor=abc", &status);
  EXPECT_EQ(status, 400);
  EXPECT_TRUE(j["errors"].is_array());
  // Methods the catch-all does not accept: 400 with the route and method.
  auto bad = s.client()->Patch("/api/v2/series", "x", "text/plain");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json::parse(bad->body)["errors"][0], "invalid request with route /api/v2/series and method PATCH");
}

TEST(FakeintakeServer, CursorAndSinceReturnOnlyWhatIsNew) {
  TestServer s;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(s.post("/api/v1/series", R"({"series":[{"metric":"m)" + std::to_string(i) + R"(","points":[[1700000000,1]]}]})",
                       "", "application/json"));
    s.clock().advance(std::chrono::seconds(10));
  }
  json all = getJson(s, "/fakeintake/payloads?endpoint=/api/v1/series");
  ASSERT_EQ(all["payloads"].size(), 3u);
  uint64_t first_id = all["payloads"][0]["id"];
  json after = getJson(s, "/fakeintake/payloads?endpoint=/api/v1/series&cursor=" + std::to_string(first_id));
  ASSERT_EQ(after["payloads"].size(), 2u);
  EXPECT_EQ(after["next_cursor"], all["payloads"][2]["id"]);
  json since = getJson(s, "/fakeintake/payloads?endpoint=/api/v1/series&since=2023-11-14T22:13:30Z");
  EXPECT_EQ(since["payloads"].size(), 2u);
  json since_unix = getJson(s, "/fakeintake/payloads?endpoint=/api/v1/series&since=1700000020");
  EXPECT_EQ(since_unix["payloads"].size(), 1u);
  json limited = getJson(s, "/fakeintake/payloads?endpoint=/api/v1/series&limit=1");
  EXPECT_EQ(limited["payloads"].size(), 1u);
  json none = getJson(s, "/fakeintake/payloads?endpoint=/api/v1/series&cursor=" +
                             std::to_string(all["next_cursor"].get<uint64_t>()));
  EXPECT_EQ(none["payloads"].size(), 0u);
  EXPECT_EQ(none["next_cursor"], all["next_cursor"]);
}

TEST(FakeintakeServer, ValidateAnswersLikeTheIntake) {
  IntakeOptions o;
  o.valid_api_keys = {"goodkey"};
  TestServer s(o);
  auto good = s.client()->Get("/api/v1/validate?api_key=goodkey");
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200);
  EXPECT_EQ(json::parse(good->body)["valid"], true);
  auto bad = s.client()->Get("/api/v1/validate?api_key=other");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 403);
  auto header = s.client()->Get("/api/v1/validate", httplib::Headers{{"DD-API-KEY", "goodkey"}});
  EXPECT_EQ(header->status, 200);
  // Default: every key is valid.
  TestServer open;
  EXPECT_EQ(open.client()->Get("/api/v1/validate?api_key=anything")->status, 200);
  EXPECT_EQ(open.client()->Get("/api/v1/validate")->status, 403);  // no key at all
  // Enforcement on intake routes, set over the control API.
  ASSERT_EQ(s.client()->Post("/fakeintake/configure/apikeys", R"({"valid_keys":["goodkey"],"enforce_on_intake":true})",
                             "application/json")->status, 200);
  EXPECT_EQ(s.post("/api/v1/series", "{}", "", "application/json", "goodkey")->status, 202);
  EXPECT_EQ(s.post("/api/v1/series", "{}", "", "application/json", "badkey")->status, 403);
}

TEST(FakeintakeServer, PrometheusMetrics) {
  TestServer s;
  ASSERT_TRUE(s.post("/api/v2/series", testData("series_v2_zlib.bin"), "deflate"));
  ASSERT_TRUE(s.post("/api/v2/series", "garbage", "deflate"));
  auto r = s.client()->Get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4");
  const std::string& m = r->body;
  EXPECT_NE(m.find("# TYPE fakeintake_requests_total counter"), std::string::npos);
  EXPECT_NE(m.find("fakeintake_requests_total{route=\"/api/v2/series\",status=\"202\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("fakeintake_requests_total{route=\"/api/v2/series\",status=\"400\"} 1"), std::string::npos);
  EXPECT_NE(m.find("fakeintake_payloads{route=\"/api/v2/series\"} 2"), std::string::npos);
  EXPECT_NE(m.find("fakeintake_decode_errors_total{route=\"/api/v2/series\"} 1"), std::string::npos);
  EXPECT_NE(m.find("fakeintake_payload_size_bytes_bucket{route=\"/api/v2/series\",le=\"+Inf\"} 2"), std::string::npos);
  EXPECT_NE(m.find("fakeintake_rejected_total{reason=\"bad_compression\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace ddsim::fakeintake
