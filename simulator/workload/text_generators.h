#pragma once
// DogStatsD events (`_e{...}`) and service checks (`_sc|...`) as the wire text, so they travel
// through the same listeners and parser as metrics (spec §8.3, §8.4). Deterministic per seed.
// Not thread-safe.
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/random.h"
#include "simulator/scenario/scenario.h"

namespace ddsim::workload {

class EventGenerator {
 public:
  EventGenerator(const scenario::EventWorkload& workload, uint64_t seed);
  // One event message (no trailing newline) with timestamp `now_unix`.
  std::string next(int64_t now_unix);
  int64_t generated() const { return generated_; }

 private:
  std::string text(const scenario::Range& len);
  scenario::EventWorkload w_;
  common::Random rng_;
  std::vector<std::string> source_types_;
  int64_t generated_ = 0;
};

class ServiceCheckGenerator {
 public:
  ServiceCheckGenerator(const scenario::ServiceCheckWorkload& workload, uint64_t seed);
  std::string next(int64_t now_unix);
  int64_t generated() const { return generated_; }

 private:
  scenario::ServiceCheckWorkload w_;
  common::Random rng_;
  std::vector<std::string> names_;
  int64_t generated_ = 0;
};

}  // namespace ddsim::workload
