#include "core/serializer/json_payload_builder.h"

#include <memory>
#include <string>

namespace ddsim::serializer {
namespace {
constexpr std::string_view kItemTooBigMessage = "item alone exceeds maximum payload size";
}  // namespace

bool isItemTooBig(const common::Status& status) {
  return status.code() == common::StatusCode::kOutOfRange && status.message() == kItemTooBigMessage;
}

JsonPayloadBuilder::JsonPayloadBuilder(const Compressor& compressor, SerializerCounters& counters)
    : compressor_(compressor, &counters.compressor), counters_(counters) {}

common::Status JsonPayloadBuilder::closePayload(std::vector<PayloadPtr>* out) {
  auto p = compressor_.closePayload(points_, items_);
  if (!p.isOk()) return p.status();
  out->push_back(std::move(p).value());
  points_ = 0;
  items_ = 0;
  return {};
}

common::Status JsonPayloadBuilder::build(PayloadKind kind, std::string_view header, std::string_view footer,
                                         JsonItemSource& items, const JsonLimits& limits, ItemTooBigPolicy policy,
                                         std::vector<PayloadPtr>* out) {
  auto& js = counters_.jsonstream;
  js.total_calls.fetch_add(1, std::memory_order_relaxed);
  std::vector<PayloadPtr> payloads;
  const PayloadLimits pl{limits.max_payload_size, limits.max_uncompressed_size};
  points_ = 0;
  items_ = 0;
  if (auto st = compressor_.start(pl, header, footer, ","); !st.isOk()) return st;
  const size_t n = items.size();
  size_t i = 0;
  while (i < n) {
    item_.clear();
    JsonWriter w(item_);
    if (auto st = items.writeItem(i, w); !st.isOk()) {
      js.write_item_errors.fetch_add(1, std::memory_order_relaxed);
      counters_.drop(kind, "marshal_error", items.itemCount(i));
      ++i;
      continue;
    }
    switch (compressor_.addItem(item_.view())) {
      case AddItemResult::kOk:
        points_ += items.pointCount(i);
        items_ += items.itemCount(i);
        js.total_items.fetch_add(1, std::memory_order_relaxed);
        ++i;
        break;
      case AddItemResult::kPayloadFull:
        js.payload_fulls.fetch_add(1, std::memory_order_relaxed);
        if (!compressor_.hasItems()) {
          // The agent would close this empty payload and retry forever; ddsim drops the item.
          js.item_drops.fetch_add(1, std::memory_order_relaxed);
          counters_.drop(kind, "item_does_not_fit_empty_payload", items.itemCount(i));
          ++i;
          break;
        }
        // agent behaviour: close the payload and retry the same item in a new one (spec §5.7).
        if (auto st = closePayload(&payloads); !st.isOk()) return st;
        if (auto st = compressor_.start(pl, header, footer, ","); !st.isOk()) return st;
        break;
      case AddItemResult::kItemTooBig:
        if (policy == ItemTooBigPolicy::kFail) {
          return common::Status(common::StatusCode::kOutOfRange, std::string(kItemTooBigMessage));
        }
        js.item_drops.fetch_add(1, std::memory_order_relaxed);
        counters_.drop(kind, "item_too_big", items.itemCount(i));
        ++i;
        break;
      case AddItemResult::kError:
        js.item_drops.fetch_add(1, std::memory_order_relaxed);
        counters_.drop(kind, "compress_error", items.itemCount(i));
        ++i;
        break;
    }
  }
  if (auto st = closePayload(&payloads); !st.isOk()) return st;
  for (auto& p : payloads) out->push_back(std::move(p));
  return {};
}

}  // namespace ddsim::serializer
