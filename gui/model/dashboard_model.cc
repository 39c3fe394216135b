#include "gui/model/dashboard_model.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace ddsim::gui {
namespace {

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

double sumOf(const std::map<std::string, double>& m, std::initializer_list<const char*> names) {
  double v = 0;
  for (const char* n : names) {
    if (auto it = m.find(n); it != m.end()) v += it->second;
  }
  return v;
}

std::vector<HistogramBin> histogramOf(const std::vector<double>& values, size_t bins) {
  std::vector<HistogramBin> out;
  if (values.empty() || bins == 0) return out;
  const auto [mn, mx] = std::minmax_element(values.begin(), values.end());
  const double lo = *mn;
  const double width = (*mx > lo) ? (*mx - lo) / static_cast<double>(bins) : 1.0;
  out.resize(bins);
  for (size_t i = 0; i < bins; ++i) out[i] = {lo + width * static_cast<double>(i), lo + width * static_cast<double>(i + 1), 0};
  for (double v : values) {
    auto i = static_cast<size_t>((v - lo) / width);
    ++out[std::min(i, bins - 1)].count;
  }
  return out;
}

}  // namespace

const char* chartTitle(ChartId c) {
  switch (c) {
    case ChartId::kFlushStages: return "Flush duration by stage";
    case ChartId::kPayloadSizes: return "Payload sizes";
    case ChartId::kThroughput: return "Throughput";
    case ChartId::kBytes: return "Bytes delivered";
    case ChartId::kRetryQueue: return "Retry queue";
    case ChartId::kRetryQueueBytes: return "Retry queue bytes";
    case ChartId::kTransactions: return "Transactions by outcome";
    case ChartId::kDrops: return "Drops by reason";
    case ChartId::kContexts: return "Contexts";
  }
  return "";
}

const char* chartUnit(ChartId c) {
  switch (c) {
    case ChartId::kFlushStages: return "ms";
    case ChartId::kPayloadSizes: return "bytes";
    case ChartId::kThroughput: return "per second";
    case ChartId::kBytes: return "bytes/s";
    case ChartId::kRetryQueue: return "items, seconds left";
    case ChartId::kRetryQueueBytes: return "bytes";
    case ChartId::kTransactions: return "attempts/s";
    case ChartId::kDrops: return "items (cumulative)";
    case ChartId::kContexts: return "contexts";
  }
  return "";
}

const char* chartSlug(ChartId c) {
  switch (c) {
    case ChartId::kFlushStages: return "flush_stages";
    case ChartId::kPayloadSizes: return "payload_sizes";
    case ChartId::kThroughput: return "throughput";
    case ChartId::kBytes: return "bytes";
    case ChartId::kRetryQueue: return "retry_queue";
    case ChartId::kRetryQueueBytes: return "retry_queue_bytes";
    case ChartId::kTransactions: return "transactions";
    case ChartId::kDrops: return "drops";
    case ChartId::kContexts: return "contexts";
  }
  return "";
}

std::optional<bool> discardKind(const std::string& n) {
  // By-design skips first (spec §5: non-finite values are skipped by the serializer, not lost).
  if (contains(n, "nonfinite_values") || contains(n, "ItemTooBigsFallback")) return false;
  if (contains(n, "dropped") || contains(n, "Drops") || contains(n, "ItemTooBig") || contains(n, "queue_full") ||
      contains(n, "stop.lost") || contains(n, "send_errors") || contains(n, "FlushErrors") ||
      contains(n, "corrupt_files")) {
    return true;
  }
  return std::nullopt;
}

DashboardModel::DashboardModel(size_t points_per_series) : capacity_(points_per_series) {}

void DashboardModel::clear() { *this = DashboardModel(capacity_); }

SeriesBuffer& DashboardModel::buffer(ChartId c, const std::string& name) {
  auto& list = charts_[c];
  for (auto& [n, b] : list) {
    if (n == name) return b;
  }
  list.emplace_back(name, SeriesBuffer(capacity_));
  return list.back().second;
}

void DashboardModel::push(ChartId c, const std::string& name, double t, double v) { buffer(c, name).push(t, v); }

