#pragma once
// The heart of the fakeintake: handle(IntakeRequest) -> IntakeResponse, independent of any
// transport. The cpp-httplib server wraps it; the simulator calls it in-process. It routes
// control requests (/fakeintake/*, /metrics) to the control API and everything else to the
// intake path: faults, API key check, decompression, decoding, property checks, storage.
//
// Thread-safe: handle() may run concurrently from many threads; the store, route stats, fault
// engine and counters each have their own lock, and decoding runs outside all locks.
// The clock is injected (receive times, retention, fault windows) and must outlive the handler.
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "core/common/clock.h"
#include "core/common/counters.h"
#include "core/store/run_store.h"
#include "fakeintake/core/http_message.h"
#include "fakeintake/core/options.h"
#include "fakeintake/core/ordered_worker.h"
#include "fakeintake/faults/fault_engine.h"
#include "fakeintake/properties/property_checker.h"
#include "fakeintake/store/payload_store.h"
#include "fakeintake/store/route_stats.h"
#include "fakeintake/store/run_store_queue.h"

namespace ddsim::fakeintake {

class IntakeHandler {
 public:
  IntakeHandler(IntakeOptions options, const common::Clock& clock);
  ~IntakeHandler();
  IntakeHandler(const IntakeHandler&) = delete;
  IntakeHandler& operator=(const IntakeHandler&) = delete;

  // Answers one request. Never throws. The request body is moved into the store when kept.
  IntakeResponse handle(IntakeRequest request);

  // Periodic work ("tick, don't own threads"): drops payloads past retention. Live mode calls
  // it from the server's driver thread; the simulator from its event queue.
  void tick(common::SystemTime now);
  // When tick() next has something to do, if anything is stored.
  std::optional<common::SystemTime> nextDeadline() const;

  // The same operations the control API offers, for in-process use.
  FaultEngine& faults() { return faults_; }
  PayloadStore& store() { return store_; }
  const PayloadStore& store() const { return store_; }
  const RouteStats& routeStats() const { return route_stats_; }
  // How stored payloads reach the run store: inline (handle() returns after the write) or
  // queued (a RunStoreQueue thread writes them; the answer does not wait for SQLite).
  enum class RunStoreWrites { kInline, kQueued };
  // Also writes every stored payload into `rs` as intake `name` (the run store keeps what the
  // memory store evicts); tick() applies the store's retention too. Call before serving; `rs`
  // must outlive the handler. nullptr detaches (after writing what is queued).
  void attachRunStore(store::RunStore* rs, std::string name = "main", RunStoreWrites writes = RunStoreWrites::kInline,
                      size_t max_queued_bytes = RunStoreQueue::kDefaultMaxQueuedBytes);
  // Returns once every payload answered so far is stored (a no-op unless
  // IntakeOptions::deferred_ingest_bytes). Call before reading the store, the route stats or the
  // counters for verdicts.
  void drainIngest();
  // Returns once every payload answered so far is in the run store (drainIngest() first). Call
  // before reading the run store for verdicts (with inline writes, only drainIngest() waits).
  void flushRunStore();
  // The queued writer, when RunStoreWrites::kQueued (for its figures); nullptr otherwise.
  const RunStoreQueue* runStoreQueue() const { return run_store_queue_.get(); }
  // Loads the payloads `rs` kept from the last retention window back into the memory store
  // (re-decoded from their bytes), so a restarted fakeintake answers queries as before. Returns
  // how many. Call before serving.
  common::Result<size_t> restoreFrom(store::RunStore& rs);
  // Deletes stored payloads and route statistics (the agent fakeintake's flushPayloads).
  void flush();
  void setValidApiKeys(std::set<std::string> keys, bool enforce_on_intake);
  bool isValidApiKey(std::string_view key) const;
  // (number of valid keys configured, enforce_on_intake); 0 keys = every key is valid.
  std::pair<size_t, bool> apiKeyPolicy() const;

