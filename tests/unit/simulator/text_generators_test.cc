#include "simulator/workload/text_generators.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/dogstatsd/parser.h"

namespace ddsim::workload {
namespace {

// The generated text must be what the agent's parser accepts (spec §8.3, §8.4): parse it with
// ddsim's parser and check the fields.
TEST(EventGeneratorTest, EventsParseWithTheirSourceTypesAndTimestamp) {
  scenario::EventWorkload w;
  w.source_types = 3;
  w.title_length = {1, 30};
  w.text_length = {0, 300};
  EventGenerator g(w, 9);
  dogstatsd::Parser parser;
  dogstatsd::TagArena arena;
  std::set<std::string> sources;
  for (int i = 0; i < 500; ++i) {
    std::string msg = g.next(1'700'000'123);
    arena.reset();
    dogstatsd::ParsedEvent e;
    ASSERT_EQ(parser.parseEvent(msg, arena, e), dogstatsd::ParseError::kNone) << msg;
    EXPECT_EQ(e.timestamp, 1'700'000'123);
    EXPECT_FALSE(e.title.empty());
    EXPECT_EQ(e.invalid_fields, 0) << msg;
    sources.insert(std::string(e.source_type));
  }
  EXPECT_EQ(sources, (std::set<std::string>{"source0", "source1", "source2"}));
  EXPECT_EQ(g.generated(), 500);
}

TEST(ServiceCheckGeneratorTest, ChecksParseWithWeightedStatuses) {
  scenario::ServiceCheckWorkload w;
  w.check_names = 4;
  w.weight_ok = 1;
  w.weight_warning = 0;
  w.weight_critical = 1;
  w.weight_unknown = 0;
  ServiceCheckGenerator g(w, 4);
  dogstatsd::Parser parser;
  dogstatsd::TagArena arena;
  std::map<int, int> statuses;
  for (int i = 0; i < 1000; ++i) {
    std::string msg = g.next(1'700'000'000);
    arena.reset();
    dogstatsd::ParsedServiceCheck sc;
    ASSERT_EQ(parser.parseServiceCheck(msg, arena, sc), dogstatsd::ParseError::kNone) << msg;
    EXPECT_EQ(sc.timestamp, 1'700'000'000);
    EXPECT_EQ(sc.invalid_fields, 0) << msg;
    statuses[static_cast<int>(sc.status)]++;
  }
  EXPECT_EQ(statuses.count(1), 0u);
  EXPECT_EQ(statuses.count(3), 0u);
  EXPECT_NEAR(statuses[0] / 1000.0, 0.5, 0.06);
}

TEST(TextGeneratorsTest, SameSeedSameText) {
  scenario::EventWorkload w;
  EventGenerator a(w, 1), b(w, 1);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(a.next(5), b.next(5));
}

}  // namespace
}  // namespace ddsim::workload
