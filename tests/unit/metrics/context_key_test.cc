#include "core/metrics/context_key.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/metrics/murmur3.h"

namespace ddsim::metrics {
namespace {

ContextKey keyOf(std::string_view name, std::string_view host, const std::vector<std::string>& tags) {
  KeyGenerator gen;
  HashedTags buf;
  buf.appendAll(tags);
  return gen.generate(name, host, buf);
}

// Spec §2.2 test vectors (pkg/aggregator/ckey/key_test.go and the collision CSV).
struct KeyCase {
  std::string name;
  std::string host;
  std::vector<std::string> tags;
  uint64_t key;
};

TEST(ContextKeyTest, AgentVectors) {
  const KeyCase cases[] = {
      {"metric.name", "hostname", {"bar", "foo", "key:value", "key:value2"}, 0x1e923504c1aad3adULL},
      {"othername", "hostname", {"bar", "foo", "key:value", "key:value2"}, 0xd298ae9740130f30ULL},
      {"0024abab-2534-4132-b6af-75a4e8df4804", "host", {"51895826-c4a7-45df-bcc8-e4160af1e4b2"},
       0x3c6c71626c861d7fULL},
  };
  for (const auto& c : cases) EXPECT_EQ(keyOf(c.name, c.host, c.tags), c.key) << c.name;
}

TEST(ContextKeyTest, TagSetHashVector) {
  const std::vector<std::string> tags{"bar", "foo", "key:value", "key:value2"};
  HashedTags buf;
  buf.appendAll(tags);
  EXPECT_EQ(buf.xorHash(), 0x437b13a371a1c7d3ULL);  // spec §2.2
}

// The key from its definition (spec §2.2): the XOR of the distinct tags' hashes, chained
// through the name and the host. Independent of how KeyGenerator de-duplicates.
ContextKey keyFromDefinition(std::string_view name, std::string_view host,
                             const std::vector<std::string>& tagger, const std::vector<std::string>& metric) {
  std::set<std::string> distinct(tagger.begin(), tagger.end());
  distinct.insert(metric.begin(), metric.end());
  uint64_t h = 0;
  for (const auto& t : distinct) h ^= murmur3Sum64(t);
  return combineContextKey(name, host, h);
}

TEST(ContextKeyTest, Generate2MatchesDefinitionOnRandomTagSets) {
  // Random sets over a small pool (duplicates within and across the two buffers), shuffled
  // orders, every size from 0 to 20 tags, names and hosts of every tail length.
  std::mt19937 rng(42);
  std::vector<std::string> pool;
  for (int i = 0; i < 10; ++i) pool.push_back("k" + std::to_string(i) + ":" + std::string(i, 'x'));
  KeyGenerator gen;
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::string> tagger(rng() % 4), metric(rng() % 17);
    for (auto& t : tagger) t = pool[rng() % pool.size()];
    for (auto& t : metric) t = pool[rng() % pool.size()];
    const std::string name = "metric." + std::string(rng() % 20, 'n');
    const std::string host = std::string(rng() % 18, 'h');
    const ContextKey want = keyFromDefinition(name, host, tagger, metric);
    for (int perm = 0; perm < 2; ++perm) {
      std::shuffle(metric.begin(), metric.end(), rng);
      HashedTags l, r;
      l.appendAll(tagger);
      r.appendAll(metric);
      const GeneratedKeys k = gen.generate2(name, host, l, r);
      ASSERT_EQ(k.context, want) << round;
      uint64_t tagger_hash = 0;
      for (const auto& t : std::set<std::string>(tagger.begin(), tagger.end())) tagger_hash ^= murmur3Sum64(t);
      ASSERT_EQ(k.tagger, tagger_hash) << round;
      if (tagger.empty()) ASSERT_EQ(keyOf(name, host, metric), want) << round;
      // The fast path gives the same key whenever it answers, and answers for every small
      // set without duplicates.
      const std::vector<std::string_view> tv(tagger.begin(), tagger.end());
      const std::vector<std::string_view> mv(metric.begin(), metric.end());
      ContextKey fast = 0;
      const bool answered = KeyGenerator::fastKey(name, host, tv, mv, &fast);
      std::set<std::string> all(tagger.begin(), tagger.end());
      all.insert(metric.begin(), metric.end());
      const bool small_distinct = tagger.size() + metric.size() <= KeyGenerator::kFastTags &&
                                  all.size() == tagger.size() + metric.size();
      ASSERT_EQ(answered, small_distinct) << round;
      if (answered) ASSERT_EQ(fast, want) << round;
    }
  }
}

TEST(ContextKeyTest, OrderAndDuplicatesDoNotMatter) {
  const auto a = keyOf("m", "h", {"a", "b", "c"});
  EXPECT_EQ(keyOf("m", "h", {"c", "a", "b"}), a);
  EXPECT_EQ(keyOf("m", "h", {"a", "b", "c", "a", "b"}), a);
  EXPECT_NE(keyOf("m", "h2", {"a", "b", "c"}), a);
  EXPECT_NE(keyOf("m", "h", {"a", "b"}), a);
}

TEST(ContextKeyTest, TwoBuffersEqualTheUnion) {
  // Spec §2.2: GenerateWithTags2 keys on lHash ^ rHash, identical to hashing the union.
  KeyGenerator gen;
  // HashedTags holds views: the strings must outlive it.
  const std::vector<std::string> tagger{"pod:x", "env:prod"};
  const std::vector<std::string> metric{"env:prod", "a", "b"};
  HashedTags l, r;
  l.appendAll(tagger);
  r.appendAll(metric);
  const GeneratedKeys k = gen.generate2("m", "h", l, r);
  EXPECT_EQ(k.context, keyOf("m", "h", {"pod:x", "env:prod", "a", "b"}));
  EXPECT_EQ(k.tagger, l.xorHash());
  EXPECT_EQ(k.metric, r.xorHash());
  EXPECT_EQ(r.size(), 2u);  // env:prod removed from the metric buffer
}

TEST(ContextKeyTest, NameEqualToATagDoesNotCancel) {
  EXPECT_NE(keyOf("a", "", {"a"}), keyOf("b", "", {"b"}));
}

TEST(ContextKeyTest, Fastrange) {
  // Spec §3.5: ((key >> 32) * N) >> 32.
  EXPECT_EQ(fastrange(0, 4), 0u);
  EXPECT_EQ(fastrange(0xFFFFFFFF00000000ULL, 4), 3u);
  EXPECT_EQ(fastrange(0x8000000000000000ULL, 4), 2u);
  EXPECT_EQ(fastrange(0x1e923504c1aad3adULL, 1), 0u);
}

// Spec §2.5: every line of the agent's collision CSV hashes to a distinct key.
TEST(ContextKeyTest, CollisionCsvHasNoDuplicateKeys) {
  std::ifstream in(std::string(DDSIM_TEST_DATA_DIR) + "/ckey_random_sorted_uniq_contexts.csv");
  ASSERT_TRUE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::unordered_map<ContextKey, std::string> seen;
  size_t lines = 0;
  size_t pos = 0;
  KeyGenerator gen;
  HashedTags buf;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    const std::string_view line(text.data() + pos, eol - pos);
    pos = eol + 1;
    const size_t comma = line.find(',');
    ASSERT_NE(comma, std::string_view::npos) << line;
    ASSERT_EQ(line.find(',', comma + 1), std::string_view::npos) << line;
    const std::string_view name = line.substr(0, comma);
    std::string_view rest = line.substr(comma + 1);
    buf.clear();
    for (size_t sp; (sp = rest.find(' ')) != std::string_view::npos; rest.remove_prefix(sp + 1)) {
      buf.append(rest.substr(0, sp));
    }
    buf.append(rest);
    const ContextKey k = gen.generate(name, "host", buf);
    auto [it, fresh] = seen.emplace(k, std::string(line));
    EXPECT_TRUE(fresh) << "collision between '" << it->second << "' and '" << line << "'";
    ++lines;
    if (lines == 2) {
      EXPECT_EQ(k, 0x3c6c71626c861d7fULL);  // spec §2.2
    }
  }
  EXPECT_EQ(lines, 501u);
  EXPECT_EQ(seen.size(), 501u);
}

}  // namespace
}  // namespace ddsim::metrics
