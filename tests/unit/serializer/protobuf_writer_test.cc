// The streaming protobuf encoder (molecule semantics, spec §5.3/§4.4).
#include "core/serializer/protobuf_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "tests/unit/serializer/serializer_test_support.h"

namespace ddsim::serializer {
namespace {

using testing::hex;

TEST(ProtobufWriterTest, VarintsAndZeroOmission) {
  struct Case {
    int64_t v;
    const char* want;  // key for field 1 (08) + varint, empty when omitted
  };
  const Case cases[] = {
      {0, ""}, {1, "0801"}, {127, "087f"}, {128, "088001"}, {300, "08ac02"},
      {1700000000, "0880e2cfaa06"}, {-1, "08ffffffffffffffffff01"},
  };
  for (const auto& c : cases) {
    ByteBuffer b;
    ProtoWriter w(b);
    w.int64(1, c.v);
    EXPECT_EQ(hex(b.view()), c.want) << c.v;
  }
  ByteBuffer b;
  ProtoWriter w(b);
  w.string(2, "");
  w.doubleField(3, 0.0);
  w.doubleField(3, -0.0);
  w.uint32(4, 0);
  w.packedSint32(5, 0, [](size_t) { return 0; });
  EXPECT_EQ(b.size(), 0u);
  w.doubleField(3, std::nan(""));
  EXPECT_EQ(b.size(), 9u);
}

TEST(ProtobufWriterTest, ZigzagPacked) {
  const int32_t values[] = {0, -1, 1, -2, 2147483647, -2147483647 - 1};
  ByteBuffer b;
  ProtoWriter w(b);
  w.packedSint32(7, 6, [&](size_t i) { return values[i]; });
  // 0 1 2 3 4294967294 4294967295
  EXPECT_EQ(hex(b.view()), "3a0e00010203feffffff0fffffffff0f");
}

// Lengths that need 2 and 3 bytes make the writer shift the embedded body.
TEST(ProtobufWriterTest, EmbeddedLengthsOfEverySize) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{127}, size_t{128}, size_t{16383}, size_t{16384}, size_t{300000}}) {
    ByteBuffer b;
    ProtoWriter w(b);
    auto outer = w.beginEmbedded(1);
    auto inner = w.beginEmbedded(2);
    w.string(1, std::string(n, 'x'));
    w.endEmbedded(inner);
    w.endEmbedded(outer);
    w.int64(3, 5);
    const auto outer_fields = testing::lengthDelimitedFields(b.view(), 1);
    ASSERT_EQ(outer_fields.size(), 1u) << n;
    const auto inner_fields = testing::lengthDelimitedFields(outer_fields[0], 2);
    ASSERT_EQ(inner_fields.size(), 1u) << n;
    const auto strings = testing::lengthDelimitedFields(inner_fields[0], 1);
    if (n == 0) {
      EXPECT_TRUE(strings.empty());
    } else {
      ASSERT_EQ(strings.size(), 1u);
      EXPECT_EQ(strings[0].size(), n);
    }
    EXPECT_EQ(hex(b.view().substr(b.size() - 2)), "1805");
  }
}

}  // namespace
}  // namespace ddsim::serializer
