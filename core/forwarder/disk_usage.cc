#include "core/forwarder/disk_usage.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

namespace ddsim::forwarder {

common::Result<DiskUsage> StatvfsDiskUsage::usage(const std::string& path) const {
  struct statvfs st {};
  if (statvfs(path.c_str(), &st) != 0) {
    return common::ioError("statvfs(" + path + "): " + std::strerror(errno));
  }
  DiskUsage u;
  u.total = static_cast<uint64_t>(st.f_blocks) * st.f_frsize;
  u.available = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
  return u;
}

StatvfsDiskUsage& StatvfsDiskUsage::instance() {
  static StatvfsDiskUsage provider;
  return provider;
}

const FixedDiskUsage& FixedDiskUsage::plenty() {
  static const FixedDiskUsage provider;
  return provider;
}

DiskUsageLimit::DiskUsageLimit(std::string path, const DiskUsageProvider& provider, int64_t max_size_in_bytes,
                               double max_disk_ratio)
    : path_(std::move(path)), provider_(&provider), max_size_(max_size_in_bytes), max_ratio_(max_disk_ratio) {}

common::Result<int64_t> DiskUsageLimit::availableSpace(int64_t current_size) const {
  auto u = provider_->usage(path_);
  if (!u.isOk()) return u.status();
  const double reserved = static_cast<double>(u->total) * (1 - max_ratio_);
  const int64_t usable = static_cast<int64_t>(u->available) - static_cast<int64_t>(std::ceil(reserved));
  return std::min(max_size_, current_size + usable);
}

}  // namespace ddsim::forwarder
