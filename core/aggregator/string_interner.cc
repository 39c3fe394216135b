#include "core/aggregator/string_interner.h"

#include <cstring>
#include <new>

#include "core/metrics/murmur3.h"

namespace ddsim::aggregator {

StringInterner::~StringInterner() {
  by_hash_.forEach([](uint64_t, InternedString*& head) {
    for (InternedString* p = head; p != nullptr;) {
      InternedString* next = p->next_;
      p->~InternedString();
      ::operator delete(p);
      p = next;
    }
  });
}

const InternedString* StringInterner::acquire(std::string_view s) {
  InternedString*& head = by_hash_.findOrInsert(metrics::murmur3Sum64(s));
  for (InternedString* p = head; p != nullptr; p = p->next_) {
    if (p->view() == s) {
      p->refs_++;
      return p;
    }
  }
  void* mem = ::operator new(sizeof(InternedString) + s.size());
  auto* p = new (mem) InternedString(head, static_cast<uint32_t>(s.size()));
  if (!s.empty()) std::memcpy(p + 1, s.data(), s.size());
  p->refs_ = 1;
  head = p;
  ++size_;
  return p;
}

void StringInterner::release(const InternedString* cp) {
  if (cp == nullptr) return;
  const uint64_t h = metrics::murmur3Sum64(cp->view());
  InternedString** head = by_hash_.find(h);
  if (head == nullptr) return;
  for (InternedString** link = head; *link != nullptr; link = &(*link)->next_) {
    InternedString* p = *link;
    if (p != cp) continue;
    if (--p->refs_ > 0) return;
    *link = p->next_;
    p->~InternedString();
    ::operator delete(p);
    --size_;
    if (*head == nullptr) by_hash_.erase(h);
    return;
  }
}

}  // namespace ddsim::aggregator
