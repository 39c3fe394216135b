#include "core/serializer/payload_compressor.h"

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
  int64_t u = static_cast<int64_t>(input_.size()) + len;
  if (!first_item_) u += static_cast<int64_t>(separator_.size());
  const int64_t remaining = limits_.max_payload_size - static_cast<int64_t>(output_.size()) -
                            static_cast<int64_t>(footer_.size());
  return bound(u) <= remaining && uncompressed_written_ + u <= limits_.max_uncompressed_size;
}

common::Status PayloadCompressor::pack() {
  if (stats_ != nullptr) stats_->total_compress_cycles.fetch_add(1, std::memory_order_relaxed);
  if (auto st = stream_->write(input_.view()); !st.isOk()) return st;
  uncompressed_written_ += static_cast<int64_t>(input_.size());
  input_.clear();
  return stream_->flush();
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
