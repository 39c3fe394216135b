// The direct /api/v2/series decoder (fakeintake/decoders/series_v2_direct.h) against the
// libprotobuf path it stands in for: what it accepts decodes to the same values, and what it
// declines (unknown fields, merged messages, invalid UTF-8, damaged bytes) still decodes as
// before through libprotobuf, errors and Pyld50 notes included.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <random>

#include "fakeintake/decoders/decoded_json.h"
#include "fakeintake/decoders/decoder.h"
#include "fakeintake/decoders/series_v2_direct.h"
#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using datadog::agentpayload::MetricPayload;
using testing::inflateZlib;
using testing::testData;

std::string asJson(const std::vector<DecodedSeries>& s) { return itemsToJson(DecodedItems{s}).dump(); }

// Every field of the schema, in agent order and shuffled, with edge values.
MetricPayload everyField() {
  MetricPayload p;
  auto* s = p.add_series();
  auto* r = s->add_resources();
  r->set_type("host");
  r->set_name("i-0123.ec2.internal");
  s->add_resources()->set_type("device");  // name empty: not on the wire
  s->set_metric("app.requests.latency");
  s->add_tags("env:prod");
  s->add_tags("");
  s->add_tags("caf\xC3\xA9:\xF0\x9F\x98\x80");  // valid multi-byte UTF-8
  s->add_tags(std::string(40, 'x'));
  auto* pt = s->add_points();
  pt->set_timestamp(-5);
  pt->set_value(-0.5);
  s->add_points()->set_value(1e300);
  s->set_type(static_cast<MetricPayload::MetricType>(-7));  // open enum
  s->set_unit("ms");
  s->set_source_type_name("dogstatsd");
  s->set_interval(-10);
  s->mutable_metadata()->mutable_origin()->set_origin_product(10);
  s->mutable_metadata()->mutable_origin()->set_origin_category(4294967295u);
  s->mutable_metadata()->mutable_origin()->set_origin_metric_type(9);
  s->mutable_metadata()->mutable_origin()->set_origin_service(3);
  auto* empty_meta = p.add_series();
  empty_meta->set_metric("m");
  empty_meta->mutable_metadata();  // present but empty: origin all zero
  p.add_series();                   // a series with nothing set
  return p;
}

void expectSameAsLibprotobuf(const std::string& body) {
  std::vector<DecodedSeries> direct;
  ASSERT_TRUE(decodeSeriesV2Direct(body, direct));
  std::vector<DecodeNote> notes;
  auto reference = decodeSeriesV2WithLibprotobuf(body, notes);
  ASSERT_TRUE(reference.isOk()) << reference.status().message();
  EXPECT_TRUE(notes.empty());
  EXPECT_EQ(asJson(direct), asJson(*reference));
}

TEST(SeriesV2Direct, EveryFieldDecodesAsLibprotobufDecodesIt) {
  const std::string body = everyField().SerializeAsString();
  expectSameAsLibprotobuf(body);
  std::vector<DecodedSeries> d;
  ASSERT_TRUE(decodeSeriesV2Direct(body, d));
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].type, -7);
  EXPECT_EQ(d[0].interval, -10);
  EXPECT_EQ(d[0].points[0].timestamp, -5);
  EXPECT_EQ(d[0].origin->category, 4294967295u);
  EXPECT_EQ(d[0].tags.capacity(), 4u);  // allocated once, at the size the body declares
  ASSERT_TRUE(d[1].origin.has_value());
  EXPECT_EQ(d[1].origin->product, 0u);
  EXPECT_FALSE(d[2].origin.has_value());
}

TEST(SeriesV2Direct, TheAgentsOwnBytesDecodeAsLibprotobufDecodesThem) {
  expectSameAsLibprotobuf(inflateZlib(testData("series_v2_zlib.bin")));
}

TEST(SeriesV2Direct, LastSingularValueWinsAsInLibprotobuf) {
  MetricPayload a = everyField(), b;
  b.add_series()->set_metric("second");
  b.mutable_series(0)->set_interval(20);
  // Two encodings of series 0 concatenated inside one series field: singular fields repeat.
  std::string s0 = a.series(0).SerializeAsString() + b.series(0).SerializeAsString();
  std::string body;
  body.push_back(0x0A);
  for (size_t n = s0.size(); ; n >>= 7) {
    body.push_back(static_cast<char>((n & 0x7F) | (n >= 0x80 ? 0x80 : 0)));
    if (n < 0x80) break;
  }
  body += s0;
  expectSameAsLibprotobuf(body);
}

