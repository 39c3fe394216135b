// Differential tests for the per-trace shortcuts taken on small traces (issue 14, one-span traces
// at >= 1M spans/s): computeTopLevel and normalizeTrace scan the spans instead of building a hash
// index or a set up to a size, and must mark and count exactly as the indexed way does, on both
// sides of that size. The references below are the indexed way, written plainly.
#include <gtest/gtest.h>

#include <set>
#include <unordered_map>
#include <vector>

#include "core/common/random.h"
#include "core/trace/normalizer.h"
#include "core/trace/trace_chunk.h"

namespace ddsim::trace {
namespace {

// Spans with few distinct ids (so that ids repeat), parents among them, 0 or absent, and three
// services, so that every branch of the top-level rule is taken.
Trace randomTrace(common::Random& rng, size_t n) {
  static const char* const kServices[] = {"web", "db", "cache"};
  Trace t(n);
  for (Span& s : t) {
    s.trace_id = 7;
    s.span_id = static_cast<uint64_t>(rng.uniformInt(1, static_cast<int64_t>(n)));
    const int64_t parent = rng.uniformInt(-1, static_cast<int64_t>(n) + 2);
    s.parent_id = parent < 0 ? 0 : static_cast<uint64_t>(parent);
    s.service = kServices[rng.uniformInt(0, 2)];
    s.name = "op";
    s.resource = "r";
    s.start = kYear2000Nanos + 1;
  }
  return t;
}

// The indexed rule: the parent is the last span with the parent id.
std::vector<bool> referenceTopLevel(const Trace& t) {
  std::unordered_map<uint64_t, size_t> index_of;
  for (size_t i = 0; i < t.size(); ++i) index_of[t[i].span_id] = i;
  std::vector<bool> top;
  for (const Span& s : t) {
    auto parent = s.parent_id == 0 ? index_of.end() : index_of.find(s.parent_id);
    top.push_back(s.parent_id == 0 || parent == index_of.end() || t[parent->second].service != s.service);
  }
  return top;
}

uint64_t referenceDuplicates(const Trace& t) {
  std::set<uint64_t> ids;
  uint64_t dups = 0;
  for (const Span& s : t) dups += ids.insert(s.span_id).second ? 0 : 1;
  return dups;
}

TEST(TraceSmallPathsTest, TopLevelMarksMatchTheIndexedRuleAtEverySize) {
  common::Random rng(14);
  for (size_t n = 1; n <= 40; ++n) {
    for (int round = 0; round < 20; ++round) {
      Trace t = randomTrace(rng, n);
      const std::vector<bool> want = referenceTopLevel(t);
      computeTopLevel(t);
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(isTopLevel(t[i]), want[i]) << "size " << n << " span " << i;
    }
  }
}

TEST(TraceSmallPathsTest, DuplicateSpanIdsCountedAsWithASetAtEverySize) {
  common::Random rng(41);
  uint64_t total = 0;
  for (size_t n = 1; n <= 40; ++n) {
    for (int round = 0; round < 20; ++round) {
      Trace t = randomTrace(rng, n);
      const uint64_t want = referenceDuplicates(t);
      ReasonCounts counts;
      ASSERT_TRUE(normalizeTrace(t, "go", kYear2000Nanos * 2, counts).isOk());
      const auto it = counts.find("duplicate_span_id");
      ASSERT_EQ(it == counts.end() ? 0 : it->second, want) << "size " << n;
      total += want;
    }
  }
  EXPECT_GT(total, 0u);  // the traces did repeat ids
}

}  // namespace
}  // namespace ddsim::trace
