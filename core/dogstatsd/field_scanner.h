#pragma once
// Walks the '|'-separated fields of a message the way the agent's nextField does: a message
// without a separator is one last field, and "a|" has a second, empty field.
#include <cstring>
#include <string_view>

namespace ddsim::dogstatsd {

class FieldScanner {
 public:
  explicit FieldScanner(std::string_view rest) : rest_(rest), more_(true) {}
  // False once the last field has been returned.
  bool hasMore() const { return more_; }
  std::string_view next() {
    const void* sep = rest_.empty() ? nullptr : std::memchr(rest_.data(), '|', rest_.size());
    if (sep == nullptr) {
      more_ = false;
      std::string_view f = rest_;
      rest_ = {};
      return f;
    }
    size_t i = static_cast<size_t>(static_cast<const char*>(sep) - rest_.data());
    std::string_view f = rest_.substr(0, i);
    rest_.remove_prefix(i + 1);
    return f;
  }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
  bool more_;
};

}  // namespace ddsim::dogstatsd
