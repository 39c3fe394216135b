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

}  // namespace ddsim::metrics
