#pragma once
// Named counters for things that are rare enough to key by string: drops by reason, errors by
// kind, HTTP errors by code. Thread-safe. Hot paths keep plain atomics and export them instead.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace ddsim::common {

class CounterSet {
 public:
  void add(std::string_view name, int64_t n = 1);
  int64_t get(std::string_view name) const;
  int64_t total() const;
  std::map<std::string, int64_t, std::less<>> snapshot() const;
  void reset();

 private:
  mutable std::mutex mu_;
  std::map<std::string, int64_t, std::less<>> values_;
};

// A flat snapshot of a component's telemetry, "name" -> value. Names use dots, e.g.
// "forwarder.transactions.dropped". Components fill one of these on request; observers
// (report writer, GUI) read them.
using TelemetrySnapshot = std::map<std::string, double>;

}  // namespace ddsim::common
