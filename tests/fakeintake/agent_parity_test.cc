// Parity with the agent's fakeintake where tools depend on it (issue 10), each case citing the
// agent's source: test/fakeintake/server/server.go and body.go in DataDog/datadog-agent.
#include <gtest/gtest.h>

#include <cstring>

#include <nlohmann/json.hpp>

#include "fakeintake/core/base64.h"
#include "proto/process.pb.h"
#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using nlohmann::json;
using testing::TestServer;

// agent fakeintake behaviour (server.go handleDatadogRequest): the flare is stored as sent and
// answered 200; here its parts are also decoded.
TEST(Flare, MultipartFormDataIsStoredAndItsPartsQueryable) {
  TestServer s;
  httplib::MultipartFormDataItems items = {
      {"case_id", "0", "", ""},
      {"hostname", "my-host", "", ""},
      {"flare_file", std::string("PK\x03\x04zip bytes\xff", 14), "datadog-agent-2024.zip", "application/octet-stream"},
  };
  auto r = s.client()->Post("/support/flare", items);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  auto dec = json::parse(s.client()->Get("/fakeintake/payloads?endpoint=/support/flare&format=json")->body);
  ASSERT_EQ(dec["payloads"].size(), 1u);
  const json& parts = dec["payloads"][0]["data"]["parts"];
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0]["name"], "case_id");
  EXPECT_EQ(parts[1]["name"], "hostname");
  EXPECT_EQ(base64Decode(parts[1]["data"].get<std::string>()), "my-host");
  EXPECT_EQ(parts[2]["filename"], "datadog-agent-2024.zip");
  EXPECT_EQ(parts[2]["size"], 14);
  EXPECT_EQ(base64Decode(parts[2]["data"].get<std::string>()), std::string("PK\x03\x04zip bytes\xff", 14));
  // Raw: the body as sent; the encoding field holds the Content-Type, as the agent fakeintake's.
  auto raw = json::parse(s.client()->Get("/fakeintake/payloads?endpoint=/support/flare")->body);
  EXPECT_EQ(raw["payloads"][0]["encoding"].get<std::string>().rfind("multipart/form-data; boundary=", 0), 0u);
}

TEST(Flare, MultipartToEveryKindOfRouteIsNever500) {
  TestServer s;
  httplib::MultipartFormDataItems items = {{"f", "v", "", ""}};
  for (const char* route : {"/support/flare", "/api/v2/series", "/api/v1/check_run", "/intake/", "/api/v1/connections",
                            "/fakeintake/faults", "/anything"}) {
    auto r = s.client()->Post(route, items);
    ASSERT_TRUE(r) << route;
    EXPECT_LT(r->status, 500) << route << ": " << r->body;
  }
}

TEST(AgentParity, OverrideWithAnInvalidMethodIsA400) {
  TestServer s;
  json o = {{"endpoint", "/api/v2/series"}, {"method", "FETCH"}, {"status_code", 500}};
  auto r = s.client()->Post("/fakeintake/configure/override", o.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("not an HTTP method"), std::string::npos) << r->body;
}

TEST(AgentParity, FlushPayloadsAcceptsAnyMethod) {
  TestServer s;
  for (const char* method : {"GET", "POST", "PUT", "DELETE", "PATCH"}) {
    ASSERT_EQ(s.post("/api/v1/series", R"({"series":[]})", "", "application/json")->status, 202);
    testing::RawConnection c(s.port());
    c.send(std::string(method) + " /fakeintake/flushPayloads HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(testing::statusOf(c.readAll()), 200) << method;
    EXPECT_EQ(s.handler().store().stats().payloads, 0u) << method;
  }
}

// body.go getConnectionsResponse: the process agent reads its interval from this answer.
TEST(AgentParity, ConnectionsAreDecodedAndAnsweredWithTheCollectorStatus) {
  TestServer s;
  datadog::process_agent::CollectorConnections conns;
  conns.set_hostname("my-host");
  auto* c = conns.add_connections();
  c->set_pid(42);
  c->mutable_laddr()->set_ip("10.0.0.1");
  c->mutable_laddr()->set_port(5432);
  c->mutable_raddr()->set_ip("10.0.0.2");
  c->mutable_raddr()->set_port(80);
  c->set_lastbytessent(1000);
  conns.set_encodedtags(std::string("\x01\x02", 2));
  std::string body(16, '\0');
  body[0] = 3;   // header v3
  body[1] = 0;   // protobuf
  body[2] = 22;  // CollectorConnections
  body += conns.SerializeAsString();
  auto r = s.post("/api/v1/connections", body, "", "application/x-protobuf");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/x-protobuf");
  const std::string& answer = r->body;
  ASSERT_GT(answer.size(), 16u);
  EXPECT_EQ(answer[0], 3);   // version
  EXPECT_EQ(answer[1], 0);   // protobuf
  EXPECT_EQ(answer[2], 23);  // ResCollector
  int32_t org = 0;
  std::memcpy(&org, answer.data() + 4, 4);
  EXPECT_EQ(org, 503);
  datadog::process_agent::ResCollector res;
  ASSERT_TRUE(res.ParseFromString(answer.substr(16)));
  EXPECT_EQ(res.status().activeclients(), 1);
  EXPECT_EQ(res.status().interval(), 30);

  auto dec = json::parse(s.client()->Get("/fakeintake/payloads?endpoint=/api/v1/connections&format=json")->body);
  ASSERT_EQ(dec["payloads"].size(), 1u);
  const json& m = dec["payloads"][0]["data"][0];
  EXPECT_EQ(m["header"]["type"], 22) << m.dump();
  EXPECT_EQ(m["message"], "datadog.process_agent.CollectorConnections");
  const json& body_json = m["body"];
  EXPECT_EQ(body_json["hostName"], "my-host");
  EXPECT_EQ(body_json["connections"][0]["pid"], 42);
  EXPECT_EQ(body_json["connections"][0]["raddr"]["port"], 80);
}

// The agent fakeintake's aggregator decodes /api/v1/series into the agent's v1 Serie shape.
TEST(AgentParity, DecodedV1SeriesKeepTheV1Shape) {
  TestServer s;
  const std::string v1 = R"({"series":[{"metric":"my.gauge","points":[[1700000000,1.5],[1700000010,2]],)"
                         R"("tags":["env:a"],"host":"h1","device":"sda","type":"gauge","interval":10,)"
                         R"("source_type_name":"System"}]})";
  ASSERT_EQ(s.post("/api/v1/series", v1, "", "application/json")->status, 202);
  auto dec = json::parse(s.client()->Get("/fakeintake/payloads?endpoint=/api/v1/series&format=json")->body);
  const json& serie = dec["payloads"][0]["data"][0];
  EXPECT_EQ(serie["metric"], "my.gauge");
  EXPECT_EQ(serie["host"], "h1");
  EXPECT_EQ(serie["device"], "sda");
  EXPECT_EQ(serie["type"], "gauge");
  EXPECT_EQ(serie["interval"], 10);
  EXPECT_EQ(serie["points"], json::parse("[[1700000000,1.5],[1700000010,2]]"));
  EXPECT_EQ(serie["tags"], json::parse(R"(["env:a"])"));
  EXPECT_EQ(serie["source_type_name"], "System");
}

}  // namespace
}  // namespace ddsim::fakeintake
