#pragma once
// The tag rewrites the agent applies to a serie when it is serialized (spec §1.7,
// PopulateDeviceField / PopulateResources), computed without touching the shared tag sets:
// `device:` tags are removed and the last one's value becomes the device; tags
// `dd.internal.resource:<type>:<name>` are removed and become resources (malformed ones are
// dropped). Reusable scratch: prepare() per serie keeps its vector's capacity. Not thread-safe.
#include <string_view>
#include <vector>

#include "core/metrics/series.h"

namespace ddsim::serializer {

inline constexpr std::string_view kDeviceTagPrefix = "device:";
inline constexpr std::string_view kResourceTagPrefix = "dd.internal.resource:";

struct ResourceView {
  std::string_view type;
  std::string_view name;
};

class SerieTagRewriter {
 public:
  // Reads s's tags. The views stay valid while s is alive and unchanged.
  void prepare(const metrics::Serie& s);

  // The serie's device: the last `device:` tag's value, else s.device.
  std::string_view device() const { return device_; }
  // s.resources, then the well-formed resource tags in tag order.
  const std::vector<ResourceView>& resources() const { return resources_; }
  // Whether any tag is rewritten (so tags must be filtered while written).
  bool rewrites() const { return rewrites_; }
  // Every tag's bytes and the number of tags (before rewriting): a bound for encoders.
  size_t tagBytes() const { return tag_bytes_; }
  size_t tagCount() const { return tag_count_; }

  static bool isRewritten(std::string_view tag) {
    return tag.starts_with(kDeviceTagPrefix) || tag.starts_with(kResourceTagPrefix);
  }
  // Calls f(tag) for each tag that stays, in CompositeTags order.
  template <typename F>
  void forEachTag(const metrics::Serie& s, F&& f) const {
    if (!rewrites_) {
      s.tags.forEach(f);
      return;
    }
    s.tags.forEach([&](std::string_view t) {
      if (!isRewritten(t)) f(t);
    });
  }

 private:
  std::string_view device_;
  std::vector<ResourceView> resources_;
  bool rewrites_ = false;
  size_t tag_bytes_ = 0;
  size_t tag_count_ = 0;
};

}  // namespace ddsim::serializer
