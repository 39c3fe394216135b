#include "simulator/expect/trace_expectations.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "fakeintake/core/decompress.h"
#include "fakeintake/decoders/decoder.h"
#include "simulator/expect/expectations.h"

namespace ddsim::expect {

namespace {

constexpr std::string_view kRoute = "/api/v0.2/traces";
constexpr size_t kMaxDecompressed = 64u << 20;

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

}  // namespace

common::Result<DeliveredTraces> deliveredTraces(const IntakeData& data) {
  DeliveredTraces d;
  d.incomplete = incompleteness(data, {std::string(kRoute)});
  auto rows = data.store.payloads(data.main_intake, std::string(kRoute), 0, 0);
  if (!rows.isOk()) return rows.status();
  for (const auto& p : *rows) {
    if (p.row.method != "POST" || p.row.status < 200 || p.row.status >= 300) continue;
    ++d.payloads;
    auto body = data.store.body(p.id);
    if (!body.isOk()) return body.status();
    auto raw = fakeintake::decompress(fakeintake::parseContentEncoding(p.row.encoding), *body, kMaxDecompressed);
    std::vector<fakeintake::DecodeNote> notes;
    auto decoded = raw.isOk() ? fakeintake::decodeTraces(*raw, notes)
                              : common::Result<std::vector<fakeintake::DecodedAgentPayload>>(raw.status());
    if (!decoded.isOk()) {
      ++d.undecodable;
      continue;
    }
    for (const auto& ap : *decoded) {
      for (const auto& tp : ap.tracer_payloads) {
        for (const auto& c : tp.chunks) {
          ++d.chunks;
          d.spans += static_cast<int64_t>(c.spans.size());
          int64_t end = std::numeric_limits<int64_t>::min();
          for (const auto& s : c.spans) end = std::max(end, s.start + s.duration);
          d.chunk_ends.push_back(end);
        }
      }
    }
  }
  return d;
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
    case Check::kStats: {
      r.description = "trace stats totals" + bounds(e.min, e.max);
      if (!facts.stats) {
        r.detail = "unavailable: the simulated trace agent has no stats concentrator yet";
        return r;
      }
      const int64_t hits = facts.stats->value("hits", int64_t{0});
      r.passed = (!e.min || hits >= *e.min) && (!e.max || hits <= *e.max);
      r.detail = "hits " + std::to_string(hits);
      return r;
    }
  }
  return r;
}

}  // namespace ddsim::expect
