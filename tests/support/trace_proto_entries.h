#pragma once
// Reading and writing the key/value entries that stand for the schemas' map fields in
// proto/trace.proto (see the comment there), for tests that build or check AgentPayloads with
// the generated classes.
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "proto/trace.pb.h"

namespace ddsim::trace::testing {

template <typename Entries, typename V>
void addEntry(Entries& entries, std::string key, V value) {
  auto* e = entries.Add();
  e->set_key(std::move(key));
  e->set_value(value);
}

// The value of the last entry with this key (a map keeps the last one); fails the test when
// there is none.
template <typename Entries>
auto entry(const Entries& entries, std::string_view key) {
  using Value = std::decay_t<decltype(entries.Get(0).value())>;
  for (int i = entries.size() - 1; i >= 0; --i)
    if (entries.Get(i).key() == key) return Value(entries.Get(i).value());
  ADD_FAILURE() << "no entry " << key;
  return Value{};
}

}  // namespace ddsim::trace::testing