std::vector<std::string> DashboardModel::seriesNames(ChartId c) const {
  std::vector<std::string> out;
  if (auto it = charts_.find(c); it != charts_.end()) {
    for (const auto& [n, b] : it->second) out.push_back(n);
  }
  return out;
}

const SeriesBuffer* DashboardModel::series(ChartId c, const std::string& name) const {
  auto it = charts_.find(c);
  if (it == charts_.end()) return nullptr;
  for (const auto& [n, b] : it->second) {
    if (n == name) return &b;
  }
  return nullptr;
}

std::vector<LimitLine> DashboardModel::limits(ChartId c) const {
  auto it = limits_.find(c);
  return it == limits_.end() ? std::vector<LimitLine>{} : it->second;
}

void DashboardModel::rollAttemptSeconds(int64_t up_to) {
  // Closes every whole second before `up_to`: one point per outcome ever seen (0 when none),
  // so a chart shows the outcome stop as well as start.
  if (attempt_second_ < 0) {
    attempt_second_ = up_to;
    return;
  }
  while (attempt_second_ < up_to) {
    for (const auto& o : outcomes_seen_) {
      push(ChartId::kTransactions, o, static_cast<double>(attempt_second_), static_cast<double>(attempt_counts_[o]));
    }
    attempt_counts_.clear();
    ++attempt_second_;
    if (up_to - attempt_second_ > 3600) attempt_second_ = up_to;  // a long gap: no hour of zeros
  }
}

void DashboardModel::applyTelemetry(double t, const std::map<std::string, double>& m) {
  for (const auto& [k, v] : m) telemetry_[k] = v;
  const double dt = prev_telemetry_t_ >= 0 ? t - prev_telemetry_t_ : 0;
  auto rate = [&](const char* label, std::initializer_list<const char*> names) {
    const double now = sumOf(m, names);
    auto& prev = prev_counters_[label];
    // A restart resets the agent's counters: never draw a negative rate.
    if (dt > 0) push(label == std::string("bytes delivered/s") ? ChartId::kBytes : ChartId::kThroughput, label, t,
                     std::max(0.0, now - prev) / dt);
    prev = now;
  };
  rate("samples in/s", {"aggregator.DogstatsdMetricSample", "aggregator.ChecksMetricSample"});
  rate("series out/s", {"aggregator.SeriesFlushed", "aggregator.SketchesFlushed"});
  rate("payloads/s", {"serializer.compressor.TotalPayloads"});
  rate("bytes delivered/s", {"forwarder.transactions.success_bytes"});
  prev_telemetry_t_ = t;

  if (auto it = m.find("forwarder.retry_queue.items"); it != m.end()) push(ChartId::kRetryQueue, "items", t, it->second);
  if (auto it = m.find("forwarder.retry_queue.bytes"); it != m.end()) push(ChartId::kRetryQueueBytes, "bytes", t, it->second);
  // Seconds of buffer left: capacity in seconds (at the current send rate) of every domain, summed.
  double secs = 0;
  bool any = false;
  for (const auto& [k, v] : m) {
    if (k.rfind("forwarder.retry_queue_duration.capacity_secs", 0) == 0) {
      secs += v;
      any = true;
    }
  }
  if (any) push(ChartId::kRetryQueue, "seconds of buffer left", t, secs);
  if (auto it = m.find("aggregator.dogstatsd_contexts"); it != m.end()) push(ChartId::kContexts, "dogstatsd", t, it->second);
  if (auto it = m.find("aggregator.checks_contexts"); it != m.end()) push(ChartId::kContexts, "checks", t, it->second);
  for (const auto& [k, v] : m) {
    if (discardKind(k) == std::optional<bool>(true) && (v > 0 || series(ChartId::kDrops, k))) push(ChartId::kDrops, k, t, v);
  }
}

