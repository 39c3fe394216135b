#include "core/common/counters.h"

namespace ddsim::common {

void CounterSet::add(std::string_view name, int64_t n) {
  std::lock_guard lock(mu_);
  auto it = values_.find(name);
  if (it == values_.end()) {
    values_.emplace(std::string(name), n);
  } else {
    it->second += n;
  }
}

int64_t CounterSet::get(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = values_.find(name);
  return it == values_.end() ? 0 : it->second;
}

int64_t CounterSet::total() const {
  std::lock_guard lock(mu_);
  int64_t t = 0;
  for (const auto& [k, v] : values_) t += v;
  return t;
}

std::map<std::string, int64_t, std::less<>> CounterSet::snapshot() const {
  std::lock_guard lock(mu_);
  return values_;
}

void CounterSet::reset() {
  std::lock_guard lock(mu_);
  values_.clear();
}

}  // namespace ddsim::common
