#include "fakeintake/store/route_stats.h"

namespace ddsim::fakeintake {

void SizeHistogram::observe(uint64_t bytes) {
  size_t i = 0;
  while (i < kSizeBucketBounds.size() && bytes > kSizeBucketBounds[i]) ++i;
  ++counts[i];
  sum += bytes;
  ++count;
}

bool RouteStats::admit(std::string_view route) {
  std::lock_guard lock(mu_);
  if (routes_.find(route) != routes_.end()) return true;
  if (max_routes_ > 0 && routes_.size() >= max_routes_) return false;
  routes_.emplace(std::string(route), RouteStat{});
  return true;
}

void RouteStats::record(std::string_view route, int status, uint64_t compressed,
                        uint64_t uncompressed, bool decoded, bool decode_error,
                        uint64_t violations, bool faulted) {
  std::lock_guard lock(mu_);
  auto it = routes_.find(route);
  if (it == routes_.end()) return;
  RouteStat& s = it->second;
  ++s.requests;
  ++s.status_counts[status];
  s.bytes_compressed += compressed;
  s.compressed_sizes.observe(compressed);
  if (decoded) {
    s.bytes_uncompressed += uncompressed;
    s.uncompressed_sizes.observe(uncompressed);
  }
  if (decode_error) ++s.decode_errors;
  s.violations += violations;
  if (faulted) ++s.faults;
}

std::map<std::string, RouteStat, std::less<>> RouteStats::snapshot() const {
  std::lock_guard lock(mu_);
  return routes_;
}

size_t RouteStats::routeCount() const {
  std::lock_guard lock(mu_);
  return routes_.size();
}

void RouteStats::clear() {
  std::lock_guard lock(mu_);
  routes_.clear();
}

}  // namespace ddsim::fakeintake
