// statsd_metric_blocklist (spec §8.2, comp/dogstatsd/server/blocklist.go).
#include "core/dogstatsd/blocklist.h"

#include <gtest/gtest.h>

namespace ddsim::dogstatsd {
namespace {

struct Case {
  std::vector<std::string> list;
  bool prefix;
  const char* name;
  bool blocked;
};

TEST(DsdBlocklistTest, ExactAndPrefixMatching) {
  const Case cases[] = {
      {{}, false, "a", false},
      {{"foo", "bar"}, false, "foo", true},
      {{"foo", "bar"}, false, "foo.x", false},
      {{"foo", "bar"}, false, "fo", false},
      {{"foo", "bar"}, true, "foo.x", true},
      {{"foo", "bar"}, true, "bar", true},
      {{"foo", "bar"}, true, "baz", false},
      {{"foo", "foo.bar", "foo.baz"}, true, "foo.qux", true},
      {{"a.b", "a"}, true, "a.c", true},
      {{"abc", "abd"}, true, "abe", false},
      {{"abc", "abd"}, true, "abd.x", true},
      {{""}, true, "anything", true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Blocklist b(c.list, c.prefix);
    EXPECT_EQ(b.blocked(c.name), c.blocked);
  }
}

}  // namespace
}  // namespace ddsim::dogstatsd
