#include "core/dogstatsd/context_cache.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace ddsim::dogstatsd {
namespace {

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kMul2 = 0xC2B2AE3D27D4EB4Full;

inline uint64_t load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
inline uint64_t load4(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}
inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

// Two lanes of sixteen bytes per step, one multiply per eight bytes, the tail read as one
// overlapping load (no byte loop, no variable-length copy). Speed over quality: a hit is
// always confirmed byte for byte, so a weak hash only costs probes, never a wrong answer.
inline uint64_t hashBytes(const char* p, size_t n, uint64_t seed) {
  uint64_t a = seed ^ (n * kMul);
  uint64_t b = rotl(seed, 32) ^ kMul2;
  if (n >= 16) {
    const char* last = p + n - 16;
    for (; p < last; p += 16) {
      a = rotl((a ^ load8(p)) * kMul, 29);
      b = rotl((b ^ load8(p + 8)) * kMul2, 31);
    }
    a = rotl((a ^ load8(last)) * kMul, 29);
    b = rotl((b ^ load8(last + 8)) * kMul2, 31);
  } else if (n >= 8) {
    a ^= load8(p);
    b ^= load8(p + n - 8);
  } else if (n >= 4) {
    a ^= load4(p);
    b ^= load4(p + n - 4);
  } else if (n > 0) {
    a ^= static_cast<uint64_t>(static_cast<unsigned char>(p[0])) |
         static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 |
         static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16;
  }
  return (a * kMul) ^ rotl(b * kMul2, 27);
}

// A final avalanche so the low bits (the index) depend on every input bit.
inline uint64_t finish(uint64_t h) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  return h;
}

constexpr size_t kAlign = alignof(std::string_view);
inline size_t alignUp(size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }

}  // namespace

struct ContextCache::Entry {
  const char* raw = nullptr;  // raw name then raw tags, right after the entry
  uint32_t name_len = 0;
  uint32_t tags_len = 0;
  CachedContext c;
};

ContextCache::ContextCache(size_t max_bytes) {
  if (max_bytes < 4096) return;  // too small to hold anything useful: disabled
  // An eighth of the budget for the index (kept at most half full), the rest for entry blocks.
  // The index starts small and doubles as entries arrive, up to `slots`.
  const size_t slots = std::bit_floor(max_bytes / 8 / sizeof(Slot));
  max_entries_ = slots / 2;
  slots_.resize(std::min<size_t>(slots, 256));
  slot_mask_ = slots_.size() - 1;
  block_bytes_ = std::min(kBlockBytes, max_bytes - slots * sizeof(Slot));
  max_blocks_ = (max_bytes - slots * sizeof(Slot)) / block_bytes_;
}

ContextCache::~ContextCache() = default;

uint64_t ContextCache::hashOf(std::string_view raw_name, std::string_view raw_tags) {
  const uint64_t h = hashBytes(raw_name.data(), raw_name.size(), 0);
  return finish(hashBytes(raw_tags.data(), raw_tags.size(), h ^ 0x5bd1e995ull));
}

const CachedContext* ContextCache::find(uint64_t hash, std::string_view raw_name,
                                        std::string_view raw_tags) const {
  if (size_ == 0) return nullptr;
  for (size_t i = hash & slot_mask_;; i = (i + 1) & slot_mask_) {
    const Slot& s = slots_[i];
    if (s.entry == nullptr) return nullptr;
    if (s.hash != hash) continue;
    const Entry& e = *s.entry;
    // (An empty view may hold a null pointer, which memcmp must not be given.)
    if (e.name_len == raw_name.size() && e.tags_len == raw_tags.size() &&
        (raw_name.empty() || std::memcmp(e.raw, raw_name.data(), raw_name.size()) == 0) &&
        (raw_tags.empty() || std::memcmp(e.raw + e.name_len, raw_tags.data(), raw_tags.size()) == 0)) {
      return &e.c;
    }
  }
}

