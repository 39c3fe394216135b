// Tag, tag-value and name normalization, and UTF-8 cutting, as the agent does them
// (docs/trace-agent.md §5). Expected outputs are the agent's, from
// pkg/trace/traceutil/normalize/normalize_test.go and truncate_test.go where they exist there.
#include "core/trace/tag_normalizer.h"

#include <gtest/gtest.h>

#include <string>

#include "core/trace/utf8.h"

namespace ddsim::trace {
namespace {

struct Case {
  std::string in;
  std::string out;
};

TEST(TagNormalizerTest, FullTagTrimsLeadingNonLetters) {
  const Case cases[] = {
      {"#test_starting_hash", "test_starting_hash"},
      {"TestCAPSandSuch", "testcapsandsuch"},
      {"Test Conversion Of Weird !@#$%^&**() Characters", "test_conversion_of_weird_characters"},
      {"$#weird_starting", "weird_starting"},
      {"allowed:c0l0ns", "allowed:c0l0ns"},
      {"1love", "love"},
      {"ünicöde:metäl", "ünicöde:metäl"},
      {"Data\U0001F428dog\U0001F436 繋がっ⛰てて", "data_dog_繋がっ_てて"},
      {" spaces   ", "spaces"},
      {" #hashtag!@#spaces #__<>#  ", "hashtag_spaces"},
      {":testing", ":testing"},
      {"_foo", "foo"},
      {"contiguous_____underscores", "contiguous_underscores"},
      {"foo_", "foo"},
      {"\u017Fodd_\u017Fcase\u017F", "\u017Fodd_\u017Fcase\u017F"},  // ſ is lower case already
      {"", ""},
      {" ", ""},
      {"™Ö™Ö™™Ö™", "ö_ö_ö"},
      {"AlsO:ök", "also:ök"},
      {"12.:trim@@", ":trim"},
      {"fun:ky@@@tag/3", "fun:ky_tag/3"},
      {"---fun:k####y_ta@#g/1_@@#", "fun:k_y_ta_g/1"},
      {"AlsO:œ#@ö))œk", "also:œ_ö_œk"},
      {"test\x99\x8f" "aaa", "test_aaa"},  // invalid UTF-8 bytes are one run
      {"test\x99\x8f", "test"},
      {std::string(888, 'a'), std::string(200, 'a')},  // 200 characters kept
      {"a\uFFFD\uFFFDb", "a_b"},
  };
  for (const auto& c : cases) EXPECT_EQ(normalizeTag(c.in), c.out) << c.in;
}

TEST(TagNormalizerTest, FullTagGivesUpAfter400Bytes) {
  std::string in = "a";
  for (int i = 0; i < 799; ++i) in += "\U0001F436";
  in += "b";
  EXPECT_EQ(normalizeTag(in), "a");  // 'b' is past the 400-byte scan
}

// Tag values (service, env) keep a leading digit or dash; a leading invalid run becomes '_'.
TEST(TagNormalizerTest, TagValueKeepsLeadingDigits) {
  const Case cases[] = {
      {"good", "good"},
      {"127.0.0.1", "127.0.0.1"},
      {"127.site.platform-db-replica1", "127.site.platform-db-replica1"},
      {"\U0001F428animal-db\U0001F436", "_animal-db"},
      {"\U0001F428" "1animal-db\U0001F436", "_1animal-db"},
      {"1\U0001F428" "1animal-db\U0001F436", "1_1animal-db"},
      {"bad$service", "bad_service"},
      {"Prod", "prod"},
      {"_underscore_first", "_underscore_first"},  // fast path: '_' followed by a valid char
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(normalizeTagValue(c.in), c.out) << c.in;
}

TEST(TagNormalizerTest, MetricNameRules) {
  const Case cases[] = {
      {"good", "good"},
      {"bad-name", "bad_name"},
      {"web.request", "web.request"},
      {"1.5-leading.digits", "leading.digits"},       // non-letters skipped up front
      {"a__b", "a_b"},                                // runs collapse
      {"a-.b", "a.b"},                                // '.' replaces the '_' before it
      {"a.-b", "a.b"},                                // no '_' after '.'
      {"a._b", "a._b"},                               // already valid: kept as sent
      {"trailing_", "trailing"},
      {"trailing-", "trailing"},
      {"Caps.Kept", "Caps.Kept"},                     // names are not lower-cased
      {"h\xC3\xA9llo", "h_llo"},                      // non-ASCII bytes are "other"
  };
  for (const auto& c : cases) {
    auto got = normalizeMetricName(c.in);
    ASSERT_TRUE(got.has_value()) << c.in;
    EXPECT_EQ(*got, c.out) << c.in;
  }
  EXPECT_FALSE(normalizeMetricName("").has_value());
  EXPECT_FALSE(normalizeMetricName("1234-_.").has_value());  // no letter at all
  EXPECT_FALSE(normalizeMetricName(std::string(101, 'a')).has_value());
}

// The agent's TruncateUTF8 (pkg/trace/traceutil/truncate.go).
TEST(Utf8Test, TruncateAtRuneStart) {
  struct T {
    std::string in;
    size_t limit;
    std::string out;
  };
  const T cases[] = {
      {"hello", 10, "hello"},
      {"hello", 3, "hel"},
      {"ééé", 3, "é"},             // 'é' is 2 bytes: byte 3 is inside the second one
      {"éééé", 4, "éé"},
      {"ééé", 4, "ééé"},           // agent quirk: the last rune straddles the limit, kept whole
      {"a\U0001F436b", 2, "a"},     // cut before the 4-byte rune
      {"ab\U0001F436", 3, "ab\U0001F436"},  // agent quirk: no rune starts past the limit
  };
  for (const auto& c : cases) EXPECT_EQ(truncateUtf8(c.in, c.limit), c.out) << c.in << " " << c.limit;
}

TEST(Utf8Test, DecodeAndRepair) {
  EXPECT_EQ(decodeRune("\xC3\xA9").rune, U'é');
  EXPECT_EQ(decodeRune("\xC3\xA9").width, 2u);
  EXPECT_EQ(decodeRune("\xC0\x80").width, 1u);          // overlong
  EXPECT_EQ(decodeRune("\xED\xA0\x80").rune, kRuneError);  // surrogate
  EXPECT_EQ(decodeRune("\xF4\x90\x80\x80").rune, kRuneError);  // past U+10FFFF
  EXPECT_EQ(decodeRune("\xE2\x82").width, 1u);          // cut short
  EXPECT_TRUE(isValidUtf8("plain ascii \u00e9 \U0001F436"));
  EXPECT_FALSE(isValidUtf8("bad \xff"));
  EXPECT_EQ(repairUtf8("a\xff" "b\xC3"), "a\uFFFD" "b\uFFFD");
}

}  // namespace
}  // namespace ddsim::trace
