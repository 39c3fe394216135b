#include "simulator/lambda/telemetry_sender.h"

#include <httplib.h>

#include <algorithm>

namespace ddsim::lambda {

using nlohmann::json;

TelemetrySender::TelemetrySender(common::Clock& clock) : clock_(clock) {
  thread_ = std::thread([this] { run(); });
}

TelemetrySender::~TelemetrySender() { stop(); }

void TelemetrySender::subscribe(const TelemetrySubscription& sub) {
  std::lock_guard lock(mu_);
  sub_ = sub;
  // http://host[:port][/path]
  std::string rest = sub.uri.substr(std::string("http://").size());
  const auto slash = rest.find('/');
  path_ = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string authority = rest.substr(0, slash);
  const auto colon = authority.rfind(':');
  host_ = authority.substr(0, colon);
  port_ = colon == std::string::npos ? 80 : std::atoi(authority.substr(colon + 1).c_str());
  if (host_ == "sandbox" || host_ == "sandbox.localdomain" || host_ == "localhost") host_ = "127.0.0.1";
  // Events of types the subscriber did not ask for are not delivered.
  std::erase_if(buffer_, [&](const auto& item) {
    const std::string category = item.second.value("type", "").rfind("platform.", 0) == 0 ? "platform" : "function";
    if (std::find(sub.types.begin(), sub.types.end(), category) != sub.types.end()) return false;
    ++counters_.dropped_events;
    buffered_bytes_ -= item.second.dump().size();
    return true;
  });
  cv_.notify_all();
}

bool TelemetrySender::subscribed() const {
  std::lock_guard lock(mu_);
  return sub_.has_value();
}

void TelemetrySender::add(const std::string& category, json event) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  if (sub_ && std::find(sub_->types.begin(), sub_->types.end(), category) == sub_->types.end()) {
    ++counters_.dropped_events;
    return;
  }
  buffered_bytes_ += event.dump().size();
  buffer_.emplace_back(clock_.steadyNow(), std::move(event));
  cv_.notify_all();
}

void TelemetrySender::pause() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !in_flight_; });
  paused_ = true;
}

void TelemetrySender::resume() {
  std::lock_guard lock(mu_);
  paused_ = false;
  cv_.notify_all();
}

void TelemetrySender::flush() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !in_flight_; });
  while (sub_ && !paused_ && !buffer_.empty()) sendBatch(lock);
}

void TelemetrySender::stop() {
  flush();
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    // Without a subscriber nobody asked for them: not a loss.
    if (sub_) counters_.dropped_events += static_cast<int64_t>(buffer_.size());
    buffer_.clear();
    buffered_bytes_ = 0;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

TelemetryCounters TelemetrySender::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

bool TelemetrySender::due(common::SteadyTime now) const {
  if (!sub_ || paused_ || in_flight_ || buffer_.empty()) return false;
  if (buffer_.size() >= static_cast<size_t>(sub_->max_items)) return true;
  if (buffered_bytes_ >= static_cast<size_t>(sub_->max_bytes)) return true;
  return now - buffer_.front().first >= std::chrono::milliseconds(sub_->timeout_ms);
}

void TelemetrySender::sendBatch(std::unique_lock<std::mutex>& lock) {
  // One batch: at most maxItems events and (beyond the first) maxBytes bytes.
  json batch = json::array();
  size_t bytes = 0;
  while (!buffer_.empty() && batch.size() < static_cast<size_t>(sub_->max_items)) {
    const size_t size = buffer_.front().second.dump().size();
    if (!batch.empty() && bytes + size > static_cast<size_t>(sub_->max_bytes)) break;
    bytes += size;
    batch.push_back(std::move(buffer_.front().second));
    buffer_.pop_front();
  }
  buffered_bytes_ -= std::min(buffered_bytes_, bytes);
  in_flight_ = true;
  const std::string host = host_, path = path_;
  const int port = port_;
  lock.unlock();
  httplib::Client client(host, port);
  client.set_tcp_nodelay(true);
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(std::chrono::seconds(5));
  client.set_write_timeout(std::chrono::seconds(5));
  auto res = client.Post(path, batch.dump(), "application/json");
  const bool ok = res && res->status >= 200 && res->status < 300;
  lock.lock();
  in_flight_ = false;
  if (ok) {
    ++counters_.batches;
    counters_.events += static_cast<int64_t>(batch.size());
  } else {
    ++counters_.failed_batches;
    counters_.dropped_events += static_cast<int64_t>(batch.size());
  }
  cv_.notify_all();
}

void TelemetrySender::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (due(clock_.steadyNow())) {
      sendBatch(lock);
      continue;
    }
    cv_.wait_for(lock, std::chrono::milliseconds(sub_ ? std::max(1, sub_->timeout_ms / 5) : 50));
  }
}

}  // namespace ddsim::lambda
