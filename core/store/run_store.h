#pragma once
// The run store: one SQLite file per run (or per `fakeintake --store FILE`) holding what the
// intake received (payload rows and their compressed bytes), the decoded points of every series
// and sketch by context, the pipeline's per-flush timeline, attempts, telemetry over time, and
// markers (faults, restarts). Retention is bounded on disk (time and bytes), every eviction is
// counted per route and reason, and readers can tell when data an answer needs is gone.
//
// Thread-safe: one mutex serializes the connection. Each write is its own transaction (rollback
// journal, synchronous=OFF), so what was written survives a crash of the writing process, not
// of the machine (docs/run-store.md says why). A timeline row (flush, sent payload, attempt,
// telemetry, marker) added while another thread holds the connection (an intake's payload
// transaction) is not waited for: it is queued and written, in the order rows were added, by
// the next call that takes the connection (reader, writer, finalize or the destructor), so the
// pipeline's thread never waits behind a payload write.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/metrics/key_map.h"
#include "core/store/records.h"
#include "core/store/sqlite_db.h"

namespace ddsim::store {

struct RunStoreOptions {
  // Payloads received more than this before the newest one are deleted by expire(); 0 = keep all.
  std::chrono::nanoseconds retention{0};
  // Bound on the file's used pages; past it the oldest payloads (rows, bytes, points) are
  // deleted and counted as evicted "disk". 0 = no bound.
  int64_t max_disk_bytes = 0;
  // Keep each payload's compressed body (the inspector and a restarted fakeintake need it).
  bool keep_bodies = true;
  // finalize() expands the packed points into the `points` / `sketch_points` tables (for SQL
  // users) only up to this many points; larger runs keep the packed form alone.
  int64_t materialize_max_points = 20'000'000;
  // SQLite page cache, bytes (bounds the store's memory beside the known-context set).
  int64_t cache_bytes = 16 << 20;
  // SQLite page size of a new file (an existing file keeps its own). Each payload appends a
  // ~100 KB body and a points blob: with 64 KiB pages a commit is ~27 writes instead of ~67,
  // and the fakeintake's one-core ingest went from 483-545 to 589-659 payloads/s
  // (bench/RESULTS.md, "Fakeintake ingest on one core, the decoded form freed").
  int page_bytes = 65536;
  // Open an existing store for reading only (readers work, writers fail); nothing is created.
  bool read_only = false;
};

// One payload row without its body.
struct PayloadSummary {
  int64_t id = 0;
  IntakePayloadRow row;  // body empty
};

struct EvictionCount {
  std::string intake, route, reason;
  int64_t payloads = 0;
  int64_t items = 0;
};

struct PointQuery {
  std::string intake = "main";
  std::string name;
  std::vector<std::string> tags;   // every one must be on the context
  std::optional<std::string> type;  // series type ("gauge", "count", "rate")
};

class RunStore {
 public:
  // Opens or creates the store at `path`. An existing file keeps its rows (a restarted
  // fakeintake continues where it stopped); a file that is not a run store is an error.
  static common::Result<std::unique_ptr<RunStore>> open(const std::string& path, RunStoreOptions options = {});
  ~RunStore();
  const std::string& path() const { return path_; }

  common::Status setMeta(const std::string& key, const std::string& value);
  std::optional<std::string> meta(const std::string& key);

  // --- the intake ---
  // Stores one payload with its decoded series, sketches, trace stats totals, trace totals
  // (`traces`, for a decoded trace payload; null otherwise) and violations, in
  // one transaction. Returns its id. `points` holds every series' points; each SeriesRef names
  // its range.
  common::Result<int64_t> addPayload(const IntakePayloadRow& p, const std::vector<SeriesRef>& series,
                                     const std::vector<SeriesPoint>& points, const std::vector<SketchRef>& sketches,
                                     const std::vector<ViolationRef>& violations,
                                     const std::vector<StatsTotalsRow>& stats = {},
                                     const TraceTotalsRow* traces = nullptr);
  // Deletes payloads older than newest - retention (counted as evicted "retention").
  common::Status expire(int64_t now_ns);
  // Counts payloads an intake dropped before they reached the store (e.g. its memory cap when
  // no store was attached), so completeness checks see them.
  common::Status countEviction(const std::string& intake, const std::string& route, const std::string& reason,
                               int64_t payloads, int64_t items);

  // --- the pipeline's timeline (seconds since the run started) ---
  // An error of a queued row (see above) is not returned by its add*; deferredWriteStatus() has it.
  common::Status addFlush(const FlushRow& f);
  common::Status addSentPayload(const SentPayloadRow& p);
  common::Status addAttempt(const AttemptRow& a);
  common::Status addTelemetry(double at, const std::map<std::string, double>& values);
  common::Status addMarker(const MarkerRow& m);

  // Errors of timeline rows written after their add* returned: ok, or the count and the first.
  common::Status deferredWriteStatus();

  // Ends writing: builds the SQL-friendly points tables and indexes, records `status`
  // ("complete", "interrupted") in meta. The store stays readable.
  common::Status finalize(const std::string& status);

