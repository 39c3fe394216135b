#pragma once
// Service checks: the JSON array for /api/v1/check_run (spec §5.5). The stream item writer
// (jsoniter dialect) and the non-stream marshaler (encoding/json, split package).
#include <memory>
#include <span>
#include <vector>

#include "core/metrics/service_check.h"
#include "core/serializer/json_payload_builder.h"
#include "core/serializer/split.h"

namespace ddsim::serializer {

inline constexpr std::string_view kServiceChecksHeader = "[";
inline constexpr std::string_view kServiceChecksFooter = "]";

// {"check":..,"host_name":..,"timestamp":..,"status":..,"message":..,"tags":[..]|null}
void writeServiceCheck(const metrics::ServiceCheck& sc, JsonWriter& w);

class ServiceCheckItems final : public JsonItemSource {
 public:
  explicit ServiceCheckItems(std::span<const metrics::ServiceCheck> checks) : checks_(checks) {}
  size_t size() const override { return checks_.size(); }
  common::Status writeItem(size_t i, JsonWriter& w) override {
    writeServiceCheck(checks_[i], w);
    return {};
  }

 private:
  std::span<const metrics::ServiceCheck> checks_;
};

// `[...]\n` through encoding/json; contiguous split.
class ServiceChecksMarshaler final : public SplittableMarshaler {
 public:
  ServiceChecksMarshaler(std::span<const metrics::ServiceCheck> checks, SerializerCounters* counters)
      : checks_(checks), counters_(counters) {}
  common::Status marshal(ByteBuffer& out) const override;
  common::Result<std::vector<std::unique_ptr<SplittableMarshaler>>> split(int times) const override;
  size_t itemCount() const override { return checks_.size(); }

 private:
  std::span<const metrics::ServiceCheck> checks_;
  SerializerCounters* counters_;
};

}  // namespace ddsim::serializer
