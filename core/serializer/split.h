#pragma once
// The split package for non-stream payloads (spec §5.9, pkg/serializer/split/split.go):
// marshal everything, compress, and if the result is too big split the marshaler into
// `compressed/2MiB + 1 + int(ratio/2)` chunks, up to three rounds. Not recursive halving.
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "core/common/status.h"
#include "core/serializer/byte_buffer.h"
#include "core/serializer/compression.h"
#include "core/serializer/payload.h"
#include "core/serializer/serializer_counters.h"

namespace ddsim::serializer {

// A whole payload's worth of items that can marshal itself and split into chunks (the agent's
// AbstractMarshaler). Implementations are immutable views over the caller's items.
class SplittableMarshaler {
 public:
  virtual ~SplittableMarshaler() = default;
  // Appends the uncompressed payload. An error (e.g. NaN in encoding/json) fails the marshal.
  virtual common::Status marshal(ByteBuffer& out) const = 0;
  // At least `times` chunks where possible (the agent's SplitPayload for this kind).
  virtual common::Result<std::vector<std::unique_ptr<SplittableMarshaler>>> split(int times) const = 0;
  virtual size_t itemCount() const = 0;
};

// Hard-coded in the agent; configurable here for tests.
struct SplitThresholds {
  int64_t max_compressed = 2 * 1024 * 1024;     // too big above this many compressed bytes
  int64_t max_uncompressed = 64 * 1024 * 1024;  // or above this many uncompressed bytes
  int max_loops = 3;
};

// The agent's split.Payloads. Appends the small-enough payloads to *out (their point_count is
// 0, as the agent's). Chunks still too big after the last round are dropped and
// splitter.PayloadDrops grows by one per call; a failing split() also counts one and returns
// its error (payloads found so far stay in *out, but the agent discards them: so does the
// serializer). A failing first marshal returns its error.
common::Status splitPayloads(const SplittableMarshaler& m, const Compressor& compressor,
                             const SplitThresholds& thresholds, SerializerCounters& counters, PayloadKind kind,
                             std::vector<PayloadPtr>* out);

// Contiguous chunks as the agent slices service checks, events and sketches: `times` capped at
// `len`, each chunk len/times items, the last one the remainder. (begin, end) index pairs.
std::vector<std::pair<size_t, size_t>> contiguousChunks(size_t len, int times);

}  // namespace ddsim::serializer
