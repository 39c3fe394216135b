// The run store's trace totals (table payload_traces): written with each decoded
// /api/v0.2/traces payload, read back summed so expectations need not decode bodies again.
#include <cstring>

#include "core/store/run_store.h"
#include "core/store/run_store_internal.h"

namespace ddsim::store {

using common::Result;
using common::Status;

namespace {

// chunk_ends layout: one little-endian int64 per chunk, in chunk order (the hosts we build for
// are little-endian; memcpy keeps it free of alignment assumptions).
std::string packEnds(const std::vector<int64_t>& ends) {
  std::string out(ends.size() * sizeof(int64_t), '\0');
  if (!ends.empty()) std::memcpy(out.data(), ends.data(), out.size());
  return out;
}

void appendEnds(const std::string& blob, std::vector<int64_t>& out) {
  const size_t n = blob.size() / sizeof(int64_t);
  const size_t at = out.size();
  out.resize(at + n);
  if (n) std::memcpy(out.data() + at, blob.data(), n * sizeof(int64_t));
}

}  // namespace

Status RunStore::insertTraceTotals(int64_t id, const TraceTotalsRow& t) {
  const std::string ends = packEnds(t.chunk_ends);
  return st_->insert_traces.bind(1, id).bind(2, t.spans).bind(3, t.chunks).bindBlob(4, ends).run();
}

Result<TraceTotalsRow> RunStore::traceTotals(const std::string& intake, const std::string& route, int64_t* payloads,
                                             int64_t* undecodable) {
  const auto lock = connection();
  auto q = db_.prepare(
      "SELECT t.payload_id IS NULL, t.spans, t.chunks, t.chunk_ends FROM payloads p LEFT JOIN payload_traces t "
      "ON t.payload_id = p.id WHERE p.intake = ? AND p.route = ? AND p.method = 'POST' AND p.status BETWEEN 200 "
      "AND 299 ORDER BY p.id");
  if (!q.isOk()) return q.status();
  q->bind(1, intake).bind(2, route);
  TraceTotalsRow out;
  int64_t n = 0, missing = 0;
  while (true) {
    auto row = q->step();
    if (!row.isOk()) return row.status();
    if (!*row) break;
    ++n;
    if (q->int64(0)) {
      ++missing;
      continue;
    }
    out.spans += q->int64(1);
    out.chunks += q->int64(2);
    if (!q->isNull(3)) appendEnds(q->blob(3), out.chunk_ends);
  }
  if (payloads) *payloads = n;
  if (undecodable) *undecodable = missing;
  return out;
}

}  // namespace ddsim::store
