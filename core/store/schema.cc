#include "core/store/schema.h"

namespace ddsim::store {

std::string_view schemaSql() {
  return R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS payloads(
  id INTEGER PRIMARY KEY AUTOINCREMENT, intake TEXT NOT NULL, route TEXT NOT NULL, method TEXT NOT NULL,
  received_ns INTEGER NOT NULL, status INTEGER NOT NULL, encoding TEXT, content_type TEXT,
  api_key TEXT, compressed_bytes INTEGER NOT NULL, decoded_bytes INTEGER NOT NULL,
  items INTEGER NOT NULL, points INTEGER NOT NULL, decode_error TEXT, violations INTEGER NOT NULL,
  body BLOB);
CREATE INDEX IF NOT EXISTS payloads_by_route ON payloads(intake, route, id);
CREATE INDEX IF NOT EXISTS payloads_by_time ON payloads(received_ns);
CREATE TABLE IF NOT EXISTS contexts(
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, host TEXT NOT NULL,
  tags TEXT NOT NULL, type TEXT NOT NULL, first_payload INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS contexts_by_name ON contexts(kind, name);
CREATE TABLE IF NOT EXISTS payload_points(
  payload_id INTEGER PRIMARY KEY, series BLOB, sketches BLOB);
CREATE TABLE IF NOT EXISTS payload_stats(
  payload_id INTEGER NOT NULL, service TEXT NOT NULL, resource TEXT NOT NULL, hits INTEGER NOT NULL,
  errors INTEGER NOT NULL, top_level_hits INTEGER NOT NULL, duration INTEGER NOT NULL, groups INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS payload_stats_by_payload ON payload_stats(payload_id);
CREATE TABLE IF NOT EXISTS payload_traces(
  payload_id INTEGER PRIMARY KEY, spans INTEGER NOT NULL, chunks INTEGER NOT NULL, chunk_ends BLOB);
CREATE TABLE IF NOT EXISTS violations(
  payload_id INTEGER NOT NULL, property TEXT NOT NULL, message TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS evictions(
  intake TEXT NOT NULL, route TEXT NOT NULL, reason TEXT NOT NULL, payloads INTEGER NOT NULL,
  items INTEGER NOT NULL, PRIMARY KEY(intake, route, reason));
CREATE TABLE IF NOT EXISTS flushes(
  idx INTEGER PRIMARY KEY, at_s REAL NOT NULL, aggregate_s REAL, serialize_s REAL,
  aggregate_cpu_s REAL, serialize_cpu_s REAL, series INTEGER, sketches INTEGER,
  service_checks INTEGER, events INTEGER, contexts INTEGER);
CREATE TABLE IF NOT EXISTS sent_payloads(
  at_s REAL NOT NULL, flush_idx INTEGER, route TEXT NOT NULL, compressed_bytes INTEGER,
  uncompressed_bytes INTEGER, items INTEGER, points INTEGER);
CREATE TABLE IF NOT EXISTS attempts(
  at_s REAL NOT NULL, route TEXT NOT NULL, status INTEGER, error TEXT, bytes INTEGER, seconds REAL);
CREATE TABLE IF NOT EXISTS telemetry(at_s REAL NOT NULL, name TEXT NOT NULL, value REAL NOT NULL);
CREATE INDEX IF NOT EXISTS telemetry_by_name ON telemetry(name, at_s);
CREATE TABLE IF NOT EXISTS markers(
  at_s REAL NOT NULL, kind TEXT NOT NULL, label TEXT NOT NULL, detail TEXT);
)sql";
}

std::string_view finalizeSql() {
  return R"sql(
CREATE TABLE IF NOT EXISTS points(
  context_id INTEGER NOT NULL, payload_id INTEGER NOT NULL, ts INTEGER NOT NULL,
  value REAL NOT NULL, interval INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sketch_points(
  context_id INTEGER NOT NULL, payload_id INTEGER NOT NULL, ts INTEGER NOT NULL,
  count INTEGER NOT NULL, min REAL, max REAL, sum REAL, avg REAL, bins INTEGER NOT NULL);
)sql";
}

}  // namespace ddsim::store
