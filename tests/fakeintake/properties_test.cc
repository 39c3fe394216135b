// Intake property checks (anchors.md §3b, saluki's numbered intake properties Pyld..; Dd..
// are ddsim's own). Each row crafts one payload that breaks one property.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using nlohmann::json;
using testing::SeriesSpec;

constexpr int64_t kNow = 1'700'000'000;  // the ManualClock's start

struct Crafted {
  std::string path = "/api/v2/series";
  std::string body;
  std::string encoding;  // "" = identity
  std::string content_type = "application/x-protobuf";
  bool api_key = true;
};

IntakeResponse send(IntakeHandler& h, const Crafted& c) {
  IntakeRequest r;
  r.path = c.path;
  r.body = c.body;
  r.headers.add("Content-Type", c.content_type);
  if (!c.encoding.empty()) r.headers.add("Content-Encoding", c.encoding);
  if (c.api_key) r.headers.add("DD-API-KEY", "0123456789abcdef");
  return h.handle(std::move(r));
}

std::string v2(std::vector<SeriesSpec> series) { return testing::seriesPayload(series); }
SeriesSpec ok(std::string name = "ok.metric") { return {std::move(name), {"env:test"}, {{kNow, 1}}}; }

TEST(Properties, EachCraftedPayloadBreaksItsProperty) {
  std::string long_tag(201, 't');
  std::vector<std::string> many_tags;
  for (int i = 0; i < 101; ++i) many_tags.push_back(std::string("t").append(std::to_string(i)));
  SeriesSpec no_host = ok();
  no_host.host = "";
  SeriesSpec nan = ok();
  nan.points = {{kNow, std::nan("")}};
  SeriesSpec future = ok();
  future.points = {{kNow + 601, 1}};
  SeriesSpec untyped = ok();
  untyped.type = 0;
  SeriesSpec reserved = ok();
  reserved.tags = {"device:sda"};
  std::vector<std::pair<int64_t, double>> lots;
  for (int i = 0; i < 10'001; ++i) lots.push_back({kNow - i, 1});
  SeriesSpec too_many_points = ok();
  too_many_points.points = lots;
  datadog::agentpayload::MetricPayload bad_origin;
  testing::addSeries(bad_origin, ok());
  bad_origin.mutable_series(0)->mutable_metadata()->mutable_origin()->set_origin_product(3);

  struct Case {
    const char* property;
    Crafted payload;
  } cases[] = {
      {"Pyld01", {.body = v2({ok()}), .content_type = "text/plain"}},
      {"Pyld03", {.body = v2({ok()}), .api_key = false}},
      {"Pyld05", {.body = std::string(600'000, ' '), .content_type = "application/json"}},
      {"Pyld06", {.body = testing::zstdCompress(v2(std::vector<SeriesSpec>(40, too_many_points))), .encoding = "zstd"}},
      {"Pyld07", {.body = "not a protobuf"}},
      {"Pyld08", {.body = v2({too_many_points})}},
      {"Pyld09", {.body = v2({ok("")})}},
      {"Pyld10", {.body = v2({ok(std::string(351, 'm'))})}},
      {"Pyld11", {.body = v2({ok("1234.5678")})}},
      {"Pyld12", {.body = v2({untyped})}},
      {"Pyld13", {.body = v2({{"m", many_tags, {{kNow, 1}}}})}},
      {"Pyld14", {.body = v2({reserved})}},
      {"Pyld15", {.body = v2({too_many_points})}},
      {"Pyld16", {.body = bad_origin.SerializeAsString()}},
      {"Pyld17", {.body = v2({no_host})}},
      {"Pyld20", {.body = v2({nan})}},
      {"Pyld21", {.body = v2({future})}},
      {"Pyld23", {.body = v2({{"m", {long_tag}, {{kNow, 1}}}})}},
      {"Pyld25", {.body = v2({{"m", {}, {}}})}},
      {"DdCheckStatus", {.path = "/api/v1/check_run", .body = R"([{"check":"c","status":7,"timestamp":1700000000,"tags":null}])",
                         .content_type = "application/json"}},
      {"DdEventTitle", {.path = "/intake/", .body = R"({"events":{"api":[{"msg_title":"","timestamp":1700000000}]}})",
                        .content_type = "application/json"}},
  };
  for (const auto& c : cases) {
    common::ManualClock clock;
    IntakeHandler h(IntakeOptions{}, clock);
    send(h, c.payload);
    auto stored = h.store().all(0, clock.systemNow());
    ASSERT_EQ(stored.size(), 1u) << c.property;
    bool found = false;
    for (const auto& v : stored[0]->violations) found = found || v.property == c.property;
    EXPECT_TRUE(found) << c.property << " not reported; got " << stored[0]->violation_count << " violation(s)";
    EXPECT_GE(h.counters().get(std::string("violations.") + c.property), 1) << c.property;
  }
}

TEST(Properties, AWellFormedAgentPayloadHasNone) {
  common::ManualClock clock;
  IntakeHandler h(IntakeOptions{}, clock);
  send(h, {.body = testing::zlibCompress(v2({ok("a"), ok("b")})), .encoding = "deflate"});
  auto stored = h.store().all(0, clock.systemNow());
  ASSERT_EQ(stored.size(), 1u);
  for (const auto& v : stored[0]->violations) ADD_FAILURE() << v.property << ": " << v.message;
}

TEST(Properties, TheAgentsOwnStartupEventHasNone) {
  // spec §3.4: {Text "Version X", SourceTypeName "System", EventType "Agent Startup", Title empty}.
  common::ManualClock clock;
  IntakeHandler h(IntakeOptions{}, clock);
  send(h, {.path = "/intake/",
           .body = R"({"events":{"System":[{"msg_title":"","msg_text":"Version 7.60.0","timestamp":1700000000,)"
                   R"("event_type":"Agent Startup","source_type_name":"System","host":"h"}]}})",
           .content_type = "application/json"});
  auto stored = h.store().all(0, clock.systemNow());
  ASSERT_EQ(stored.size(), 1u);
  for (const auto& v : stored[0]->violations) ADD_FAILURE() << v.property << ": " << v.message;
}

// Locations are spelled only when a violation needs one; they must still name the item, the tag
// and the point exactly.
TEST(Properties, LocationsNameTheSeriesTagAndPoint) {
  common::ManualClock clock;
  IntakeHandler h(IntakeOptions{}, clock);
  SeriesSpec reserved = ok("m.reserved");
  reserved.tags = {"env:test", "team:a", "device:sda"};
  SeriesSpec nan = ok("m.nan");
  nan.points = {{kNow, 1}, {kNow, std::nan("")}};
  std::vector<SeriesSpec> series(11, ok());
  series[3] = reserved;
  series[10] = nan;
  send(h, {.body = v2(series)});
  auto stored = h.store().all(0, clock.systemNow());
  ASSERT_EQ(stored.size(), 1u);
  std::map<std::string, std::string> by_property;
  for (const auto& v : stored[0]->violations) by_property[v.property] = v.message;
  ASSERT_EQ(by_property.size(), 2u);
  EXPECT_EQ(by_property["Pyld14"].rfind("series[3].tags[2]: ", 0), 0u) << by_property["Pyld14"];
  EXPECT_EQ(by_property["Pyld20"].rfind("series[10].points[1] of \"m.nan\"", 0), 0u) << by_property["Pyld20"];
}

TEST(Properties, MessagesSayWhatAndWhere) {
  common::ManualClock clock;
  IntakeHandler h(IntakeOptions{}, clock);
  send(h, {.body = v2({ok(), ok(std::string(400, 'x'))})});
  auto stored = h.store().all(0, clock.systemNow());
  ASSERT_FALSE(stored[0]->violations.empty());
  EXPECT_EQ(stored[0]->violations[0].property, "Pyld10");
  EXPECT_NE(stored[0]->violations[0].message.find("series[1]"), std::string::npos);
  EXPECT_NE(stored[0]->violations[0].message.find("400 bytes (limit 350)"), std::string::npos)
      << stored[0]->violations[0].message;
}

TEST(Properties, DisabledPropertiesAndLimitsAreOptions) {
  common::ManualClock clock;
  IntakeOptions o;
  o.disabled_properties = {"Pyld17"};
  o.limits.max_metric_name_bytes = 5;
  IntakeHandler h(o, clock);
  SeriesSpec s = ok("longer.than.five");
  s.host = "";
  send(h, {.body = v2({s})});
  auto stored = h.store().all(0, clock.systemNow());
  std::set<std::string> props;
  for (const auto& v : stored[0]->violations) props.insert(v.property);
  EXPECT_EQ(props, std::set<std::string>{"Pyld10"});
}

TEST(Properties, QueryableOverTheControlApi) {
  testing::TestServer s;
  SeriesSpec nan = ok("nan.metric");
  nan.points = {{kNow, std::nan("")}};
  ASSERT_TRUE(s.post("/api/v2/series", v2({nan}), ""));
  ASSERT_TRUE(s.post("/api/v2/series", v2({ok(std::string(400, 'x'))}), ""));
  auto all = json::parse(s.client()->Get("/fakeintake/violations")->body);
  ASSERT_EQ(all["violations"].size(), 2u);
  EXPECT_EQ(all["counts"]["Pyld20"], 1);
  EXPECT_EQ(all["counts"]["Pyld10"], 1);
  auto only = json::parse(s.client()->Get("/fakeintake/violations?property=Pyld20&route=/api/v2/series")->body);
  ASSERT_EQ(only["violations"].size(), 1u);
  EXPECT_EQ(only["violations"][0]["property"], "Pyld20");
  EXPECT_EQ(only["violations"][0]["route"], "/api/v2/series");
  auto catalog = json::parse(s.client()->Get("/fakeintake/properties")->body);
  EXPECT_GE(catalog["properties"].size(), 25u);
  auto stats = json::parse(s.client()->Get("/fakeintake/routestats")->body);
  EXPECT_EQ(stats["routes"]["/api/v2/series"]["violations"], 2);
}

}  // namespace
}  // namespace ddsim::fakeintake