  const std::string& serverId() const { return server_id_; }
  const IntakeOptions& options() const { return options_; }
  const common::Clock& clock() const { return clock_; }

  // Counters by reason: "rejected.<reason>", "violations.<property>", "faults.<kind>",
  // "requests.intake", "requests.control", "stored", "decode_errors"; with deferred ingest also
  // "deferred.decoded_after_answer" and "deferred.queue_waits".
  const common::CounterSet& counters() const { return counters_; }
  common::CounterSet& counters() { return counters_; }
  // Counts "transport.<event>": what the HTTP server refused before a request reached handle()
  // (http_400, http_431, connections_over_limit, ...).
  void countTransportEvent(std::string_view event) { counters_.add("transport." + std::string(event)); }
  // A flat snapshot for observers (report writer, GUI): counters plus store figures.
  common::TelemetrySnapshot telemetry() const;

 private:
  IntakeResponse handleIntake(IntakeRequest& req, common::SystemTime now);
  IntakeResponse ingest(IntakeRequest& req, common::SystemTime now, const FaultDecision& fault,
                        bool restoring = false);
  // A payload between its answer and its storing.
  struct Ingest {
    StoredPayload payload;            // decoded unless decode_later
    std::vector<Violation> violations;  // the envelope's so far
    std::string undecoded;            // the decompressed body when decode_later
    bool decode_later = false;        // decodesCleanly() said yes: decode when storing
    bool store_body = true;
    std::optional<int> fault_status;
    bool fault_applies = false;
    bool restoring = false;
  };
  // Decodes what is left, checks properties, stores into the memory store and the run store
  // and records route stats; returns the status and error to answer (413 when the memory store
  // refuses the payload). On the request thread, or on deferred_'s.
  std::pair<int, std::string> finishIngest(Ingest& in, std::vector<StoredPayloadPtr>* evicted);
  // Lets the answer hold what `add` evicted, to be freed once it is written, when no other
  // answer holds any (so the memory over the store's cap is at most one payload's evictions);
  // otherwise they are freed here, before answering.
  void holdEvictedUntilAnswered(std::vector<StoredPayloadPtr>&& evicted, IntakeResponse& r);
  // What ingest answers once the payload is handled: the error, or the route's success body.
  IntakeResponse answerIngest(const std::string& path, int status, const std::string& error) const;
  IntakeResponse validate(const IntakeRequest& req);
  void finish(IntakeResponse& resp) const;

  const IntakeOptions options_;
  const common::Clock& clock_;
  const std::string server_id_;
  PayloadStore store_;
  RouteStats route_stats_;
  FaultEngine faults_;
  PropertyChecker properties_;
  common::CounterSet counters_;
  mutable std::mutex keys_mu_;
  std::set<std::string> valid_keys_;
  bool enforce_keys_ = false;
  store::RunStore* run_store_ = nullptr;
  std::string run_store_name_;
  // Answers that hold evicted payloads until written (0 or 1); shared with them, as an answer may
  // outlive the handler.
  std::shared_ptr<std::atomic<int>> evicted_holders_ = std::make_shared<std::atomic<int>>(0);
  // decoded_in_memory false: one freed series vector, refilled in place by the next
  // /api/v2/series decode instead of freed and allocated again (at most maxSpareSeriesBytes()).
  std::mutex spare_mu_;
  std::vector<DecodedSeries> spare_series_;
  size_t maxSpareSeriesBytes() const;
  std::unique_ptr<RunStoreQueue> run_store_queue_;  // its thread writes into the members above
  // Stores answered payloads when IntakeOptions::deferred_ingest_bytes (last: it pushes into
  // run_store_queue_ and everything above).
  std::unique_ptr<OrderedWorker> deferred_;
};

// A random version-4 UUID (used as Fakeintake-ID).
std::string randomUuid();

}  // namespace ddsim::fakeintake
