#include "simulator/workload/dogstatsd_generator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_set>

namespace ddsim::workload {
namespace {

constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";

int64_t drawLength(common::Random& rng, const scenario::Range& r) {
  return rng.uniformInt(static_cast<int64_t>(std::llround(r.first)), static_cast<int64_t>(std::llround(r.second)));
}

void appendInt(std::string& out, int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void appendDouble(std::string& out, double v) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

}  // namespace

DogStatsDGenerator::DogStatsDGenerator(const scenario::DogStatsDWorkload& workload, uint64_t seed,
                                       size_t tag_cache_bytes)
    : w_(workload), rng_(seed) {
  buildContexts();
  for (const auto& t : w_.static_tags) {
    static_suffix_ += ',';
    static_suffix_ += t;
  }
  cacheLineText(tag_cache_bytes);
}

void DogStatsDGenerator::cacheLineText(size_t max_bytes) {
  size_t bytes = 0;
  for (const auto& c : contexts_) {
    bytes += sizeof(Slot) + names_[c.name].size() + 2 + static_suffix_.size();
    for (auto t : c.tags) bytes += tag_pool_[t].size() + 1;
    if (bytes > max_bytes) return;
  }
  line_text_.reserve(bytes);
  slots_.reserve(order_.size());
  for (uint32_t idx : order_) {
    const Context& c = contexts_[idx];
    Slot slot{line_text_.size(), static_cast<uint32_t>(names_[c.name].size()), 0, c.kind};
    line_text_ += names_[c.name];
    appendTags(line_text_, c);
    slot.tags_len = static_cast<uint32_t>(line_text_.size() - slot.offset - slot.name_len);
    slots_.push_back(slot);
  }
}

void DogStatsDGenerator::appendTags(std::string& out, const Context& c) const {
  if (c.tags.empty() && static_suffix_.empty()) return;
  out += "|#";
  for (size_t i = 0; i < c.tags.size(); ++i) {
    if (i) out += ',';
    out += tag_pool_[c.tags[i]];
  }
  if (c.tags.empty()) out.append(static_suffix_, 1);
  else out += static_suffix_;
}

std::string DogStatsDGenerator::makeToken(double min_len, double max_len, bool with_colon) {
  int64_t len = std::max<int64_t>(1, drawLength(rng_, {min_len, max_len}));
  std::string s;
  s.reserve(static_cast<size_t>(len));
  // Names start with a letter; tags are key:value with the colon in the first half.
  int64_t colon_at = with_colon && len >= 3 ? rng_.uniformInt(1, std::max<int64_t>(1, len / 2)) : -1;
  for (int64_t i = 0; i < len; ++i) {
    if (i == colon_at) {
      s += ':';
    } else if (i == 0) {
      s += kAlphabet[rng_.uniformInt(0, 25)];
    } else {
      s += kAlphabet[rng_.uniformInt(0, 35)];
    }
  }
  return s;
}

void DogStatsDGenerator::buildContexts() {
  const int64_t n_contexts = w_.contexts;
  const int64_t n_names = !w_.names.empty()   ? static_cast<int64_t>(w_.names.size())
                          : w_.metric_names > 0 ? w_.metric_names
                                                : std::max<int64_t>(1, n_contexts / 10);
  names_ = w_.names;
  if (names_.empty()) {
    std::unordered_set<std::string> seen;
    while (static_cast<int64_t>(names_.size()) < n_names) {
      std::string base = makeToken(w_.name_length.first, w_.name_length.second, false);
      // Dotted names, as real metrics have.
      if (base.size() > 6) base[base.size() / 2] = '.';
      if (seen.insert(base).second) names_.push_back(std::move(base));
    }
  }
  const double mean_tags = (w_.tags_per_metric.first + w_.tags_per_metric.second) / 2.0;
  const auto pool_size = static_cast<int64_t>(
      std::max(8.0, std::ceil(static_cast<double>(n_contexts) * std::max(mean_tags, 1.0) * w_.unique_tag_ratio)));
  {
    std::unordered_set<std::string> seen;
    while (static_cast<int64_t>(tag_pool_.size()) < pool_size) {
      std::string t = makeToken(w_.tag_length.first, w_.tag_length.second, true);
      if (seen.insert(t).second) tag_pool_.push_back(std::move(t));
    }
  }
  const double weights[] = {w_.weight_count, w_.weight_gauge, w_.weight_timer, w_.weight_distribution,
                            w_.weight_set, w_.weight_histogram};
  double total_weight = 0;
  for (double x : weights) total_weight += x;

  std::unordered_set<uint64_t> keys;
  contexts_.reserve(static_cast<size_t>(n_contexts));
  for (int64_t i = 0; i < n_contexts; ++i) {
    Context c;
    for (int attempt = 0;; ++attempt) {
      c.name = static_cast<uint32_t>(i < n_names ? i : rng_.uniformInt(0, n_names - 1));
      const int64_t k = drawLength(rng_, w_.tags_per_metric);
      c.tags.clear();
      for (int64_t j = 0; j < k; ++j) {
        c.tags.push_back(static_cast<uint32_t>(rng_.uniformInt(0, pool_size - 1)));
      }
      std::sort(c.tags.begin(), c.tags.end());
      c.tags.erase(std::unique(c.tags.begin(), c.tags.end()), c.tags.end());
      uint64_t h = mix(0, c.name);
      for (auto t : c.tags) h = mix(h, t + 1);
      if (keys.insert(h).second) break;
      if (attempt >= 16) {
        // The pool is too small for this many distinct contexts: make this one distinct with
        // a tag of its own (rare with sane settings).
        tag_pool_.push_back("ctx:" + std::to_string(i));
        c.tags.push_back(static_cast<uint32_t>(tag_pool_.size() - 1));
        keys.insert(mix(h, tag_pool_.size()));
        break;
      }
    }
    double pick = rng_.uniform(0, total_weight);
    size_t kind = 0;
    while (kind + 1 < std::size(weights) && pick >= weights[kind]) {
      pick -= weights[kind];
      ++kind;
    }
    while (weights[kind] <= 0 && kind > 0) --kind;  // guard against rounding onto a zero weight
    c.kind = static_cast<Kind>(kind);
    contexts_.push_back(std::move(c));
  }
  order_.resize(contexts_.size());
  for (size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<uint32_t>(i);
  for (size_t i = order_.size(); i > 1; --i) {
    std::swap(order_[i - 1], order_[static_cast<size_t>(rng_.uniformInt(0, static_cast<int64_t>(i) - 1))]);
  }
  active_ = order_.size();
}

void DogStatsDGenerator::appendValue(std::string& out, Kind kind) {
  if (kind == Kind::kSet) {
    out += 'u';
    appendInt(out, rng_.uniformInt(0, 999));
    return;
  }
  if (rng_.bernoulli(w_.float_probability)) {
    double v = rng_.uniform(w_.value_range.first, w_.value_range.second);
    appendDouble(out, std::round(v * 1000.0) / 1000.0);
  } else {
    appendInt(out, static_cast<int64_t>(std::llround(rng_.uniform(w_.value_range.first, w_.value_range.second))));
  }
}

void DogStatsDGenerator::appendLine(std::string& out, size_t pos, int64_t now_unix) {
  const Slot* slot = slots_.empty() ? nullptr : &slots_[pos];
  const Context* ctx = slot ? nullptr : &contexts_[order_[pos]];
  const Kind kind = slot ? slot->kind : ctx->kind;
  if (slot) out.append(line_text_, slot->offset, slot->name_len);
  else out += names_[ctx->name];
  out += ':';
  int64_t values = 1;
  if (kind != Kind::kSet && w_.multivalue_probability > 0 && rng_.bernoulli(w_.multivalue_probability)) {
    values = std::max<int64_t>(1, drawLength(rng_, w_.multivalue_count));
  }
  for (int64_t v = 0; v < values; ++v) {
    if (v) out += ':';
    appendValue(out, kind);
  }
  static constexpr std::string_view kTypes[] = {"|c", "|g", "|ms", "|d", "|s", "|h"};
  out += kTypes[static_cast<size_t>(kind)];
  if (w_.sampling_probability > 0 && rng_.bernoulli(w_.sampling_probability)) {
    out += "|@";
    appendDouble(out, std::round(rng_.uniform(w_.sampling_range.first, w_.sampling_range.second) * 100.0) / 100.0);
  }
  if (slot) out.append(line_text_, slot->offset + slot->name_len, slot->tags_len);
  else appendTags(out, *ctx);
  const bool timestampable = kind == Kind::kCount || kind == Kind::kGauge;
  if (timestampable && w_.timestamp_probability > 0 && rng_.bernoulli(w_.timestamp_probability)) {
    out += "|T";
    appendInt(out, now_unix);
    tally_.timestamped += values;
  }
  tally_.samples += values;
  switch (kind) {
    case Kind::kCount: tally_.counts += values; break;
    case Kind::kGauge: tally_.gauges += values; break;
    case Kind::kTimer: tally_.timers += values; break;
    case Kind::kDistribution: tally_.distributions += values; break;
    case Kind::kSet: tally_.sets += values; break;
    case Kind::kHistogram: tally_.histograms += values; break;
  }
}

void DogStatsDGenerator::setActiveContexts(size_t n) {
  active_ = std::clamp<size_t>(n, 1, order_.size());
  if (cursor_ >= active_) cursor_ = 0;
}

void DogStatsDGenerator::generate(int64_t lines, int64_t now_unix, const std::function<void(std::string_view)>& emit) {
  const auto limit = static_cast<size_t>(w_.packet_size);
  packet_.clear();
  for (int64_t i = 0; i < lines; ++i) {
    // The line is written in place after the packet so far; when it makes the packet too
    // long, the packet without it is sent and the line moves to the front.
    const size_t start = packet_.size();
    if (start) packet_ += '\n';
    appendLine(packet_, cursor_, now_unix);
    if (++cursor_ >= active_) cursor_ = 0;
    ++tally_.lines;
    if (start && packet_.size() > limit) {
      emit(std::string_view(packet_.data(), start));
      ++tally_.packets;
      tally_.bytes += static_cast<int64_t>(start);
      packet_.erase(0, start + 1);
    }
  }
  if (!packet_.empty()) {
    emit(packet_);
    ++tally_.packets;
    tally_.bytes += static_cast<int64_t>(packet_.size());
    packet_.clear();
  }
}

std::string DogStatsDGenerator::contextName(size_t i) const { return names_[contexts_[i].name]; }

std::vector<std::string> DogStatsDGenerator::contextTags(size_t i) const {
  std::vector<std::string> out;
  for (auto t : contexts_[i].tags) out.push_back(tag_pool_[t]);
  for (const auto& t : w_.static_tags) out.push_back(t);
  return out;
}

}  // namespace ddsim::workload
