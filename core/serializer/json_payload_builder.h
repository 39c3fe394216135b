#pragma once
// The agent's JSON stream payload builder (spec §5.7, pkg/serializer/internal/stream/
// json_payload_builder.go): header, items separated by ',', footer, streamed through the payload
// compressor; a full payload is closed and the same item retried in a new one; an item too big
// for any payload is dropped or fails the whole build, by policy.
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/common/status.h"
#include "core/serializer/byte_buffer.h"
#include "core/serializer/json_writer.h"
#include "core/serializer/payload.h"
#include "core/serializer/payload_compressor.h"
#include "core/serializer/serializer_counters.h"

namespace ddsim::serializer {

enum class ItemTooBigPolicy {
  kDrop,  // DropItemOnErrItemTooBig: count and skip the item
  kFail,  // FailOnErrItemTooBig: the whole build fails (isItemTooBig(status) is true)
};

// True for the status build() returns under kFail when an item is too big.
bool isItemTooBig(const common::Status& status);

// The items of one JSON stream (the agent's StreamJSONMarshaler).
class JsonItemSource {
 public:
  virtual ~JsonItemSource() = default;
  virtual size_t size() const = 0;
  // Appends item i. A non-OK status skips the item (counted as a write error).
  virtual common::Status writeItem(size_t i, JsonWriter& w) = 0;
  // Points carried by item i (series), for the payload's point count.
  virtual int64_t pointCount(size_t /*i*/) const { return 0; }
  // The pipeline items JSON item i holds, for the payload's item count and for drops: 1, or
  // the events of a source-type group (spec §5.8 writes one JSON item per source type).
  virtual int64_t itemCount(size_t /*i*/) const { return 1; }
};

struct JsonLimits {
  int64_t max_payload_size = 2621440;        // serializer_max_payload_size (compressed)
  int64_t max_uncompressed_size = 4194304;   // serializer_max_uncompressed_payload_size
};

// Not thread-safe; keep one per thread (it reuses its buffers across builds).
class JsonPayloadBuilder {
 public:
  // `compressor` and `counters` must outlive the builder.
  JsonPayloadBuilder(const Compressor& compressor, SerializerCounters& counters);

  // Appends the payloads to *out; the last payload is always emitted, even with no item
  // (e.g. `{"series":[]}`). On failure nothing is appended. `kind` names drop counters.
  common::Status build(PayloadKind kind, std::string_view header, std::string_view footer, JsonItemSource& items,
                       const JsonLimits& limits, ItemTooBigPolicy policy, std::vector<PayloadPtr>* out);

 private:
  common::Status closePayload(std::vector<PayloadPtr>* out);

  PayloadCompressor compressor_;
  SerializerCounters& counters_;
  ByteBuffer item_;
  int64_t points_ = 0;
  int64_t items_ = 0;
};

}  // namespace ddsim::serializer
