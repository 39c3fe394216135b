#include "fakeintake/store/run_store_writer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <optional>
#include <utility>

namespace ddsim::fakeintake {

int64_t decodedItemCount(const StoredPayload& p) {
  if (!p.decoded) return 0;
  return std::visit(
      [](const auto& items) -> int64_t {
        using T = std::decay_t<decltype(items)>;
        if constexpr (std::is_same_v<T, std::monostate> || std::is_same_v<T, DecodedGeneric>) {
          return 1;
        } else {
          return static_cast<int64_t>(items.size());
        }
      },
      p.decoded->items);
}

std::vector<store::StatsTotalsRow> statsTotalsOf(const std::vector<DecodedStatsPayload>& payloads) {
  std::map<std::pair<std::string, std::string>, store::StatsTotalsRow> by_key;
  for (const auto& sp : payloads) {
    for (const auto& c : sp.stats) {
      for (const auto& b : c.stats) {
        for (const auto& g : b.stats) {
          store::StatsTotalsRow& t = by_key[{g.service, g.resource}];
          t.hits += static_cast<int64_t>(g.hits);
          t.errors += static_cast<int64_t>(g.errors);
          t.top_level_hits += static_cast<int64_t>(g.top_level_hits);
          t.duration += static_cast<int64_t>(g.duration);
          ++t.groups;
        }
      }
    }
  }
  std::vector<store::StatsTotalsRow> out;
  out.reserve(by_key.size());
  for (auto& [key, t] : by_key) {
    t.service = key.first;
    t.resource = key.second;
    out.push_back(std::move(t));
  }
  return out;
}

store::TraceTotalsRow traceTotalsOf(const std::vector<DecodedAgentPayload>& payloads) {
  store::TraceTotalsRow t;
  for (const auto& ap : payloads) {
    for (const auto& tp : ap.tracer_payloads) {
      for (const auto& c : tp.chunks) {
        ++t.chunks;
        t.spans += static_cast<int64_t>(c.spans.size());
        int64_t end = std::numeric_limits<int64_t>::min();
        for (const auto& s : c.spans) end = std::max(end, s.start + s.duration);
        t.chunk_ends.push_back(end);
      }
    }
  }
  return t;
}

common::Result<int64_t> writeToRunStore(store::RunStore& rs, const std::string& intake, const StoredPayload& p,
                                        int answered_status) {
  store::IntakePayloadRow row;
  row.intake = intake;
  row.route = p.route;
  row.method = p.method;
  row.received_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(p.received.time_since_epoch()).count();
  row.status = answered_status;
  row.encoding = p.encoding;
  row.content_type = p.content_type;
  row.api_key = p.api_key;
  row.compressed_bytes = static_cast<int64_t>(p.raw.size());
  row.decoded_bytes = static_cast<int64_t>(p.uncompressed_size);
  row.items = decodedItemCount(p);
  row.decode_error = p.decode_error;
  row.violations = static_cast<int64_t>(p.violation_count);
  row.body = p.raw;

  std::vector<store::SeriesRef> series;
  std::vector<store::SeriesPoint> points;
  std::vector<store::SketchRef> sketches;
  std::vector<store::StatsTotalsRow> stats;
  std::optional<store::TraceTotalsRow> traces;
  if (p.decoded) {
    // Traces: spans, chunks and chunk ends, for the simulator's trace expectations likewise.
    if (const auto* t = std::get_if<std::vector<DecodedAgentPayload>>(&p.decoded->items)) traces = traceTotalsOf(*t);
    // Trace stats: their totals by (service, resource), so the simulator's stats expectation
    // reads what the intake decoded instead of decoding every body again.
    if (const auto* st = std::get_if<std::vector<DecodedStatsPayload>>(&p.decoded->items)) stats = statsTotalsOf(*st);
    if (const auto* s = std::get_if<std::vector<DecodedSeries>>(&p.decoded->items)) {
      series.reserve(s->size());
      points.reserve(s->size());
      for (const auto& x : *s) {
        series.push_back({x.metric, x.host(), &x.tags, seriesTypeName(x.type), x.interval,
                          static_cast<uint32_t>(points.size()), static_cast<uint32_t>(x.points.size())});
        for (const auto& pt : x.points) points.push_back({pt.timestamp, pt.value});
      }
      row.points = static_cast<int64_t>(points.size());
    } else if (const auto* k = std::get_if<std::vector<DecodedSketch>>(&p.decoded->items)) {
      sketches.reserve(k->size());
      for (const auto& x : *k) {
        store::SketchRef r{x.metric, x.host, &x.tags, {}};
        for (const auto& d : x.dogsketches) {
          r.entries.push_back({d.ts, d.cnt, d.min, d.max, d.sum, d.avg, &d.k, &d.n});
        }
        row.points += static_cast<int64_t>(x.dogsketches.size());
        sketches.push_back(std::move(r));
      }
    }
  }
  std::vector<store::ViolationRef> violations;
  violations.reserve(p.violations.size());
  for (const auto& v : p.violations) violations.push_back({v.property, v.message});
  return rs.addPayload(row, series, points, sketches, violations, stats, traces ? &*traces : nullptr);
}

void writeToRunStoreCounted(store::RunStore& rs, const std::string& intake, const StoredPayload& p,
                            int answered_status, common::CounterSet& counters) {
  auto written = writeToRunStore(rs, intake, p, answered_status);
  if (written.isOk()) {
    counters.add("run_store.written");
    return;
  }
  counters.add("run_store.write_errors");
  spdlog::warn("fakeintake: {} not written to the run store: {}", p.route, written.status().message());
  (void)rs.countEviction(intake, p.route, "write_error", 1, decodedItemCount(p));
}

}  // namespace ddsim::fakeintake
