#pragma once
// How much of the disk the retry files may use (spec §6.7, disk_usage_limit.go).
#include <cstdint>
#include <string>

#include "core/common/status.h"

namespace ddsim::forwarder {

struct DiskUsage {
  uint64_t total = 0;      // bytes of the filesystem
  uint64_t available = 0;  // bytes available to this user
};

// Where disk usage comes from; tests inject a fixed one. Thread-safe implementations.
class DiskUsageProvider {
 public:
  virtual ~DiskUsageProvider() = default;
  virtual common::Result<DiskUsage> usage(const std::string& path) const = 0;
};

// statvfs(2) of the path.
class StatvfsDiskUsage final : public DiskUsageProvider {
 public:
  common::Result<DiskUsage> usage(const std::string& path) const override;
  static StatvfsDiskUsage& instance();
};

// A disk of fixed size and free space: the simulator's disk (a simulated agent's retry files
// must not depend on how full the host's disk is, or the same seed gives different runs) and
// tests'. Default: 1 TiB, half of it free.
class FixedDiskUsage final : public DiskUsageProvider {
 public:
  FixedDiskUsage() = default;
  explicit FixedDiskUsage(DiskUsage usage) : usage_(usage) {}
  common::Result<DiskUsage> usage(const std::string&) const override { return usage_; }
  static const FixedDiskUsage& plenty();

 private:
  DiskUsage usage_{1ull << 40, 1ull << 39};
};

class DiskUsageLimit {
 public:
  // `provider` must outlive this object.
  DiskUsageLimit(std::string path, const DiskUsageProvider& provider, int64_t max_size_in_bytes,
                 double max_disk_ratio);

  // min(max_size, current + available - ceil(total * (1 - max_disk_ratio))). Can be negative.
  common::Result<int64_t> availableSpace(int64_t current_size) const;
  int64_t maxSizeInBytes() const { return max_size_; }

 private:
  std::string path_;
  const DiskUsageProvider* provider_;
  int64_t max_size_;
  double max_ratio_;
};

}  // namespace ddsim::forwarder
