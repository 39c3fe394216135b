#include "core/store/run_store.h"

#include <algorithm>
#include <limits>

#include "core/store/context_hash.h"
#include "core/store/packed_points.h"
#include "core/store/run_store_internal.h"
#include "core/store/schema.h"

namespace ddsim::store {

using common::Result;
using common::Status;

std::string joinTags(const std::vector<std::string>& tags) {
  std::vector<std::string_view> sorted(tags.begin(), tags.end());
  std::sort(sorted.begin(), sorted.end());
  std::string out;
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i) out.push_back(',');
    out.append(sorted[i]);
  }
  return out;
}


RunStore::RunStore(std::string path, RunStoreOptions options, Database db)
    : path_(std::move(path)), options_(options), db_(std::move(db)) {}

RunStore::~RunStore() {
  const auto lock = connection();  // timeline rows still waiting are written
}

Result<std::unique_ptr<RunStore>> RunStore::open(const std::string& path, RunStoreOptions options) {
  auto db = Database::open(path, !options.read_only, options.read_only);
  if (!db.isOk()) return db.status();
  std::unique_ptr<RunStore> s(new RunStore(path, options, std::move(db).value()));
  if (options.read_only) {
    // The version first: a store of another version may lack tables the statements need, and
    // "no such table" would not tell the user why.
    auto q = s->db_.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
    if (!q.isOk()) return common::ioError(path + " is not a ddsim run store: " + q.status().message());
    auto row = q.value().step();
    const std::optional<std::string> version =
        row.isOk() && *row ? std::optional<std::string>(q.value().text(0)) : std::nullopt;
    if (!version || *version != std::to_string(kSchemaVersion)) {
      return common::failedPrecondition(path + " holds run store schema version " + version.value_or("(none)") +
                                        "; this ddsim reads version " + std::to_string(kSchemaVersion) +
                                        " (re-run the scenario with this ddsim to compare or replay it)");
    }
    q.value().reset();
    if (auto st = s->prepareStatements(); !st.isOk()) return common::ioError(path + " is not a ddsim run store: " + st.message());
    if (auto st = s->loadKnownContexts(); !st.isOk()) return st;
    return s;
  }
  const std::string pragmas = "PRAGMA page_size=" + std::to_string(options.page_bytes) +
                              "; PRAGMA journal_mode=PERSIST; PRAGMA synchronous=OFF; PRAGMA cache_size=-" +
                              std::to_string(std::max<int64_t>(options.cache_bytes / 1024, 1024)) + ";";
  if (auto st = s->db_.exec(pragmas); !st.isOk()) {
    return common::ioError(path + " is not a usable SQLite file: " + st.message());
  }
  if (auto st = s->db_.exec(schemaSql()); !st.isOk()) {
    return common::ioError(path + " is not a ddsim run store: " + st.message());
  }
  if (auto st = s->prepareStatements(); !st.isOk()) return st;
  auto version = s->meta("schema_version");
  if (!version) {
    if (auto st = s->setMeta("schema_version", std::to_string(kSchemaVersion)); !st.isOk()) return st;
    if (auto st = s->setMeta("status", "running"); !st.isOk()) return st;
  } else if (*version != std::to_string(kSchemaVersion)) {
    return common::failedPrecondition(path + " holds run store schema version " + *version + "; this ddsim reads version " +
                                      std::to_string(kSchemaVersion));
  }
  if (auto st = s->loadKnownContexts(); !st.isOk()) return st;
  return s;
}

