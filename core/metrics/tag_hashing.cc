#include "core/metrics/tag_hashing.h"

#include <algorithm>
#include <bit>
#include <numeric>

#include "core/metrics/murmur3.h"

namespace ddsim::metrics {

void HashedTags::sortUniq() {
  const size_t n = tags_.size();
  if (n < 2) return;
  // Sort an index permutation by (hash, string), then apply it.
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (hashes_[a] != hashes_[b]) return hashes_[a] < hashes_[b];
    return tags_[a] < tags_[b];
  });
  std::vector<std::string_view> t(n);
  std::vector<uint64_t> h(n);
  for (size_t i = 0; i < n; ++i) {
    t[i] = tags_[order[i]];
    h[i] = hashes_[order[i]];
  }
  size_t j = 0;
  for (size_t i = 1; i < n; ++i) {
    if (h[i] == h[j] && t[i] == t[j]) continue;
    ++j;
    t[j] = t[i];
    h[j] = h[i];
  }
  t.resize(j + 1);
  h.resize(j + 1);
  tags_ = std::move(t);
  hashes_ = std::move(h);
}

void HashedTags::removeSorted(const HashedTags& other) {
  size_t hlen = tags_.size();
  const size_t olen = other.tags_.size();
  std::vector<bool> hole(hlen, false);
  // Merge walk over two lists sorted by (hash, string). The agent compares hashes only in its
  // ordering branches (and would spin on equal hashes with different strings); comparing
  // (hash, string) keeps the same result for distinct hashes and always terminates.
  for (size_t i = 0, j = 0; i < hlen && j < olen;) {
    if (hashes_[i] == other.hashes_[j] && tags_[i] == other.tags_[j]) {
      hole[i] = true;
      ++i;
    } else if (hashes_[i] < other.hashes_[j] ||
               (hashes_[i] == other.hashes_[j] && tags_[i] < other.tags_[j])) {
      ++i;
    } else {
      ++j;
    }
  }
  for (size_t i = 0; i < hlen;) {
    if (hole[i]) {
      --hlen;
      tags_[i] = tags_[hlen];
      hashes_[i] = hashes_[hlen];
      hole[i] = hole[hlen];
    } else {
      ++i;
    }
  }
  truncate(hlen);
}

TagDeduper::TagDeduper() { seen_idx_.fill(kBlank); }

size_t TagDeduper::hashSetSizeFor(size_t n) const {
  // 1 << bits.Len(n + n/8), capped at 512.
  const size_t size = size_t{1} << std::bit_width(n + n / 8);
  return std::min(size, kHashSetSize);
}

uint64_t TagDeduper::dedupAndHash(HashedTags& buf) {
  // HashGenerator.Hash runs the same three strategies as Dedup2 on one buffer.
  empty_.clear();
  dedup2(buf, empty_);
  return buf.xorHash();
}

bool TagDeduper::allHashesDistinct(const HashedTags& l, const HashedTags& r) {
  uint64_t h[kPairwiseSize];
  size_t n = 0;
  for (uint64_t x : l.hashes()) h[n++] = x;
  for (uint64_t x : r.hashes()) h[n++] = x;
  for (size_t i = 1; i < n; ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (h[i] == h[j]) return false;
    }
  }
  return true;
}

void TagDeduper::dedup2(HashedTags& l, HashedTags& r) {
  const size_t total = l.size() + r.size();
  if (total <= kPairwiseSize && allHashesDistinct(l, r)) return;
  if (total > kHashSetSize) {
    l.sortUniq();
    r.sortUniq();
    r.removeSorted(l);
    return;
  }
  if (total > kBruteForceSize) {
    const size_t size = hashSetSizeFor(total);
    const uint64_t mask = size - 1;
    std::fill_n(seen_idx_.begin(), size, kBlank);
    int16_t ibase = 0;
    const auto& ldata = l.tags();
    for (HashedTags* tb : {&l, &r}) {
      auto& tags = tb->mutableTags();
      auto& hashes = tb->mutableHashes();
      size_t ntags = hashes.size();
      for (size_t i = 0; i < ntags;) {
        const uint64_t h = hashes[i];
        uint64_t j = h & mask;
        for (;;) {
          if (seen_idx_[j] == kBlank) {
            seen_[j] = h;
            seen_idx_[j] = static_cast<int16_t>(static_cast<int16_t>(i) + ibase);
            ++i;
            break;
          }
          if (seen_[j] == h) {
            const int16_t idx = seen_idx_[j];
            const bool same =
                idx >= ibase ? tags[static_cast<size_t>(idx - ibase)] == tags[i]
                             : ldata[static_cast<size_t>(idx)] == tags[i];
            if (same) {
              tags[i] = tags[ntags - 1];
              hashes[i] = hashes[ntags - 1];
              --ntags;
              break;
            }
          }
          j = (j + 1) & mask;
        }
      }
      ibase = static_cast<int16_t>(ntags);
      tb->truncate(ntags);
    }
    return;
  }
  // Brute force for at most 4 tags.
  auto& ldata = l.mutableTags();
  auto& lhash = l.mutableHashes();
  size_t lsize = ldata.size();
  for (size_t i = 0; i < lsize;) {
    const uint64_t h = lhash[i];
    bool dup = false;
    for (size_t j = 0; j < i; ++j) {
      if (seen_[j] == h && ldata[j] == ldata[i]) {
        dup = true;
        break;
      }
    }
    if (dup) {
      --lsize;
      ldata[i] = ldata[lsize];
      lhash[i] = lhash[lsize];
      continue;
    }
    seen_[i] = h;
    ++i;
  }
  l.truncate(lsize);
  auto& rdata = r.mutableTags();
  auto& rhash = r.mutableHashes();
  size_t rsize = rdata.size();
  for (size_t i = 0; i < rsize;) {
    const uint64_t h = rhash[i];
    bool dup = false;
    for (size_t j = 0; j < lsize && !dup; ++j) dup = seen_[j] == h && ldata[j] == rdata[i];
    for (size_t j = 0; j < i && !dup; ++j) dup = seen_[lsize + j] == h && rdata[j] == rdata[i];
    if (dup) {
      --rsize;
      rdata[i] = rdata[rsize];
      rhash[i] = rhash[rsize];
      continue;
    }
    seen_[lsize + i] = h;
    ++i;
  }
  r.truncate(rsize);
}

}  // namespace ddsim::metrics
