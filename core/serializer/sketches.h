#pragma once
// Sketches: SketchPayload protobuf for /api/beta/sketches (spec §4.4). The stream builder
// (one `sketches` entry per sketch series with per-sketch origin metadata, then the `12 00`
// footer) and the non-stream marshaler (gogoproto layout, split package).
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/common/status.h"
#include "core/metrics/series.h"
#include "core/serializer/byte_buffer.h"
#include "core/serializer/json_payload_builder.h"
#include "core/serializer/payload.h"
#include "core/serializer/payload_compressor.h"
#include "core/serializer/protobuf_writer.h"
#include "core/serializer/split.h"

namespace ddsim::serializer {

// The payload-level metadata written once after the sketches: an empty embedded field 2.
inline constexpr std::string_view kSketchPayloadFooter{"\x12\x00", 2};

// Appends one SketchPayload `sketches` entry (field 1, key included). with_metadata adds the
// per-sketch origin metadata (field 8) and omits empty tags as the stream path (molecule) does;
// without it the layout is gogoproto's (no per-sketch metadata, empty tags kept).
void encodeSketchSeries(const metrics::SketchSeries& ss, bool with_metadata, ProtoWriter& w);
// The same without the entry's key and length (the Sketch message itself).
void encodeSketchBody(const metrics::SketchSeries& ss, bool with_metadata, ProtoWriter& w);

// Not thread-safe; reuse one per thread to keep its buffers.
class SketchesBuilder {
 public:
  // `compressor` and `counters` must outlive the builder.
  SketchesBuilder(const Compressor& compressor, SerializerCounters& counters);

  // agent behaviour (spec §4.4, §5.7): limits serializer_max_payload_size /
  // serializer_max_uncompressed_payload_size; PayloadFull closes the payload and retries the
  // sketch in a new one, ItemTooBig drops it; every started payload is emitted, even one left
  // empty. Any other error abandons the batch (nothing in *out).
  common::Status build(std::span<const metrics::SketchSeries> sketches, const JsonLimits& limits,
                       std::vector<PayloadPtr>* out);

 private:
  common::Status finishPayload(std::vector<PayloadPtr>* out);

  PayloadCompressor compressor_;
  SerializerCounters& counters_;
  ByteBuffer item_;
  int64_t points_ = 0;
  int64_t items_ = 0;
};

// The non-stream marshaler: gogoproto's Marshal of the whole SketchPayload (no per-sketch
// metadata, payload metadata `12 00` still written); contiguous split.
class SketchesMarshaler final : public SplittableMarshaler {
 public:
  explicit SketchesMarshaler(std::span<const metrics::SketchSeries> sketches) : sketches_(sketches) {}
  common::Status marshal(ByteBuffer& out) const override;
  common::Result<std::vector<std::unique_ptr<SplittableMarshaler>>> split(int times) const override;
  size_t itemCount() const override { return sketches_.size(); }

 private:
  std::span<const metrics::SketchSeries> sketches_;
};

}  // namespace ddsim::serializer
