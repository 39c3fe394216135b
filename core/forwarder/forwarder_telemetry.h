#pragma once
// The forwarder's counters (spec §6.11) plus ddsim's "every discard has a reason" counters.
//
// Snapshot keys (all under "forwarder."):
//   transactions.input_count / input_bytes, .input_count_by_endpoint.<ep>, .input_bytes_by_endpoint.<ep>
//   transactions.success, .success_bytes, .success_by_endpoint.<ep>, .success_bytes_by_endpoint.<ep>
//   transactions.errors, .errors_by_type.<dns|tls|connection|wrote_request|sent_request>
//   transactions.errors_by_transport_error.<transportErrorName>   (ddsim: every transport error)
//   transactions.http_errors, .http_errors_by_code.<code>
//   transactions.dropped, .dropped_by_endpoint.<ep>      (exactly the agent's Dropped expvars)
//   transactions.dropped_by_reason.<reason>              (ddsim: EVERY lost transaction, see DropReason)
//   transactions.dropped_by_endpoint_reason.<ep>.<reason> (ddsim: the same split by endpoint; drops
//                                                          of whole retry files, whose records are
//                                                          not read, under the endpoint "unknown")
//   transactions.requeued, .requeued_by_endpoint.<ep>, .retried, .retried_by_endpoint.<ep>
//   transactions.high_priority_queue_full, .retry_queue_size (gauge, transactions in memory)
//   transactions.response_body_truncated                 (ddsim: responses over the body cap)
//   retry_queue.bytes, retry_queue.points_dropped, disk.files, disk.bytes, disk.files_written,
//   disk.files_read, disk.files_removed, disk.corrupt_files, disk.reloaded_files,
//   disk.store_errors, disk.transactions_written, disk.transactions_read (ddsim: the run's
//   accounting), queue.high, queue.low, queue.requeued (gauges, all domains)
//   stop.<cancelled_in_flight|purged|drained|written_to_disk|lost> (ddsim: what stop() did with
//   the work it found, summed over domains; see StopTally),
//   api_keys.<valid|invalid|unreachable|unexpected_status|fake>, api_keys.verdict_valid and
//   retry_queue_duration.<capacity_secs|bytes_per_sec|capacity_bytes>.<domain> are added by
//   DefaultForwarder::telemetry().
// Thread-safe.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "core/common/counters.h"
#include "core/forwarder/transport.h"

