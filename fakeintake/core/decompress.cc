#include "fakeintake/core/decompress.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>

namespace ddsim::fakeintake {

using common::Result;
using common::Status;
using common::StatusCode;

namespace {

constexpr size_t kChunk = 64 * 1024;

std::string lowerTrim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Status tooLarge(size_t max_output) {
  return Status(StatusCode::kOutOfRange,
                "decompressed body exceeds the limit of " + std::to_string(max_output) + " bytes");
}

// zlib (windowBits 15) or gzip (windowBits 31, several members allowed).
Result<std::string> inflateBody(std::string_view body, size_t max_output, bool gzip) {
  const char* what = gzip ? "gzip" : "deflate (zlib)";
  if (body.empty()) {
    return Status(StatusCode::kDataLoss, std::string(what) + " body is empty");
  }
  std::string out;
  out.reserve(std::min(max_output, std::max(body.size() * 4, kChunk)));
  size_t pos = 0;
  while (pos < body.size()) {
    z_stream zs{};
    if (inflateInit2(&zs, gzip ? 15 + 16 : 15) != Z_OK) {
      return Status(StatusCode::kInternal, "inflateInit2 failed");
    }
    std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
    const size_t member_start = pos;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data() + pos));
    zs.avail_in = static_cast<uInt>(std::min<size_t>(body.size() - pos, 1u << 30));
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
      if (out.size() >= max_output) {
        // Output is full: any further byte means the cap is exceeded. Probe with a small buffer.
        char probe[1];
        zs.next_out = reinterpret_cast<Bytef*>(probe);
        zs.avail_out = 1;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (zs.avail_out == 0) return tooLarge(max_output);
        if (rc == Z_STREAM_END) break;
        if (rc != Z_OK) break;
        continue;
      }
      size_t old = out.size();
      size_t grow = std::min(kChunk, max_output - old);
      out.resize(old + grow);
      zs.next_out = reinterpret_cast<Bytef*>(out.data() + old);
      zs.avail_out = static_cast<uInt>(grow);
      rc = inflate(&zs, Z_NO_FLUSH);
      out.resize(old + grow - zs.avail_out);
      if (rc == Z_STREAM_END) break;
      if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
        return Status(StatusCode::kDataLoss,
                      std::string(what) + " stream truncated after " + std::to_string(body.size()) +
                          " input bytes (" + std::to_string(out.size()) + " bytes decompressed)");
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) break;
    }
    if (rc != Z_STREAM_END) {
      size_t at = member_start + zs.total_in;
      return Status(StatusCode::kDataLoss,
                    std::string(what) + " data is corrupt at input byte " + std::to_string(at) +
                        ": " + (zs.msg ? zs.msg : "inflate error " + std::to_string(rc)));
    }
    pos = member_start + zs.total_in;
    if (!gzip && pos < body.size()) {
      return Status(StatusCode::kDataLoss, "deflate (zlib) stream ends at byte " +
                                               std::to_string(pos) + " but the body has " +
                                               std::to_string(body.size() - pos) + " trailing bytes");
    }
  }
  return out;
}

// One frame whose header declares its size (what the agent sends): decoded in one call with
// this thread's reused context, instead of a context built and freed per body (its allocation
// and page faults showed in perf, not in instruction counts). Empty when the body is anything
// else or does not decode: the streaming path below then decides, with its precise errors.
std::optional<std::string> zstdSingleFrame(std::string_view body, size_t max_output) {
  const unsigned long long declared = ZSTD_getFrameContentSize(body.data(), body.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR || declared == ZSTD_CONTENTSIZE_UNKNOWN || declared > max_output) {
    return std::nullopt;
  }
  const size_t frame = ZSTD_findFrameCompressedSize(body.data(), body.size());
  if (ZSTD_isError(frame) || frame != body.size()) return std::nullopt;
  thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!dctx) return std::nullopt;
  std::string out(static_cast<size_t>(declared), '\0');
  const size_t rc = ZSTD_decompressDCtx(dctx.get(), out.data(), out.size(), body.data(), body.size());
  if (ZSTD_isError(rc) || rc != out.size()) return std::nullopt;
  return out;
}

