#include "core/metrics/tag_hashing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/metrics/murmur3.h"

namespace ddsim::metrics {
namespace {

using Tags = std::vector<std::string>;

Tags toTags(const HashedTags& h) { return Tags(h.tags().begin(), h.tags().end()); }

// Spec §2.3: Dedup2 removes a duplicate by moving the buffer's last element into its slot (the
// slot is re-examined); r also loses tags present in l. Without duplicates the order is kept.
// The resulting order is independent of the hash values for n <= 512.
struct Dedup2Case {
  const char* what;
  Tags l, r;
  Tags want_l, want_r;
};

TEST(TagHashingTest, Dedup2Order) {
  const Dedup2Case cases[] = {
      {"no duplicates keep order", {"b", "a"}, {"d", "c"}, {"b", "a"}, {"d", "c"}},
      {"brute force (n<=4): dup in l replaced by last", {"a", "b", "a", "c"}, {}, {"a", "b", "c"}, {}},
      {"brute force: r loses l's tags, then its own dups", {"a"}, {"b", "a", "b"}, {"a"}, {"b"}},
      {"brute force: empty l", {}, {"x", "x", "y"}, {}, {"x", "y"}},
      {"hash set (4<n<=512)", {"x", "y"}, {"a", "x", "b", "c", "a"}, {"x", "y"}, {"a", "c", "b"}},
      {"hash set: dup in l", {"p", "q", "p", "r", "s"}, {"t"}, {"p", "q", "s", "r"}, {"t"}},
      {"hash set: all same", {"z", "z", "z"}, {"z", "z", "z"}, {"z"}, {}},
  };
  TagDeduper d;
  for (const auto& c : cases) {
    HashedTags l, r;
    l.appendAll(c.l);
    r.appendAll(c.r);
    d.dedup2(l, r);
    EXPECT_EQ(toTags(l), c.want_l) << c.what;
    EXPECT_EQ(toTags(r), c.want_r) << c.what;
    // Hashes stay aligned with their tags.
    for (size_t i = 0; i < l.size(); ++i) EXPECT_EQ(l.hashes()[i], murmur3Sum64(l.tags()[i]));
    for (size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r.hashes()[i], murmur3Sum64(r.tags()[i]));
  }
}

// The order the agent's Dedup2 leaves for up to 512 tags, by string equality alone: walk each
// buffer, a tag already kept (in l, or earlier in r) is replaced by the buffer's last one and
// its slot examined again.
void referenceDedup2(Tags& l, Tags& r) {
  auto walk = [](Tags& buf, const Tags* before) {
    size_t n = buf.size();
    for (size_t i = 0; i < n;) {
      bool dup = std::find(buf.begin(), buf.begin() + static_cast<long>(i), buf[i]) !=
                 buf.begin() + static_cast<long>(i);
      if (before != nullptr) dup = dup || std::find(before->begin(), before->end(), buf[i]) != before->end();
      if (dup) {
        buf[i] = buf[n - 1];
        --n;
      } else {
        ++i;
      }
    }
    buf.resize(n);
  };
  walk(l, nullptr);
  walk(r, &l);
}

TEST(TagHashingTest, Dedup2MatchesReferenceOnRandomSets) {
  // Small sets (the pairwise fast path), mid sizes (brute force and hash set), drawn from a
  // small pool so duplicates within and across buffers are common; every permutation order.
  std::mt19937 rng(11);
  std::vector<std::string> pool;
  for (int i = 0; i < 12; ++i) pool.push_back("tag" + std::to_string(i) + ":v" + std::to_string(i * 7));
  TagDeduper d;
  for (int round = 0; round < 4000; ++round) {
    const size_t max = round % 4 == 0 ? 24 : 6;
    Tags l(rng() % (max + 1)), r(rng() % (max + 1));
    for (auto& t : l) t = pool[rng() % (round % 3 == 0 ? 4 : pool.size())];
    for (auto& t : r) t = pool[rng() % (round % 3 == 0 ? 4 : pool.size())];
    HashedTags hl, hr;
    hl.appendAll(l);
    hr.appendAll(r);
    d.dedup2(hl, hr);
    Tags want_l = l, want_r = r;
    referenceDedup2(want_l, want_r);
    ASSERT_EQ(toTags(hl), want_l) << round;
    ASSERT_EQ(toTags(hr), want_r) << round;
    for (size_t i = 0; i < hl.size(); ++i) ASSERT_EQ(hl.hashes()[i], murmur3Sum64(hl.tags()[i]));
    for (size_t i = 0; i < hr.size(); ++i) ASSERT_EQ(hr.hashes()[i], murmur3Sum64(hr.tags()[i]));
  }
}

TEST(TagHashingTest, DedupAndHashSingleBuffer) {
  TagDeduper d;
  HashedTags b;
  const Tags tags{"a", "b", "a", "c", "b", "d"};
  b.appendAll(tags);
  const uint64_t h = d.dedupAndHash(b);
  EXPECT_EQ(toTags(b), (Tags{"a", "b", "d", "c"}));
  EXPECT_EQ(h, murmur3Sum64("a") ^ murmur3Sum64("b") ^ murmur3Sum64("c") ^ murmur3Sum64("d"));
}

TEST(TagHashingTest, ThousandsOfTagsTakeTheSortedPath) {
  // n > 512: each buffer sorted by (hash, string) and uniq'ed, r minus l (spec §2.3).
  Tags l, r;
  for (int i = 0; i < 3000; ++i) l.push_back("tag:" + std::to_string(i % 1000));
  for (int i = 500; i < 1500; ++i) r.push_back("tag:" + std::to_string(i));
  HashedTags hl, hr;
  hl.appendAll(l);
  hr.appendAll(r);
  TagDeduper d;
  d.dedup2(hl, hr);
  EXPECT_EQ(hl.size(), 1000u);
  EXPECT_EQ(hr.size(), 500u);  // 500..999 were in l
  for (size_t i = 1; i < hl.size(); ++i) EXPECT_LE(hl.hashes()[i - 1], hl.hashes()[i]);
  std::set<std::string_view> uniq(hr.tags().begin(), hr.tags().end());
  EXPECT_EQ(uniq.size(), 500u);
  for (auto t : hr.tags()) EXPECT_GE(std::stoi(std::string(t.substr(4))), 1000);
}

TEST(TagHashingTest, HashSetBoundarySizes) {
  // 5, 512 and 513 tags with duplicates: every path yields the distinct set.
  for (int n : {5, 8, 9, 100, 511, 512, 513, 600}) {
    Tags t;
    for (int i = 0; i < n; ++i) t.push_back(std::string("k").append(std::to_string(i % (n / 2 + 1))));
    HashedTags l, r;
    l.appendAll(t);
    TagDeduper d;
    d.dedup2(l, r);
    std::set<std::string_view> want;
    for (const auto& s : t) want.insert(s);
    std::set<std::string_view> got(l.tags().begin(), l.tags().end());
    EXPECT_EQ(got, want) << n;
    EXPECT_EQ(l.size(), want.size()) << n;
  }
}

TEST(TagHashingTest, SortUniqInPlaceIsBytewise) {
  std::vector<std::string> t{"b", "B", "a", "b", "a:1"};
  sortUniqInPlace(t);
  EXPECT_EQ(t, (Tags{"B", "a", "a:1", "b"}));
}

TEST(TagHashingTest, MegabyteTag) {
  const std::string big(1 << 20, 'x');
  HashedTags l, r;
  l.append(big);
  r.append(big);
  TagDeduper d;
  d.dedup2(l, r);
  EXPECT_EQ(l.size(), 1u);
  EXPECT_EQ(r.size(), 0u);
}

}  // namespace
}  // namespace ddsim::metrics