void DashboardModel::apply(const LiveEvent& e) {
  now_ = std::max(now_, e.t);
  switch (e.kind) {
    case LiveEvent::Kind::kStarted:
      duration_ = e.duration;
      return;
    case LiveEvent::Kind::kFlush: {
      const double agg = e.flush.aggregate_seconds * 1e3;
      const double ser = agg + e.flush.serialize_seconds * 1e3;
      // Send: the forwarder's attempts since the previous flush (sending that flush's payloads).
      const double send = ser + send_since_flush_ * 1e3;
      push(ChartId::kFlushStages, "aggregate", e.t, agg);
      push(ChartId::kFlushStages, "+ serialize", e.t, ser);
      push(ChartId::kFlushStages, "+ send", e.t, send);
      flush_totals_.push_back(send / 1e3);
      send_since_flush_ = 0;
      ++flushes_;
      return;
    }
    case LiveEvent::Kind::kPayload: {
      const auto& p = e.payload;
      push(ChartId::kPayloadSizes, p.route + " compressed", e.t, static_cast<double>(p.compressed_bytes));
      push(ChartId::kPayloadSizes, p.route + " uncompressed", e.t, static_cast<double>(p.uncompressed_bytes));
      auto& r = routes_[p.route];
      ++r.payloads;
      r.compressed_bytes += p.compressed_bytes;
      r.uncompressed_bytes += p.uncompressed_bytes;
      r.items += p.items;
      return;
    }
    case LiveEvent::Kind::kAttempt: {
      const auto& a = e.attempt;
      send_since_flush_ += a.seconds;
      const auto second = static_cast<int64_t>(std::floor(e.t));
      rollAttemptSeconds(second);
      const std::string outcome = attemptOutcome(a.status);
      if (std::find(outcomes_seen_.begin(), outcomes_seen_.end(), outcome) == outcomes_seen_.end()) {
        outcomes_seen_.push_back(outcome);
      }
      ++attempt_counts_[outcome];
      ++routes_[a.route].attempts_by_status[a.status > 0 ? std::to_string(a.status) : "error:" + a.error];
      return;
    }
    case LiveEvent::Kind::kTelemetry:
      rollAttemptSeconds(static_cast<int64_t>(std::floor(e.t)));
      applyTelemetry(e.t, e.telemetry);
      return;
    case LiveEvent::Kind::kMarker:
      markers_.push_back({e.t, e.marker.kind, e.marker.label});
      return;
    case LiveEvent::Kind::kProgress:
      real_seconds_ = e.real_seconds;
      return;
    case LiveEvent::Kind::kFinished:
      rollAttemptSeconds(static_cast<int64_t>(std::floor(e.t)) + 1);
      finished_ = true;
      passed_ = e.passed;
      verdict_ = e.text;
      return;
  }
}

Funnel DashboardModel::funnel() const {
  Funnel f;
  const auto& m = telemetry_;
  f.stages = {
      {"samples in", sumOf(m, {"aggregator.DogstatsdMetricSample", "aggregator.ChecksMetricSample"})},
      {"series and sketches flushed", sumOf(m, {"aggregator.SeriesFlushed", "aggregator.SketchesFlushed"})},
      {"items in payloads", sumOf(m, {"serializer.series_v2.items_sent", "serializer.series_v1.items_sent",
                                      "serializer.sketches.items_sent"})},
      {"transactions", sumOf(m, {"forwarder.transactions.input_count"})},
      {"transactions delivered", sumOf(m, {"forwarder.transactions.success"})},
  };
  for (const auto& [k, v] : m) {
    if (v <= 0) continue;
    if (auto kind = discardKind(k)) (*kind ? f.drops : f.skips)[k] = v;
  }
  return f;
}

std::vector<HistogramBin> DashboardModel::flushHistogram(size_t bins) const { return histogramOf(flush_totals_, bins); }

std::vector<HistogramBin> DashboardModel::payloadHistogram(const std::string& route, size_t bins) const {
  std::vector<double> v;
  if (const auto* b = series(ChartId::kPayloadSizes, route + " compressed")) {
    for (size_t i = 0; i < b->size(); ++i) v.push_back(b->at(i).v);
  }
  return histogramOf(v, bins);
}

uint64_t DashboardModel::overwrittenPoints() const {
  uint64_t n = 0;
  for (const auto& [c, list] : charts_) {
    for (const auto& [name, b] : list) n += b.overwritten();
  }
  return n;
}

size_t DashboardModel::memoryBound() const {
  size_t n = 0;
  for (const auto& [c, list] : charts_) n += list.size();
  return n * capacity_ * sizeof(Point);
}

}  // namespace ddsim::gui
