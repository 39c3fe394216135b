#include "core/serializer/compression.h"

#include <string>

#include "core/serializer/deflate_compressor.h"
#include "core/serializer/zstd_compressor.h"

namespace ddsim::serializer {
namespace {

// An identity stream (ddsim extension for "none", see CompressionOptions::none_streams).
class IdentityStream final : public StreamCompressor {
 public:
  common::Status reset(ByteBuffer* out) override {
    out_ = out;
    return {};
  }
  common::Status write(std::string_view data) override {
    if (out_ == nullptr) return common::failedPrecondition("identity stream used before reset()");
    out_->append(data);
    return {};
  }
  common::Status flush() override { return {}; }
  common::Status close() override { return {}; }

 private:
  ByteBuffer* out_ = nullptr;
};

// agent behaviour: the no-op strategy has no stream compressor (spec §5.10).
class NoneCompressor final : public Compressor {
 public:
  explicit NoneCompressor(bool streams) : streams_(streams) {}
  CompressorKind kind() const override { return CompressorKind::kNone; }
  std::string_view contentEncoding() const override { return {}; }
  size_t compressBound(size_t n) const override { return n; }
  common::Status compress(std::string_view in, ByteBuffer* out) const override {
    out->append(in);
    return {};
  }
  common::Status decompress(std::string_view in, ByteBuffer* out, size_t max_output) const override {
    if (in.size() > max_output) {
      return common::Status(common::StatusCode::kResourceExhausted,
                            "payload of " + std::to_string(in.size()) + " bytes exceeds " +
                                std::to_string(max_output));
    }
    out->append(in);
    return {};
  }
  std::unique_ptr<StreamCompressor> newStream() const override {
    if (!streams_) return nullptr;
    return std::make_unique<IdentityStream>();
  }

 private:
  bool streams_;
};

}  // namespace

std::string_view compressorKindName(CompressorKind kind) {
  switch (kind) {
    case CompressorKind::kZlib: return "zlib";
    case CompressorKind::kZstd: return "zstd";
    case CompressorKind::kGzip: return "gzip";
    case CompressorKind::kNone: return "none";
  }
  return "none";
}

CompressorKind compressorKindFromName(std::string_view name, bool* unknown) {
  if (unknown != nullptr) *unknown = false;
  if (name == "zlib") return CompressorKind::kZlib;
  if (name == "zstd") return CompressorKind::kZstd;
  if (name == "gzip") return CompressorKind::kGzip;
  if (name != "none" && unknown != nullptr) *unknown = true;
  return CompressorKind::kNone;
}

std::unique_ptr<Compressor> makeCompressor(const CompressionOptions& options) {
  switch (options.kind) {
    case CompressorKind::kZlib: return makeDeflateCompressor(false, options.zlib_level);
    case CompressorKind::kGzip: return makeDeflateCompressor(true, options.gzip_level);
    case CompressorKind::kZstd: return makeZstdCompressor(options.zstd_level);
    case CompressorKind::kNone: return std::make_unique<NoneCompressor>(options.none_streams);
  }
  return std::make_unique<NoneCompressor>(options.none_streams);
}

std::unique_ptr<Compressor> makeCompressor(CompressorKind kind, int level) {
  CompressionOptions o;
  o.kind = kind;
  if (level >= 0) o.zlib_level = o.gzip_level = o.zstd_level = level;
  return makeCompressor(o);
}

}  // namespace ddsim::serializer
