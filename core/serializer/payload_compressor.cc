#include "core/serializer/payload_compressor.h"

#include <cstring>

namespace ddsim::serializer {

PayloadCompressor::PayloadCompressor(const Compressor& compressor, CompressorStats* stats)
    : compressor_(compressor), stats_(stats), stream_(compressor.newStream()) {}

int64_t PayloadCompressor::bound(int64_t n) const {
  return static_cast<int64_t>(compressor_.compressBound(static_cast<size_t>(n < 0 ? 0 : n)));
}

common::Status PayloadCompressor::start(const PayloadLimits& limits, std::string_view header,
                                        std::string_view footer, std::string_view separator) {
  started_ = false;
  if (!stream_) return common::failedPrecondition("Stream compression not available");
  limits_ = limits;
  header_.assign(header);
  footer_.assign(footer);
  separator_.assign(separator);
  input_.clear();
  output_.clear();
  first_item_ = true;
  repacks_ = 0;
  uncompressed_written_ = 0;
  last_error_ = {};
  if (auto st = stream_->reset(&output_); !st.isOk()) return st;
  if (auto st = stream_->write(header_); !st.isOk()) return st;
  uncompressed_written_ = static_cast<int64_t>(header_.size());
  const auto hf = static_cast<int64_t>(header_.size() + footer_.size());
  // agent behaviour: the two names look swapped but this is how the agent computes them (§5.7).
  max_unzipped_item_size_ = limits_.max_payload_size - hf;
  max_zipped_item_size_ = limits_.max_uncompressed_size - bound(hf);
  started_ = true;
  return {};
}

bool PayloadCompressor::checkItemSize(int64_t len) const {
  const int64_t max_effective = limits_.max_payload_size - static_cast<int64_t>(footer_.size() + header_.size());
  const int64_t b = bound(len);
  return len < max_unzipped_item_size_ && b < max_zipped_item_size_ && b < max_effective;
}

bool PayloadCompressor::hasRoomForItem(int64_t len) const {
  return hasRoomAfter(static_cast<int64_t>(input_.size()), len);
}

bool PayloadCompressor::hasRoomAfter(int64_t pending, int64_t len) const {
  int64_t u = pending + len;
  if (!first_item_) u += static_cast<int64_t>(separator_.size());
  const int64_t remaining = limits_.max_payload_size - static_cast<int64_t>(output_.size()) -
                            static_cast<int64_t>(footer_.size());
  return bound(u) <= remaining && uncompressed_written_ + u <= limits_.max_uncompressed_size;
}

common::Status PayloadCompressor::pack() { return packPrefix(input_.size()); }

// Packs the first n pending bytes; what follows them moves to the front of the input.
common::Status PayloadCompressor::packPrefix(size_t n) {
  if (stats_ != nullptr) stats_->total_compress_cycles.fetch_add(1, std::memory_order_relaxed);
  if (auto st = stream_->write(input_.view().substr(0, n)); !st.isOk()) return st;
  uncompressed_written_ += static_cast<int64_t>(n);
  const size_t rest = input_.size() - n;
  if (rest > 0) std::memmove(input_.data(), input_.data() + n, rest);
  input_.truncate(rest);
  return stream_->flush();
}

ByteBuffer& PayloadCompressor::beginItem() {
  item_mark_ = input_.size();
  if (started_ && !first_item_) input_.append(separator_);
  item_start_ = input_.size();
  return input_;
}

AddItemResult PayloadCompressor::reject(AddItemResult r) {
  rejected_.clear();
  rejected_.append(input_.data() + item_start_, input_.size() - item_start_);
  input_.truncate(item_mark_);
  return r;
}

void PayloadCompressor::abortItem() { reject(AddItemResult::kError); }

AddItemResult PayloadCompressor::commitItem() {
  if (!started_) {
    last_error_ = common::failedPrecondition("payload compressor used before start()");
    return reject(AddItemResult::kError);
  }
  // The same decisions as addItem(), with the item already sitting after the pending input.
  const auto len = static_cast<int64_t>(input_.size() - item_start_);
  if (!checkItemSize(len)) return reject(AddItemResult::kItemTooBig);
  if (repacks_ >= kMaxRepacks) return reject(AddItemResult::kPayloadFull);
  if (!hasRoomAfter(static_cast<int64_t>(item_mark_), len)) {
    if (item_mark_ == 0) return reject(AddItemResult::kPayloadFull);
    if (auto st = packPrefix(item_mark_); !st.isOk()) {
      last_error_ = st;
      item_start_ -= item_mark_;
      item_mark_ = 0;
      return reject(AddItemResult::kError);
    }
    // The separator and the item are now the whole pending input.
    item_start_ -= item_mark_;
    item_mark_ = 0;
    if (!hasRoomAfter(0, len)) return reject(AddItemResult::kPayloadFull);
    ++repacks_;
  }
  first_item_ = false;
  return AddItemResult::kOk;
}

AddItemResult PayloadCompressor::addItem(std::string_view body, std::string_view prefix) {
  if (!started_) {
    last_error_ = common::failedPrecondition("payload compressor used before start()");
    return AddItemResult::kError;
  }
  const auto len = static_cast<int64_t>(prefix.size() + body.size());
  if (!checkItemSize(len)) return AddItemResult::kItemTooBig;
  if (repacks_ >= kMaxRepacks) return AddItemResult::kPayloadFull;
  if (!hasRoomForItem(len)) {
    if (input_.empty()) return AddItemResult::kPayloadFull;
    if (auto st = pack(); !st.isOk()) {
      last_error_ = st;
      return AddItemResult::kError;
    }
    if (!hasRoomForItem(len)) return AddItemResult::kPayloadFull;
    ++repacks_;
  }
  if (first_item_) {
    first_item_ = false;
  } else {
    input_.append(separator_);
  }
  input_.append(prefix);
  input_.append(body);
  return AddItemResult::kOk;
}

common::Status PayloadCompressor::close(std::string* out, size_t* uncompressed_size) {
  if (!started_) return common::failedPrecondition("payload compressor closed before start()");
  started_ = false;
  if (!input_.empty()) {
    if (auto st = stream_->write(input_.view()); !st.isOk()) return st;
    uncompressed_written_ += static_cast<int64_t>(input_.size());
    input_.clear();
  }
  if (auto st = stream_->write(footer_); !st.isOk()) return st;
  uncompressed_written_ += static_cast<int64_t>(footer_.size());
  if (auto st = stream_->close(); !st.isOk()) return st;
  out->assign(output_.data(), output_.size());
  *uncompressed_size = static_cast<size_t>(uncompressed_written_);
  if (stats_ != nullptr) {
    stats_->total_payloads.fetch_add(1, std::memory_order_relaxed);
    stats_->bytes_in.fetch_add(uncompressed_written_, std::memory_order_relaxed);
    stats_->bytes_out.fetch_add(static_cast<int64_t>(output_.size()), std::memory_order_relaxed);
  }
  return {};
}

}  // namespace ddsim::serializer

namespace ddsim::serializer {

common::Result<std::shared_ptr<Payload>> PayloadCompressor::closePayload(int64_t point_count, int64_t item_count) {
  auto p = std::make_shared<Payload>();
  if (auto st = close(&p->bytes, &p->uncompressed_size); !st.isOk()) return st;
  p->point_count = point_count;
  p->item_count = item_count;
  return p;
}

}  // namespace ddsim::serializer
