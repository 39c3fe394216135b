#include "core/serializer/deflate_compressor.h"

#include <zlib.h>

#include <algorithm>
#include <string>

namespace ddsim::serializer {
namespace {

constexpr size_t kOutChunk = 32 * 1024;

int windowBits(bool gzip) { return gzip ? 15 + 16 : 15; }

common::Status zError(const char* what, int rc, const z_stream& s) {
  std::string m = std::string(what) + " failed (zlib rc " + std::to_string(rc) + ")";
  if (s.msg != nullptr) m += ": " + std::string(s.msg);
  return rc == Z_MEM_ERROR ? common::Status(common::StatusCode::kResourceExhausted, m)
                           : common::dataLoss(m);
}

class DeflateStream final : public StreamCompressor {
 public:
  DeflateStream(bool gzip, int level) {
    // deflateInit2 is a macro with an old-style cast inside.
    init_rc_ = deflateInit2(&strm_, level, Z_DEFLATED, windowBits(gzip), 8, Z_DEFAULT_STRATEGY);
  }
  ~DeflateStream() override {
    if (init_rc_ == Z_OK) deflateEnd(&strm_);
  }

  common::Status reset(ByteBuffer* out) override {
    if (init_rc_ != Z_OK) return zError("deflateInit2", init_rc_, strm_);
    out_ = out;
    int rc = deflateReset(&strm_);
    if (rc != Z_OK) return zError("deflateReset", rc, strm_);
    return {};
  }
  common::Status write(std::string_view data) override {
    if (data.empty()) return {};
    return run(data, Z_NO_FLUSH);
  }
  common::Status flush() override { return run({}, Z_SYNC_FLUSH); }
  common::Status close() override { return run({}, Z_FINISH); }

 private:
  common::Status run(std::string_view data, int mode) {
    if (out_ == nullptr) return common::failedPrecondition("deflate stream used before reset()");
    strm_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    strm_.avail_in = static_cast<uInt>(data.size());
    for (;;) {
      size_t room = std::max(kOutChunk, out_->spare());
      char* dst = out_->prepare(room);
      strm_.next_out = reinterpret_cast<Bytef*>(dst);
      strm_.avail_out = static_cast<uInt>(room);
      int rc = deflate(&strm_, mode);
      out_->commit(room - strm_.avail_out);
      if (rc == Z_STREAM_END) return {};
      if (rc != Z_OK && rc != Z_BUF_ERROR) return zError("deflate", rc, strm_);
      // Done once all input is taken and deflate left output space unused (nothing pending).
      if (strm_.avail_in == 0 && strm_.avail_out != 0 && mode != Z_FINISH) return {};
    }
  }

  z_stream strm_{};
  int init_rc_ = Z_OK;
  ByteBuffer* out_ = nullptr;
};

class DeflateCompressor final : public Compressor {
 public:
  DeflateCompressor(bool gzip, int level) : gzip_(gzip), level_(std::clamp(level, 0, 9)) {}

  CompressorKind kind() const override { return gzip_ ? CompressorKind::kGzip : CompressorKind::kZlib; }
  std::string_view contentEncoding() const override { return gzip_ ? "gzip" : "deflate"; }
  size_t compressBound(size_t n) const override {
    // agent behaviour: zlib n + n>>12 + n>>14 + n>>25 + 13 (spec §5.7); the gzip strategy uses
    // the same shape with 33 bytes of fixed overhead.
    return n + (n >> 12) + (n >> 14) + (n >> 25) + (gzip_ ? 33 : 13);
  }
  common::Status compress(std::string_view in, ByteBuffer* out) const override {
    DeflateStream s(gzip_, level_);
    if (auto st = s.reset(out); !st.isOk()) return st;
    if (auto st = s.write(in); !st.isOk()) return st;
    return s.close();
  }
  common::Status decompress(std::string_view in, ByteBuffer* out, size_t max_output) const override {
    z_stream s{};
    int rc = inflateInit2(&s, windowBits(gzip_));
    if (rc != Z_OK) return zError("inflateInit2", rc, s);
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    s.avail_in = static_cast<uInt>(in.size());
    size_t produced = 0;
    common::Status result;
    for (;;) {
      size_t room = std::max(kOutChunk, out->spare());
      char* dst = out->prepare(room);
      s.next_out = reinterpret_cast<Bytef*>(dst);
      s.avail_out = static_cast<uInt>(room);
      rc = inflate(&s, Z_NO_FLUSH);
      size_t got = room - s.avail_out;
      out->commit(got);
      produced += got;
      if (produced > max_output) {
        result = common::Status(common::StatusCode::kResourceExhausted,
                                "decompressed size exceeds " + std::to_string(max_output) + " bytes");
        break;
      }
      if (rc == Z_STREAM_END) {
        if (s.avail_in != 0) result = common::dataLoss("trailing bytes after the compressed stream");
        break;
      }
      if (rc == Z_BUF_ERROR && s.avail_in == 0) {
        result = common::dataLoss("truncated compressed stream");
        break;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        result = zError("inflate", rc, s);
        break;
      }
    }
    inflateEnd(&s);
    return result;
  }
  std::unique_ptr<StreamCompressor> newStream() const override {
    return std::make_unique<DeflateStream>(gzip_, level_);
  }

 private:
  bool gzip_;
  int level_;
};

}  // namespace

std::unique_ptr<Compressor> makeDeflateCompressor(bool gzip, int level) {
  return std::make_unique<DeflateCompressor>(gzip, level);
}

}  // namespace ddsim::serializer
