#include "core/metrics/ddsketch.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/metrics/go_compat.h"

namespace ddsim::metrics {
namespace {

void appendSafe(std::vector<SketchBin>& bins, int16_t k, uint64_t n) {
  if (n <= kSketchMaxBinCount) {
    bins.push_back({k, static_cast<uint16_t>(n)});
    return;
  }
  // Overflow: several bins with the same key, the remainder first and the full bins last.
  const uint64_t r = n % kSketchMaxBinCount;
  if (r != 0) bins.push_back({k, static_cast<uint16_t>(r)});
  for (uint64_t i = 0; i < n / kSketchMaxBinCount; ++i) bins.push_back({k, kSketchMaxBinCount});
}

// Folds the lowest bins into the one at len-limit so at most `limit` (+ overflow) bins remain.
void trimLeft(std::vector<SketchBin>& a, size_t limit) {
  if (limit == 0 || a.size() <= limit) return;
  const size_t n_remove = a.size() - limit;
  std::vector<SketchBin> overflow;
  uint64_t missing = 0;
  for (size_t i = 0; i < n_remove; ++i) {
    missing += a[i].n;
    if (missing > kSketchMaxBinCount) {
      overflow.push_back({a[i].k, kSketchMaxBinCount});
      missing -= kSketchMaxBinCount;
    }
  }
  SketchBin& keep = a[n_remove];
  const uint64_t next = missing + keep.n;
  if (next > kSketchMaxBinCount) {
    keep.n = kSketchMaxBinCount;
    missing = next - kSketchMaxBinCount;
  } else {
    keep.n = static_cast<uint16_t>(next);
    missing = 0;
  }
  if (missing > 0) appendSafe(overflow, keep.k, missing);
  overflow.insert(overflow.end(), a.begin() + static_cast<ptrdiff_t>(n_remove), a.end());
  a.swap(overflow);
}

size_t countLeadingEqual(const std::vector<int16_t>& a, size_t start) {
  size_t i = start;
  while (i < a.size() && a[i] == a[start]) ++i;
  return i - start;
}

}  // namespace

// --- SketchConfig ------------------------------------------------------------------------

const SketchConfig& SketchConfig::agentDefault() {
  static const SketchConfig kDefault(1.0 / 128.0, 1e-9, 4096);
  return kDefault;
}

SketchConfig::SketchConfig(double eps, double min_value, int bin_limit) : bin_limit_(bin_limit) {
  eps *= 2;
  gamma_ = 1 + eps;
  gamma_ln_ = std::log1p(eps);
  const int emin = static_cast<int>(std::floor(std::log(min_value) / gamma_ln_));
  bias_ = -emin + 1;
  norm_min_ = binLow(1);
  norm_max_ = binLow(kSketchMaxKey);
}

int16_t SketchConfig::key(double v) const {
  if (v < 0) return static_cast<int16_t>(-key(-v));
  if (v == 0 || (v > 0 && v < norm_min_)) return 0;
  // Round half to even so that key(binLow(k)) == k.
  const int64_t i = goInt(roundHalfToEven(std::log(v) / gamma_ln_)) + bias_;
  if (i > kSketchMaxKey) return kSketchInfKey;
  if (i < 1) return 1;
  return static_cast<int16_t>(i);
}

double SketchConfig::binLow(int16_t k) const {
  if (k < 0) return -binLow(static_cast<int16_t>(-k));
  if (k == kSketchInfKey) return std::numeric_limits<double>::infinity();
  if (k == 0) return 0;
  return std::pow(gamma_, static_cast<double>(int{k} - bias_));
}

// --- Summary -----------------------------------------------------------------------------

void summaryInsert(SketchSummary& s, double v) {
  if (v > s.max || s.cnt == 0) s.max = v;
  if (v < s.min || s.cnt == 0) s.min = v;
  s.cnt++;
  s.sum += v;
  s.avg += (v - s.avg) / static_cast<double>(s.cnt);  // incremental mean
}

void summaryMerge(SketchSummary& s, const SketchSummary& o) {
  if (s.cnt == 0) {
    s = o;
    return;
  }
  if (o.cnt == 0) return;
  if (o.max > s.max) s.max = o.max;
  if (o.min < s.min) s.min = o.min;
  s.cnt += o.cnt;
  s.sum += o.sum;
  s.avg = s.avg + (o.avg - s.avg) * static_cast<double>(o.cnt) / static_cast<double>(s.cnt);
}

void summaryInsertN(SketchSummary& s, double v, double n) {
  summaryMerge(s, SketchSummary{v, v, n * v, v, goInt64(n)});
}

// --- DDSketch ----------------------------------------------------------------------------

DDSketch::DDSketch(const Sketch& data) : bins_(data.bins), basic_(data.basic) {
  for (const auto& b : bins_) count_ += b.n;
}

void DDSketch::insertValues(const SketchConfig& c, const std::vector<double>& values) {
  std::vector<int16_t> keys;
  keys.reserve(values.size());
  for (double v : values) {
    summaryInsert(basic_, v);
    keys.push_back(c.key(v));
  }
  insertKeys(c, keys);
}

void DDSketch::insertKeys(const SketchConfig& c, std::vector<int16_t>& keys) {
  count_ += static_cast<int64_t>(keys.size());
  std::sort(keys.begin(), keys.end());
  std::vector<SketchBin> tmp;
  tmp.reserve(bins_.size() + keys.size());
  size_t s = 0;
  size_t k = 0;
  while (s < bins_.size() && k < keys.size()) {
    const SketchBin b = bins_[s];
    const int16_t vk = keys[k];
    if (b.k < vk) {
      tmp.push_back(b);
      ++s;
    } else if (b.k > vk) {
      const size_t kn = countLeadingEqual(keys, k);
      appendSafe(tmp, vk, kn);
      k += kn;
    } else {
      const size_t kn = countLeadingEqual(keys, k);
      appendSafe(tmp, b.k, b.n + kn);
      ++s;
      k += kn;
    }
  }
  tmp.insert(tmp.end(), bins_.begin() + static_cast<ptrdiff_t>(s), bins_.end());
  while (k < keys.size()) {
    const size_t kn = countLeadingEqual(keys, k);
    appendSafe(tmp, keys[k], kn);
    k += kn;
  }
  trimLeft(tmp, static_cast<size_t>(c.binLimit()));
  bins_.swap(tmp);
}

void DDSketch::insertCounts(const SketchConfig& c, std::vector<KeyCount>& kcs) {
  std::stable_sort(kcs.begin(), kcs.end(), [](const KeyCount& a, const KeyCount& b) { return a.k < b.k; });
  std::vector<SketchBin> tmp;
  tmp.reserve(bins_.size() + kcs.size());
  size_t s = 0;
  size_t k = 0;
  while (s < bins_.size() && k < kcs.size()) {
    const SketchBin b = bins_[s];
    const int16_t vk = kcs[k].k;
    const uint64_t kn = kcs[k].n;
    if (b.k < vk) {
      tmp.push_back(b);
      ++s;
    } else if (b.k > vk) {
      appendSafe(tmp, vk, kn);
      count_ += static_cast<int64_t>(kn);
      ++k;
    } else {
      appendSafe(tmp, b.k, b.n + kn);
      count_ += static_cast<int64_t>(kn);
      ++s;
      ++k;
    }
  }
  tmp.insert(tmp.end(), bins_.begin() + static_cast<ptrdiff_t>(s), bins_.end());
  for (; k < kcs.size(); ++k) {
    appendSafe(tmp, kcs[k].k, kcs[k].n);
    count_ += static_cast<int64_t>(kcs[k].n);
  }
  trimLeft(tmp, static_cast<size_t>(c.binLimit()));
  bins_.swap(tmp);
}

void DDSketch::merge(const SketchConfig& c, const DDSketch& o) {
  summaryMerge(basic_, o.basic_);
  count_ += o.count_;
  std::vector<SketchBin> tmp;
  tmp.reserve(bins_.size() + o.bins_.size());
  size_t s = 0;
  for (const SketchBin& ob : o.bins_) {
    while (s < bins_.size() && bins_[s].k < ob.k) tmp.push_back(bins_[s++]);
    if (s >= bins_.size() || bins_[s].k > ob.k) {
      tmp.push_back(ob);
    } else {  // equal keys
      appendSafe(tmp, ob.k, uint64_t{ob.n} + bins_[s].n);
      ++s;
    }
  }
  tmp.insert(tmp.end(), bins_.begin() + static_cast<ptrdiff_t>(s), bins_.end());
  trimLeft(tmp, static_cast<size_t>(c.binLimit()));
  bins_.swap(tmp);
}

double DDSketch::quantile(const SketchConfig& c, double q) const {
  if (count_ == 0) return 0;
  if (q <= 0) return basic_.min;
  if (q >= 1) return basic_.max;
  const double rank = roundHalfToEven(q * static_cast<double>(count_ - 1));
  double n = 0;
  for (size_t i = 0; i < bins_.size(); ++i) {
    const SketchBin& b = bins_[i];
    n += b.n;
    if (n <= rank) continue;
    const double weight = (n - rank) / b.n;
    double v_low = c.binLow(b.k);
    const double v_high = v_low * c.gamma();
    // agent behaviour: only the first bin is clamped (to min); the upper end is not clamped.
    if (i == 0) v_low = basic_.min;
    return v_low * weight + v_high * (1 - weight);
  }
  return basic_.max;  // count larger than the bins' sum
}

double sketchQuantile(const Sketch& s, double q, const SketchConfig& c) {
  return DDSketch(s).quantile(c, q);
}

// --- AgentSketch -------------------------------------------------------------------------

void AgentSketch::flushBuffers() {
  const SketchConfig& c = SketchConfig::agentDefault();
  if (!buf_.empty()) {
    sketch_.insertKeys(c, buf_);
    buf_.clear();
  }
  if (!count_buf_.empty()) {
    sketch_.insertCounts(c, count_buf_);
    count_buf_.clear();
  }
}

void AgentSketch::insert(double v, double sample_rate) {
  const SketchConfig& c = SketchConfig::agentDefault();
  const int16_t k = c.key(v);
  if (!(sample_rate > 0 && sample_rate <= 1)) sample_rate = 1;
  if (sample_rate == 1) {
    summaryInsert(sketch_.mutableBasic(), v);
    buf_.push_back(k);
    if (buf_.size() < kBufCap) return;
  } else {
    // Count = truncated 1/rate, as histograms do; the summary sum uses the exact 1/rate.
    const double n = 1 / sample_rate;
    summaryInsertN(sketch_.mutableBasic(), v, n);
    count_buf_.push_back({k, goUint(n)});
  }
  flushBuffers();
}

void AgentSketch::insertInterpolate(double lower, double upper, uint64_t count) {
  const SketchConfig& c = SketchConfig::agentDefault();
  const int k_lo = c.key(lower);
  const int k_hi = c.key(upper);
  if (k_lo > k_hi) return;  // precondition lower <= upper (the agent would panic)
  std::vector<int16_t> keys;
  keys.reserve(static_cast<size_t>(k_hi - k_lo + 1));
  for (int k = k_lo; k <= k_hi; ++k) keys.push_back(static_cast<int16_t>(k));

  int64_t whats_left = static_cast<int64_t>(count);
  const double distance = upper - lower;
  size_t start = 0;
  double lower_b = c.binLow(keys[start]);
  size_t end = 1;
  double remainder = 0;
  while (end < keys.size() && whats_left > 0) {
    const double upper_b = c.binLow(keys[end]);
    // Share of the count proportional to this bin's width in the bucket.
    const double fkn = ((upper_b - lower_b) / distance) * static_cast<double>(count);
    // Only carry a remainder above 1 so no run of zero-count bins is stored.
    if (fkn > 1) remainder += fkn - static_cast<double>(goInt(fkn));
    int64_t kn = goInt(fkn);
    if (remainder > 1) {
      kn++;
      remainder--;
    }
    if (kn > 0) {
      if (kn > whats_left) kn = whats_left;
      summaryInsertN(sketch_.mutableBasic(), lower_b, static_cast<double>(kn));
      count_buf_.push_back({keys[start], static_cast<uint64_t>(kn)});
      whats_left -= kn;
      start = end;
      lower_b = upper_b;
    }
    ++end;
  }
  if (whats_left > 0) {
    summaryInsertN(sketch_.mutableBasic(), c.binLow(keys[start]), static_cast<double>(whats_left));
    count_buf_.push_back({keys[start], static_cast<uint64_t>(whats_left)});
  }
  flushBuffers();
}

std::optional<Sketch> AgentSketch::finish() {
  flushBuffers();
  if (isEmpty()) return std::nullopt;
  return sketch_.toSketch();
}

}  // namespace ddsim::metrics
