#pragma once
// MurmurHash3 x64_128 with two independent 64-bit seeds (spec §2.2). The agent hashes with
// github.com/twmb/murmur3, whose SeedSum128(seed1, seed2, data) starts h1 and h2 from two
// separate seeds; with seed1 == seed2 == s it equals the reference MurmurHash3_x64_128(s).
// Pure functions, thread-safe.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ddsim::metrics {

struct Hash128 {
  uint64_t h1 = 0;
  uint64_t h2 = 0;
  bool operator==(const Hash128&) const = default;
};

namespace murmur3_detail {

constexpr uint64_t kC1 = 0x87c37b91114253d5ULL;
constexpr uint64_t kC2 = 0x4cf5ad432745937fULL;

inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

inline uint64_t fmix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

inline uint64_t load64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);  // little-endian hosts only (x86-64, aarch64)
  return v;
}

// The n (0..8) bytes at p as a little-endian word, high bytes zero. Overlapping loads: the
// bytes two loads share are the same, so OR-ing them changes nothing.
inline uint64_t loadUpTo8(const unsigned char* p, size_t n) {
  if (n >= 4) {
    uint32_t lo;
    uint32_t hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return uint64_t{lo} | (uint64_t{hi} << (8 * (n - 4)));
  }
  if (n == 0) return 0;
  return uint64_t{p[0]} | (uint64_t{p[n / 2]} << (8 * (n / 2))) | (uint64_t{p[n - 1]} << (8 * (n - 1)));
}

}  // namespace murmur3_detail

// The full 128-bit hash of `data` with h1 starting at seed1 and h2 at seed2. Inline: it runs
// once per tag, name and host of every sample, mostly on short strings, where a call costs
// about as much as the hashing.
inline Hash128 murmur3x64_128(std::string_view data, uint64_t seed1 = 0, uint64_t seed2 = 0) {
  using namespace murmur3_detail;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const size_t len = data.size();
  const size_t nblocks = len / 16;
  uint64_t h1 = seed1;
  uint64_t h2 = seed2;

  for (size_t i = 0; i < nblocks; ++i) {
    uint64_t k1 = load64(p + i * 16);
    uint64_t k2 = load64(p + i * 16 + 8);
    k1 *= kC1; k1 = rotl(k1, 31); k1 *= kC2; h1 ^= k1;
    h1 = rotl(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
    k2 *= kC2; k2 = rotl(k2, 33); k2 *= kC1; h2 ^= k2;
    h2 = rotl(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
  }

  // The tail (0..15 bytes) as two little-endian words, read with at most four loads instead
  // of one load per byte; the words are the same as the reference's byte-by-byte assembly.
  const unsigned char* tail = p + nblocks * 16;
  const size_t rest = len & 15;
  if (rest > 8) {
    uint64_t k2 = loadUpTo8(tail + 8, rest - 8);
    k2 *= kC2; k2 = rotl(k2, 33); k2 *= kC1; h2 ^= k2;
  }
  if (rest > 0) {
    uint64_t k1 = rest >= 8 ? load64(tail) : loadUpTo8(tail, rest);
    k1 *= kC1; k1 = rotl(k1, 31); k1 *= kC2; h1 ^= k1;
  }

  h1 ^= len;
  h2 ^= len;
  h1 += h2;
  h2 += h1;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 += h2;
  h2 += h1;
  return {h1, h2};
}

// The first half of the seed-0 hash: the agent's murmur3.StringSum64, used per tag.
inline uint64_t murmur3Sum64(std::string_view data) { return murmur3x64_128(data).h1; }

}  // namespace ddsim::metrics
