#pragma once
// Context keys (spec §2.2): MurmurHash3 x64_128 of the name seeded with the tag-set hash,
// chained into the host. Tag order and duplicates do not change the key.
#include <cstdint>
#include <span>
#include <string_view>

#include "core/metrics/tag_hashing.h"

namespace ddsim::metrics {

using ContextKey = uint64_t;  // 0 means "unset"
using TagsKey = uint64_t;     // XOR of the distinct tags' hashes

// key = h1 of murmur3(host, seeds = murmur3(name, seeds = (tagsHash, tagsHash))).
ContextKey combineContextKey(std::string_view name, std::string_view host, uint64_t tags_hash);

struct GeneratedKeys {
  ContextKey context = 0;
  TagsKey tagger = 0;  // hash of the de-duplicated tagger buffer
  TagsKey metric = 0;  // hash of the de-duplicated metric buffer
};

// The agent's ckey.KeyGenerator. Owns scratch space; not thread-safe (one per sampler).
class KeyGenerator {
 public:
  // De-duplicates `tags` in place and returns the key (Generate).
  ContextKey generate(std::string_view name, std::string_view host, HashedTags& tags);
  // De-duplicates both buffers in place (tagger first, spec §2.3) and returns the context key
  // and each buffer's hash (GenerateWithTags2).
  GeneratedKeys generate2(std::string_view name, std::string_view host, HashedTags& tagger,
                          HashedTags& metric);

  // The hot path of generate2 for the common sample: at most kFastTags tags in all, no two
  // with the same hash (so no duplicates). Then de-duplication would change nothing and the
  // key is the XOR of every tag's hash; no buffer is written. Returns false, leaving `key`
  // alone, when the sample is not of that kind: the caller then uses generate2.
  static constexpr size_t kFastTags = 16;
  static bool fastKey(std::string_view name, std::string_view host,
                      std::span<const std::string_view> tagger,
                      std::span<const std::string_view> metric, ContextKey* key);

 private:
  TagDeduper dedup_;
};

// Shard for a key among n pipelines: ((key >> 32) * n) >> 32 (spec §3.5).
inline uint32_t fastrange(ContextKey key, uint32_t n) {
  return static_cast<uint32_t>(((key >> 32) * uint64_t{n}) >> 32);
}

}  // namespace ddsim::metrics
