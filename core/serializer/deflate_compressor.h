#pragma once
// zlib-wrapped deflate (Content-Encoding "deflate", spec §5.10) and gzip, on the system zlib.
#include <memory>

#include "core/serializer/compression.h"

namespace ddsim::serializer {

// gzip = false: RFC 1950 zlib wrapper; true: RFC 1952 gzip wrapper. level is clamped to 0..9.
std::unique_ptr<Compressor> makeDeflateCompressor(bool gzip, int level);

}  // namespace ddsim::serializer
