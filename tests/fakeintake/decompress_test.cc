// Content-Encoding handling (anchors.md §1.5: deflate = zlib, gzip, identity; zstd as the agent
// sends since 2024-12, spec §5.10) and the decompressed-size cap.
#include "fakeintake/core/decompress.h"

#include <gtest/gtest.h>

#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using common::StatusCode;
using testing::gzipCompress;
using testing::zlibCompress;
using testing::zstdCompress;

TEST(ContentEncoding, ParsesTheAgentsLabels) {
  struct Case {
    const char* header;
    ContentEncoding want;
  } cases[] = {
      {"", ContentEncoding::kIdentity},     {"identity", ContentEncoding::kIdentity},
      {"deflate", ContentEncoding::kDeflate}, {"DEFLATE", ContentEncoding::kDeflate},
      {" gzip ", ContentEncoding::kGzip},   {"zstd", ContentEncoding::kZstd},
      {"zstd1", ContentEncoding::kZstd},
      {"br", ContentEncoding::kUnsupported}, {"deflate, gzip", ContentEncoding::kUnsupported},
  };
  for (const auto& c : cases) EXPECT_EQ(parseContentEncoding(c.header), c.want) << c.header;
}

TEST(Decompress, RoundTripsEveryEncoding) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "datadog.dogstatsd.client.metrics:" + std::to_string(i) + ",";
  struct Case {
    ContentEncoding enc;
    std::string body;
  } cases[] = {{ContentEncoding::kIdentity, text},
               {ContentEncoding::kDeflate, zlibCompress(text)},
               {ContentEncoding::kGzip, gzipCompress(text)},
               {ContentEncoding::kZstd, zstdCompress(text, 5)}};
  for (const auto& c : cases) {
    auto out = decompress(c.enc, c.body, 64u << 20);
    ASSERT_TRUE(out.isOk()) << contentEncodingName(c.enc) << ": " << out.status().toString();
    EXPECT_EQ(*out, text) << contentEncodingName(c.enc);
  }
}

TEST(Decompress, ConcatenatedGzipMembersAndZstdFrames) {
  auto g = decompress(ContentEncoding::kGzip, gzipCompress("hello ") + gzipCompress("world"), 1024);
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  EXPECT_EQ(*g, "hello world");
  auto z = decompress(ContentEncoding::kZstd, zstdCompress("hello ") + zstdCompress("world"), 1024);
  ASSERT_TRUE(z.isOk()) << z.status().toString();
  EXPECT_EQ(*z, "hello world");
}

TEST(Decompress, BadInputIsADataLossWithTheOffset) {
  const std::string text(10000, 'x');
  const std::string z = zlibCompress(text);
  const std::string zs = zstdCompress(text);
  struct Case {
    const char* name;
    ContentEncoding enc;
    std::string body;
    const char* message_part;
  } cases[] = {
      {"plain text labelled deflate", ContentEncoding::kDeflate, "{\"series\":[]}", "corrupt at input byte"},
      {"gzip labelled deflate", ContentEncoding::kDeflate, gzipCompress(text), "corrupt"},
      {"truncated zlib", ContentEncoding::kDeflate, z.substr(0, z.size() / 2), "truncated"},
      {"zlib with trailing garbage", ContentEncoding::kDeflate, z + "garbage", "trailing bytes"},
      {"empty deflate body", ContentEncoding::kDeflate, "", "empty"},
      {"plain text labelled gzip", ContentEncoding::kGzip, "hello", "corrupt"},
      {"plain text labelled zstd", ContentEncoding::kZstd, "hello world", "zstd"},
      {"truncated zstd", ContentEncoding::kZstd, zs.substr(0, zs.size() - 3), "truncated"},
  };
  for (const auto& c : cases) {
    auto out = decompress(c.enc, c.body, 1 << 20);
    ASSERT_FALSE(out.isOk()) << c.name;
    EXPECT_EQ(out.status().code(), StatusCode::kDataLoss) << c.name;
    EXPECT_NE(out.status().message().find(c.message_part), std::string::npos)
        << c.name << ": " << out.status().message();
  }
}

TEST(Decompress, CapStopsBombsWithoutExhaustingMemory) {
  // 64 MiB of zeros compress to a few KB; the cap of 1 MiB must stop each decoder early.
  const size_t big = 64u << 20;
  std::string zeros(4u << 20, '\0');
  // Build the compressed bombs by streaming the same 4 MiB block 16 times.
  z_stream zs{};
  deflateInit(&zs, 9);
  std::string zbomb(1 << 20, '\0');
  zs.next_out = reinterpret_cast<Bytef*>(zbomb.data());
  zs.avail_out = static_cast<uInt>(zbomb.size());
  for (size_t done = 0; done < big; done += zeros.size()) {
    zs.next_in = reinterpret_cast<Bytef*>(zeros.data());
    zs.avail_in = static_cast<uInt>(zeros.size());
    deflate(&zs, done + zeros.size() >= big ? Z_FINISH : Z_NO_FLUSH);
  }
  zbomb.resize(zs.total_out);
  deflateEnd(&zs);

  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setPledgedSrcSize(cctx, big);
  std::string sbomb(1 << 20, '\0');
  ZSTD_outBuffer out{sbomb.data(), sbomb.size(), 0};
  for (size_t done = 0; done < big; done += zeros.size()) {
    ZSTD_inBuffer in{zeros.data(), zeros.size(), 0};
    ZSTD_EndDirective mode = done + zeros.size() >= big ? ZSTD_e_end : ZSTD_e_continue;
    while (in.pos < in.size || (mode == ZSTD_e_end && ZSTD_compressStream2(cctx, &out, &in, mode) != 0)) {
      ZSTD_compressStream2(cctx, &out, &in, mode);
    }
  }
  sbomb.resize(out.pos);
  ZSTD_freeCCtx(cctx);
  ASSERT_LT(zbomb.size(), 1u << 20);
  ASSERT_LT(sbomb.size(), 1u << 20);

  for (auto [enc, body] : {std::pair{ContentEncoding::kDeflate, zbomb}, std::pair{ContentEncoding::kZstd, sbomb}}) {
    auto r = decompress(enc, body, 1u << 20);
    ASSERT_FALSE(r.isOk()) << contentEncodingName(enc);
    EXPECT_EQ(r.status().code(), StatusCode::kOutOfRange) << r.status().toString();
  }
  // zstd declares its content size: refused before decoding anything.
  auto declared = decompress(ContentEncoding::kZstd, sbomb, 1u << 20);
  EXPECT_NE(declared.status().message().find("declares"), std::string::npos) << declared.status().message();
  // Identity is capped too, and exactly-at-the-cap passes.
  EXPECT_EQ(decompress(ContentEncoding::kIdentity, std::string(11, 'a'), 10).status().code(), StatusCode::kOutOfRange);
  EXPECT_TRUE(decompress(ContentEncoding::kZstd, zstdCompress(std::string(10, 'a')), 10).isOk());
  EXPECT_TRUE(decompress(ContentEncoding::kDeflate, zlibCompress(std::string(10, 'a')), 10).isOk());
  EXPECT_EQ(decompress(ContentEncoding::kDeflate, zlibCompress(std::string(11, 'a')), 10).status().code(),
            StatusCode::kOutOfRange);
}

TEST(Decompress, UnsupportedEncodingIsInvalidArgument) {
  EXPECT_EQ(decompress(ContentEncoding::kUnsupported, "x", 10).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ddsim::fakeintake
