#pragma once
// The agent's stream compressor for one payload at a time (spec §5.7,
// pkg/serializer/internal/stream/compressor.go): items are buffered uncompressed and only fed
// to the compression stream ("packed", with a sync flush) when the worst-case bound says the
// next item might not fit. It tells "this payload is full, start another" (kPayloadFull) apart
// from "this item can never fit" (kItemTooBig); what to do about either is the builder's policy.
// Not thread-safe. Reusable: start() begins the next payload and keeps every buffer's capacity,
// so the per-item path does not allocate once the buffers have grown to their working size.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/common/status.h"
#include "core/serializer/byte_buffer.h"
#include "core/serializer/compression.h"
#include "core/serializer/payload.h"

namespace ddsim::serializer {

// The agent's `compressor` expvars (spec §5.12). Shared by every payload compressor of one
// serializer; thread-safe.
struct CompressorStats {
  std::atomic<int64_t> total_payloads{0};
  std::atomic<int64_t> total_compress_cycles{0};  // packs
  std::atomic<int64_t> bytes_in{0};               // uncompressed bytes of closed payloads
  std::atomic<int64_t> bytes_out{0};              // compressed bytes of closed payloads
};

enum class AddItemResult { kOk, kPayloadFull, kItemTooBig, kError };

struct PayloadLimits {
  int64_t max_payload_size = 0;       // compressed bytes
  int64_t max_uncompressed_size = 0;  // uncompressed bytes
};

// Packs at most this many times per payload before reporting it full (hard-coded in the agent).
inline constexpr int kMaxRepacks = 40;

class PayloadCompressor {
 public:
  // `compressor` and `stats` (may be null) must outlive this object.
  PayloadCompressor(const Compressor& compressor, CompressorStats* stats);

  // Begins a payload: writes `header` to the stream. FailedPrecondition when the compressor kind
  // has no stream ("Stream compression not available", as the agent says for "none").
  common::Status start(const PayloadLimits& limits, std::string_view header, std::string_view footer,
                       std::string_view separator);
  // Adds one item (copied). kError leaves the reason in lastError(). The item is
  // `prefix` followed by `body` (a protobuf key/length prefix and a body encoded apart).
  AddItemResult addItem(std::string_view body, std::string_view prefix = {});
  // Ends the payload: remaining items, footer, stream trailer. The compressed bytes replace
  // *out; *uncompressed_size is every byte fed to the stream (header and footer included).
  common::Status close(std::string* out, size_t* uncompressed_size);

  // Zero-copy adding, for the hot path: beginItem() returns the pending input with the
  // separator already appended; the caller appends the item's bytes to it, then calls
  // commitItem() (same checks and results as addItem) or abortItem() (the item is not added).
  // On anything but kOk the item's bytes move to rejectedItem(), which stays valid across
  // close()/start() for a retry with addItem(rejectedItem()); the pending input is as before.
  ByteBuffer& beginItem();
  AddItemResult commitItem();
  void abortItem();
  std::string_view rejectedItem() const { return rejected_.view(); }

  // close() into a new Payload carrying the given counts.
  common::Result<std::shared_ptr<Payload>> closePayload(int64_t point_count, int64_t item_count);

  bool hasItems() const { return !first_item_; }
  const common::Status& lastError() const { return last_error_; }
  // The bytes compressed so far for the current payload (for tests).
  size_t compressedSize() const { return output_.size(); }
  int repacks() const { return repacks_; }

 private:
  bool checkItemSize(int64_t len) const;
  bool hasRoomForItem(int64_t len) const;
  bool hasRoomAfter(int64_t pending, int64_t len) const;
  common::Status pack();
  common::Status packPrefix(size_t n);
  AddItemResult reject(AddItemResult r);
  int64_t bound(int64_t n) const;

  const Compressor& compressor_;
  CompressorStats* stats_;
  std::unique_ptr<StreamCompressor> stream_;
  ByteBuffer input_;
  ByteBuffer output_;
  ByteBuffer rejected_;
  size_t item_mark_ = 0;   // input size before beginItem()
  size_t item_start_ = 0;  // where the item's bytes start (after the separator)
  std::string header_;
  std::string footer_;
  std::string separator_;
  PayloadLimits limits_;
  int64_t uncompressed_written_ = 0;
  int64_t max_unzipped_item_size_ = 0;
  int64_t max_zipped_item_size_ = 0;
  bool first_item_ = true;
  bool started_ = false;
  int repacks_ = 0;
  common::Status last_error_;
};

}  // namespace ddsim::serializer
