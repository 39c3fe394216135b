#include "gui/model/series_buffer.h"

#include <gtest/gtest.h>

namespace ddsim::gui {
namespace {

TEST(SeriesBufferTest, KeepsTheNewestPointsAndCountsWhatItOverwrote) {
  SeriesBuffer b(3);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(b.push(i, i * 10));
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b.front().t, 2);
  EXPECT_EQ(b.back().v, 40);
  EXPECT_EQ(b.at(1).t, 3);
  EXPECT_EQ(b.overwritten(), 2u);
}

TEST(SeriesBufferTest, APointEarlierThanTheLastIsRefusedAndCounted) {
  SeriesBuffer b(4);
  EXPECT_TRUE(b.push(5, 1));
  EXPECT_TRUE(b.push(5, 2));  // the same time is fine (several flushes at one virtual instant)
  EXPECT_FALSE(b.push(4, 3));
  EXPECT_EQ(b.size(), 2u);
  EXPECT_EQ(b.refused(), 1u);
}

TEST(SeriesBufferTest, LowerBoundFindsTheFirstPointAtOrAfterATimeAcrossTheWrap) {
  SeriesBuffer b(4);
  for (int i = 0; i < 6; ++i) b.push(i * 10, i);  // holds t = 20, 30, 40, 50
  EXPECT_EQ(b.lowerBound(0), 0u);
  EXPECT_EQ(b.lowerBound(30), 1u);
  EXPECT_EQ(b.lowerBound(31), 2u);
  EXPECT_EQ(b.lowerBound(51), 4u);
}

}  // namespace
}  // namespace ddsim::gui
