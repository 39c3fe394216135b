#pragma once
// Request-body decompression by Content-Encoding with a hard cap on the output, so a
// decompression bomb stops at the cap instead of exhausting memory. Thread-safe (no state).
#include <cstddef>
#include <string>
#include <string_view>

#include "core/common/status.h"

namespace ddsim::fakeintake {

enum class ContentEncoding { kIdentity, kDeflate, kGzip, kZstd, kUnsupported };

// "" and "identity" -> kIdentity; "deflate" (zlib-wrapped, as the agent labels it), "gzip",
// "zstd" or "zstd1" (the API clients' label) (case-insensitive, surrounding spaces ignored);
// anything else -> kUnsupported.
ContentEncoding parseContentEncoding(std::string_view header);
std::string_view contentEncodingName(ContentEncoding e);

// Decompresses `body`. Errors:
//   InvalidArgument  unsupported encoding                       (HTTP 415)
//   DataLoss         corrupt, truncated or trailing garbage       (HTTP 400)
//   OutOfRange       output would exceed `max_output` bytes        (HTTP 413)
// Messages say what failed and at which input/output offset.
common::Result<std::string> decompress(ContentEncoding encoding, std::string_view body,
                                       size_t max_output);

}  // namespace ddsim::fakeintake
