// The official Datadog API client (npm @datadog/datadog-api-client, run with node) posting to
// the fakeintake over loopback: what real user programs send to /api/v2/series (JSON, plain,
// gzip and deflate), /api/v1/series and /api/v1/check_run is decoded, and the client accepts
// the answers. Skipped when node or the package (tests/fakeintake/node, npm install) is absent.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

const std::string kNodeDir = std::string(DDSIM_SOURCE_DIR) + "/tests/fakeintake/node";

struct NodeRun {
  int code = -1;
  std::string output;
};

NodeRun submit(const testing::TestServer& s, const std::string& what, const std::string& encoding = "") {
  std::string cmd = "node " + kNodeDir + "/submit.js " + s.url() + " " + what + " " + encoding + " 2>&1";
  NodeRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool clientAvailable() {
  return std::system("node --version > /dev/null 2>&1") == 0 &&
         std::filesystem::exists(kNodeDir + "/node_modules/@datadog/datadog-api-client");
}

std::vector<StoredPayloadPtr> stored(testing::TestServer& s, const std::string& route) {
  return s.handler().store().query(PayloadQuery{route}, s.clock().systemNow());
}

TEST(OfficialApiClient, SeriesV2JsonInEveryEncodingTheClientSends) {
  if (!clientAvailable()) GTEST_SKIP() << "node or @datadog/datadog-api-client missing (npm install in " << kNodeDir << ")";
  testing::TestServer s;
  for (std::string enc : {"", "gzip", "deflate"}) {
    NodeRun r = submit(s, "v2-series", enc);
    ASSERT_EQ(r.code, 0) << "encoding '" << enc << "': " << r.output;
    EXPECT_NE(r.output.find("\"errors\":[]"), std::string::npos) << r.output;
  }
  auto payloads = stored(s, "/api/v2/series");
  ASSERT_EQ(payloads.size(), 3u);
  for (const auto& p : payloads) {
    ASSERT_TRUE(p->decoded.has_value()) << p->decode_error;
    const auto& series = std::get<std::vector<DecodedSeries>>(p->decoded->items);
    ASSERT_EQ(series.size(), 1u);
    EXPECT_EQ(series[0].metric, "ddsim.api_client.v2");
    EXPECT_EQ(series[0].type, 3);
    EXPECT_EQ(series[0].unit, "request");
    EXPECT_EQ(series[0].host(), "api-host");
    ASSERT_EQ(series[0].points.size(), 2u);
    EXPECT_EQ(series[0].points[1].timestamp, 1700000010);
    EXPECT_DOUBLE_EQ(series[0].points[1].value, 2.5);
    EXPECT_EQ(series[0].tags, (std::vector<std::string>{"source:api_client", "env:test"}));
  }
  EXPECT_EQ(payloads[1]->encoding, "gzip");
  EXPECT_EQ(payloads[2]->encoding, "deflate");
}

TEST(OfficialApiClient, SeriesV1AndCheckRuns) {
  if (!clientAvailable()) GTEST_SKIP() << "node or @datadog/datadog-api-client missing (npm install in " << kNodeDir << ")";
  testing::TestServer s;
  NodeRun v1 = submit(s, "v1-series", "deflate");
  ASSERT_EQ(v1.code, 0) << v1.output;
  NodeRun cr = submit(s, "check-run");
  ASSERT_EQ(cr.code, 0) << cr.output;
  auto series = stored(s, "/api/v1/series");
  ASSERT_EQ(series.size(), 1u);
  ASSERT_TRUE(series[0]->decoded.has_value()) << series[0]->decode_error;
  const auto& v = std::get<std::vector<DecodedSeries>>(series[0]->decoded->items);
  EXPECT_EQ(v[0].metric, "ddsim.api_client.v1");
  EXPECT_EQ(v[0].type, 1);
  EXPECT_EQ(v[0].points[0].value, 7);
  auto runs = stored(s, "/api/v1/check_run");
  ASSERT_EQ(runs.size(), 1u);
  ASSERT_TRUE(runs[0]->decoded.has_value()) << runs[0]->decode_error;
  const auto& c = std::get<std::vector<DecodedCheckRun>>(runs[0]->decoded->items);
  EXPECT_EQ(c[0].check, "ddsim.api_client.check");
  EXPECT_EQ(c[0].status, 1);
  EXPECT_EQ(c[0].host_name, "api-host");
}

TEST(OfficialApiClient, SeesFaultStatuses) {
  if (!clientAvailable()) GTEST_SKIP() << "node or @datadog/datadog-api-client missing (npm install in " << kNodeDir << ")";
  testing::TestServer s;
  auto rules = parseFaultRules(R"([{"route":"/api/v2/series","status":403,"body":"{\"errors\":[\"Forbidden\"]}"}])");
  ASSERT_TRUE(rules.isOk());
  s.handler().faults().setRules(*rules, s.clock().systemNow());
  NodeRun r = submit(s, "v2-series");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("Forbidden"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ddsim::fakeintake
