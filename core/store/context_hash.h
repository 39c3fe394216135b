#pragma once
// The run store's context id: a 64-bit hash of kind, name, host, tag set (order-free) and type.
// Ids are kept in store files and a restarted fakeintake recomputes them for the contexts it
// sees again, so the function's values must never change (tests/unit/store/context_hash_test.cc
// holds it to a plain reference transcription).
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace ddsim::store {

inline uint64_t mix64(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

// The last n (1..7) bytes of a string as one little-endian word, zero-padded: two overlapping
// loads instead of a variable-length memcpy (a libc call per string). Overlapping bytes land
// on the same positions with the same values, so the OR is the padded word itself.
inline uint64_t loadTail(const char* p, size_t n) {
  auto byte = [](const char* q) { return static_cast<uint64_t>(static_cast<unsigned char>(*q)); };
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return uint64_t{lo} | (uint64_t{hi} << (8 * (n - 4)));
  }
  return byte(p) | (byte(p + n / 2) << (8 * (n / 2))) | (byte(p + n - 1) << (8 * (n - 1)));
}

// Our own 64-bit hash, eight bytes per step with a splitmix64 finish: stable across builds and
// versions (context ids are kept in files) and cheap for the short strings of a context.
// Assumes a little-endian machine, as the store's packed points do.
inline uint64_t hashBytes(std::string_view s, uint64_t seed) {
  uint64_t h = (seed + s.size()) * 0x9e3779b97f4a7c15ULL;
  const char* p = s.data();
  size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ (w * 0xbf58476d1ce4e5b9ULL)) * 0x94d049bb133111ebULL;
    h ^= h >> 29;
  }
  if (n > 0) h = (h ^ (loadTail(p, n) * 0xbf58476d1ce4e5b9ULL)) * 0x94d049bb133111ebULL;
  return mix64(h);
}

// The context id: name, host, the tag set (a sum of per-tag hashes, so order does not matter),
// kind and type (a series and a sketch of the same name stay apart). Kept positive for
// SQLite's INTEGER PRIMARY KEY.
inline int64_t contextHash(std::string_view kind, std::string_view name, std::string_view host,
                           const std::vector<std::string>* tags, std::string_view type) {
  uint64_t tags_hash = 0;
  if (tags) {
    for (const auto& t : *tags) tags_hash += hashBytes(t, 3);
  }
  uint64_t key = hashBytes(name, 1) ^ (hashBytes(host, 2) * 31) ^ tags_hash ^ (hashBytes(kind, 4) + hashBytes(type, 5));
  return static_cast<int64_t>(mix64(key) & 0x7fff'ffff'ffff'ffffULL);
}

}  // namespace ddsim::store