Result<std::string> zstdBody(std::string_view body, size_t max_output) {
  if (body.empty()) return Status(StatusCode::kDataLoss, "zstd body is empty");
  if (auto whole = zstdSingleFrame(body, max_output)) return std::move(*whole);
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!dctx) return Status(StatusCode::kInternal, "ZSTD_createDCtx failed");
  std::string out;
  unsigned long long declared = ZSTD_getFrameContentSize(body.data(), body.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) {
    return Status(StatusCode::kDataLoss, "zstd body does not start with a zstd frame");
  }
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN) {
    if (declared > max_output) {
      return Status(StatusCode::kOutOfRange, "zstd frame declares " + std::to_string(declared) +
                                                 " decompressed bytes, over the limit of " +
                                                 std::to_string(max_output));
    }
    out.reserve(static_cast<size_t>(declared));
  } else {
    out.reserve(std::min(max_output, std::max(body.size() * 4, kChunk)));
  }
  ZSTD_inBuffer in{body.data(), body.size(), 0};
  auto corrupt = [&](size_t rc) {
    return Status(StatusCode::kDataLoss, std::string("zstd data is corrupt at input byte ") +
                                             std::to_string(in.pos) + ": " + ZSTD_getErrorName(rc));
  };
  auto truncated = [&] {
    return Status(StatusCode::kDataLoss, "zstd stream truncated after " +
                                             std::to_string(body.size()) + " input bytes (" +
                                             std::to_string(out.size()) + " bytes decompressed)");
  };
  while (true) {
    if (out.size() >= max_output) {
      // Output is at the cap: one more byte means the body is too large.
      char probe[1];
      ZSTD_outBuffer po{probe, 1, 0};
      size_t rc = ZSTD_decompressStream(dctx.get(), &po, &in);
      if (ZSTD_isError(rc)) return corrupt(rc);
      if (po.pos > 0) return tooLarge(max_output);
      if (in.pos == in.size) {
        if (rc == 0) break;
        return truncated();
      }
      continue;
    }
    size_t old = out.size();
    size_t grow = std::min(std::max(kChunk, out.capacity() - old), max_output - old);
    out.resize(old + grow);
    ZSTD_outBuffer ob{out.data() + old, grow, 0};
    size_t rc = ZSTD_decompressStream(dctx.get(), &ob, &in);
    out.resize(old + ob.pos);
    if (ZSTD_isError(rc)) return corrupt(rc);
    // rc == 0: the current frame is complete and fully flushed.
    if (rc == 0 && in.pos == in.size) break;
    // All input consumed, the decoder had room left, and the frame is not complete.
    if (in.pos == in.size && ob.pos < grow) return truncated();
  }
  return out;
}

}  // namespace

ContentEncoding parseContentEncoding(std::string_view header) {
  std::string e = lowerTrim(header);
  if (e.empty() || e == "identity") return ContentEncoding::kIdentity;
  if (e == "deflate") return ContentEncoding::kDeflate;
  if (e == "gzip" || e == "x-gzip") return ContentEncoding::kGzip;
  // "zstd1" is what the official API clients send for zstd-compressed metric submissions.
  if (e == "zstd" || e == "zstd1") return ContentEncoding::kZstd;
  return ContentEncoding::kUnsupported;
}

std::string_view contentEncodingName(ContentEncoding e) {
  switch (e) {
    case ContentEncoding::kIdentity: return "identity";
    case ContentEncoding::kDeflate: return "deflate";
    case ContentEncoding::kGzip: return "gzip";
    case ContentEncoding::kZstd: return "zstd";
    case ContentEncoding::kUnsupported: return "unsupported";
  }
  return "unsupported";
}

Result<std::string> decompress(ContentEncoding encoding, std::string_view body, size_t max_output) {
  switch (encoding) {
    case ContentEncoding::kIdentity:
      if (body.size() > max_output) return tooLarge(max_output);
      return std::string(body);
    case ContentEncoding::kDeflate: return inflateBody(body, max_output, false);
    case ContentEncoding::kGzip: return inflateBody(body, max_output, true);
    case ContentEncoding::kZstd: return zstdBody(body, max_output);
    case ContentEncoding::kUnsupported: break;
  }
  return Status(StatusCode::kInvalidArgument, "unsupported Content-Encoding");
}

}  // namespace ddsim::fakeintake
