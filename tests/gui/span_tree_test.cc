// The inspector's span trees (gui/model/span_tree.h): order, depth, the time axis, and broken
// structure shown rather than hidden. The end-to-end case (a simulated run's trace payloads
// read back from its run store) is in controller_test.cc.
#include "gui/model/span_tree.h"

#include <gtest/gtest.h>

#include "fakeintake/decoders/decoded_json.h"

namespace ddsim::gui {
namespace {

using fakeintake::DecodedSpan;

struct S {
  uint64_t id, parent;
  int64_t start, duration;
  int32_t error = 0;
  uint64_t trace = 7;
};

fakeintake::DecodedAgentPayload payloadOf(const std::vector<S>& spans) {
  fakeintake::DecodedTraceChunk chunk;
  chunk.priority = 1;
  for (const S& s : spans) {
    DecodedSpan d;
    d.service = "svc" + std::to_string(s.id);
    d.name = "op" + std::to_string(s.id);
    d.trace_id = s.trace;
    d.span_id = s.id;
    d.parent_id = s.parent;
    d.start = s.start;
    d.duration = s.duration;
    d.error = s.error;
    chunk.spans.push_back(d);
  }
  fakeintake::DecodedTracerPayload tp;
  tp.env = "prod";
  tp.language_name = "nodejs";
  tp.chunks.push_back(chunk);
  fakeintake::DecodedAgentPayload p;
  p.tracer_payloads.push_back(tp);
  return p;
}

// (span id, depth, flag) in display order.
using Row = std::tuple<uint64_t, int, std::string>;

std::vector<Row> rowsOf(const TraceTree& t) {
  std::vector<Row> out;
  for (const SpanRow& r : t.rows) out.emplace_back(r.span.span_id, r.depth, r.flag);
  return out;
}

TEST(SpanTreeTest, ShapesAndFlags) {
  struct Case {
    const char* name;
    std::vector<S> spans;  // in the order the payload lists them
    std::vector<Row> rows;
    std::vector<std::string> problems;
  };
  const Case cases[] = {
      {"children follow their parent, siblings by start, whatever the payload order",
       {{3, 1, 300, 10}, {2, 1, 200, 50}, {4, 2, 210, 5}, {1, 0, 100, 400}},
       {{1, 0, ""}, {2, 1, ""}, {4, 2, ""}, {3, 1, ""}},
       {}},
      {"a parent that is not in the chunk makes an orphan root",
       {{1, 0, 100, 50}, {2, 99, 120, 10}},
       {{1, 0, ""}, {2, 0, "orphan"}},
       {"1 span whose parent is not in the chunk"}},
      {"a span id seen twice: the second is flagged, children hang under the first",
       {{1, 0, 100, 50}, {2, 1, 110, 10}, {2, 1, 120, 10}, {3, 2, 111, 1}},
       {{1, 0, ""}, {2, 1, ""}, {3, 2, ""}, {2, 1, "duplicate"}},
       {"1 span id seen more than once"}},
      {"a parent cycle is shown from the first span caught in it",
       {{1, 0, 100, 50}, {5, 6, 130, 1}, {6, 5, 131, 1}},
       {{1, 0, ""}, {5, 0, "cycle"}, {6, 1, ""}},
       {"2 spans in a parent cycle"}},
      {"a span that is its own parent",
       {{1, 1, 100, 50}},
       {{1, 0, "cycle"}},
       {"1 span in a parent cycle"}},
      {"two roots without orphans",
       {{1, 0, 100, 50}, {2, 0, 90, 10}},
       {{2, 0, ""}, {1, 0, ""}},
       {"2 roots in one chunk"}},
      {"a span of another trace in the chunk",
       {{1, 0, 100, 50}, {2, 1, 110, 5, 0, 8}},
       {{1, 0, ""}, {2, 1, ""}},
       {"1 span with another trace id than the first span's"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const auto trees = buildSpanTrees(payloadOf(c.spans));
    ASSERT_EQ(trees.size(), 1u);
    EXPECT_EQ(rowsOf(trees[0]), c.rows);
    EXPECT_EQ(trees[0].problems, c.problems);
    EXPECT_EQ(trees[0].rows.size(), c.spans.size());  // every span shown once
  }
}

TEST(SpanTreeTest, TimeAxisAndSummary) {
  const auto trees = buildSpanTrees(payloadOf({{1, 0, 1000, 400, 0}, {2, 1, 1100, 100, 1}, {3, 1, 1300, 200, 1}}));
  ASSERT_EQ(trees.size(), 1u);
  const TraceTree& t = trees[0];
  EXPECT_EQ(t.trace_id, 7u);
  EXPECT_EQ(t.priority, 1);
  EXPECT_EQ(t.service, "svc1");
  EXPECT_EQ(t.name, "op1");
  EXPECT_EQ(t.env, "prod");
  EXPECT_EQ(t.language, "nodejs");
  EXPECT_EQ(t.start_ns, 1000);
  EXPECT_EQ(t.duration_ns, 500);  // span 3 ends after its root
  EXPECT_EQ(t.errors, 2u);
  EXPECT_EQ(t.rows[0].children, 2u);
  EXPECT_EQ(t.rows[1].offset_ns, 100);
  EXPECT_DOUBLE_EQ(t.rows[1].from, 0.2);
  EXPECT_DOUBLE_EQ(t.rows[1].to, 0.4);
  EXPECT_EQ(waterfallBar(t.rows[0], 10), "########  ");
  EXPECT_EQ(waterfallBar(t.rows[1], 10), "  ##      ");
  EXPECT_EQ(waterfallBar(t.rows[2], 10), "      ####");
}

TEST(SpanTreeTest, ZeroDurationSpansStillShow) {
  const auto trees = buildSpanTrees(payloadOf({{1, 0, 1000, 0}, {2, 1, 1000, 0}}));
  ASSERT_EQ(trees.size(), 1u);
  EXPECT_EQ(trees[0].duration_ns, 0);
  EXPECT_EQ(waterfallBar(trees[0].rows[1], 4), "####");
  SpanRow late;
  late.from = late.to = 1.0;
  EXPECT_EQ(waterfallBar(late, 4), "   #");
  EXPECT_EQ(waterfallBar(late, 0), "");
}

TEST(SpanTreeTest, ReadsTheInspectorsDecodedJson) {
  const auto payload = payloadOf({{1, 0, 100, 50}, {2, 1, 110, 10}});
  const nlohmann::json decoded = {{"route", "/api/v0.2/traces"}, {"items", {fakeintake::toJson(payload)}}};
  auto trees = spanTreesFromDecoded(decoded);
  ASSERT_TRUE(trees.isOk()) << trees.status().toString();
  ASSERT_EQ(trees->size(), 1u);
  EXPECT_EQ(rowsOf((*trees)[0]), (std::vector<Row>{{1, 0, ""}, {2, 1, ""}}));

  auto series = spanTreesFromDecoded({{"route", "/api/v2/series"}, {"items", nlohmann::json::array()}});
  ASSERT_FALSE(series.isOk());
  EXPECT_NE(series.status().message().find("not a trace payload"), std::string::npos);
  auto broken = spanTreesFromDecoded({{"route", "/api/v0.2/traces"}, {"items", {42}}});
  EXPECT_FALSE(broken.isOk());
}

}  // namespace
}  // namespace ddsim::gui