Status RunStore::prepareStatements() {
  st_ = std::make_unique<Statements>();
  struct Spec {
    Statement* st;
    const char* sql;
  };
  const Spec specs[] = {
      {&st_->insert_payload,
       "INSERT INTO payloads(intake,route,method,received_ns,status,encoding,content_type,api_key,compressed_bytes,"
       "decoded_bytes,items,points,decode_error,violations,body) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"},
      {&st_->insert_context,
       "INSERT OR IGNORE INTO contexts(id,kind,name,host,tags,type,first_payload) VALUES(?,?,?,?,?,?,?)"},
      {&st_->insert_points, "INSERT INTO payload_points(payload_id,series,sketches) VALUES(?,?,?)"},
      {&st_->insert_stats,
       "INSERT INTO payload_stats(payload_id,service,resource,hits,errors,top_level_hits,duration,groups) "
       "VALUES(?,?,?,?,?,?,?,?)"},
      {&st_->insert_traces, "INSERT INTO payload_traces(payload_id,spans,chunks,chunk_ends) VALUES(?,?,?,?)"},
      {&st_->insert_violation, "INSERT INTO violations(payload_id,property,message) VALUES(?,?,?)"},
      {&st_->insert_flush,
       "INSERT OR REPLACE INTO flushes(idx,at_s,aggregate_s,serialize_s,aggregate_cpu_s,serialize_cpu_s,series,"
       "sketches,service_checks,events,contexts) VALUES(?,?,?,?,?,?,?,?,?,?,?)"},
      {&st_->insert_sent,
       "INSERT INTO sent_payloads(at_s,flush_idx,route,compressed_bytes,uncompressed_bytes,items,points) "
       "VALUES(?,?,?,?,?,?,?)"},
      {&st_->insert_attempt, "INSERT INTO attempts(at_s,route,status,error,bytes,seconds) VALUES(?,?,?,?,?,?)"},
      {&st_->insert_telemetry, "INSERT INTO telemetry(at_s,name,value) VALUES(?,?,?)"},
      {&st_->insert_marker, "INSERT INTO markers(at_s,kind,label,detail) VALUES(?,?,?,?)"},
      {&st_->upsert_eviction,
       "INSERT INTO evictions(intake,route,reason,payloads,items) VALUES(?,?,?,?,?) ON CONFLICT(intake,route,reason) "
       "DO UPDATE SET payloads=payloads+excluded.payloads, items=items+excluded.items"},
      {&st_->set_meta, "INSERT OR REPLACE INTO meta(key,value) VALUES(?,?)"},
      {&st_->get_meta, "SELECT value FROM meta WHERE key=?"},
      {&st_->begin, "BEGIN"},
      {&st_->commit, "COMMIT"},
      {&st_->rollback, "ROLLBACK"},
  };
  for (const auto& s : specs) {
    auto p = db_.prepare(s.sql);
    if (!p.isOk()) return p.status();
    *s.st = std::move(p).value();
  }
  return Status::ok();
}

Status RunStore::loadKnownContexts() {
  auto q = db_.prepare("SELECT id FROM contexts");
  if (!q.isOk()) return q.status();
  while (true) {
    auto row = q->step();
    if (!row.isOk()) return row.status();
    if (!*row) break;
    known_contexts_.findOrInsert(static_cast<uint64_t>(q->int64(0)));
  }
  return Status::ok();
}

Status RunStore::inTransaction(const std::function<Status()>& body) {
  if (auto st = st_->begin.run(); !st.isOk()) return st;
  Status st = body();
  if (!st.isOk()) {
    (void)st_->rollback.run();
    return st;
  }
  return st_->commit.run();
}

Status RunStore::setMeta(const std::string& key, const std::string& value) {
  const auto lock = connection();
  return st_->set_meta.bind(1, key).bind(2, value).run();
}

std::optional<std::string> RunStore::meta(const std::string& key) {
  const auto lock = connection();
  auto& q = st_->get_meta;
  q.bind(1, key);
  auto row = q.step();
  std::optional<std::string> out;
  if (row.isOk() && *row) out = q.text(0);
  q.reset();
  return out;
}

Result<int64_t> RunStore::contextId(std::string_view kind, std::string_view name, std::string_view host,
                                    const std::vector<std::string>* tags, std::string_view type, int64_t payload_id) {
  const int64_t id = contextHash(kind, name, host, tags, type);
  bool added = false;
  known_contexts_.findOrInsert(static_cast<uint64_t>(id), &added);
  if (added) {
    auto st = st_->insert_context.bind(1, id)
                  .bind(2, kind)
                  .bind(3, name)
                  .bind(4, host)
                  .bind(5, tags ? joinTags(*tags) : std::string())
                  .bind(6, type)
                  .bind(7, payload_id)
                  .run();
    if (!st.isOk()) {
      known_contexts_.erase(static_cast<uint64_t>(id));
      return st;
    }
  }
  return id;
}

