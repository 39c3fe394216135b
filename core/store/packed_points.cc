#include "core/store/packed_points.h"

#include <bit>
#include <cstring>

namespace ddsim::store {

static_assert(std::endian::native == std::endian::little, "the packed form is written in host order");

namespace {

template <typename T>
void put(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}

// Reads fixed-width values from a blob, remembering whether it ran out.
class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  template <typename T>
  T get() {
    T v{};
    if (b_.size() - pos_ < sizeof(T) || pos_ > b_.size()) {
      short_ = true;
      pos_ = b_.size();
      return v;
    }
    std::memcpy(&v, b_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  bool done() const { return pos_ >= b_.size(); }
  bool truncated() const { return short_; }
  size_t remaining() const { return b_.size() - pos_; }
  size_t pos() const { return pos_; }

 private:
  std::string_view b_;
  size_t pos_ = 0;
  bool short_ = false;
};

common::Status cut(const char* what, size_t at) {
  return common::dataLoss(std::string("packed ") + what + " blob is cut short at byte " + std::to_string(at));
}

}  // namespace

void appendSeriesPoint(std::string& out, int64_t context_id, int64_t ts, double value, int64_t interval) {
  // One 32-byte append per point (the same bytes as four put() calls, a quarter of the appends).
  char b[32];
  std::memcpy(b, &context_id, 8);
  std::memcpy(b + 8, &ts, 8);
  std::memcpy(b + 16, &value, 8);
  std::memcpy(b + 24, &interval, 8);
  out.append(b, sizeof(b));
}

void appendSketchEntry(std::string& out, int64_t context_id, const SketchEntry& e) {
  put(out, context_id);
  put(out, e.ts);
  put(out, e.count);
  put(out, e.min);
  put(out, e.max);
  put(out, e.sum);
  put(out, e.avg);
  const size_t bins = e.keys && e.counts ? std::min(e.keys->size(), e.counts->size()) : 0;
  put(out, static_cast<uint32_t>(bins));
  for (size_t i = 0; i < bins; ++i) {
    put(out, (*e.keys)[i]);
    put(out, (*e.counts)[i]);
  }
}

common::Status forEachSeriesPoint(std::string_view blob, const std::function<void(const PackedSeriesPoint&)>& fn) {
  Reader r(blob);
  while (!r.done()) {
    const size_t at = r.pos();
    PackedSeriesPoint p;
    p.context_id = r.get<int64_t>();
    p.ts = r.get<int64_t>();
    p.value = r.get<double>();
    p.interval = r.get<int64_t>();
    if (r.truncated()) return cut("series", at);
    fn(p);
  }
  return common::Status::ok();
}

common::Status forEachSketchEntry(std::string_view blob, const std::function<void(const SketchPointRow&)>& fn) {
  Reader r(blob);
  SketchPointRow row;
  while (!r.done()) {
    const size_t at = r.pos();
    row.context_id = r.get<int64_t>();
    row.ts = r.get<int64_t>();
    row.count = r.get<int64_t>();
    row.min = r.get<double>();
    row.max = r.get<double>();
    row.sum = r.get<double>();
    row.avg = r.get<double>();
    const auto bins = r.get<uint32_t>();
    if (r.truncated() || r.remaining() / 8 < bins) return cut("sketch", at);
    row.keys.resize(bins);
    row.counts.resize(bins);
    for (uint32_t i = 0; i < bins; ++i) {
      row.keys[i] = r.get<int32_t>();
      row.counts[i] = r.get<uint32_t>();
    }
    fn(row);
  }
  return common::Status::ok();
}

}  // namespace ddsim::store
