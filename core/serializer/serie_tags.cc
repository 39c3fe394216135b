#include "core/serializer/serie_tags.h"

namespace ddsim::serializer {

void SerieTagRewriter::prepare(const metrics::Serie& s) {
  device_ = s.device;
  resources_.clear();
  rewrites_ = false;
  tag_bytes_ = 0;
  tag_count_ = 0;
  for (const auto& r : s.resources) resources_.push_back({r.type, r.name});
  s.tags.forEach([&](std::string_view t) {
    tag_bytes_ += t.size();
    ++tag_count_;
    if (t.empty() || t[0] != 'd') return;
    if (t.starts_with(kDeviceTagPrefix)) {
      rewrites_ = true;
      device_ = t.substr(kDeviceTagPrefix.size());
    } else if (t.starts_with(kResourceTagPrefix)) {
      rewrites_ = true;
      std::string_view v = t.substr(kResourceTagPrefix.size());
      const size_t colon = v.find(':');
      // agent behaviour: both parts must be non-empty, else the tag is dropped (spec §1.7).
      if (colon != std::string_view::npos && colon > 0 && colon < v.size() - 1) {
        resources_.push_back({v.substr(0, colon), v.substr(colon + 1)});
      }
    }
  });
}

}  // namespace ddsim::serializer
