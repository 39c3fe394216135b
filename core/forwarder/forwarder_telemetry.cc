#include "core/forwarder/forwarder_telemetry.h"

#include <spdlog/spdlog.h>

namespace ddsim::forwarder {

std::string_view dropReasonName(DropReason r) {
  switch (r) {
    case DropReason::kHttp400: return "http_400";
    case DropReason::kHttp403: return "http_403";
    case DropReason::kHttp413: return "http_413";
    case DropReason::kRetryQueueFull: return "retry_queue_full";
    case DropReason::kRequeueBufferFull: return "requeue_buffer_full";
    case DropReason::kInvalidRequest: return "invalid_request";
    case DropReason::kNotRetryable: return "not_retryable";
    case DropReason::kNotStorableOnDisk: return "not_storable_on_disk";
    case DropReason::kDiskStoreFailed: return "disk_store_failed";
    case DropReason::kDiskEvicted: return "disk_evicted";
    case DropReason::kDiskCorrupt: return "disk_corrupt";
    case DropReason::kDiskUnknownApiKey: return "disk_unknown_api_key";
    case DropReason::kDiskOutdated: return "disk_outdated";
    case DropReason::kDiskUnknownDomain: return "disk_unknown_domain";
    case DropReason::kHighPriorityQueueAtStop: return "high_priority_queue_at_stop";
    case DropReason::kLowPriorityQueueAtStop: return "low_priority_queue_at_stop";
    case DropReason::kRetryQueueAtStop: return "retry_queue_at_stop";
    case DropReason::kStopTimeout: return "stop_timeout";
    case DropReason::kNoDestination: return "no_destination";
    case DropReason::kSyncSendFailed: return "sync_send_failed";
  }
  return "unknown";
}

bool isAgentDropped(DropReason r) {
  return r == DropReason::kHttp400 || r == DropReason::kHttp403 || r == DropReason::kHttp413 ||
         r == DropReason::kRetryQueueFull;
}

StopTally& StopTally::operator+=(const StopTally& o) {
  cancelled_in_flight += o.cancelled_in_flight;
  purged += o.purged;
  drained += o.drained;
  written_to_disk += o.written_to_disk;
  lost += o.lost;
  return *this;
}

void ForwarderTelemetry::onStop(const StopTally& t) {
  std::lock_guard lock(stop_mu_);
  stop_ += t;
}

StopTally ForwarderTelemetry::stopTally() const {
  std::lock_guard lock(stop_mu_);
  return stop_;
}

void ForwarderTelemetry::onInput(std::string_view endpoint, size_t bytes) {
  input_count_.fetch_add(1);
  input_bytes_.fetch_add(static_cast<int64_t>(bytes));
  input_count_by_ep_.add(endpoint);
  input_bytes_by_ep_.add(endpoint, static_cast<int64_t>(bytes));
}

void ForwarderTelemetry::onSuccess(std::string_view endpoint, size_t bytes) {
  success_.fetch_add(1);
  success_bytes_.fetch_add(static_cast<int64_t>(bytes));
  success_by_ep_.add(endpoint);
  success_bytes_by_ep_.add(endpoint, static_cast<int64_t>(bytes));
}

void ForwarderTelemetry::onHttpError(int status) {
  http_errors_.fetch_add(1);
  http_by_code_.add(std::to_string(status));
}

void ForwarderTelemetry::onError(TransportError e) {
  errors_.fetch_add(1);
  // agent behaviour: ErrorsByType is fed by the HTTP client trace (DNS, connect, TLS, write)
  // and by request construction failures (SentRequestErrors).
  switch (e) {
    case TransportError::kDns: errors_by_type_.add("dns"); break;
    case TransportError::kConnect:
    case TransportError::kConnectTimeout: errors_by_type_.add("connection"); break;
    case TransportError::kTls: errors_by_type_.add("tls"); break;
    case TransportError::kWrite: errors_by_type_.add("wrote_request"); break;
    case TransportError::kInvalidRequest: errors_by_type_.add("sent_request"); break;
    default: break;
  }
}

void ForwarderTelemetry::onTransportError(TransportError e) { errors_by_transport_.add(transportErrorName(e)); }

void ForwarderTelemetry::onBodyTruncated() { body_truncated_.fetch_add(1); }

void ForwarderTelemetry::onDropped(std::string_view endpoint, DropReason reason, int64_t n) {
  if (n <= 0) return;
  dropped_by_reason_.add(dropReasonName(reason), n);
  std::string by_ep(endpoint.empty() ? std::string_view("unknown") : endpoint);
  by_ep += '.';
  by_ep += dropReasonName(reason);
  dropped_by_ep_reason_.add(by_ep, n);
  // A line per drop, throttled per reason: the first ten, then one per thousand dropped (the
  // agent logs its drops as they happen, behind log limits, e.g. domain_forwarder.go).
  auto& seen = drops_seen_[static_cast<size_t>(reason)];
  const int64_t before = seen.fetch_add(n);
  const int64_t total = before + n;
  if (before < kDropLinesUnthrottled || before / kDropLineEvery != total / kDropLineEvery) {
    spdlog::warn("forwarder: dropped {} transaction(s){}{}: {} ({} dropped for this reason so far)", n,
                 endpoint.empty() ? "" : " to ", endpoint, dropReasonName(reason), total);
  }
  if (isAgentDropped(reason)) {
    dropped_.fetch_add(n);
    dropped_by_ep_.add(endpoint, n);
  }
}

void ForwarderTelemetry::onRequeued(std::string_view endpoint) {
  requeued_.fetch_add(1);
  requeued_by_ep_.add(endpoint);
}

void ForwarderTelemetry::onRequeuedNoEndpoint() { requeued_.fetch_add(1); }

void ForwarderTelemetry::onRetried(std::string_view endpoint) {
  retried_.fetch_add(1);
  retried_by_ep_.add(endpoint);
}

void ForwarderTelemetry::onHighPriorityQueueFull() { high_prio_full_.fetch_add(1); }
void ForwarderTelemetry::onPointsDropped(int64_t n) { points_dropped_.fetch_add(n); }
void ForwarderTelemetry::onDiskFileWritten(int64_t transactions) {
  disk_files_written_.fetch_add(1);
  disk_transactions_written_.fetch_add(transactions);
}
void ForwarderTelemetry::onDiskTransactionsRead(int64_t n) { disk_transactions_read_.fetch_add(n); }
void ForwarderTelemetry::onDiskFileRead() { disk_files_read_.fetch_add(1); }
void ForwarderTelemetry::onDiskFileRemoved() { disk_files_removed_.fetch_add(1); }
void ForwarderTelemetry::onDiskCorruptFile() { disk_corrupt_files_.fetch_add(1); }
void ForwarderTelemetry::onDiskReloadedFiles(int64_t n) { disk_reloaded_files_.fetch_add(n); }
void ForwarderTelemetry::onDiskStoreError() { disk_store_errors_.fetch_add(1); }

void ForwarderTelemetry::setGauges(const std::string& domain, const DomainGauges& g) {
  std::lock_guard lock(gauges_mu_);
  gauges_[domain] = g;
}

int64_t ForwarderTelemetry::droppedByReason(DropReason r) const { return dropped_by_reason_.get(dropReasonName(r)); }

common::TelemetrySnapshot ForwarderTelemetry::snapshot() const {
  common::TelemetrySnapshot s;
  const std::string tx = "forwarder.transactions.";
  const auto put = [&](const std::string& name, int64_t v) { s[name] = static_cast<double>(v); };
  const auto putSet = [&](const std::string& name, const common::CounterSet& set) {
    for (const auto& [k, v] : set.snapshot()) put(name + "." + k, v);
  };
  put(tx + "input_count", input_count_.load());
  put(tx + "input_bytes", input_bytes_.load());
  putSet(tx + "input_count_by_endpoint", input_count_by_ep_);
  putSet(tx + "input_bytes_by_endpoint", input_bytes_by_ep_);
  put(tx + "success", success_.load());
  put(tx + "success_bytes", success_bytes_.load());
  putSet(tx + "success_by_endpoint", success_by_ep_);
  putSet(tx + "success_bytes_by_endpoint", success_bytes_by_ep_);
  put(tx + "errors", errors_.load());
  putSet(tx + "errors_by_type", errors_by_type_);
  putSet(tx + "errors_by_transport_error", errors_by_transport_);
  put(tx + "http_errors", http_errors_.load());
  putSet(tx + "http_errors_by_code", http_by_code_);
  put(tx + "dropped", dropped_.load());
  putSet(tx + "dropped_by_endpoint", dropped_by_ep_);
  putSet(tx + "dropped_by_reason", dropped_by_reason_);
  putSet(tx + "dropped_by_endpoint_reason", dropped_by_ep_reason_);
  put(tx + "requeued", requeued_.load());
  putSet(tx + "requeued_by_endpoint", requeued_by_ep_);
  put(tx + "retried", retried_.load());
  putSet(tx + "retried_by_endpoint", retried_by_ep_);
  put(tx + "high_priority_queue_full", high_prio_full_.load());
  put(tx + "response_body_truncated", body_truncated_.load());
  DomainGauges total;
  {
    std::lock_guard lock(gauges_mu_);
    for (const auto& [d, g] : gauges_) {
      total.retry_queue_transactions += g.retry_queue_transactions;
      total.retry_queue_bytes += g.retry_queue_bytes;
      total.disk_files += g.disk_files;
      total.disk_bytes += g.disk_bytes;
      total.high += g.high;
      total.low += g.low;
      total.requeued += g.requeued;
    }
  }
  put(tx + "retry_queue_size", total.retry_queue_transactions);
  put("forwarder.retry_queue.bytes", total.retry_queue_bytes);
  put("forwarder.retry_queue.points_dropped", points_dropped_.load());
  put("forwarder.disk.files", total.disk_files);
  put("forwarder.disk.bytes", total.disk_bytes);
  put("forwarder.disk.files_written", disk_files_written_.load());
  put("forwarder.disk.files_read", disk_files_read_.load());
  put("forwarder.disk.transactions_written", disk_transactions_written_.load());
  put("forwarder.disk.transactions_read", disk_transactions_read_.load());
  put("forwarder.disk.files_removed", disk_files_removed_.load());
  put("forwarder.disk.corrupt_files", disk_corrupt_files_.load());
  put("forwarder.disk.reloaded_files", disk_reloaded_files_.load());
  put("forwarder.disk.store_errors", disk_store_errors_.load());
  put("forwarder.queue.high", total.high);
  put("forwarder.queue.low", total.low);
  put("forwarder.queue.requeued", total.requeued);
  const StopTally st = stopTally();
  put("forwarder.stop.cancelled_in_flight", st.cancelled_in_flight);
  put("forwarder.stop.purged", st.purged);
  put("forwarder.stop.drained", st.drained);
  put("forwarder.stop.written_to_disk", st.written_to_disk);
  put("forwarder.stop.lost", st.lost);
  return s;
}

}  // namespace ddsim::forwarder
