#include "core/metrics/context_key.h"

#include "core/metrics/murmur3.h"

namespace ddsim::metrics {

ContextKey combineContextKey(std::string_view name, std::string_view host, uint64_t tags_hash) {
  // Not a plain XOR with the tag hash: a name or host equal to a tag must not cancel out.
  const Hash128 a = murmur3x64_128(name, tags_hash, tags_hash);
  return murmur3x64_128(host, a.h1, a.h2).h1;
}

ContextKey KeyGenerator::generate(std::string_view name, std::string_view host, HashedTags& tags) {
  return combineContextKey(name, host, dedup_.dedupAndHash(tags));
}

GeneratedKeys KeyGenerator::generate2(std::string_view name, std::string_view host,
                                      HashedTags& tagger, HashedTags& metric) {
  dedup_.dedup2(tagger, metric);
  GeneratedKeys k;
  k.tagger = tagger.xorHash();
  k.metric = metric.xorHash();
  k.context = combineContextKey(name, host, k.tagger ^ k.metric);
  return k;
}

bool KeyGenerator::fastKey(std::string_view name, std::string_view host,
                           std::span<const std::string_view> tagger,
                           std::span<const std::string_view> metric, ContextKey* key) {
  const size_t n = tagger.size() + metric.size();
  if (n > kFastTags) return false;
  uint64_t h[kFastTags];
  size_t i = 0;
  for (std::string_view t : tagger) h[i++] = murmur3Sum64(t);
  for (std::string_view t : metric) h[i++] = murmur3Sum64(t);
  uint64_t tags_hash = 0;
  for (i = 0; i < n; ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (h[i] == h[j]) return false;  // a duplicate (or a collision): generate2 decides
    }
    tags_hash ^= h[i];
  }
  *key = combineContextKey(name, host, tags_hash);
  return true;
}

}  // namespace ddsim::metrics
