#include "simulator/report/report_builder.h"

#include <algorithm>
#include <cmath>

namespace ddsim::report {

using nlohmann::json;

namespace {

json quantiles(std::vector<double> v) {
  if (v.empty()) return {{"count", 0}};
  std::sort(v.begin(), v.end());
  auto q = [&](double p) { return v[static_cast<size_t>(std::floor(p * static_cast<double>(v.size() - 1)))]; };
  double sum = 0;
  for (double x : v) sum += x;
  return {{"count", v.size()}, {"mean", sum / static_cast<double>(v.size())}, {"p50", q(0.5)},
          {"p90", q(0.9)},     {"p99", q(0.99)},                               {"max", v.back()}};
}

}  // namespace

ReportBuilder::PerFlush* ReportBuilder::flushAt(int64_t index) {
  for (auto& f : flushes_) {
    if (f.record.index == index) return &f;
  }
  return nullptr;
}

void ReportBuilder::onFlush(const pipeline::FlushRecord& r) {
  std::lock_guard lock(mu_);
  PerFlush f;
  f.record = r;
  // Payloads are submitted while the flush runs, before its record arrives.
  auto it = early_payloads_.find(r.index);
  if (it != early_payloads_.end()) {
    f.routes = std::move(it->second);
    early_payloads_.erase(it);
  }
  flushes_.push_back(std::move(f));
}

void ReportBuilder::onPayload(const pipeline::PayloadRecord& r) {
  std::lock_guard lock(mu_);
  ++payloads_;
  auto& pr = routes_[r.route];
  ++pr.payloads;
  pr.items += r.items;
  pr.points += r.points;
  pr.compressed.add(r.compressed_bytes);
  pr.uncompressed.add(r.uncompressed_bytes);
  if (r.flush_index < 0) return;
  PerFlush* f = flushAt(r.flush_index);
  auto& route = f ? f->routes[r.route] : early_payloads_[r.flush_index][r.route];
  ++route.payloads;
  route.compressed += r.compressed_bytes;
  route.uncompressed += r.uncompressed_bytes;
  route.items += r.items;
  route.points += r.points;
}

void ReportBuilder::onAttempt(const pipeline::AttemptRecord& r) {
  std::lock_guard lock(mu_);
  auto& a = attempts_[r.route];
  ++a.attempts;
  a.bytes += r.bytes;
  a.outcomes[r.error.empty() ? std::to_string(r.status) : r.error]++;
  if (r.method == "POST" && r.error.empty() && r.status >= 200 && r.status < 300) ++answered_2xx_posts_;
  a.seconds += r.seconds;
  a.simulated_seconds += r.simulated_seconds;
  // Sending time belongs to the latest flush.
  if (!flushes_.empty()) flushes_.back().send_seconds += r.seconds;
}

void ReportBuilder::setRunStart(double unix_seconds) {
  std::lock_guard lock(mu_);
  run_start_ = unix_seconds;
}

void ReportBuilder::sampleRetryQueue(double t, int64_t transactions, int64_t bytes) {
  std::lock_guard lock(mu_);
  retry_queue_.push_back({t, transactions, bytes});
}

json ReportBuilder::flushesJson() const {
  std::lock_guard lock(mu_);
  json out = json::array();
  for (const auto& f : flushes_) {
    json routes = json::object();
    for (const auto& [route, r] : f.routes) {
      routes[route] = {{"payloads", r.payloads},   {"compressed_bytes", r.compressed}, {"uncompressed_bytes", r.uncompressed},
                       {"items", r.items}, {"points", r.points}};
    }
    out.push_back({{"index", f.record.index},
                   {"start", f.record.start},
                   {"at_seconds", f.record.start - run_start_},
                   {"series", f.record.series},
                   {"sketches", f.record.sketches},
                   {"service_checks", f.record.service_checks},
                   {"events", f.record.events},
                   {"contexts", f.record.contexts},
                   {"payloads", routes}});
  }
  return out;
}

json ReportBuilder::payloadsJson() const {
  std::lock_guard lock(mu_);
  json out = json::object();
  for (const auto& [route, r] : routes_) {
    out[route] = {{"payloads", r.payloads},
                  {"items", r.items},
                  {"points", r.points},
                  {"compressed_bytes", r.compressed.toJson()},
                  {"uncompressed_bytes", r.uncompressed.toJson()},
                  {"compression_ratio", r.compressed.sum() ? static_cast<double>(r.uncompressed.sum()) /
                                                                 static_cast<double>(r.compressed.sum())
                                                           : 0.0}};
  }
  return out;
}

json ReportBuilder::transportJson() const {
  std::lock_guard lock(mu_);
  json out = json::object();
  for (const auto& [route, a] : attempts_) {
    out[route] = {{"attempts", a.attempts}, {"bytes", a.bytes}, {"outcomes", a.outcomes},
                  {"simulated_latency_seconds", a.simulated_seconds}};
  }
  return out;
}

json ReportBuilder::retryQueueJson() const {
  std::lock_guard lock(mu_);
  json out = json::array();
  for (const auto& s : retry_queue_) {
    out.push_back({{"t", s.t}, {"at_seconds", s.t - run_start_}, {"transactions", s.transactions}, {"bytes", s.bytes}});
  }
  return out;
}

json ReportBuilder::timingsJson() const {
  std::lock_guard lock(mu_);
  json per_flush = json::array();
  std::vector<double> agg, ser, snd, total;
  for (const auto& f : flushes_) {
    per_flush.push_back({{"index", f.record.index},
                         {"aggregate_seconds", f.record.aggregate_seconds},
                         {"serialize_seconds", f.record.serialize_seconds},
                         {"aggregate_cpu_seconds", f.record.aggregate_cpu_seconds},
                         {"serialize_cpu_seconds", f.record.serialize_cpu_seconds},
                         {"send_seconds", f.send_seconds}});
    agg.push_back(f.record.aggregate_seconds);
    ser.push_back(f.record.serialize_seconds);
    snd.push_back(f.send_seconds);
    total.push_back(f.record.aggregate_seconds + f.record.serialize_seconds);
  }
  json attempts = json::object();
  for (const auto& [route, a] : attempts_) attempts[route] = {{"seconds", a.seconds}};
  return {{"flushes", per_flush},
          {"aggregate_seconds", quantiles(agg)},
          {"serialize_seconds", quantiles(ser)},
          {"send_seconds", quantiles(snd)},
          {"flush_seconds", quantiles(total)},
          {"attempt_seconds_by_route", attempts}};
}

int64_t ReportBuilder::flushCount() const {
  std::lock_guard lock(mu_);
  return static_cast<int64_t>(flushes_.size());
}

int64_t ReportBuilder::answered2xxPosts() const {
  std::lock_guard lock(mu_);
  return answered_2xx_posts_;
}

int64_t ReportBuilder::maxContexts() const {
  std::lock_guard lock(mu_);
  int64_t m = 0;
  for (const auto& f : flushes_) m = std::max(m, f.record.contexts);
  return m;
}

int64_t ReportBuilder::maxSeriesPerFlush() const {
  std::lock_guard lock(mu_);
  int64_t m = 0;
  for (const auto& f : flushes_) m = std::max(m, f.record.series);
  return m;
}

int64_t ReportBuilder::payloadCount() const {
  std::lock_guard lock(mu_);
  return payloads_;
}

std::map<std::string, ReportBuilder::RouteSizes> ReportBuilder::routeSizes() const {
  std::lock_guard lock(mu_);
  std::map<std::string, RouteSizes> out;
  for (const auto& [route, r] : routes_) {
    out[route] = {r.payloads, r.compressed.max(), r.uncompressed.max()};
  }
  return out;
}

std::vector<double> ReportBuilder::flushSeconds() const {
  std::lock_guard lock(mu_);
  std::vector<double> v;
  for (const auto& f : flushes_) v.push_back(f.record.aggregate_seconds + f.record.serialize_seconds);
  return v;
}

std::vector<double> ReportBuilder::serializeSeconds() const {
  std::lock_guard lock(mu_);
  std::vector<double> v;
  for (const auto& f : flushes_) v.push_back(f.record.serialize_seconds);
  return v;
}

double ReportBuilder::maxFlushSeconds() const {
  auto v = flushSeconds();
  return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
}

}  // namespace ddsim::report