char* ContextCache::allocate(size_t bytes) {
  bytes = alignUp(bytes);
  if (bytes > block_bytes_) return nullptr;
  auto& blocks = blocks_->list;
  if (block_ < blocks.size() && block_used_ + bytes > block_bytes_) {
    ++block_;
    block_used_ = 0;
  }
  if (block_ == blocks.size()) {
    if (blocks.size() == max_blocks_) return nullptr;
    // No memset: a block's pages are touched only as entries fill them.
    blocks.push_back(std::make_unique_for_overwrite<char[]>(block_bytes_));
  }
  char* p = blocks[block_].get() + block_used_;
  block_used_ += bytes;
  return p;
}

bool ContextCache::insert(uint64_t hash, std::string_view raw_name, std::string_view raw_tags,
                          const CachedContext& c, double now) {
  if (!enabled() || size_ >= max_entries_) return false;
  if ((size_ + 1) * 2 > slots_.size()) grow();
  // Laid out in the order a hit reads it: header, raw bytes (compared), then what only the
  // aggregator reads on a new context (tag views, name, host). A hit then touches about three
  // cache lines.
  const size_t head = alignUp(sizeof(Entry));
  const size_t raw_bytes = alignUp(raw_name.size() + raw_tags.size());
  const size_t tags_bytes = c.tags.size() * sizeof(std::string_view);
  char* p = allocate(head + raw_bytes + tags_bytes + c.name.size() + c.host.size());
  if (p == nullptr) return false;
  auto* e = new (p) Entry;
  char* bytes = p + head;
  const auto copy = [&](std::string_view s) {
    if (!s.empty()) std::memcpy(bytes, s.data(), s.size());
    std::string_view out(bytes, s.size());
    bytes += s.size();
    return out;
  };
  e->raw = bytes;
  e->name_len = static_cast<uint32_t>(raw_name.size());
  e->tags_len = static_cast<uint32_t>(raw_tags.size());
  copy(raw_name);
  const std::string_view tags_copy = copy(raw_tags);
  auto* tags = reinterpret_cast<std::string_view*>(p + head + raw_bytes);
  bytes = p + head + raw_bytes + tags_bytes;
  const char* tags_begin = raw_tags.data();
  const char* tags_end = tags_begin + raw_tags.size();
  for (size_t i = 0; i < c.tags.size(); ++i) {
    const std::string_view t = c.tags[i];
    const bool inside = !raw_tags.empty() && t.data() >= tags_begin && t.data() + t.size() <= tags_end;
    new (&tags[i]) std::string_view(
        inside ? std::string_view(tags_copy.data() + (t.data() - tags_begin), t.size()) : t);
  }
  e->c.name = copy(c.name);
  e->c.host = copy(c.host);
  e->c.tags = std::span<const std::string_view>(tags, c.tags.size());
  e->c.source = c.source;
  e->c.context_key = c.context_key;
  size_t i = hash & slot_mask_;
  while (slots_[i].entry != nullptr) i = (i + 1) & slot_mask_;
  slots_[i] = Slot{hash, e};
  if (size_++ == 0) born_ = now;
  return true;
}

void ContextCache::grow() {
  std::vector<Slot> bigger(slots_.size() * 2);
  const size_t mask = bigger.size() - 1;
  for (const Slot& s : slots_) {
    if (s.entry == nullptr) continue;
    size_t i = s.hash & mask;
    while (bigger[i].entry != nullptr) i = (i + 1) & mask;
    bigger[i] = s;
  }
  slots_ = std::move(bigger);
  slot_mask_ = mask;
}

void ContextCache::clear() {
  if (size_ == 0) return;
  std::fill(slots_.begin(), slots_.end(), Slot{});
  // Pinned since the last emptying: the blocks are the pins' now (whether or not a pin is still
  // held: a use count read here would not order this thread after the pin holders' reads).
  if (pinned_since_clear_) {
    blocks_ = std::make_shared<Blocks>();
    pinned_since_clear_ = false;
  }
  block_ = 0;
  block_used_ = 0;
  size_ = 0;
}

size_t ContextCache::memoryBytes() const {
  return slots_.capacity() * sizeof(Slot) + blocks_->list.size() * block_bytes_;
}

}  // namespace ddsim::dogstatsd