Result<int64_t> RunStore::addPayload(const IntakePayloadRow& p, const std::vector<SeriesRef>& series,
                                     const std::vector<SeriesPoint>& points, const std::vector<SketchRef>& sketches,
                                     const std::vector<ViolationRef>& violations,
                                     const std::vector<StatsTotalsRow>& stats, const TraceTotalsRow* traces) {
  const auto lock = connection();
  int64_t id = 0;
  std::vector<int64_t> added_contexts;
  Status st = inTransaction([&]() -> Status {
    auto& ins = st_->insert_payload;
    ins.bind(1, p.intake).bind(2, p.route).bind(3, p.method).bind(4, p.received_ns).bind(5, p.status);
    ins.bind(6, p.encoding).bind(7, p.content_type).bind(8, p.api_key).bind(9, p.compressed_bytes);
    ins.bind(10, p.decoded_bytes).bind(11, p.items).bind(12, p.points).bind(13, p.decode_error);
    ins.bind(14, p.violations);
    if (options_.keep_bodies) {
      ins.bindBlob(15, p.body);
    } else {
      ins.bindNull(15);
    }
    if (auto s = ins.run(); !s.isOk()) return s;
    id = db_.lastInsertId();
    std::string series_blob;
    std::string sketch_blob;
    series_blob.reserve(points.size() * 32);
    for (const auto& s : series) {
      const size_t before = known_contexts_.size();
      auto ctx = contextId("series", s.name, s.host, s.tags, s.type, id);
      if (!ctx.isOk()) return ctx.status();
      if (known_contexts_.size() != before) added_contexts.push_back(*ctx);
      const size_t end = std::min(points.size(), size_t{s.first_point} + s.points);
      for (size_t i = s.first_point; i < end; ++i) {
        appendSeriesPoint(series_blob, *ctx, points[i].ts, points[i].value, s.interval);
      }
    }
    for (const auto& s : sketches) {
      const size_t before = known_contexts_.size();
      auto ctx = contextId("sketch", s.name, s.host, s.tags, "distribution", id);
      if (!ctx.isOk()) return ctx.status();
      if (known_contexts_.size() != before) added_contexts.push_back(*ctx);
      for (const auto& e : s.entries) appendSketchEntry(sketch_blob, *ctx, e);
    }
    if (!series_blob.empty() || !sketch_blob.empty()) {
      auto& pts = st_->insert_points;
      pts.bind(1, id);
      if (series_blob.empty()) pts.bindNull(2); else pts.bindBlob(2, series_blob);
      if (sketch_blob.empty()) pts.bindNull(3); else pts.bindBlob(3, sketch_blob);
      if (auto s = pts.run(); !s.isOk()) return s;
    }
    for (const auto& t : stats) {
      auto& ins_stats = st_->insert_stats;
      ins_stats.bind(1, id).bind(2, t.service).bind(3, t.resource).bind(4, t.hits).bind(5, t.errors);
      ins_stats.bind(6, t.top_level_hits).bind(7, t.duration).bind(8, t.groups);
      if (auto s = ins_stats.run(); !s.isOk()) return s;
    }
    if (traces) {
      if (auto s = insertTraceTotals(id, *traces); !s.isOk()) return s;
    }
    for (const auto& v : violations) {
      if (auto s = st_->insert_violation.bind(1, id).bind(2, v.property).bind(3, v.message).run(); !s.isOk()) return s;
    }
    return Status::ok();
  });
  if (!st.isOk()) {
    for (int64_t c : added_contexts) known_contexts_.erase(static_cast<uint64_t>(c));  // rolled back with the payload
    return st;
  }
  if (options_.max_disk_bytes > 0 && ++writes_since_cap_check_ >= 16) {
    writes_since_cap_check_ = 0;
    if (auto s = enforceDiskCapLocked(); !s.isOk()) return s;
  }
  return id;
}

