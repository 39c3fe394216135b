#include "simulator/expect/expectations.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <type_traits>

#include "simulator/expect/distribution_check.h"

namespace ddsim::expect {

using nlohmann::json;

namespace {

std::string num(double v) {
  std::ostringstream o;
  o.precision(10);
  o << v;
  return o.str();
}

// "nothing lost", or each unit's count ("3 transactions, 5 messages lost"): counts in
// different units are never added together.
std::string lossText(const RunFacts& facts) {
  if (facts.loss_by_unit.empty()) return facts.loss == 0 ? "nothing lost" : std::to_string(facts.loss) + " lost";
  std::string out;
  for (const auto& [unit, n] : facts.loss_by_unit) {
    if (!out.empty()) out += ", ";
    out += std::to_string(n) + " " + unit;
  }
  return out + " lost";
}

std::string tagsText(const std::vector<std::string>& tags) {
  if (tags.empty()) return "";
  std::string s = "{";
  for (size_t i = 0; i < tags.size(); ++i) s += (i ? "," : "") + tags[i];
  return s + "}";
}

ExpectationResult checkMetric(const scenario::MetricExpectation& e, const IntakeData& data) {
  ExpectationResult r;
  r.description = "metric " + e.name + tagsText(e.tags) + (e.type ? " (" + *e.type + ")" : "") + " " + e.aggregate +
                  (e.times_interval ? " of value*interval" : "") + " = " + num(e.value);
  if (e.tolerance > 0) r.description += " ±" + num(e.tolerance * 100) + "%";
  if (e.abs_tolerance > 0) r.description += " ±" + num(e.abs_tolerance);
  if (auto gap = incompleteness(data, {"/api/v2/series", "/api/v1/series"}); !gap.empty()) {
    r.detail = "incomplete: " + gap + "; a value computed from what is left would be wrong";
    return r;
  }
  int64_t matched = 0;
  auto got = matchingPoints(e, data, &matched);
  if (!got.isOk()) {
    r.detail = "the run store could not be read: " + got.status().message();
    return r;
  }
  const std::vector<double>& points = *got;
  if (points.empty()) {
    r.detail = matched ? "the matching series carry no points" : "no matching series reached the intake";
    return r;
  }
  double actual = 0;
  if (e.aggregate == "sum") {
    for (double p : points) actual += p;
  } else if (e.aggregate == "count") {
    actual = static_cast<double>(points.size());
  } else if (e.aggregate == "avg") {
    for (double p : points) actual += p;
    actual /= static_cast<double>(points.size());
  } else if (e.aggregate == "min") {
    actual = *std::min_element(points.begin(), points.end());
  } else if (e.aggregate == "max") {
    actual = *std::max_element(points.begin(), points.end());
  } else {
    actual = points.back();
  }
  const double allowed = std::max(e.tolerance * std::fabs(e.value), e.abs_tolerance);
  const double diff = actual - e.value;
  r.passed = std::fabs(diff) <= allowed + 1e-9 * std::max(1.0, std::fabs(e.value));
  r.detail = "got " + num(actual) + " over " + std::to_string(points.size()) + " points of " + std::to_string(matched) +
             " series (off by " + num(diff);
  if (e.value != 0) r.detail += ", " + num(diff / std::fabs(e.value) * 100) + "%";
  r.detail += "; allowed ±" + num(allowed) + ")";
  return r;
}

int64_t dropsMatching(const std::map<std::string, int64_t>& drops, const std::string& reason) {
  int64_t n = 0;
  for (const auto& [k, v] : drops) {
    if (reason == "*" || k == reason || (k.size() > reason.size() && k.compare(k.size() - reason.size(), reason.size(), reason) == 0 &&
                                         k[k.size() - reason.size() - 1] == '.')) {
      n += v;
    }
  }
  return n;
}

}  // namespace

json ExpectationResult::toJson() const { return {{"expectation", description}, {"passed", passed}, {"detail", detail}}; }

common::Result<std::vector<double>> matchingPoints(const scenario::MetricExpectation& e, const IntakeData& data,
                                                   int64_t* series_matched) {
  store::PointQuery q;
  q.intake = data.main_intake;
  q.name = e.name;
  q.tags = e.tags;
  q.type = e.type;
  auto rows = data.store.seriesPoints(q);
  if (!rows.isOk()) return rows.status();
  std::vector<double> out;
  out.reserve(rows->size());
  std::set<int64_t> contexts;
  for (const auto& p : *rows) {
    contexts.insert(p.context_id);
    out.push_back(e.times_interval && p.interval > 0 ? p.value * static_cast<double>(p.interval) : p.value);
  }
  if (series_matched) *series_matched = static_cast<int64_t>(contexts.size());
  return out;
}

std::string incompleteness(const IntakeData& data, const std::vector<std::string>& routes) {
  auto ev = data.store.evictions();
  if (!ev.isOk()) return "the run store could not be read: " + ev.status().message();
  std::string out;
  for (const auto& e : *ev) {
    if (e.intake != data.main_intake) continue;
    if (std::find(routes.begin(), routes.end(), e.route) == routes.end()) continue;
    if (!out.empty()) out += ", ";
    out += std::to_string(e.payloads) + " " + e.route + " payloads (" + std::to_string(e.items) + " items) evicted by " +
           e.reason;
  }
  return out;
}

std::vector<ExpectationResult> evaluate(const std::vector<scenario::Expectation>& expectations, const RunFacts& facts,
                                        const IntakeData& data) {
  std::vector<ExpectationResult> out;
  for (const auto& ex : expectations) {
    if (auto* ii = std::get_if<scenario::IntakeItemsExpectation>(&ex)) {
      ExpectationResult r;
      int64_t n = 0;
      std::string error;
      for (const auto& name : data.intakes) {
        auto items = data.store.storedItems(name, ii->route);
        if (items.isOk()) n += *items;
        else error = items.status().message();
      }
      r.description = "items stored on " + ii->route + (ii->min ? " >= " + std::to_string(*ii->min) : "") +
                      (ii->max ? " <= " + std::to_string(*ii->max) : "");
      r.passed = error.empty() && (!ii->min || n >= *ii->min) && (!ii->max || n <= *ii->max);
      r.detail = error.empty() ? "the intakes hold " + std::to_string(n) : "the run store could not be read: " + error;
      if (auto gap = incompleteness(data, {ii->route}); !gap.empty() && r.passed && ii->max == std::nullopt) {
        // Evicted items were received: a minimum still holds; say so.
        r.detail += " (" + gap + ")";
      } else if (!gap.empty()) {
        r.passed = false;
        r.detail = "incomplete: " + gap;
      }
      out.push_back(r);
      continue;
    }
    if (auto* se = std::get_if<scenario::SummaryExpectation>(&ex)) {
      ExpectationResult r;
      const bool known = facts.summary && facts.summary->contains(se->key) && (*facts.summary)[se->key].is_number();
      const double v = known ? (*facts.summary)[se->key].get<double>() : 0;
      r.description = "summary " + se->key + (se->min ? " >= " + num(*se->min) : "") +
                      (se->max ? " <= " + num(*se->max) : "");
      r.passed = known && (!se->min || v >= *se->min) && (!se->max || v <= *se->max);
      r.detail = known ? "is " + num(v) : "the summary has no number called " + se->key;
      out.push_back(r);
      continue;
    }
    if (auto* te = std::get_if<scenario::TelemetryExpectation>(&ex)) {
      ExpectationResult r;
      double v = 0;
      if (facts.telemetry && facts.telemetry->contains(te->key)) v = (*facts.telemetry)[te->key].get<double>();
      r.description = "telemetry " + te->key + (te->min ? " >= " + num(*te->min) : "") +
                      (te->max ? " <= " + num(*te->max) : "");
      r.passed = (!te->min || v >= *te->min) && (!te->max || v <= *te->max);
      r.detail = "is " + num(v);
      out.push_back(r);
      continue;
    }
    if (auto* tr = std::get_if<scenario::TraceExpectation>(&ex)) {
      out.push_back(checkTraces(*tr, facts.traces ? *facts.traces : TraceFacts{}));
      continue;
    }
    if (auto* m = std::get_if<scenario::MetricExpectation>(&ex)) {
      out.push_back(checkMetric(*m, data));
    } else if (auto* ds = std::get_if<scenario::DistributionExpectation>(&ex)) {
      out.push_back(checkDistribution(*ds, data));
    } else if (auto* d = std::get_if<scenario::DropsExpectation>(&ex)) {
      ExpectationResult r;
      const int64_t n = dropsMatching(facts.drops, d->reason);
      r.description = "drops (" + d->reason + ") <= " + std::to_string(d->max) +
                      (d->min ? " and >= " + std::to_string(*d->min) : "");
      r.passed = n <= d->max && (!d->min || n >= *d->min);
      r.detail = "counted " + std::to_string(n);
      if (n > d->max) r.detail += " (" + std::to_string(n - d->max) + " over)";
      if (d->min && n < *d->min) r.detail += " (" + std::to_string(*d->min - n) + " short)";
      out.push_back(r);
    } else if (auto* v = std::get_if<scenario::ViolationsExpectation>(&ex)) {
      ExpectationResult r;
      int64_t n = 0;
      for (const auto& [prop, count] : facts.violations_by_property) {
        if (std::find(v->ignore.begin(), v->ignore.end(), prop) == v->ignore.end()) n += count;
      }
      r.description = "intake property violations <= " + std::to_string(v->max);
      if (!v->ignore.empty()) {
        r.description += " (not counting";
        for (const auto& i : v->ignore) r.description += " " + i;
        r.description += ")";
      }
      r.passed = n <= v->max;
      r.detail = "counted " + std::to_string(n);
      out.push_back(r);
    } else if (auto* p = std::get_if<scenario::PayloadSizeExpectation>(&ex)) {
      ExpectationResult r;
      r.description = "payload sizes on " + p->endpoint;
      int64_t payloads = 0, max_c = 0, max_u = 0;
      if (facts.report) {
        for (const auto& [route, s] : facts.report->routeSizes()) {
          if (p->endpoint != "*" && route != p->endpoint) continue;
          payloads += s.payloads;
          max_c = std::max(max_c, s.max_compressed);
          max_u = std::max(max_u, s.max_uncompressed);
        }
      }
      r.passed = true;
      std::string parts;
      if (p->max_compressed) {
        r.description += ", compressed <= " + std::to_string(*p->max_compressed);
        if (max_c > *p->max_compressed) r.passed = false;
      }
      if (p->max_uncompressed) {
        r.description += ", uncompressed <= " + std::to_string(*p->max_uncompressed);
        if (max_u > *p->max_uncompressed) r.passed = false;
      }
      if (p->min_payloads) {
        r.description += ", at least " + std::to_string(*p->min_payloads) + " payloads";
        if (payloads < *p->min_payloads) r.passed = false;
      }
      r.detail = std::to_string(payloads) + " payloads, largest " + std::to_string(max_c) + " B compressed, " +
                 std::to_string(max_u) + " B uncompressed";
      out.push_back(r);
    } else if (auto* f = std::get_if<scenario::FlushDurationExpectation>(&ex)) {
      ExpectationResult r;
      const double worst = facts.report ? facts.report->maxFlushSeconds() : 0;
      r.description = "every flush (aggregate + serialize) <= " + num(f->max_seconds) + " s (measured)";
      r.passed = worst <= f->max_seconds;
      r.detail = "slowest flush took " + num(worst) + " s";
      out.push_back(r);
    } else if (auto* dl = std::get_if<scenario::DeliveryExpectation>(&ex)) {
      ExpectationResult r;
      r.description = dl->no_loss ? "no loss: everything generated was delivered or skipped by design" : "delivery";
      r.passed = facts.accounting_holds && (!dl->no_loss || facts.loss == 0);
      r.detail = lossText(facts) + (facts.accounting_holds ? "" : ", accounting does not hold");
      if (dl->min_retries) {
        r.description += ", at least " + std::to_string(*dl->min_retries) + " retries";
        r.detail += ", " + std::to_string(facts.retries) + " retries";
        if (facts.retries < *dl->min_retries) r.passed = false;
      }
      out.push_back(r);
    }
  }
  return out;
}

}  // namespace ddsim::expect