namespace ddsim::forwarder {

// Why a transaction left the forwarder without being delivered. The first four are what the
// agent counts in forwarder.Transactions.Dropped; the others the agent loses with at most a
// log line or a points-dropped counter, and ddsim counts them here.
enum class DropReason {
  kHttp400,                  // 400: dropped (agent Dropped)
  kHttp403,                  // 403 "API Key invalid" (agent Dropped)
  kHttp413,                  // 413: dropped (agent Dropped)
  kRetryQueueFull,           // evicted by the retry-queue byte budget (agent Dropped)
  kRequeueBufferFull,        // worker could not hand a failed transaction back (agent: log)
  kInvalidRequest,           // request could not be built (agent: errors + SentRequestErrors)
  kNotRetryable,             // failed, and the transaction is not retryable
  kNotStorableOnDisk,        // flushed to disk but storable_on_disk == false (agent: skipped)
  kDiskStoreFailed,          // a batch could not be written (too big, I/O error)
  kDiskEvicted,              // in a file deleted to make room (agent: points dropped)
  kDiskCorrupt,              // in a file that failed its checksum / was truncated
  kDiskUnknownApiKey,        // written with an API key that is no longer configured
  kDiskOutdated,             // file older than forwarder_outdated_file_in_days
  kDiskUnknownDomain,        // file of a domain that is no longer configured
  kHighPriorityQueueAtStop,  // still queued at stop and not purged
  kLowPriorityQueueAtStop,   // in the retry (low priority) channel at stop: the agent closes it
  kRetryQueueAtStop,         // in the memory retry queue at stop without disk storage
  kStopTimeout,              // stop budget (forwarder_stop_timeout) ran out
  kNoDestination,            // no domain has an API key
  kSyncSendFailed,           // SyncForwarder: both attempts failed
};
inline constexpr size_t kDropReasonCount = static_cast<size_t>(DropReason::kSyncSendFailed) + 1;

std::string_view dropReasonName(DropReason r);
// True for the reasons the agent counts in its Dropped / DroppedByEndpoint expvars.
bool isAgentDropped(DropReason r);

// What one stop did with the transactions it found (ddsim, issue 10). Every transaction the
// stop handled is in exactly one of: delivered (purged or drained), written_to_disk, lost, or
// back in the retry queue of a forwarder that keeps running (never, after a stop).
struct StopTally {
  int64_t cancelled_in_flight = 0;  // attempts the stop cancelled (the transaction was requeued)
  int64_t purged = 0;               // delivered by the agent's high-priority purge
  int64_t drained = 0;              // delivered while draining (ddsim.forwarder_stop_mode: drain)
  int64_t written_to_disk = 0;      // in the retry files the stop wrote
  int64_t lost = 0;                 // dropped by the stop (dropped_by_reason says why)
  StopTally& operator+=(const StopTally& o);
};

class ForwarderTelemetry {
 public:
  void onInput(std::string_view endpoint, size_t bytes);
  void onSuccess(std::string_view endpoint, size_t bytes);
  void onHttpError(int status);
  // errors++ (network errors and HTTP > 400 that are retried), by agent error type.
  void onError(TransportError e);
  void onTransportError(TransportError e);
  void onBodyTruncated();
  // Counts `n` transactions lost for `reason`. `endpoint` is the endpoint name the agent
  // would charge in DroppedByEndpoint (see domain_forwarder.cc for its retry-queue quirk).
  void onDropped(std::string_view endpoint, DropReason reason, int64_t n = 1);
  void onRequeued(std::string_view endpoint);
  void onRequeuedNoEndpoint();  // the agent's retry loop bumps Requeued without an endpoint
  void onRetried(std::string_view endpoint);
  void onHighPriorityQueueFull();
  void onPointsDropped(int64_t n);
  // A retry file holding `transactions` transactions was written.
  void onDiskFileWritten(int64_t transactions = 0);
  // Transactions read back from a retry file into memory (re-entering the forwarder).
  void onDiskTransactionsRead(int64_t n);
  void onDiskFileRead();
  void onDiskFileRemoved();
  void onDiskCorruptFile();
  void onDiskReloadedFiles(int64_t n);
  void onDiskStoreError();
  void onStop(const StopTally& t);
  StopTally stopTally() const;

  // Gauges, per domain (summed in the snapshot).
  struct DomainGauges {
    int64_t retry_queue_transactions = 0;
    int64_t retry_queue_bytes = 0;
    int64_t disk_files = 0;
    int64_t disk_bytes = 0;
    int64_t high = 0, low = 0, requeued = 0;
  };
  void setGauges(const std::string& domain, const DomainGauges& g);

  int64_t success() const { return success_.load(); }
  int64_t dropped() const { return dropped_.load(); }
  int64_t droppedByReason(DropReason r) const;
  int64_t retried() const { return retried_.load(); }
  int64_t requeued() const { return requeued_.load(); }
  int64_t errors() const { return errors_.load(); }

  common::TelemetrySnapshot snapshot() const;

 private:
  std::atomic<int64_t> input_count_{0}, input_bytes_{0}, success_{0}, success_bytes_{0}, errors_{0},
      http_errors_{0}, dropped_{0}, requeued_{0}, retried_{0}, high_prio_full_{0}, body_truncated_{0},
      points_dropped_{0}, disk_files_written_{0}, disk_files_read_{0}, disk_files_removed_{0},
      disk_corrupt_files_{0}, disk_reloaded_files_{0}, disk_store_errors_{0},
      disk_transactions_written_{0}, disk_transactions_read_{0};
  common::CounterSet input_count_by_ep_, input_bytes_by_ep_, success_by_ep_, success_bytes_by_ep_,
      dropped_by_ep_, dropped_by_reason_, dropped_by_ep_reason_, requeued_by_ep_, retried_by_ep_, http_by_code_,
      errors_by_type_, errors_by_transport_;
  // Drop log lines: every drop of a reason is logged until this many, then one per kDropLineEvery.
  static constexpr int64_t kDropLinesUnthrottled = 10;
  static constexpr int64_t kDropLineEvery = 1000;
  std::array<std::atomic<int64_t>, kDropReasonCount> drops_seen_{};
  mutable std::mutex stop_mu_;
  StopTally stop_;
  mutable std::mutex gauges_mu_;
  std::map<std::string, DomainGauges> gauges_;
};

}  // namespace ddsim::forwarder