// What the direct decoder declines, and that the intake's decoder still decodes it as before.
TEST(SeriesV2Direct, DeclinesWhatOnlyLibprotobufCanJudge) {
  std::vector<DecodedSeries> d;
  std::vector<DecodeNote> notes;
  // Invalid UTF-8 in a tag: coerced to U+FFFD with a Pyld50 note.
  MetricPayload bad_utf8 = everyField();
  bad_utf8.mutable_series(0)->set_tags(0, "env:\xFF");
  const std::string bad = bad_utf8.SerializePartialAsString();
  EXPECT_FALSE(decodeSeriesV2Direct(bad, d));
  auto coerced = decodeSeriesV2Protobuf(bad, notes);
  ASSERT_TRUE(coerced.isOk());
  EXPECT_EQ((*coerced)[0].tags[0], "env:\xEF\xBF\xBD");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].property, "Pyld50");
  // A second metadata merges with the first in libprotobuf.
  MetricPayload m1, m2;
  m1.add_series()->mutable_metadata()->mutable_origin()->set_origin_product(1);
  m2.add_series()->mutable_metadata()->mutable_origin()->set_origin_category(2);
  const std::string merged = m1.SerializeAsString() + m2.SerializeAsString();
  std::string one_series_two_meta = m1.series(0).SerializeAsString() + m2.series(0).SerializeAsString();
  const std::string twice = std::string("\x0A") + static_cast<char>(one_series_two_meta.size()) + one_series_two_meta;
  EXPECT_FALSE(decodeSeriesV2Direct(twice, d));
  notes.clear();
  auto m = decodeSeriesV2Protobuf(twice, notes);
  ASSERT_TRUE(m.isOk());
  EXPECT_EQ((*m)[0].origin->product, 1u);
  EXPECT_EQ((*m)[0].origin->category, 2u);
  EXPECT_TRUE(decodeSeriesV2Direct(merged, d));  // two series, one metadata each: mine
  // An unknown top-level field: refused with where and why.
  const std::string unknown = everyField().SerializeAsString() + std::string("\x10\x01", 2);
  EXPECT_FALSE(decodeSeriesV2Direct(unknown, d));
  auto refused = decodeSeriesV2Protobuf(unknown, notes);
  ASSERT_FALSE(refused.isOk());
  EXPECT_NE(refused.status().message().find("MetricPayload"), std::string::npos) << refused.status().message();
  // An unknown field inside a series (libprotobuf keeps it aside): declined, same values.
  std::string inner = everyField().series(0).SerializeAsString() + std::string("\x58\x01", 2);  // field 11
  const std::string nested = std::string("\x0A") + static_cast<char>(0x80 | (inner.size() & 0x7F)) +
                             static_cast<char>(inner.size() >> 7) + inner;
  EXPECT_FALSE(decodeSeriesV2Direct(nested, d));
  notes.clear();
  auto kept = decodeSeriesV2Protobuf(nested, notes);
  ASSERT_TRUE(kept.isOk()) << kept.status().message();
  MetricPayload first_only;
  *first_only.add_series() = everyField().series(0);
  EXPECT_EQ(asJson(*kept), asJson(*decodeSeriesV2WithLibprotobuf(first_only.SerializeAsString(), notes)));
}

// Damaged bodies (flipped bytes, truncations): whenever the direct decoder accepts one, it must
// agree with libprotobuf; whenever it declines, decodeSeriesV2Protobuf answers as libprotobuf does.
TEST(SeriesV2Direct, DamagedBodiesNeverDecodeDifferently) {
  MetricPayload agent;
  ASSERT_TRUE(agent.ParseFromString(inflateZlib(testData("series_v2_zlib.bin"))));
  MetricPayload mix = everyField();
  for (int i = 0; i < 12; ++i) *mix.add_series() = agent.series(i * 12);
  const std::string good = mix.SerializeAsString();
  expectSameAsLibprotobuf(good);
  std::mt19937 rng(7);
  int accepted = 0, declined = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string body = good;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) body[rng() % body.size()] = static_cast<char>(rng() & 0xFF);
    if (rng() % 4 == 0) body.resize(rng() % body.size());
    std::vector<DecodedSeries> direct;
    std::vector<DecodeNote> n1, n2;
    auto reference = decodeSeriesV2WithLibprotobuf(body, n1);
    if (decodeSeriesV2Direct(body, direct)) {
      ++accepted;
      ASSERT_TRUE(reference.isOk()) << "case " << i << ": " << reference.status().message();
      ASSERT_TRUE(n1.empty()) << "case " << i;
      ASSERT_EQ(asJson(direct), asJson(*reference)) << "case " << i;
    } else {
      ++declined;
      auto via = decodeSeriesV2Protobuf(body, n2);
      ASSERT_EQ(via.isOk(), reference.isOk()) << "case " << i;
      if (via.isOk()) {
        ASSERT_EQ(asJson(*via), asJson(*reference)) << "case " << i;
      }
    }
  }
  EXPECT_GT(accepted, 100);  // both branches are exercised
  EXPECT_GT(declined, 100);
}

