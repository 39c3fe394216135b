#include "simulator/scenario/json_locate.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace ddsim::scenario {

namespace {

// A SAX handler that keeps only the path to the value being read.
class PathTracker {
 public:
  using json = nlohmann::json;

  bool null() { return value(); }
  bool boolean(bool) { return value(); }
  bool number_integer(json::number_integer_t) { return value(); }
  bool number_unsigned(json::number_unsigned_t) { return value(); }
  bool number_float(json::number_float_t, const json::string_t&) { return value(); }
  bool string(json::string_t&) { return value(); }
  bool binary(json::binary_t&) { return value(); }
  bool start_object(std::size_t) {
    frames_.push_back({false, 0, "", false});
    return true;
  }
  bool key(json::string_t& k) {
    frames_.back().key = k;
    frames_.back().has_key = true;
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) {
    frames_.push_back({true, 0, "", false});
    return true;
  }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    failure_ = JsonParseFailure{path(), e.what(), position};
    // Drop nlohmann's "[json.exception.xxx] " prefix: the path says where, the rest says what.
    const auto close_bracket = failure_->message.find("] ");
    if (failure_->message.rfind("[json.exception.", 0) == 0 && close_bracket != std::string::npos) {
      failure_->message = failure_->message.substr(close_bracket + 2);
    }
    return false;
  }

  const std::optional<JsonParseFailure>& failure() const { return failure_; }

 private:
  struct Frame {
    bool array;
    size_t index;
    std::string key;
    bool has_key;
  };

  bool value() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
    return true;
  }
  bool close() {
    frames_.pop_back();
    return value();
  }
  std::string path() const {
    std::string p = "$";
    for (const auto& f : frames_) {
      if (f.array) {
        p.push_back('[');
        p.append(std::to_string(f.index));
        p.push_back(']');
      } else if (f.has_key) {
        p.push_back('.');
        p.append(f.key);
      }
    }
    return p;
  }

  std::vector<Frame> frames_;
  std::optional<JsonParseFailure> failure_;
};

}  // namespace

std::optional<JsonParseFailure> locateJsonParseFailure(std::string_view text) {
  PathTracker tracker;
  if (nlohmann::json::sax_parse(text, &tracker)) return std::nullopt;
  return tracker.failure();
}

}  // namespace ddsim::scenario
