#include "simulator/workload/dogstatsd_generator.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace ddsim::workload {
namespace {

struct Line {
  std::string name;
  std::vector<std::string> values;
  std::string type;
  std::string rate;
  std::string tags;
  std::string ts;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  return out;
}

Line parse(const std::string& l) {
  Line out;
  auto fields = split(l, '|');
  auto colon = fields[0].find(':');
  out.name = fields[0].substr(0, colon);
  out.values = split(fields[0].substr(colon + 1), ':');
  out.type = fields[1];
  for (size_t i = 2; i < fields.size(); ++i) {
    if (fields[i][0] == '@') out.rate = fields[i].substr(1);
    if (fields[i][0] == '#') out.tags = fields[i].substr(1);
    if (fields[i][0] == 'T') out.ts = fields[i].substr(1);
  }
  return out;
}

std::vector<std::string> generateLines(DogStatsDGenerator& g, int64_t n, std::vector<size_t>* packet_sizes = nullptr) {
  std::vector<std::string> lines;
  g.generate(n, 1'700'000'000, [&](std::string_view p) {
    if (packet_sizes) packet_sizes->push_back(p.size());
    for (auto& l : split(std::string(p), '\n')) lines.push_back(l);
  });
  return lines;
}

scenario::DogStatsDWorkload baseWorkload() {
  scenario::DogStatsDWorkload w;
  w.contexts = 500;
  w.tags_per_metric = {1, 4};
  return w;
}

TEST(DogStatsDGeneratorTest, SameSeedSameBytesOtherSeedOtherBytes) {
  auto w = baseWorkload();
  DogStatsDGenerator a(w, 7), b(w, 7), c(w, 8);
  EXPECT_EQ(generateLines(a, 1000), generateLines(b, 1000));
  EXPECT_NE(generateLines(a, 100), generateLines(c, 100));
}

// The per-context tag cache is a speed-up only: with it, without it, and with a cache too small
// for the contexts, the same packets come out (static tags and tagless contexts included).
TEST(DogStatsDGeneratorTest, TheTagCacheChangesNoByte) {
  auto w = baseWorkload();
  w.tags_per_metric = {0, 4};
  w.static_tags = {"env:test", "team:x"};
  w.packet_size = 300;
  std::vector<size_t> sizes_cached, sizes_plain, sizes_small;
  DogStatsDGenerator cached(w, 11), plain(w, 11, 0), small(w, 11, 1000);
  const auto a = generateLines(cached, 3000, &sizes_cached);
  EXPECT_EQ(a, generateLines(plain, 3000, &sizes_plain));
  EXPECT_EQ(a, generateLines(small, 3000, &sizes_small));
  EXPECT_EQ(sizes_cached, sizes_plain);
  EXPECT_EQ(sizes_cached, sizes_small);
  EXPECT_EQ(cached.tally().bytes, plain.tally().bytes);
  bool tagless = false;
  for (const auto& l : a) tagless |= parse(l).tags.rfind("env:test", 0) == 0;
  EXPECT_TRUE(tagless) << "no context without tags of its own was generated";
}

TEST(DogStatsDGeneratorTest, EveryContextIsUsedOncePerCycleAndContextsAreDistinct) {
  auto w = baseWorkload();
  DogStatsDGenerator g(w, 3);
  ASSERT_EQ(g.contextCount(), 500u);
  auto lines = generateLines(g, 500);
  std::set<std::string> contexts;
  for (const auto& l : lines) {
    Line p = parse(l);
    auto tags = split(p.tags, ',');
    std::set<std::string> tagset(tags.begin(), tags.end());
    std::string key = p.name + "|";
    for (const auto& t : tagset) key += t + ",";
    contexts.insert(key);
  }
  EXPECT_EQ(contexts.size(), 500u);
}

TEST(DogStatsDGeneratorTest, PacketsRespectTheSizeLimitAndTallyMatchesOutput) {
  auto w = baseWorkload();
  w.packet_size = 512;
  w.multivalue_probability = 0.2;
  w.multivalue_count = {2, 4};
  DogStatsDGenerator g(w, 11);
  std::vector<size_t> sizes;
  auto lines = generateLines(g, 5000, &sizes);
  ASSERT_EQ(lines.size(), 5000u);
  for (auto s : sizes) EXPECT_LE(s, 512u);
  int64_t values = 0, multi = 0;
  for (const auto& l : lines) {
    Line p = parse(l);
    values += static_cast<int64_t>(p.values.size());
    if (p.values.size() > 1) ++multi;
    for (const auto& v : p.values) EXPECT_FALSE(v.empty()) << l;
  }
  EXPECT_EQ(g.tally().lines, 5000);
  EXPECT_EQ(g.tally().samples, values);
  EXPECT_EQ(g.tally().packets, static_cast<int64_t>(sizes.size()));
  EXPECT_EQ(g.tally().counts + g.tally().gauges + g.tally().timers + g.tally().distributions + g.tally().sets +
                g.tally().histograms,
            values);
  EXPECT_NEAR(static_cast<double>(multi) / 5000, 0.2 * (1 - 0.01), 0.03);  // sets never carry several values
}

TEST(DogStatsDGeneratorTest, MetricWeightsSampleRatesAndTimestampsAppearAsConfigured) {
  auto w = baseWorkload();
  w.contexts = 2000;
  w.weight_count = 1;
  w.weight_gauge = 1;
  w.weight_timer = w.weight_distribution = w.weight_set = w.weight_histogram = 0;
  w.sampling_probability = 0.5;
  w.sampling_range = {0.5, 0.5};
  w.timestamp_probability = 0.25;
  w.static_tags = {"env:sim"};
  DogStatsDGenerator g(w, 5);
  auto lines = generateLines(g, 2000);
  int c = 0, gauge = 0, rated = 0, stamped = 0;
  for (const auto& l : lines) {
    Line p = parse(l);
    if (p.type == "c") ++c;
    else if (p.type == "g") ++gauge;
    else ADD_FAILURE() << "unexpected type in " << l;
    if (!p.rate.empty()) {
      ++rated;
      EXPECT_EQ(p.rate, "0.5");
    }
    if (!p.ts.empty()) {
      ++stamped;
      EXPECT_EQ(p.ts, "1700000000");
    }
    EXPECT_NE(p.tags.find("env:sim"), std::string::npos) << l;
  }
  EXPECT_NEAR(c / 2000.0, 0.5, 0.05);
  EXPECT_NEAR(rated / 2000.0, 0.5, 0.05);
  EXPECT_NEAR(stamped / 2000.0, 0.25, 0.04);
  EXPECT_EQ(g.tally().timestamped, stamped);
}

}  // namespace
}  // namespace ddsim::workload
