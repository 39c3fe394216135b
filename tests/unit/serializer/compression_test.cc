// Compressors (spec §5.7 CompressBound, §5.10 kinds and Content-Encoding).
#include "core/serializer/compression.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "core/common/random.h"
#include "tests/unit/serializer/serializer_test_support.h"

namespace ddsim::serializer {
namespace {

std::string sampleText(size_t n, uint64_t seed = 7) {
  common::Random r(seed);
  std::string s;
  static const char* words[] = {"metric", "host:", "env:prod", "service:web", "1700000000", "\"tags\":[", "0.25"};
  while (s.size() < n) s += words[r.uniformInt(0, 6)];
  s.resize(n);
  return s;
}

std::string randomBytes(size_t n, uint64_t seed = 9) {
  common::Random r(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(r.nextU64());
  return s;
}

// Spec §5.10 (and today's agent for gzip / zstd as default).
struct KindCase {
  CompressorKind kind;
  std::string_view name;
  std::string_view encoding;
  bool has_stream;
};

TEST(CompressionTest, KindsNamesAndContentEncoding) {
  const KindCase cases[] = {
      {CompressorKind::kZlib, "zlib", "deflate", true},
      {CompressorKind::kZstd, "zstd", "zstd", true},
      {CompressorKind::kGzip, "gzip", "gzip", true},
      {CompressorKind::kNone, "none", "", false},
  };
  for (const auto& c : cases) {
    auto comp = makeCompressor(c.kind);
    EXPECT_EQ(comp->kind(), c.kind);
    EXPECT_EQ(compressorKindName(c.kind), c.name);
    EXPECT_EQ(comp->contentEncoding(), c.encoding) << c.name;
    EXPECT_EQ(comp->newStream() != nullptr, c.has_stream) << c.name;
    bool unknown = true;
    EXPECT_EQ(compressorKindFromName(c.name, &unknown), c.kind);
    EXPECT_FALSE(unknown);
  }
  bool unknown = false;
  // agent behaviour: an unknown kind means no compression (spec §5.10).
  EXPECT_EQ(compressorKindFromName("lz4", &unknown), CompressorKind::kNone);
  EXPECT_TRUE(unknown);
}

TEST(CompressionTest, DefaultsAreTodaysAgent) {
  CompressionOptions o;
  EXPECT_EQ(o.kind, CompressorKind::kZstd);
  EXPECT_EQ(o.zstd_level, 1);
  EXPECT_EQ(o.zlib_level, 6);
  EXPECT_FALSE(o.none_streams);
}

// Spec §5.7: CompressBound formulas.
TEST(CompressionTest, CompressBoundFormulas) {
  struct Case {
    size_t n;
    size_t zlib;
    size_t gzip;
  };
  const Case cases[] = {
      {0, 13, 33},
      {1, 14, 34},
      {4096, 4096 + 1 + 0 + 13, 4096 + 1 + 33},
      {16384, 16384 + 4 + 1 + 13, 16384 + 4 + 1 + 33},
      {512000, 512000 + 125 + 31 + 0 + 13, 512000 + 125 + 31 + 33},
      {size_t{1} << 25, (size_t{1} << 25) + 8192 + 2048 + 1 + 13, (size_t{1} << 25) + 8192 + 2048 + 1 + 33},
  };
  auto zlib = makeCompressor(CompressorKind::kZlib);
  auto gzip = makeCompressor(CompressorKind::kGzip);
  auto zstd = makeCompressor(CompressorKind::kZstd);
  auto none = makeCompressor(CompressorKind::kNone);
  for (const auto& c : cases) {
    EXPECT_EQ(zlib->compressBound(c.n), c.zlib) << c.n;
    EXPECT_EQ(gzip->compressBound(c.n), c.gzip) << c.n;
    EXPECT_EQ(none->compressBound(c.n), c.n);
    // libzstd's ZSTD_COMPRESSBOUND: n + n/256 + (n < 128 KiB ? (128 KiB - n) >> 11 : 0).
    const size_t zstd_bound = c.n + (c.n >> 8) + (c.n < (128u << 10) ? ((128u << 10) - c.n) >> 11 : 0);
    EXPECT_EQ(zstd->compressBound(c.n), zstd_bound) << c.n;
  }
}

TEST(CompressionTest, OneShotRoundTripsAndBoundHolds) {
  for (auto kind : {CompressorKind::kZlib, CompressorKind::kZstd, CompressorKind::kGzip, CompressorKind::kNone}) {
    auto c = makeCompressor(kind);
    for (const std::string& input : {std::string(), sampleText(100), sampleText(300000), randomBytes(70000)}) {
      ByteBuffer out;
      ASSERT_TRUE(c->compress(input, &out).isOk());
      EXPECT_LE(out.size(), c->compressBound(input.size())) << compressorKindName(kind) << " " << input.size();
      EXPECT_EQ(testing::decompress(*c, out.view()), input) << compressorKindName(kind);
    }
  }
}

// "deflate" is zlib-wrapped (spec §9.10): the system zlib's uncompress() must read it.
TEST(CompressionTest, ZlibOutputIsZlibWrapped) {
  const std::string input = sampleText(5000);
  ByteBuffer out;
  ASSERT_TRUE(makeCompressor(CompressorKind::kZlib)->compress(input, &out).isOk());
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(static_cast<uint8_t>(out.data()[0]), 0x78);
  std::string back(input.size(), '\0');
  uLongf len = back.size();
  ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(back.data()), &len, reinterpret_cast<const Bytef*>(out.data()), out.size()),
            Z_OK);
  EXPECT_EQ(back, input);
}

TEST(CompressionTest, GzipOutputHasGzipMagic) {
  ByteBuffer out;
  ASSERT_TRUE(makeCompressor(CompressorKind::kGzip)->compress("hello", &out).isOk());
  EXPECT_EQ(static_cast<uint8_t>(out.data()[0]), 0x1f);
  EXPECT_EQ(static_cast<uint8_t>(out.data()[1]), 0x8b);
}

// A sync flush makes everything written so far decodable before the stream is closed: what the
// payload compressor's "pack" relies on (spec §5.7).
TEST(CompressionTest, StreamSyncFlushAndReuse) {
  for (auto kind : {CompressorKind::kZlib, CompressorKind::kZstd, CompressorKind::kGzip}) {
    auto c = makeCompressor(kind);
    auto s = c->newStream();
    ASSERT_NE(s, nullptr);
    for (int round = 0; round < 3; ++round) {  // reset() reuses the stream
      ByteBuffer out;
      ASSERT_TRUE(s->reset(&out).isOk());
      const std::string a = sampleText(40000, round), b = sampleText(70000, round + 10);
      ASSERT_TRUE(s->write(a).isOk());
      ASSERT_TRUE(s->flush().isOk());
      const size_t after_flush = out.size();
      EXPECT_GT(after_flush, 0u);
      ASSERT_TRUE(s->write(b).isOk());
      ASSERT_TRUE(s->close().isOk());
      EXPECT_GT(out.size(), after_flush);
      EXPECT_EQ(testing::decompress(*c, out.view()), a + b) << compressorKindName(kind);
    }
  }
}

TEST(CompressionTest, NoneStreamsOnlyWhenAsked) {
  CompressionOptions o;
  o.kind = CompressorKind::kNone;
  EXPECT_EQ(makeCompressor(o)->newStream(), nullptr);
  o.none_streams = true;
  auto c = makeCompressor(o);
  auto s = c->newStream();
  ASSERT_NE(s, nullptr);
  ByteBuffer out;
  ASSERT_TRUE(s->reset(&out).isOk());
  ASSERT_TRUE(s->write("abc").isOk());
  ASSERT_TRUE(s->flush().isOk());
  ASSERT_TRUE(s->write("def").isOk());
  ASSERT_TRUE(s->close().isOk());
  EXPECT_EQ(out.view(), "abcdef");
}

TEST(CompressionTest, DecompressRejectsCorruptTruncatedAndOversized) {
  for (auto kind : {CompressorKind::kZlib, CompressorKind::kZstd, CompressorKind::kGzip}) {
    auto c = makeCompressor(kind);
    const std::string input = sampleText(100000);
    ByteBuffer z;
    ASSERT_TRUE(c->compress(input, &z).isOk());
    const std::string good = z.toString();

    ByteBuffer out;
    auto st = c->decompress(std::string_view(good).substr(0, good.size() / 2), &out, 1 << 20);
    EXPECT_EQ(st.code(), common::StatusCode::kDataLoss) << compressorKindName(kind) << " " << st.toString();

    std::string bad = good;
    for (size_t i = 0; i < 8 && i < bad.size(); ++i) bad[i] = static_cast<char>(~bad[i]);
    out.clear();
    EXPECT_FALSE(c->decompress(bad, &out, 1 << 20).isOk()) << compressorKindName(kind);

    out.clear();
    st = c->decompress(good, &out, 1000);
    EXPECT_EQ(st.code(), common::StatusCode::kResourceExhausted) << compressorKindName(kind);
  }
}

}  // namespace
}  // namespace ddsim::serializer
