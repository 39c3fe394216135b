#include "core/serializer/zstd_compressor.h"

#include <zstd.h>

#include <algorithm>
#include <string>

namespace ddsim::serializer {
namespace {

constexpr size_t kOutChunk = 32 * 1024;

common::Status zstdError(const char* what, size_t rc) {
  return common::dataLoss(std::string(what) + " failed: " + ZSTD_getErrorName(rc));
}

class ZstdStream final : public StreamCompressor {
 public:
  explicit ZstdStream(int level) : cctx_(ZSTD_createCCtx()) {
    if (cctx_ != nullptr) ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level);
  }
  ~ZstdStream() override { ZSTD_freeCCtx(cctx_); }

  common::Status reset(ByteBuffer* out) override {
    if (cctx_ == nullptr) return common::Status(common::StatusCode::kResourceExhausted, "ZSTD_createCCtx failed");
    size_t rc = ZSTD_CCtx_reset(cctx_, ZSTD_reset_session_only);
    if (ZSTD_isError(rc)) return zstdError("ZSTD_CCtx_reset", rc);
    out_ = out;
    return {};
  }
  common::Status write(std::string_view data) override {
    if (data.empty()) return {};
    return run(data, ZSTD_e_continue);
  }
  common::Status flush() override { return run({}, ZSTD_e_flush); }
  common::Status close() override { return run({}, ZSTD_e_end); }

 private:
  common::Status run(std::string_view data, ZSTD_EndDirective mode) {
    if (out_ == nullptr) return common::failedPrecondition("zstd stream used before reset()");
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    for (;;) {
      size_t room = std::max(kOutChunk, out_->spare());
      ZSTD_outBuffer ob{out_->prepare(room), room, 0};
      size_t remaining = ZSTD_compressStream2(cctx_, &ob, &in, mode);
      out_->commit(ob.pos);
      if (ZSTD_isError(remaining)) return zstdError("ZSTD_compressStream2", remaining);
      if (mode == ZSTD_e_continue ? in.pos == in.size : remaining == 0) return {};
    }
  }

  ZSTD_CCtx* cctx_;
  ByteBuffer* out_ = nullptr;
};

class ZstdCompressor final : public Compressor {
 public:
  explicit ZstdCompressor(int level) : level_(std::clamp(level, ZSTD_minCLevel(), ZSTD_maxCLevel())) {}

  CompressorKind kind() const override { return CompressorKind::kZstd; }
  std::string_view contentEncoding() const override { return "zstd"; }
  size_t compressBound(size_t n) const override { return ZSTD_compressBound(n); }
  common::Status compress(std::string_view in, ByteBuffer* out) const override {
    ZstdStream s(level_);
    if (auto st = s.reset(out); !st.isOk()) return st;
    if (auto st = s.write(in); !st.isOk()) return st;
    return s.close();
  }
  common::Status decompress(std::string_view in, ByteBuffer* out, size_t max_output) const override {
    ZSTD_DCtx* d = ZSTD_createDCtx();
    if (d == nullptr) return common::Status(common::StatusCode::kResourceExhausted, "ZSTD_createDCtx failed");
    ZSTD_inBuffer ib{in.data(), in.size(), 0};
    size_t produced = 0;
    common::Status result;
    // Several frames may follow each other; legacy frames are accepted where libzstd has them.
    while (ib.size > 0) {
      size_t room = std::max(kOutChunk, out->spare());
      ZSTD_outBuffer ob{out->prepare(room), room, 0};
      size_t hint = ZSTD_decompressStream(d, &ob, &ib);
      out->commit(ob.pos);
      produced += ob.pos;
      if (ZSTD_isError(hint)) {
        result = zstdError("ZSTD_decompressStream", hint);
        break;
      }
      if (produced > max_output) {
        result = common::Status(common::StatusCode::kResourceExhausted,
                                "decompressed size exceeds " + std::to_string(max_output) + " bytes");
        break;
      }
      if (ib.pos == ib.size) {
        if (hint == 0) break;  // the last frame is complete and flushed
        if (ob.pos < room) {   // the decoder waits for input that is not there
          result = common::dataLoss("truncated zstd frame");
          break;
        }
      }
    }
    ZSTD_freeDCtx(d);
    return result;
  }
  std::unique_ptr<StreamCompressor> newStream() const override { return std::make_unique<ZstdStream>(level_); }

 private:
  int level_;
};

}  // namespace

std::unique_ptr<Compressor> makeZstdCompressor(int level) { return std::make_unique<ZstdCompressor>(level); }

}  // namespace ddsim::serializer
