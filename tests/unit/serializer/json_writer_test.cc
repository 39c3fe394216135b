// Number formatting and string escaping of the JSON writer (spec §5.4).
#include "core/serializer/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "core/serializer/number_format.h"

namespace ddsim::serializer {
namespace {

std::string jsoniterFloat(double v) {
  ByteBuffer b;
  EXPECT_TRUE(appendJsoniterFloat64(b, v));
  return b.toString();
}

std::string goFloat(double v, char fmt) {
  ByteBuffer b;
  appendGoFloat(b, v, fmt);
  return b.toString();
}

std::string escaped(std::string_view s, JsonDialect d) {
  ByteBuffer b;
  appendJsonString(b, s, d);
  return b.toString();
}

// Spec §5.4: jsoniter v1.1.12 WriteFloat64 = strconv shortest repr, 'f' unless |v| < 1e-6 or
// |v| >= 1e21, then 'e' keeping the two-digit exponent. Expected strings are what Go prints.
TEST(NumberFormatTest, JsoniterFloat64MatchesGo) {
  struct Case {
    double v;
    const char* want;
  };
  const Case cases[] = {
      {1, "1"},
      {0.1, "0.1"},
      {1.0 / 3.0, "0.3333333333333333"},
      {0, "0"},
      {-0.0, "-0"},
      {-2.5, "-2.5"},
      {100, "100"},
      {0.1 + 0.2, "0.30000000000000004"},
      {12345.678, "12345.678"},
      {1e15, "1000000000000000"},
      {9007199254740993.0, "9007199254740992"},
      {9223372036854775808.0, "9223372036854776000"},
      {1e20, "100000000000000000000"},
      {1.2345678901234568e20, "123456789012345680000"},
      {1e21, "1e+21"},
      {-1.5e21, "-1.5e+21"},
      {1e-6, "0.000001"},
      {1.5e-6, "0.0000015"},
      {1e-7, "1e-07"},
      {-1.5e-7, "-1.5e-07"},
      {1e300, "1e+300"},
      {5e-324, "5e-324"},
      {std::numeric_limits<double>::max(), "1.7976931348623157e+308"},
      {123456789.125, "123456789.125"},
  };
  for (const auto& c : cases) EXPECT_EQ(jsoniterFloat(c.v), c.want) << c.want;
}

// Spec §5.4: NaN and ±Inf write nothing (the item keeps an empty value slot).
TEST(NumberFormatTest, JsoniterRejectsNonFinite) {
  for (double v : {std::nan(""), std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    ByteBuffer b;
    EXPECT_FALSE(appendJsoniterFloat64(b, v));
    EXPECT_EQ(b.size(), 0u);
  }
}

// Go's %v (strconv 'g', shortest): used by the non-stream v1 series path (Point.MarshalJSON).
TEST(NumberFormatTest, GoPercentV) {
  struct Case {
    double v;
    const char* want;
  };
  const Case cases[] = {
      {1, "1"},           {1e6, "1e+06"},          {123456, "123456"},   {1234567, "1.234567e+06"},
      {0.0001, "0.0001"}, {0.00001, "1e-05"},      {1.5, "1.5"},         {-0.25, "-0.25"},
      {1e21, "1e+21"},    {1.0 / 3.0, "0.3333333333333333"},             {0, "0"},
      {std::nan(""), "NaN"}, {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
  };
  for (const auto& c : cases) EXPECT_EQ(goFloat(c.v, 'g'), c.want) << c.want;
  EXPECT_EQ(goFloat(1e-7, 'e'), "1e-07");
  EXPECT_EQ(goFloat(123.5, 'e'), "1.235e+02");
  EXPECT_EQ(goFloat(1e100, 'e'), "1e+100");
  EXPECT_EQ(goFloat(1e-7, 'f'), "0.0000001");
}

TEST(NumberFormatTest, GoFloatToInt64LikeAmd64) {
  EXPECT_EQ(goFloat64ToInt64(1700000000.9), 1700000000);
  EXPECT_EQ(goFloat64ToInt64(-1.9), -1);
  EXPECT_EQ(goFloat64ToInt64(std::nan("")), INT64_MIN);
  EXPECT_EQ(goFloat64ToInt64(1e300), INT64_MIN);
  EXPECT_EQ(goFloat64ToInt64(-std::numeric_limits<double>::infinity()), INT64_MIN);
}

// Spec §5.4: jsoniter with HTML escaping off; encoding/json (non-stream fallbacks) with it on.
TEST(JsonWriterTest, EscapingTable) {
  struct Case {
    std::string in;
    const char* jsoniter;
    const char* encoding_json;
  };
  const Case cases[] = {
      {"plain", R"("plain")", R"("plain")"},
      {"a\"b", R"("a\"b")", R"("a\"b")"},
      {"a\\b", R"("a\\b")", R"("a\\b")"},
      {"\n\r\t", R"("\n\r\t")", R"("\n\r\t")"},
      {"\b", R"("\u0008")", R"("\b")"},
      {"\f", R"("\u000c")", R"("\f")"},
      {std::string("\x00", 1), R"("\u0000")", R"("\u0000")"},
      {"\x01\x1f", R"("\u0001\u001f")", R"("\u0001\u001f")"},
      {"<a&b>", R"("<a&b>")", R"("\u003ca\u0026b\u003e")"},
      {"\x7f", "\"\x7f\"", "\"\x7f\""},
      {"caf\xc3\xa9", "\"caf\xc3\xa9\"", "\"caf\xc3\xa9\""},
      {"\xe2\x80\xa8", "\"\xe2\x80\xa8\"", R"("\u2028")"},
      {"\xe2\x80\xa9", "\"\xe2\x80\xa9\"", R"("\u2029")"},
      {"a\xffz", "\"a\xffz\"", R"("a\ufffdz")"},
      {"\xc0\x80", "\"\xc0\x80\"", R"("\ufffd\ufffd")"},          // overlong
      {"\xed\xa0\x80", "\"\xed\xa0\x80\"", R"("\ufffd\ufffd\ufffd")"},  // surrogate
      {"\xe2\x82", "\"\xe2\x82\"", R"("\ufffd\ufffd")"},          // truncated
      {"\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"", "\"\xf0\x9f\x98\x80\""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(escaped(c.in, JsonDialect::kJsoniter), c.jsoniter) << c.jsoniter;
    EXPECT_EQ(escaped(c.in, JsonDialect::kEncodingJson), c.encoding_json) << c.encoding_json;
  }
}

TEST(JsonWriterTest, WriterPrimitives) {
  ByteBuffer b;
  JsonWriter w(b);
  w.push('{');
  w.key("k");
  w.int64(-42);
  w.push(',');
  w.key("v");
  EXPECT_TRUE(w.float64(0.5));
  w.push(',');
  w.key("s");
  w.string("x\"y");
  w.push('}');
  EXPECT_EQ(b.view(), R"({"k":-42,"v":0.5,"s":"x\"y"})");
}

}  // namespace
}  // namespace ddsim::serializer

namespace ddsim::serializer {
namespace {

// The jsoniter dialect scans 8 bytes at a time: every special byte at every position of long
// strings must still be escaped exactly as the byte-by-byte rule says.
TEST(JsonWriterTest, LongStringsEscapeAtEveryPosition) {
  auto reference = [](const std::string& s) {
    std::string r = "\"";
    for (unsigned char c : s) {
      if (c == '"') r += "\\\"";
      else if (c == '\\') r += "\\\\";
      else if (c == '\n') r += "\\n";
      else if (c == '\r') r += "\\r";
      else if (c == '\t') r += "\\t";
      else if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        r += buf;
      } else {
        r += static_cast<char>(c);
      }
    }
    return r + "\"";
  };
  for (unsigned char special : {'"', '\\', '\x01', '\x1f', '\n', '\x7f', '\xff', ' ', '!', '#', '[', ']'}) {
    for (size_t pos = 0; pos < 41; ++pos) {
      std::string s(41, 'a');
      s[pos] = static_cast<char>(special);
      s[(pos * 7) % 41] = static_cast<char>(special);
      EXPECT_EQ(escaped(s, JsonDialect::kJsoniter), reference(s)) << int(special) << " at " << pos;
    }
  }
}

}  // namespace
}  // namespace ddsim::serializer