  // --- readers ---
  common::Result<std::vector<PointRow>> seriesPoints(const PointQuery& q);
  common::Result<std::vector<SketchPointRow>> sketchPoints(const PointQuery& q);
  // Payload rows (no bodies) with id > after_id, oldest first; route "" = all; limit 0 = all.
  common::Result<std::vector<PayloadSummary>> payloads(const std::string& intake, const std::string& route,
                                                       int64_t after_id, size_t limit);
  common::Result<std::string> body(int64_t payload_id);
  // Calls fn for every payload (with body) received at or after since_ns, oldest first.
  common::Status forEachPayload(int64_t since_ns, const std::function<void(int64_t id, const IntakePayloadRow&)>& fn);
  // The trace stats totals stored with the payloads an intake accepted (POST, 2xx) on `route`,
  // summed by (service, resource), sorted; `payloads` gets the number of such payloads and
  // `undecodable` those of them the intake could not decode. Reads no body.
  common::Result<std::vector<StatsTotalsRow>> statsTotals(const std::string& intake, const std::string& route,
                                                          int64_t* payloads = nullptr, int64_t* undecodable = nullptr);
  // The trace totals stored with the payloads an intake accepted (POST, 2xx) on `route`, summed
  // (chunk ends in payload order); `payloads` gets the number of such payloads and `undecodable`
  // those of them stored without trace totals (the intake could not decode them). Reads no body.
  common::Result<TraceTotalsRow> traceTotals(const std::string& intake, const std::string& route,
                                             int64_t* payloads = nullptr, int64_t* undecodable = nullptr);
  // Sum of decoded items on a route of an intake (what is still stored).
  common::Result<int64_t> storedItems(const std::string& intake, const std::string& route);
  common::Result<std::vector<EvictionCount>> evictions();
  // Payloads held per route of an intake.
  common::Result<std::map<std::string, int64_t>> payloadCountsByRoute(const std::string& intake);
  common::Result<std::vector<FlushRow>> flushes();
  common::Result<std::vector<MarkerRow>> markers();
  // Payloads handed to the forwarder and transport attempts, in time order.
  common::Result<std::vector<SentPayloadRow>> sentPayloads();
  common::Result<std::vector<AttemptRow>> attempts();
  // (at_s, value) of one telemetry name, in time order.
  common::Result<std::vector<std::pair<double, double>>> telemetrySeries(const std::string& name);
  // Every telemetry name the run recorded, sorted.
  common::Result<std::vector<std::string>> telemetryNames();
  int64_t maxPayloadId();
  // Contexts the store knows (memory: one hash-set entry each).
  size_t knownContexts() const;

 private:
  RunStore(std::string path, RunStoreOptions options, Database db);
  common::Status prepareStatements();
  common::Status loadKnownContexts();
  common::Result<int64_t> contextId(std::string_view kind, std::string_view name, std::string_view host,
                                    const std::vector<std::string>* tags, std::string_view type, int64_t payload_id);
  common::Status evictOldestLocked(const std::string& reason, int64_t before_ns, size_t max_payloads);
  common::Status enforceDiskCapLocked();
  // Inside addPayload's transaction: the trace totals row of payload `id`.
  common::Status insertTraceTotals(int64_t id, const TraceTotalsRow& t);
  common::Status materializeLocked();
  // Takes the connection, then writes the timeline rows queued while others held it, and the
  // telemetry rows queued for whoever takes it next.
  std::unique_lock<std::mutex> connection();
  void writePendingLocked(bool with_background);
  // Queues `write` when the connection is busy (returns ok); otherwise takes it and writes.
  common::Status writeTimeline(const std::function<common::Status()>& write);
  common::Status inTransaction(const std::function<common::Status()>& body);
  common::Result<std::vector<std::pair<int64_t, std::vector<std::string>>>> matchingContexts(
      std::string_view kind, const PointQuery& q, std::map<int64_t, std::pair<std::string, std::string>>& info);

  const std::string path_;
  const RunStoreOptions options_;
  mutable std::mutex mu_;
  Database db_;
  struct Statements;
  std::unique_ptr<Statements> st_;
  // Context ids already in `contexts`: a flat table, one probe per series of a payload (a
  // node-based set missed the cache on nearly every lookup beside the decoded payload).
  metrics::KeyMap<uint8_t> known_contexts_;
  int64_t writes_since_cap_check_ = 0;
  std::mutex pending_mu_;  // guards the four below; taken after mu_, never before
  std::vector<std::function<common::Status()>> pending_;
  // Telemetry rows: written by the next thread that takes the connection (the intake's, when
  // it stores a payload), not by the caller (the run thread), unless kBackgroundRows wait.
  std::vector<std::function<common::Status()>> background_;
  int64_t deferred_errors_ = 0;
  std::string first_deferred_error_;
};

// Sorted, comma-joined tags: how the contexts table spells a tag set.
std::string joinTags(const std::vector<std::string>& tags);

}  // namespace ddsim::store
