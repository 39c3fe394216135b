#pragma once
// MurmurHash3 x64_128 with two independent 64-bit seeds (spec §2.2). The agent hashes with
// github.com/twmb/murmur3, whose SeedSum128(seed1, seed2, data) starts h1 and h2 from two
// separate seeds; with seed1 == seed2 == s it equals the reference MurmurHash3_x64_128(s).
// Pure functions, thread-safe.
#include <cstdint>
#include <string_view>

namespace ddsim::metrics {

struct Hash128 {
  uint64_t h1 = 0;
  uint64_t h2 = 0;
  bool operator==(const Hash128&) const = default;
};

// The full 128-bit hash of `data` with h1 starting at seed1 and h2 at seed2.
Hash128 murmur3x64_128(std::string_view data, uint64_t seed1 = 0, uint64_t seed2 = 0);

// The first half of the seed-0 hash: the agent's murmur3.StringSum64, used per tag.
inline uint64_t murmur3Sum64(std::string_view data) { return murmur3x64_128(data).h1; }

}  // namespace ddsim::metrics