Status RunStore::countEviction(const std::string& intake, const std::string& route, const std::string& reason,
                               int64_t payloads, int64_t items) {
  const auto lock = connection();
  return st_->upsert_eviction.bind(1, intake).bind(2, route).bind(3, reason).bind(4, payloads).bind(5, items).run();
}

// Deletes up to `max_payloads` of the oldest payloads received before `before_ns` (all payloads
// when before_ns is INT64_MAX), with their points and violations, counting them per route.
Status RunStore::evictOldestLocked(const std::string& reason, int64_t before_ns, size_t max_payloads) {
  return inTransaction([&]() -> Status {
    auto q = db_.prepare("SELECT id, intake, route, items FROM payloads WHERE received_ns < ? ORDER BY id LIMIT ?");
    if (!q.isOk()) return q.status();
    q->bind(1, before_ns).bind(2, static_cast<int64_t>(max_payloads));
    std::vector<int64_t> ids;
    std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> counts;
    while (true) {
      auto row = q->step();
      if (!row.isOk()) return row.status();
      if (!*row) break;
      ids.push_back(q->int64(0));
      auto& c = counts[{q->text(1), q->text(2)}];
      ++c.first;
      c.second += q->int64(3);
    }
    if (ids.empty()) return Status::ok();
    // The selected rows are exactly those with id <= the last one selected and received before
    // the cutoff (the selection is the first ones in id order).
    const std::string chosen = "SELECT id FROM payloads WHERE id <= " + std::to_string(ids.back()) +
                               " AND received_ns < " + std::to_string(before_ns);
    for (const char* table : {"payload_points WHERE payload_id", "payload_stats WHERE payload_id",
                              "payload_traces WHERE payload_id", "violations WHERE payload_id",
                              "payloads WHERE id"}) {
      if (auto s = db_.exec(std::string("DELETE FROM ") + table + " IN (" + chosen + ")"); !s.isOk()) return s;
    }
    for (const auto& [key, c] : counts) {
      auto s = st_->upsert_eviction.bind(1, key.first).bind(2, key.second).bind(3, reason).bind(4, c.first).bind(5, c.second).run();
      if (!s.isOk()) return s;
    }
    return Status::ok();
  });
}

Status RunStore::expire(int64_t now_ns) {
  if (options_.retention.count() <= 0) return Status::ok();
  const auto lock = connection();
  return evictOldestLocked("retention", now_ns - options_.retention.count(), std::numeric_limits<int32_t>::max());
}

Status RunStore::enforceDiskCapLocked() {
  for (int round = 0; round < 64; ++round) {
    auto q = db_.prepare(
        "SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()), "
        "(SELECT page_size FROM pragma_page_size())");
    if (!q.isOk()) return q.status();
    auto row = q->step();
    if (!row.isOk()) return row.status();
    const int64_t used = q->int64(0) * q->int64(1);
    if (used <= options_.max_disk_bytes) return Status::ok();
    // Evict about a tenth of what is stored per round, at least one payload.
    auto n = db_.prepare("SELECT COUNT(*) FROM payloads");
    if (!n.isOk()) return n.status();
    (void)n->step();
    const int64_t count = n->int64(0);
    if (count <= 1) return Status::ok();  // the newest payload stays, whatever the bound
    auto s = evictOldestLocked("disk", std::numeric_limits<int64_t>::max(), static_cast<size_t>(std::clamp<int64_t>(count / 10, 1, count - 1)));
    if (!s.isOk()) return s;
  }
  return Status::ok();
}

Status RunStore::finalize(const std::string& status) {
  const auto lock = connection();
  if (auto s = materializeLocked(); !s.isOk()) return s;
  if (auto s = st_->set_meta.bind(1, std::string("status")).bind(2, status).run(); !s.isOk()) return s;
  return Status::ok();
}

size_t RunStore::knownContexts() const {
  std::lock_guard lock(mu_);
  return known_contexts_.size();
}

}  // namespace ddsim::store
