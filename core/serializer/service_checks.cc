#include "core/serializer/service_checks.h"

namespace ddsim::serializer {

void writeServiceCheck(const metrics::ServiceCheck& sc, JsonWriter& w) {
  w.raw("{\"check\":");
  w.string(sc.check_name);
  w.raw(",\"host_name\":");
  w.string(sc.host);
  w.raw(",\"timestamp\":");
  w.int64(sc.ts);
  w.raw(",\"status\":");
  w.int64(static_cast<int64_t>(sc.status));
  w.raw(",\"message\":");
  w.string(sc.message);
  // agent behaviour: no tags is `null`, not `[]` (spec §5.5).
  if (sc.tags.empty()) {
    w.raw(",\"tags\":null}");
    return;
  }
  w.raw(",\"tags\":");
  w.stringArray(sc.tags);
  w.push('}');
}

common::Status ServiceChecksMarshaler::marshal(ByteBuffer& out) const {
  JsonWriter w(out, JsonDialect::kEncodingJson);
  w.push('[');
  bool first = true;
  for (const auto& sc : checks_) {
    if (!first) w.push(',');
    first = false;
    writeServiceCheck(sc, w);
  }
  w.raw("]\n");
  return {};
}

common::Result<std::vector<std::unique_ptr<SplittableMarshaler>>> ServiceChecksMarshaler::split(int times) const {
  if (counters_ != nullptr) {
    counters_->service_check_times_split.fetch_add(1, std::memory_order_relaxed);
    if (checks_.size() < static_cast<size_t>(times)) {
      counters_->service_check_shorter.fetch_add(1, std::memory_order_relaxed);
    }
  }
  std::vector<std::unique_ptr<SplittableMarshaler>> out;
  for (auto [b, e] : contiguousChunks(checks_.size(), times)) {
    out.push_back(std::make_unique<ServiceChecksMarshaler>(checks_.subspan(b, e - b), counters_));
  }
  return out;
}

}  // namespace ddsim::serializer
