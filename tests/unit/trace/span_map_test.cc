// SpanMap, the sorted-vector storage of a span's meta and metrics (issue 14), against std::map:
// the same random operations on both must leave the same entries in the same order, and every
// lookup must answer alike, on both sides of the size where lookups stop scanning.
#include "core/trace/span_map.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/common/random.h"

namespace ddsim::trace {
namespace {

template <typename V>
void expectSame(const SpanMap<V>& got, const std::map<std::string, V>& want, const std::string& at) {
  ASSERT_EQ(got.size(), want.size()) << at;
  auto w = want.begin();
  for (const auto& [k, v] : got) {
    ASSERT_EQ(k, w->first) << at;
    ASSERT_EQ(v, w->second) << at;
    ++w;
  }
}

TEST(SpanMapTest, RandomOperationsMatchStdMap) {
  common::Random rng(14);
  for (int round = 0; round < 200; ++round) {
    SpanMap<std::string> got;
    std::map<std::string, std::string> want;
    const int64_t keys = rng.uniformInt(1, 24);  // up to 24 distinct keys: scans and binary searches
    for (int op = 0; op < 60; ++op) {
      const std::string k = "k" + std::to_string(rng.uniformInt(0, keys - 1));
      const std::string v = "v" + std::to_string(op);
      const std::string at = "round " + std::to_string(round) + " op " + std::to_string(op);
      switch (rng.uniformInt(0, 6)) {
        case 0: got[k] = v, want[k] = v; break;
        case 1: ASSERT_EQ(got.emplace(k, v).second, want.emplace(k, v).second) << at; break;
        case 2: ASSERT_EQ(got.insert_or_assign(k, v).second, want.insert_or_assign(k, v).second) << at; break;
        case 3: ASSERT_EQ(got.erase(k), want.erase(k)) << at; break;
        case 4: {
          auto g = got.find(k);
          auto w = want.find(k);
          ASSERT_EQ(g == got.end(), w == want.end()) << at;
          if (g != got.end()) {
            ASSERT_EQ(g->second, w->second) << at;
            got.erase(g), want.erase(w);
          }
          break;
        }
        case 5: got.emplace_hint(got.end(), k, v), want.emplace_hint(want.end(), k, v); break;
        default: ASSERT_EQ(got.count(k), want.count(k)) << at;
      }
      expectSame(got, want, at);
    }
    const std::map<std::string, std::string> back = got;  // the conversion callers may use
    EXPECT_EQ(back, want);
    EXPECT_EQ(SpanMap<std::string>(want), got);
  }
}

TEST(SpanMapTest, InitializerListKeepsTheFirstOfEqualKeysAndSorts) {
  const SpanMap<double> m = {{"b", 2}, {"a", 1}, {"b", 3}};
  const std::map<std::string, double> want = {{"b", 2}, {"a", 1}, {"b", 3}};
  expectSame(m, want, "init");
  EXPECT_EQ(m.at("b"), 2);
  EXPECT_THROW(static_cast<void>(m.at("c")), std::out_of_range);
}

// Bulk building (a decoder's large map): entries appended in any order with repeats, then one
// finishAppends(), equal insert_or_assign of the same entries in the same order.
TEST(SpanMapTest, AppendsThenFinishEqualInsertOrAssignInOrder) {
  common::Random rng(15);
  for (int round = 0; round < 100; ++round) {
    SpanMap<std::string> got = {{"k3", "before"}};
    std::map<std::string, std::string> want = {{"k3", "before"}};
    const int64_t n = rng.uniformInt(0, 200);
    for (int64_t i = 0; i < n; ++i) {
      const std::string k = "k" + std::to_string(rng.uniformInt(0, 50));
      const std::string v = "v" + std::to_string(i);
      got.appendUnordered(k, v);
      want.insert_or_assign(k, v);
    }
    got.finishAppends();
    expectSame(got, want, "round " + std::to_string(round));
  }
}

// The decoder's in-place path: each entry read into appendEmpty() and settled with settleLast()
// leaves what insert_or_assign would, whether keys come in order, out of order or repeated
// (and with bytes past 0x7f, which std::string orders as unsigned).
TEST(SpanMapTest, ReadingInPlaceThenSettlingEqualsInsertOrAssign) {
  common::Random rng(16);
  for (int round = 0; round < 200; ++round) {
    SpanMap<std::string> got = {{"k3", "before"}};
    std::map<std::string, std::string> want = {{"k3", "before"}};
    const bool in_order = round % 2 == 0;
    const int64_t n = rng.uniformInt(0, 20);
    for (int64_t i = 0; i < n; ++i) {
      std::string k = "k" + std::to_string(in_order ? i : rng.uniformInt(0, 12));
      if (rng.uniformInt(0, 5) == 0) k += "\xc3\xa9";
      const std::string v = "v" + std::to_string(i);
      auto& e = got.appendEmpty();
      e.first = k;
      e.second = v;
      got.settleLast();
      want.insert_or_assign(k, v);
    }
    // A failed read leaves the map as it was.
    got.appendEmpty().first = "half-read";
    got.dropLast();
    expectSame(got, want, "round " + std::to_string(round));
    for (const auto& [k, v] : want) EXPECT_EQ(got.at(k), v);
  }
}

}  // namespace
}  // namespace ddsim::trace
