#pragma once
// Compressors behind one interface (spec §5.7, §5.10): zlib (Content-Encoding "deflate", i.e.
// zlib-wrapped deflate), zstd, gzip and none. Each gives the agent's CompressBound formula, a
// one-shot compress, a decompressor (for tests and decoders) and, except "none", a streaming
// compressor with sync flushes used by the payload builders.
#include <cstddef>
#include <memory>
#include <string_view>

#include "core/common/status.h"
#include "core/serializer/byte_buffer.h"

namespace ddsim::serializer {

enum class CompressorKind { kZlib, kZstd, kGzip, kNone };

// "zlib", "zstd", "gzip", "none".
std::string_view compressorKindName(CompressorKind kind);
// The agent's reading of serializer_compressor_kind: "zlib", "zstd", "gzip", "none"; any other
// value selects no compression (agent behaviour, spec §5.10) and sets *unknown when given.
CompressorKind compressorKindFromName(std::string_view name, bool* unknown = nullptr);

struct CompressionOptions {
  // serializer_compressor_kind. Today's agent default is zstd (agent PR #32087); the spec's
  // 2024 snapshot still had zlib.
  CompressorKind kind = CompressorKind::kZstd;
  // serializer_zstd_compressor_level: 1 since agent PR #29242 (the snapshot had 5).
  int zstd_level = 1;
  // Go's compress/zlib DefaultCompression, which is level 6.
  int zlib_level = 6;
  // The agent's gzip strategy level (compress/gzip DefaultCompression = 6).
  int gzip_level = 6;
  // ddsim extension, off by default: give "none" an identity stream so the stream paths run
  // uncompressed (benchmarks). The agent's "none" has no stream (spec §5.10).
  bool none_streams = false;
};

// A compression stream writing into a caller-owned buffer. Not thread-safe; reusable through
// reset(), which keeps the internal state's allocations.
class StreamCompressor {
 public:
  virtual ~StreamCompressor() = default;
  // Starts a new stream whose bytes are appended to *out (which must outlive the stream's use).
  virtual common::Status reset(ByteBuffer* out) = 0;
  // Feeds data; output may or may not be produced yet.
  virtual common::Status write(std::string_view data) = 0;
  // Sync flush: everything written so far becomes decodable from *out.
  virtual common::Status flush() = 0;
  // Ends the stream (trailer / end frame). The stream must be reset() before reuse.
  virtual common::Status close() = 0;
};

// Immutable once built; every method is thread-safe.
class Compressor {
 public:
  virtual ~Compressor() = default;
  virtual CompressorKind kind() const = 0;
  // The Content-Encoding header value: "deflate", "zstd", "gzip"; empty for none.
  virtual std::string_view contentEncoding() const = 0;
  // The agent's worst-case compressed size of n input bytes (spec §5.7).
  virtual size_t compressBound(size_t n) const = 0;
  // Compresses `in` in one go, appending to *out.
  virtual common::Status compress(std::string_view in, ByteBuffer* out) const = 0;
  // Decompresses `in` (every frame it holds), appending to *out. DataLoss on corrupt or
  // truncated input; ResourceExhausted when the output would exceed max_output bytes.
  virtual common::Status decompress(std::string_view in, ByteBuffer* out, size_t max_output) const = 0;
  // A streaming compressor, or nullptr when this kind has none ("none", as in the agent).
  virtual std::unique_ptr<StreamCompressor> newStream() const = 0;
};

std::unique_ptr<Compressor> makeCompressor(const CompressionOptions& options);
// Shorthand for makeCompressor with one kind and the default levels (level < 0: default).
std::unique_ptr<Compressor> makeCompressor(CompressorKind kind, int level = -1);

}  // namespace ddsim::serializer
