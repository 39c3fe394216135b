// Go strconv syntax for values, sample rates and timestamps (spec §8.2: "float64 (Go ParseFloat
// syntax)"; ParseInt for T<ts>, d:<ts> and event lengths).
#include "core/dogstatsd/number_parse.h"

#include "core/common/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <limits>

namespace ddsim::dogstatsd {
namespace {

struct FloatCase {
  const char* in;
  bool ok;
  double want;
};

TEST(DsdNumberParseTest, GoParseFloatSyntax) {
  const double inf = std::numeric_limits<double>::infinity();
  const FloatCase cases[] = {
      {"1", true, 1},          {"-1.5", true, -1.5},   {"+2", true, 2},
      {".5", true, 0.5},       {"5.", true, 5},        {"1e3", true, 1000},
      {"1E-2", true, 0.01},    {"007", true, 7},       {"0x1p3", true, 8},
      {"-0x1.8p1", true, -3},  {"inf", true, inf},     {"+Inf", true, inf},
      {"-infinity", true, -inf}, {"1e-400", true, 0},  // Go: underflow is not an error
      {"", false, 0},          {"+", false, 0},        {"-", false, 0},
      {"+-1", false, 0},       {"--1", false, 0},      {"1e", false, 0},
      {"1e400", false, 0},     {"-1e400", false, 0},   {"0x10", false, 0},  // hex needs p
      {"1_000", false, 0},     {" 1", false, 0},       {"1 ", false, 0},
      {"infin", false, 0},     {"-nan", false, 0},     {"nan(1)", false, 0},
      {"abc", false, 0},       {".", false, 0},        {"1.2.3", false, 0},
      // Shapes at the fast path's edges: more than 19 digits (leading zeros included), 22
      // and 23 fraction digits, a value list, a sign and a dot alone.
      {"0000000000000000000012.5", true, 12.5}, {"12345678901234567890", true, 12345678901234567890.0},
      {"1.0000000000000000000000", true, 1},      {"1.00000000000000000000000", true, 1},
      {"1:2", false, 0},       {"-.", false, 0},       {"+.5", true, 0.5},
  };
  for (const auto& c : cases) {
    auto v = parseGoFloat(c.in);
    EXPECT_EQ(v.has_value(), c.ok) << "input \"" << c.in << "\"";
    if (v && c.ok) {
      EXPECT_EQ(*v, c.want) << "input \"" << c.in << "\"";
    }
  }
  auto nan = parseGoFloat("NaN");
  ASSERT_TRUE(nan.has_value());
  EXPECT_TRUE(std::isnan(*nan));
}

TEST(DsdNumberParseTest, PlainDecimalsRoundLikeStrtod) {
  // The fast path for "[+-]digits[.digits]" must give the correctly rounded double, as the
  // general parser (and Go) do, including near 2^53 and with many fraction digits.
  common::Random rng(7);
  for (int i = 0; i < 200000; ++i) {
    std::string s;
    if (rng.bernoulli(0.3)) s += rng.bernoulli(0.5) ? "-" : "+";
    const int int_digits = static_cast<int>(rng.uniformInt(0, 17));
    for (int d = 0; d < int_digits; ++d) s += static_cast<char>('0' + rng.uniformInt(0, 9));
    if (rng.bernoulli(0.7)) {
      s += '.';
      const int frac_digits = static_cast<int>(rng.uniformInt(int_digits == 0 ? 1 : 0, 24));
      for (int d = 0; d < frac_digits; ++d) s += static_cast<char>('0' + rng.uniformInt(0, 9));
    } else if (int_digits == 0) {
      s += '7';
    }
    auto v = parseGoFloat(s);
    ASSERT_TRUE(v.has_value()) << s;
    EXPECT_EQ(*v, std::strtod(s.c_str(), nullptr)) << s;
  }
  EXPECT_EQ(*parseGoFloat("9007199254740993"), 9007199254740992.0);  // 2^53 + 1 rounds to even
  EXPECT_EQ(*parseGoFloat("0.1"), 0.1);
  EXPECT_TRUE(std::signbit(*parseGoFloat("-0")));
}

struct IntCase {
  const char* in;
  bool ok;
  int64_t want;
};

TEST(DsdNumberParseTest, GoParseIntSyntax) {
  const IntCase cases[] = {
      {"0", true, 0},
      {"+15", true, 15},
      {"-15", true, -15},
      {"1700000000", true, 1700000000},
      {"9223372036854775807", true, INT64_MAX},
      {"-9223372036854775808", true, INT64_MIN},
      {"9223372036854775808", false, 0},
      {"", false, 0},
      {"-", false, 0},
      {"1.0", false, 0},
      {"1e3", false, 0},
      {"0x10", false, 0},
      {"1_0", false, 0},
      {"+-1", false, 0},
      {" 1", false, 0},
  };
  for (const auto& c : cases) {
    auto v = parseGoInt(c.in);
    EXPECT_EQ(v.has_value(), c.ok) << "input \"" << c.in << "\"";
    if (v && c.ok) {
      EXPECT_EQ(*v, c.want) << "input \"" << c.in << "\"";
    }
  }
}

}  // namespace
}  // namespace ddsim::dogstatsd
