#include "core/trace/stats_sketch.h"

#include <bit>
#include <cmath>
#include <limits>

#include "core/serializer/protobuf_writer.h"

namespace ddsim::trace {

namespace {

// 1 / ln(gamma), computed as sketches-go does (log1p of 2a / (1 - a)).
const double kMultiplier = 1 / std::log1p(2 * StatsSketch::kRelativeAccuracy / (1 - StatsSketch::kRelativeAccuracy));
// Below this a value cannot be indexed and counts as zero (the mapping's MinIndexableValue).
const double kMinIndexable = std::numeric_limits<double>::min() * (1 + StatsSketch::kRelativeAccuracy) /
                             (1 - StatsSketch::kRelativeAccuracy);

}  // namespace

void CollapsingLowestStore::add(int32_t index, double count) {
  if (count == 0) return;
  total_ += count;
  if (counts_.empty()) {
    offset_ = index;
    counts_.assign(1, count);
    return;
  }
  const int64_t max_index = offset_ + static_cast<int64_t>(counts_.size()) - 1;
  if (index < offset_) {
    if (collapsed_) {
      counts_[0] += count;  // once collapsed, anything below the range joins the lowest bin
      return;
    }
    int64_t new_min = index;
    if (max_index - new_min + 1 > max_bins_) {
      new_min = max_index - max_bins_ + 1;
      collapsed_ = true;
    }
    counts_.insert(counts_.begin(), static_cast<size_t>(offset_ - new_min), 0.0);
    offset_ = static_cast<int32_t>(new_min);
    counts_[static_cast<size_t>(std::max<int64_t>(index, new_min) - new_min)] += count;
    return;
  }
  if (index > max_index) {
    const int64_t new_min = static_cast<int64_t>(index) - max_bins_ + 1;
    if (new_min > offset_) {
      // The range would pass max_bins: fold the lowest bins into the new lowest one.
      collapsed_ = true;
      double folded = 0;
      const int64_t fold_end = std::min<int64_t>(new_min, max_index + 1);
      for (int64_t i = offset_; i < fold_end; ++i) folded += counts_[static_cast<size_t>(i - offset_)];
      std::vector<double> next(static_cast<size_t>(index - new_min + 1), 0.0);
      for (int64_t i = std::max<int64_t>(new_min, offset_); i <= max_index; ++i) {
        next[static_cast<size_t>(i - new_min)] = counts_[static_cast<size_t>(i - offset_)];
      }
      next[0] += folded;
      counts_ = std::move(next);
      offset_ = static_cast<int32_t>(new_min);
    } else {
      counts_.resize(static_cast<size_t>(index - offset_ + 1), 0.0);
    }
  }
  counts_[static_cast<size_t>(index - offset_)] += count;
}

void CollapsingLowestStore::encode(serializer::ByteBuffer& out) const {
  serializer::ProtoWriter w(out);
  if (counts_.empty()) return;
  w.key(2, serializer::WireType::kLengthDelimited);
  w.varint(counts_.size() * 8);
  for (double c : counts_) {
    const auto bits = std::bit_cast<uint64_t>(c);
    char* p = out.prepare(8);
    for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(bits >> (8 * i));
    out.commit(8);
  }
  if (offset_ != 0) {
    w.key(3, serializer::WireType::kVarint);
    w.varint(static_cast<uint32_t>((static_cast<uint32_t>(offset_) << 1) ^ static_cast<uint32_t>(offset_ >> 31)));
  }
}

int32_t StatsSketch::index(double value) {
  const double i = std::log(value) * kMultiplier;
  // sketches-go: int(i) for i >= 0, int(i) - 1 below (a floor that is off by one on exact
  // negative integers, kept for the same bins).
  return i >= 0 ? static_cast<int32_t>(i) : static_cast<int32_t>(i) - 1;
}

double StatsSketch::value(int32_t index) {
  return std::exp(static_cast<double>(index) / kMultiplier) * (1 + kRelativeAccuracy);
}

void StatsSketch::add(double value) {
  if (value > kMinIndexable) {
    positive_.add(index(value), 1);
  } else if (value < -kMinIndexable) {
    negative_.add(index(-value), 1);
  } else {
    zero_count_ += 1;
  }
}

void StatsSketch::encode(serializer::ByteBuffer& out) const {
  serializer::ProtoWriter w(out);
  auto mapping = w.beginEmbedded(1);
  w.doubleField(1, gamma());
  w.endEmbedded(mapping);
  auto pos = w.beginEmbedded(2);
  positive_.encode(out);
  w.endEmbedded(pos);
  auto neg = w.beginEmbedded(3);
  negative_.encode(out);
  w.endEmbedded(neg);
  w.doubleField(4, zero_count_);
}

double truncateDuration(int64_t ns) {
  // Keep sign, exponent and the top 9 stored mantissa bits (10 bits of precision).
  const uint64_t bits = std::bit_cast<uint64_t>(static_cast<double>(ns)) & 0xfffff80000000000ULL;
  return std::bit_cast<double>(bits);
}

}  // namespace ddsim::trace
