#include "gui/model/decimate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace ddsim::gui {
namespace {

std::vector<Point> sine(size_t n) {
  std::vector<Point> pts;
  for (size_t i = 0; i < n; ++i) pts.push_back({static_cast<double>(i), std::sin(static_cast<double>(i) / 50.0)});
  return pts;
}

TEST(DecimateTest, ASmallSeriesIsDrawnAsItIs) {
  auto pts = sine(100);
  std::vector<Point> out;
  auto st = decimateMinMax(pts, 0, 99, 800, out);
  EXPECT_EQ(st.input, 100u);
  EXPECT_EQ(out.size(), 100u);
}

TEST(DecimateTest, AtMostFourPointsAColumnAndEverySpikeSurvives) {
  auto pts = sine(100'000);
  pts[54'321].v = 7;    // a spike
  pts[77'777].v = -9;   // a dip
  std::vector<Point> out;
  auto st = decimateMinMax(pts, 0, 99'999, 500, out);
  EXPECT_EQ(st.input, 100'000u);
  EXPECT_LE(out.size(), 4u * 500);
  EXPECT_GE(out.size(), 2u * 500);
  EXPECT_EQ(std::max_element(out.begin(), out.end(), [](auto& a, auto& b) { return a.v < b.v; })->v, 7);
  EXPECT_EQ(std::min_element(out.begin(), out.end(), [](auto& a, auto& b) { return a.v < b.v; })->v, -9);
  // In time order, with the first and last points kept so lines join across columns.
  EXPECT_TRUE(std::is_sorted(out.begin(), out.end(), [](auto& a, auto& b) { return a.t < b.t; }));
  EXPECT_EQ(out.front().t, 0);
  EXPECT_EQ(out.back().t, 99'999);
}

TEST(DecimateTest, OnlyTheVisibleRangeIsConsidered) {
  auto pts = sine(10'000);
  std::vector<Point> out;
  auto st = decimateMinMax(pts, 1000, 1999, 100, out);
  EXPECT_EQ(st.input, 1000u);
  EXPECT_EQ(out.front().t, 1000);
  EXPECT_EQ(out.back().t, 1999);
}

TEST(DecimateTest, TheRingBufferGivesTheSameAnswerAsAVector) {
  auto pts = sine(20'000);
  SeriesBuffer b(15'000);  // holds the newest 15,000
  for (const auto& p : pts) b.push(p.t, p.v);
  std::vector<Point> tail(pts.begin() + 5'000, pts.end()), a, c;
  decimateMinMax(b, 6000, 19'000, 300, a);
  decimateMinMax(tail, 6000, 19'000, 300, c);
  ASSERT_EQ(a.size(), c.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].t, c[i].t);
    EXPECT_EQ(a[i].v, c[i].v);
  }
}

}  // namespace
}  // namespace ddsim::gui
