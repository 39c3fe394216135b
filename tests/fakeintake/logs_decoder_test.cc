// The /api/v2/logs decoder: accepted bodies, and errors that say which entry is wrong.
#include <gtest/gtest.h>

#include "fakeintake/core/routes.h"
#include "fakeintake/decoders/decoder.h"

namespace ddsim::fakeintake {
namespace {

TEST(LogsDecoder, Table) {
  struct Row {
    const char* body;
    bool ok;
    const char* error;
  };
  const Row rows[] = {
      {R"([{"message":"hello","ddsource":"lambda","timestamp":1}])", true, ""},
      {"[]", true, ""},
      {"{", false, "not JSON"},
      {R"({"message":"x"})", false, "not a JSON array"},
      {R"([{"message":"a"},3])", false, "logs[1]: not an object"},
      {R"([{"message":"a"},{"msg":"b"}])", false, "logs[1]: no string \"message\""},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.body);
    EXPECT_EQ(routeKind("/api/v2/logs"), RouteKind::kLogs);
    auto got = decodeBody(RouteKind::kLogs, "application/json", r.body, 1 << 20);
    ASSERT_EQ(got.isOk(), r.ok) << got.status().toString();
    if (r.ok) {
      const auto* g = std::get_if<DecodedGeneric>(&got->items);
      ASSERT_NE(g, nullptr);
      EXPECT_TRUE(g->is_json);
      EXPECT_EQ(g->text, r.body);
    } else {
      EXPECT_NE(got.status().message().find(r.error), std::string::npos) << got.status().message();
    }
  }
}

}  // namespace
}  // namespace ddsim::fakeintake
