#pragma once
// zstd (Content-Encoding "zstd", spec §5.10) on the system libzstd.
#include <memory>

#include "core/serializer/compression.h"

namespace ddsim::serializer {

// level is clamped to libzstd's supported range.
std::unique_ptr<Compressor> makeZstdCompressor(int level);

}  // namespace ddsim::serializer
