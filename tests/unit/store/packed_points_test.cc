#include "core/store/packed_points.h"

#include <gtest/gtest.h>

namespace ddsim::store {
namespace {

TEST(PackedPointsTest, SeriesRoundTrip) {
  std::string blob;
  appendSeriesPoint(blob, 7, 1700000000, 1.5, 10);
  appendSeriesPoint(blob, 9, 1700000010, -2.25, 0);
  ASSERT_EQ(blob.size(), 64u);
  std::vector<PackedSeriesPoint> got;
  ASSERT_TRUE(forEachSeriesPoint(blob, [&](const PackedSeriesPoint& p) { got.push_back(p); }).isOk());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].context_id, 7);
  EXPECT_EQ(got[0].ts, 1700000000);
  EXPECT_EQ(got[0].value, 1.5);
  EXPECT_EQ(got[0].interval, 10);
  EXPECT_EQ(got[1].value, -2.25);
}

TEST(PackedPointsTest, SketchRoundTripKeepsBins) {
  std::vector<int32_t> keys = {-3, 0, 1338};
  std::vector<uint32_t> counts = {1, 2, 65535};
  SketchEntry e{1700000000, 65538, -1, 99, 123.5, 0.5, &keys, &counts};
  std::string blob;
  appendSketchEntry(blob, 42, e);
  int n = 0;
  ASSERT_TRUE(forEachSketchEntry(blob, [&](const SketchPointRow& r) {
                ++n;
                EXPECT_EQ(r.context_id, 42);
                EXPECT_EQ(r.count, 65538);
                EXPECT_EQ(r.min, -1);
                EXPECT_EQ(r.max, 99);
                EXPECT_EQ(r.keys, keys);
                EXPECT_EQ(r.counts, counts);
              }).isOk());
  EXPECT_EQ(n, 1);
}

TEST(PackedPointsTest, CutBlobsAreReportedNotOverread) {
  std::string blob;
  appendSeriesPoint(blob, 1, 2, 3, 4);
  blob.pop_back();
  auto st = forEachSeriesPoint(blob, [](const PackedSeriesPoint&) { FAIL() << "no whole record"; });
  EXPECT_EQ(st.code(), common::StatusCode::kDataLoss);
  EXPECT_NE(st.message().find("byte 0"), std::string::npos);

  std::vector<int32_t> keys = {1, 2};
  std::vector<uint32_t> counts = {1, 1};
  std::string sk;
  appendSketchEntry(sk, 1, SketchEntry{0, 2, 0, 0, 0, 0, &keys, &counts});
  sk.resize(sk.size() - 4);  // the bin count promises more than follows
  EXPECT_EQ(forEachSketchEntry(sk, [](const SketchPointRow&) {}).code(), common::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace ddsim::store
