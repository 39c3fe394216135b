// The run store's readers (writers are in run_store.cc).
#include <algorithm>

#include "core/store/packed_points.h"
#include "core/store/run_store.h"
#include "core/store/run_store_internal.h"

namespace ddsim::store {

using common::Result;
using common::Status;

namespace {

// Steps `q` to the end, calling fn() on each row; the first SQLite error ends it.
template <typename Fn>
Status forEachRow(Statement& q, Fn fn) {
  while (true) {
    auto row = q.step();
    if (!row.isOk()) return row.status();
    if (!*row) return Status::ok();
    fn();
  }
}

// True when every tag of `wanted` is in the comma-joined, sorted `tags`.
bool hasAllTags(const std::string& tags, const std::vector<std::string>& wanted) {
  if (wanted.empty()) return true;
  std::vector<std::string_view> have;
  size_t start = 0;
  while (start <= tags.size()) {
    size_t end = tags.find(',', start);
    if (end == std::string::npos) end = tags.size();
    if (end > start) have.emplace_back(std::string_view(tags).substr(start, end - start));
    start = end + 1;
  }
  return std::all_of(wanted.begin(), wanted.end(),
                     [&](const std::string& w) { return std::find(have.begin(), have.end(), w) != have.end(); });
}

// Calls fn with each payload's packed `column` ("series" or "sketches") of an intake, in id order.
Status scanBlobs(Database& db, const char* column, const std::string& intake,
                 const std::function<Status(std::string_view)>& fn) {
  auto s = db.prepare(std::string("SELECT pp.") + column +
                      " FROM payload_points pp JOIN payloads p ON p.id = pp.payload_id WHERE p.intake = ? AND pp." +
                      column + " IS NOT NULL ORDER BY pp.payload_id");
  if (!s.isOk()) return s.status();
  s->bind(1, intake);
  while (true) {
    auto row = s->step();
    if (!row.isOk()) return row.status();
    if (!*row) return Status::ok();
    const std::string blob = s->blob(0);
    if (auto st = fn(blob); !st.isOk()) return st;
  }
}

}  // namespace

Result<std::vector<std::pair<int64_t, std::vector<std::string>>>> RunStore::matchingContexts(
    std::string_view kind, const PointQuery& q, std::map<int64_t, std::pair<std::string, std::string>>& info) {
  auto c = db_.prepare("SELECT id, host, tags, type FROM contexts WHERE kind=? AND name=?");
  if (!c.isOk()) return c.status();
  c->bind(1, kind).bind(2, q.name);
  std::vector<std::pair<int64_t, std::vector<std::string>>> out;
  const Status st = forEachRow(*c, [&] {
    std::string tags = c->text(2);
    std::string type = c->text(3);
    if (q.type && *q.type != type) return;
    if (!hasAllTags(tags, q.tags)) return;
    info[c->int64(0)] = {c->text(1), tags};
    out.push_back({c->int64(0), {type}});
  });
  if (!st.isOk()) return st;
  return out;
}

Result<std::vector<PointRow>> RunStore::seriesPoints(const PointQuery& q) {
  const auto lock = connection();
  std::map<int64_t, std::pair<std::string, std::string>> info;
  auto ctxs = matchingContexts("series", q, info);
  if (!ctxs.isOk()) return ctxs.status();
  std::map<int64_t, std::string> types;
  for (const auto& [id, t] : *ctxs) types[id] = t.front();
  std::vector<PointRow> out;
  if (types.empty()) return out;
  auto st = scanBlobs(db_, "series", q.intake, [&](std::string_view blob) {
    return forEachSeriesPoint(blob, [&](const PackedSeriesPoint& p) {
      auto it = types.find(p.context_id);
      if (it == types.end()) return;
      const auto& [host, tags] = info[p.context_id];
      out.push_back({p.context_id, host, tags, it->second, p.interval, p.ts, p.value});
    });
  });
  if (!st.isOk()) return st;
  return out;
}

Result<std::vector<SketchPointRow>> RunStore::sketchPoints(const PointQuery& q) {
  const auto lock = connection();
  std::map<int64_t, std::pair<std::string, std::string>> info;
  PointQuery any_type = q;
  any_type.type.reset();
  auto ctxs = matchingContexts("sketch", any_type, info);
  if (!ctxs.isOk()) return ctxs.status();
  std::vector<SketchPointRow> out;
  if (info.empty()) return out;
  auto st = scanBlobs(db_, "sketches", q.intake, [&](std::string_view blob) {
    return forEachSketchEntry(blob, [&](const SketchPointRow& r) {
      auto it = info.find(r.context_id);
      if (it == info.end()) return;
      SketchPointRow copy = r;
      copy.host = it->second.first;
      copy.tags = it->second.second;
      out.push_back(std::move(copy));
    });
  });
  if (!st.isOk()) return st;
  return out;
}

namespace {

IntakePayloadRow payloadFrom(const Statement& q) {
  IntakePayloadRow r;
  r.intake = q.text(1);
  r.route = q.text(2);
  r.method = q.text(3);
  r.received_ns = q.int64(4);
  r.status = static_cast<int>(q.int64(5));
  r.encoding = q.text(6);
  r.content_type = q.text(7);
  r.api_key = q.text(8);
  r.compressed_bytes = q.int64(9);
  r.decoded_bytes = q.int64(10);
  r.items = q.int64(11);
  r.points = q.int64(12);
  r.decode_error = q.text(13);
  r.violations = q.int64(14);
  return r;
}

constexpr const char* kPayloadColumns =
    "id,intake,route,method,received_ns,status,encoding,content_type,api_key,compressed_bytes,decoded_bytes,items,"
    "points,decode_error,violations";

}  // namespace

Result<std::vector<PayloadSummary>> RunStore::payloads(const std::string& intake, const std::string& route,
                                                       int64_t after_id, size_t limit) {
  const auto lock = connection();
  std::string sql = std::string("SELECT ") + kPayloadColumns + " FROM payloads WHERE id > ?1";
  if (!intake.empty()) sql += " AND intake = ?2";
  if (!route.empty()) sql += " AND route = ?3";
  sql += " ORDER BY id";
  if (limit > 0) sql += " LIMIT " + std::to_string(limit);
  auto q = db_.prepare(sql);
  if (!q.isOk()) return q.status();
  q->bind(1, after_id);
  if (!intake.empty()) q->bind(2, intake);
  if (!route.empty()) q->bind(3, route);
  std::vector<PayloadSummary> out;
  if (auto st = forEachRow(*q, [&] { out.push_back({q->int64(0), payloadFrom(*q)}); }); !st.isOk()) {
    return st;
  }
  return out;
}

Result<std::string> RunStore::body(int64_t payload_id) {
  const auto lock = connection();
  auto q = db_.prepare("SELECT body FROM payloads WHERE id = ?");
  if (!q.isOk()) return q.status();
  q->bind(1, payload_id);
  auto row = q->step();
  if (!row.isOk()) return row.status();
  if (!*row) return common::notFound("no payload " + std::to_string(payload_id) + " in " + path_);
  return q->blob(0);
}

Status RunStore::forEachPayload(int64_t since_ns, const std::function<void(int64_t, const IntakePayloadRow&)>& fn) {
  const auto lock = connection();
  auto q =
      db_.prepare(std::string("SELECT ") + kPayloadColumns + ",body FROM payloads WHERE received_ns >= ? ORDER BY id");
  if (!q.isOk()) return q.status();
  q->bind(1, since_ns);
  const Status st = forEachRow(*q, [&] {
    IntakePayloadRow r = payloadFrom(*q);
    const std::string body = q->blob(15);
    r.body = body;
    fn(q->int64(0), r);
  });
  if (!st.isOk()) return st;
  return Status::ok();
}

Result<std::vector<StatsTotalsRow>> RunStore::statsTotals(const std::string& intake, const std::string& route,
                                                          int64_t* payloads, int64_t* undecodable) {
  const auto lock = connection();
  constexpr const char* kAccepted = "intake = ? AND route = ? AND method = 'POST' AND status BETWEEN 200 AND 299";
  auto counts = db_.prepare(std::string("SELECT COUNT(*), COALESCE(SUM(decode_error IS NOT NULL AND decode_error != ''),0) "
                                        "FROM payloads WHERE ") + kAccepted);
  if (!counts.isOk()) return counts.status();
  counts->bind(1, intake).bind(2, route);
  if (auto row = counts->step(); !row.isOk()) return row.status();
  if (payloads) *payloads = counts->int64(0);
  if (undecodable) *undecodable = counts->int64(1);
  auto q = db_.prepare(
      "SELECT s.service, s.resource, SUM(s.hits), SUM(s.errors), SUM(s.top_level_hits), SUM(s.duration), "
      "SUM(s.groups) FROM payload_stats s JOIN payloads p ON p.id = s.payload_id WHERE p.intake = ? AND "
      "p.route = ? AND p.method = 'POST' AND p.status BETWEEN 200 AND 299 GROUP BY s.service, s.resource "
      "ORDER BY s.service, s.resource");
  if (!q.isOk()) return q.status();
  q->bind(1, intake).bind(2, route);
  std::vector<StatsTotalsRow> out;
  const Status st = forEachRow(*q, [&] {
    out.push_back({q->text(0), q->text(1), q->int64(2), q->int64(3), q->int64(4), q->int64(5), q->int64(6)});
  });
  if (!st.isOk()) return st;
  return out;
}

Result<int64_t> RunStore::storedItems(const std::string& intake, const std::string& route) {
  const auto lock = connection();
  auto q = db_.prepare("SELECT COALESCE(SUM(items),0) FROM payloads WHERE intake = ? AND route = ?");
  if (!q.isOk()) return q.status();
  q->bind(1, intake).bind(2, route);
  auto row = q->step();
  if (!row.isOk()) return row.status();
  return q->int64(0);
}

Result<std::vector<EvictionCount>> RunStore::evictions() {
  const auto lock = connection();
  auto q = db_.prepare("SELECT intake, route, reason, payloads, items FROM evictions ORDER BY intake, route, reason");
  if (!q.isOk()) return q.status();
  std::vector<EvictionCount> out;
  const Status st = forEachRow(*q, [&] {
    out.push_back({q->text(0), q->text(1), q->text(2), q->int64(3), q->int64(4)});
  });
  if (!st.isOk()) return st;
  return out;
}

Result<std::map<std::string, int64_t>> RunStore::payloadCountsByRoute(const std::string& intake) {
  const auto lock = connection();
  auto q = db_.prepare("SELECT route, COUNT(*) FROM payloads WHERE intake = ? GROUP BY route");
  if (!q.isOk()) return q.status();
  q->bind(1, intake);
  std::map<std::string, int64_t> out;
  if (auto st = forEachRow(*q, [&] { out[q->text(0)] = q->int64(1); }); !st.isOk()) {
    return st;
  }
  return out;
}

Result<std::vector<FlushRow>> RunStore::flushes() {
  const auto lock = connection();
  auto q = db_.prepare(
      "SELECT idx,at_s,aggregate_s,serialize_s,aggregate_cpu_s,serialize_cpu_s,series,sketches,service_checks,events,"
      "contexts FROM flushes ORDER BY idx");
  if (!q.isOk()) return q.status();
  std::vector<FlushRow> out;
  const Status st = forEachRow(*q, [&] {
    out.push_back({q->int64(0), q->real(1), q->real(2), q->real(3), q->real(4), q->real(5),
                   q->int64(6), q->int64(7), q->int64(8), q->int64(9), q->int64(10)});
  });
  if (!st.isOk()) return st;
  return out;
}

Result<std::vector<MarkerRow>> RunStore::markers() {
  const auto lock = connection();
  auto q = db_.prepare("SELECT at_s, kind, label, detail FROM markers ORDER BY at_s, rowid");
  if (!q.isOk()) return q.status();
  std::vector<MarkerRow> out;
  if (auto st = forEachRow(*q, [&] { out.push_back({q->real(0), q->text(1), q->text(2), q->text(3)}); }); !st.isOk()) {
    return st;
  }
  return out;
}

Result<std::vector<SentPayloadRow>> RunStore::sentPayloads() {
  const auto lock = connection();
  auto q = db_.prepare(
      "SELECT at_s, flush_idx, route, compressed_bytes, uncompressed_bytes, items, points FROM sent_payloads "
      "ORDER BY at_s, rowid");
  if (!q.isOk()) return q.status();
  std::vector<SentPayloadRow> out;
  const Status st = forEachRow(*q, [&] {
    out.push_back({q->real(0), q->int64(1), q->text(2), q->int64(3), q->int64(4), q->int64(5), q->int64(6)});
  });
  if (!st.isOk()) return st;
  return out;
}

Result<std::vector<AttemptRow>> RunStore::attempts() {
  const auto lock = connection();
  auto q = db_.prepare("SELECT at_s, route, status, error, bytes, seconds FROM attempts ORDER BY at_s, rowid");
  if (!q.isOk()) return q.status();
  std::vector<AttemptRow> out;
  const Status st = forEachRow(*q, [&] {
    out.push_back({q->real(0), q->text(1), static_cast<int>(q->int64(2)), q->text(3), q->int64(4), q->real(5)});
  });
  if (!st.isOk()) return st;
  return out;
}

Result<std::vector<std::pair<double, double>>> RunStore::telemetrySeries(const std::string& name) {
  const auto lock = connection();
  auto q = db_.prepare("SELECT at_s, value FROM telemetry WHERE name = ? ORDER BY at_s");
  if (!q.isOk()) return q.status();
  q->bind(1, name);
  std::vector<std::pair<double, double>> out;
  if (auto st = forEachRow(*q, [&] { out.emplace_back(q->real(0), q->real(1)); }); !st.isOk()) {
    return st;
  }
  return out;
}

Result<std::vector<std::string>> RunStore::telemetryNames() {
  const auto lock = connection();
  auto q = db_.prepare("SELECT DISTINCT name FROM telemetry ORDER BY name");
  if (!q.isOk()) return q.status();
  std::vector<std::string> out;
  if (auto st = forEachRow(*q, [&] { out.push_back(q->text(0)); }); !st.isOk()) return st;
  return out;
}

int64_t RunStore::maxPayloadId() {
  const auto lock = connection();
  // The highest id ever given (ids are never reused, even after every payload was evicted).
  auto q = db_.prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'payloads'), 0)");
  if (!q.isOk()) return 0;
  auto row = q->step();
  return row.isOk() && *row ? q->int64(0) : 0;
}

}  // namespace ddsim::store
