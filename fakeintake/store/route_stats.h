#pragma once
// Per-route request statistics: requests, answers by status, bytes as sent and decompressed,
// size histograms, decode errors, violations, faults. Also bounds the number of distinct
// routes tracked. Thread-safe (one mutex).
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace ddsim::fakeintake {

// Upper bounds (bytes) of the size histogram buckets; a last bucket catches the rest.
inline constexpr std::array<uint64_t, 9> kSizeBucketBounds = {
    1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20};

struct SizeHistogram {
  std::array<uint64_t, kSizeBucketBounds.size() + 1> counts{};  // last = +Inf
  uint64_t sum = 0;
  uint64_t count = 0;
  void observe(uint64_t bytes);
};

struct RouteStat {
  uint64_t requests = 0;
  uint64_t bytes_compressed = 0;     // bodies as sent
  uint64_t bytes_uncompressed = 0;   // after decompression (decoded bodies only)
  uint64_t decode_errors = 0;
  uint64_t violations = 0;
  uint64_t faults = 0;               // requests a fault rule or override answered
  std::map<int, uint64_t> status_counts;
  SizeHistogram compressed_sizes;
  SizeHistogram uncompressed_sizes;
};

class RouteStats {
 public:
  explicit RouteStats(size_t max_routes) : max_routes_(max_routes) {}

  // True when `route` is tracked or there is room to track it (and starts tracking it).
  bool admit(std::string_view route);
  // Records one request. Untracked routes (not admitted) are ignored.
  void record(std::string_view route, int status, uint64_t compressed, uint64_t uncompressed,
              bool decoded, bool decode_error, uint64_t violations, bool faulted);
  std::map<std::string, RouteStat, std::less<>> snapshot() const;
  size_t routeCount() const;
  void clear();

 private:
  const size_t max_routes_;
  mutable std::mutex mu_;
  std::map<std::string, RouteStat, std::less<>> routes_;
};

}  // namespace ddsim::fakeintake
