#include "simulator/expect/trace_expectations.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "simulator/expect/expectations.h"

namespace ddsim::expect {

namespace {

constexpr std::string_view kRoute = "/api/v0.2/traces";
constexpr std::string_view kStatsRoute = "/api/v0.2/stats";

std::string num(double v) {
  std::ostringstream o;
  o.precision(6);
  o << v;
  return o.str();
}

std::string bounds(const std::optional<int64_t>& min, const std::optional<int64_t>& max) {
  return (min ? " >= " + std::to_string(*min) : "") + (min && max ? " and" : "") +
         (max ? " <= " + std::to_string(*max) : "");
}

// The trace totals the intake stored with each payload it decoded (run store payload_traces): no
// body is decompressed or decoded again here.
common::Status readTraces(const IntakeData& data, DeliveredTraces& d) {
  d.incomplete = incompleteness(data, {std::string(kRoute)});
  auto t = data.store.traceTotals(data.main_intake, std::string(kRoute), &d.payloads, &d.undecodable);
  if (!t.isOk()) return t.status();
  d.spans = t->spans;
  d.chunks = t->chunks;
  d.chunk_ends = std::move(t->chunk_ends);
  return common::Status::ok();
}

// The stats totals the intake stored with each payload it decoded (run store payload_stats): no
// body is decompressed or decoded again here.
common::Status readStats(const IntakeData& data, DeliveredTraces& d) {
  d.stats_incomplete = incompleteness(data, {std::string(kStatsRoute)});
  auto rows = data.store.statsTotals(data.main_intake, std::string(kStatsRoute), &d.stats_payloads,
                                     &d.stats_undecodable);
  if (!rows.isOk()) return rows.status();
  for (const auto& t : *rows) {
    trace::StatsTotals& v = d.stats[{t.service, t.resource}];
    v.hits = t.hits;
    v.errors = t.errors;
    v.top_level_hits = t.top_level_hits;
    v.duration = t.duration;
    v.groups = t.groups;
  }
  return common::Status::ok();
}

std::string totalsText(const trace::StatsTotals& t) {
  return "hits " + std::to_string(t.hits) + ", errors " + std::to_string(t.errors) + ", top-level hits " +
         std::to_string(t.top_level_hits) + ", duration " + std::to_string(t.duration) + " ns";
}

// Every (service, resource) either side has, compared value by value (absent = zero); returns
// how many differ and describes the first.
int64_t differingPairs(const trace::StatsTally& a, const trace::StatsTally& b, const std::string& a_name,
                       const std::string& b_name, std::string& first) {
  trace::StatsTally keys = a;
  for (const auto& [key, v] : b) keys[key];
  int64_t differ = 0;
  for (const auto& [key, unused] : keys) {
    auto x = a.find(key);
    auto y = b.find(key);
    const trace::StatsTotals xv = x == a.end() ? trace::StatsTotals{} : x->second;
    const trace::StatsTotals yv = y == b.end() ? trace::StatsTotals{} : y->second;
    if (xv.sameValues(yv)) continue;
    if (++differ == 1) {
      first = key.first + " " + key.second + ": " + a_name + " " + totalsText(xv) + ", " + b_name + " " + totalsText(yv);
    }
  }
  return differ;
}

}  // namespace

common::Result<DeliveredTraces> deliveredTraces(const IntakeData& data) {
  DeliveredTraces d;
  if (auto st = readTraces(data, d); !st.isOk()) return st;
  if (auto st = readStats(data, d); !st.isOk()) return st;
  return d;
}

ExpectationResult checkStats(const scenario::TraceExpectation& e, const TraceFacts& facts) {
  ExpectationResult r;
  r.description = "trace stats at the intake = what the trace agent built (hits, errors, top-level hits, duration "
                  "by service and resource)" +
                  (e.min || e.max ? ", hits" + bounds(e.min, e.max) : std::string());
  const DeliveredTraces* d = facts.delivered;
  if (!facts.present || !facts.stats_built) {
    r.detail = "the scenario has no traces workload";
    return r;
  }
  if (!d) {
    r.detail = "the intake's stats could not be read";
    return r;
  }
  std::string lost;
  for (const auto& [reason, n] : facts.stats_lost) {
    if (n > 0) lost += (lost.empty() ? "" : ", ") + std::to_string(n) + " " + reason;
  }
  if (!lost.empty() || !d->stats_incomplete.empty() || d->stats_undecodable > 0) {
    r.detail = "incomplete: " +
               (!lost.empty() ? "stats payloads lost (" + lost + ")"
                : !d->stats_incomplete.empty() ? d->stats_incomplete
                                               : std::to_string(d->stats_undecodable) + " stats payloads did not decode") +
               "; totals computed from what is left would be wrong";
    return r;
  }
  const trace::StatsTotals built = trace::totalOf(*facts.stats_built), got = trace::totalOf(d->stats);
  std::string first;
  const int64_t differ = differingPairs(*facts.stats_built, d->stats, "built", "intake", first);
  // Client-side stats: what the tracers computed and the agent accepted must be what its client
  // stats aggregator built from them.
  int64_t client_differ = 0;
  std::string client_first;
  const bool client = facts.tracer_stats_present && facts.client_stats_built;
  if (client) {
    client_differ = differingPairs(facts.tracer_stats, *facts.client_stats_built, "tracers", "agent", client_first);
  }
  const bool in_bounds = (!e.min || got.hits >= *e.min) && (!e.max || got.hits <= *e.max);
  r.passed = differ == 0 && client_differ == 0 && in_bounds && d->stats_payloads > 0;
  r.detail = "the intake decoded " + totalsText(got) + " in " + std::to_string(d->stats_payloads) + " payloads (" +
             std::to_string(d->stats.size()) + " service/resource pairs); the trace agent built " + totalsText(built);
  if (differ) r.detail += "; " + std::to_string(differ) + " pairs differ, first " + first;
  if (client) {
    r.detail += "; tracers computed " + totalsText(trace::totalOf(facts.tracer_stats)) + " (client-side stats)";
    if (client_differ) {
      r.detail += ", " + std::to_string(client_differ) + " pairs differ from what the agent aggregated, first " +
                  client_first;
    }
  }
  if (d->stats_payloads == 0) r.detail += "; no stats payload reached the intake";
  return r;
}

ExpectationResult checkTraces(const scenario::TraceExpectation& e, const TraceFacts& facts) {
  using Check = scenario::TraceExpectation::Check;
  ExpectationResult r;
  const DeliveredTraces* d = facts.delivered;
  auto needIntake = [&]() {
    if (!facts.present) {
      r.detail = "the scenario has no traces workload";
      return false;
    }
    if (!d) {
      r.detail = "the intake's traces could not be read";
      return false;
    }
    if (!d->incomplete.empty()) {
      r.detail = "incomplete: " + d->incomplete + "; a value computed from what is left would be wrong";
      return false;
    }
    return true;
  };
  switch (e.check) {
    case Check::kSpansDelivered: {
      const int64_t want = e.value_count.value_or(facts.spans_written);
      r.description = "trace spans delivered = " +
                      (e.value_count ? std::to_string(*e.value_count) : std::string("every span written (") +
                                                                            std::to_string(facts.spans_written) + ")");
      if (!needIntake()) return r;
      r.passed = d->spans == want && d->undecodable == 0;
      r.detail = "the intake decoded " + std::to_string(d->spans) + " spans in " + std::to_string(d->chunks) +
                 " traces of " + std::to_string(d->payloads) + " payloads";
      if (d->spans != want) r.detail += " (off by " + std::to_string(d->spans - want) + ")";
      if (d->undecodable) r.detail += ", " + std::to_string(d->undecodable) + " payloads did not decode";
      return r;
    }
    case Check::kSampledOut: {
      int64_t n = 0;
      for (const auto& [reason, count] : facts.sampled_out) {
        if (e.reason == "*" || reason == e.reason) n += count;
      }
      r.description = "traces sampled out (" + e.reason + ")" + bounds(e.min, e.max);
      r.passed = facts.present && (!e.min || n >= *e.min) && (!e.max || n <= *e.max);
      r.detail = facts.present ? "counted " + std::to_string(n) : "the scenario has no traces workload";
      return r;
    }
    case Check::kKeptRate: {
      r.description = "kept traces per second after +" + num(e.after) + " s = " + num(e.value) + " ±" +
                      num(e.tolerance * 100) + "%";
      if (!needIntake()) return r;
      const double from = facts.load_start_unix + e.after, to = facts.load_end_unix;
      if (to <= from) {
        r.detail = "`after` leaves no time before the load ends";
        return r;
      }
      int64_t n = 0;
      for (int64_t s : d->chunk_ends) {
        const double t = static_cast<double>(s) / 1e9;
        if (t >= from && t < to) ++n;
      }
      const double rate = static_cast<double>(n) / (to - from);
      const double allowed = e.tolerance * e.value;
      r.passed = std::fabs(rate - e.value) <= allowed + 1e-9;
      r.detail = "got " + num(rate) + "/s (" + std::to_string(n) + " traces over " + num(to - from) + " s; off by " +
                 num(rate - e.value) + ", allowed ±" + num(allowed) + ")";
      return r;
    }
    case Check::kStats: return checkStats(e, facts);
  }
  return r;
}

}  // namespace ddsim::expect
