#include "core/common/counters.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace ddsim::common {
namespace {

TEST(CounterSetTest, CountsByNameAcrossThreads) {
  CounterSet c;
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) c.add(i % 2 ? "parse_error" : "too_big");
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(c.get("parse_error"), 2000);
  EXPECT_EQ(c.get("too_big"), 2000);
  EXPECT_EQ(c.get("other"), 0);
  EXPECT_EQ(c.total(), 4000);
  auto snap = c.snapshot();
  EXPECT_EQ(snap.size(), 2u);
  c.reset();
  EXPECT_EQ(c.total(), 0);
}

}  // namespace
}  // namespace ddsim::common