// The intake answers from validateSeriesV2Direct and decodes afterwards (IntakeOptions::
// defer_decode), so it must accept exactly what decodeSeriesV2Direct accepts.
TEST(SeriesV2Direct, ValidatingAgreesWithDecodingOnEveryBody) {
  MetricPayload agent;
  ASSERT_TRUE(agent.ParseFromString(inflateZlib(testData("series_v2_zlib.bin"))));
  MetricPayload mix = everyField();
  for (int i = 0; i < 12; ++i) *mix.add_series() = agent.series(i * 12);
  MetricPayload bad_utf8 = everyField();
  bad_utf8.mutable_series(0)->set_tags(0, "env:\xFF");
  MetricPayload m1, m2;
  m1.add_series()->mutable_metadata()->mutable_origin()->set_origin_product(1);
  m2.add_series()->mutable_metadata()->mutable_origin()->set_origin_category(2);
  const std::string two_meta = m1.series(0).SerializeAsString() + m2.series(0).SerializeAsString();
  std::vector<std::string> bodies = {
      mix.SerializeAsString(),
      inflateZlib(testData("series_v2_zlib.bin")),
      bad_utf8.SerializePartialAsString(),                                        // declined
      std::string("\x0A") + static_cast<char>(two_meta.size()) + two_meta,       // declined
      m1.SerializeAsString() + m2.SerializeAsString(),                           // accepted
      everyField().SerializeAsString() + std::string("\x10\x01", 2),            // declined
      "",                                                                         // no series
  };
  std::mt19937 rng(11);
  const std::string good = bodies[0];
  for (int i = 0; i < 3000; ++i) {
    std::string body = good;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) body[rng() % body.size()] = static_cast<char>(rng() & 0xFF);
    if (rng() % 4 == 0) body.resize(rng() % body.size());
    bodies.push_back(std::move(body));
  }
  int accepted = 0;
  for (size_t i = 0; i < bodies.size(); ++i) {
    std::vector<DecodedSeries> d;
    const bool decoded = decodeSeriesV2Direct(bodies[i], d);
    ASSERT_EQ(validateSeriesV2Direct(bodies[i]), decoded) << "body " << i;
    ASSERT_EQ(decodesCleanly(RouteKind::kSeriesV2, "application/x-protobuf", bodies[i]), decoded) << "body " << i;
    accepted += decoded;
  }
  EXPECT_GT(accepted, 100);
  EXPECT_LT(accepted, static_cast<int>(bodies.size()) - 100);
  // Never for JSON, for "{}" (the full path's special case) or for other routes.
  EXPECT_FALSE(decodesCleanly(RouteKind::kSeriesV2, "application/json", good));
  EXPECT_FALSE(decodesCleanly(RouteKind::kSeriesV2, "application/x-protobuf", "{}"));
  EXPECT_FALSE(decodesCleanly(RouteKind::kSketches, "application/x-protobuf", good));
}

// An intake that frees its decoded form hands the series vector back for the next payload
// (decodeSeriesV2Direct refills it in place): whatever the vector held before, even a body that
// failed halfway, the result must equal a fresh decode.
TEST(SeriesV2Direct, AReusedVectorDecodesEveryBodyAsAFreshOne) {
  MetricPayload agent;
  ASSERT_TRUE(agent.ParseFromString(inflateZlib(testData("series_v2_zlib.bin"))));
  MetricPayload wide, narrow = everyField();
  for (int i = 0; i < 40; ++i) {
    auto* s = wide.add_series();
    s->set_metric("wide." + std::to_string(i));
    for (int t = 0; t < 30; ++t) s->add_tags("tag" + std::to_string(t) + ":" + std::string(20 + t, 'v'));
    for (int p = 0; p < 3; ++p) s->add_points()->set_value(p);
    s->add_resources()->set_name("host-" + std::string(30, 'h'));
    s->add_resources()->set_type("device");
  }
  narrow.mutable_series(0)->clear_tags();
  narrow.mutable_series(0)->clear_unit();
  narrow.mutable_series(0)->clear_metadata();
  std::vector<std::string> bodies = {wide.SerializeAsString(), narrow.SerializeAsString(), agent.SerializeAsString(),
                                     everyField().SerializeAsString(), "", wide.SerializeAsString()};
  std::mt19937 rng(5);
  for (int i = 0; i < 400; ++i) {
    std::string body = bodies[static_cast<size_t>(i) % 4];
    if (body.empty()) continue;
    if (i % 3 != 0) body[rng() % body.size()] = static_cast<char>(rng() & 0xFF);  // some still decode
    bodies.push_back(std::move(body));
  }
  int reused_ok = 0;
  for (bool reverse : {false, true}) {
    std::vector<DecodedSeries> reused;
    for (size_t k = 0; k < bodies.size(); ++k) {
      const std::string& body = bodies[reverse ? bodies.size() - 1 - k : k];
      std::vector<DecodedSeries> fresh;
      const bool fresh_ok = decodeSeriesV2Direct(body, fresh);
      ASSERT_EQ(decodeSeriesV2Direct(body, reused), fresh_ok) << "body " << k;
      if (fresh_ok) {
        ASSERT_EQ(asJson(reused), asJson(fresh)) << "body " << k << (reverse ? " (reverse)" : "");
        ++reused_ok;
      }
    }
  }
  EXPECT_GT(reused_ok, 200);
}

}  // namespace
}  // namespace ddsim::fakeintake
