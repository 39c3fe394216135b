#include "simulator/lambda/lambda_report.h"

#include <algorithm>
#include <cstdio>

namespace ddsim::lambda {

using nlohmann::json;

const std::vector<std::string>& totalNames() {
  static const std::vector<std::string> kNames = {
      "invocations",       "cold_starts",         "successes",          "errors",
      "timeouts",          "out_of_memory",       "flushes",            "intake_requests",
      "intake_bytes",      "final_flushes",       "telemetry_events",   "telemetry_dropped",
      "clean_shutdowns",   "unclean_shutdowns",   "init_failures",      "rejected_requests",
      "dogstatsd_lines",   "runtime_ms_max",      "runtime_ms_mean",    "post_runtime_ms_max",
      "post_runtime_ms_mean", "init_ms_max",      "init_ms_mean",       "invocations_per_second",
      "kms_decrypts",      "secret_reads",        "aws_rejected",       "failures",
      "metrics_produced",  "metrics_in_invocation", "metrics_later",    "metrics_at_shutdown",
      "metrics_left_behind", "logs_produced",     "logs_in_invocation", "logs_later",
      "logs_at_shutdown",  "logs_left_behind",    "invocations_left_behind", "intake_failed_requests",
      "intake_spans",      "intake_decode_errors", "enhanced_metrics",  "spans_produced",
      "spans_in_invocation", "spans_later",       "spans_at_shutdown",  "spans_left_behind",
      "api_key_plain",     "api_key_kms",         "api_key_kms_with_context", "api_key_secrets_manager",
      "api_key_none",      "api_key_unknown",     "inferred_spans_linked",
  };
  return kNames;
}

IntakeSummary summarizeIntake(const std::vector<IntakeRequest>& requests, int64_t decode_errors) {
  IntakeSummary s;
  s.decode_errors = decode_errors;
  for (const auto& r : requests) {
    ++s.requests;
    if (r.status < 200 || r.status >= 300) {
      ++s.failed_requests;
      continue;
    }
    s.spans += r.spans;
    s.log_lines += static_cast<int64_t>(r.logs.size());
    for (const auto& m : r.metrics) ++s.metrics[m.name];
    for (const auto& sp : r.span_list) {
      ++s.spans_by_name[sp.name];
      if (sp.name == "aws.lambda" && !sp.status_code.empty()) ++s.execution_status_codes[sp.status_code];
    }
  }
  // Links across requests: an inferred span and its execution span may leave in different flushes.
  std::map<std::pair<uint64_t, uint64_t>, const IntakeSpan*> inferred;
  for (const auto& r : requests) {
    if (r.status < 200 || r.status >= 300) continue;
    for (const auto& sp : r.span_list) {
      if (sp.inferred) inferred[{sp.trace_id, sp.span_id}] = &sp;
    }
  }
  for (const auto& r : requests) {
    if (r.status < 200 || r.status >= 300) continue;
    for (const auto& sp : r.span_list) {
      if (sp.name == "aws.lambda" && inferred.count({sp.trace_id, sp.parent_id})) ++s.inferred_spans_linked;
    }
  }
  return s;
}

bool LambdaReport::passed() const {
  return std::all_of(expectations.begin(), expectations.end(),
                     [](const auto& e) { return e.passed || !e.skipped.empty(); });
}

std::map<std::string, double> computeTotals(const std::vector<InvocationRecord>& invocations,
                                            const std::vector<EnvironmentRecord>& environments, double wall_s) {
  std::map<std::string, double> t;
  for (const auto& name : totalNames()) t[name] = 0;
  for (const auto& r : invocations) {
    t["invocations"] += 1;
    t["cold_starts"] += r.cold_start;
    t["successes"] += r.status == "success";
    t["errors"] += r.status == "error";
    t["timeouts"] += r.status == "timeout";
    t["failures"] += r.status == "failure";
    t["out_of_memory"] += r.error_type == "Runtime.OutOfMemory";
    t["flushes"] += r.flushed;
    t["intake_requests"] += static_cast<double>(r.intake.requests);
    t["intake_bytes"] += static_cast<double>(r.intake.bytes);
    t["dogstatsd_lines"] += static_cast<double>(r.dogstatsd_lines);
    t["runtime_ms_max"] = std::max(t["runtime_ms_max"], r.runtime_ms);
    t["runtime_ms_mean"] += r.runtime_ms;
    t["post_runtime_ms_max"] = std::max(t["post_runtime_ms_max"], r.post_runtime_ms);
    t["post_runtime_ms_mean"] += r.post_runtime_ms;
    for (const auto& [prefix, d] : {std::pair<std::string, const Delivery*>{"metrics_", &r.metrics},
                                    {"logs_", &r.log_delivery}, {"spans_", &r.span_delivery}}) {
      t[prefix + "produced"] += static_cast<double>(d->produced);
      t[prefix + "in_invocation"] += static_cast<double>(d->in_invocation);
      t[prefix + "later"] += static_cast<double>(d->later);
      t[prefix + "at_shutdown"] += static_cast<double>(d->at_shutdown);
      t[prefix + "left_behind"] += static_cast<double>(d->left_behind);
    }
    t["invocations_left_behind"] += r.metrics.left_behind + r.log_delivery.left_behind + r.span_delivery.left_behind > 0;
  }
  if (!invocations.empty()) {
    t["runtime_ms_mean"] /= static_cast<double>(invocations.size());
    t["post_runtime_ms_mean"] /= static_cast<double>(invocations.size());
  }
  double inits = 0;
  for (const auto& e : environments) {
    t["final_flushes"] += e.intake_at_shutdown.requests > 0;
    t["intake_requests"] += static_cast<double>(e.intake_at_shutdown.requests);
    t["intake_bytes"] += static_cast<double>(e.intake_at_shutdown.bytes);
    t["telemetry_events"] += static_cast<double>(e.telemetry.events);
    t["telemetry_dropped"] += static_cast<double>(e.telemetry.dropped_events);
    t["clean_shutdowns"] += e.shutdown_clean;
    t["unclean_shutdowns"] += !e.shutdown_clean;
    t["init_failures"] += !e.init_ok;
    if (e.init_ok) t["api_key_" + e.api_key_source] += 1;
    for (const auto& [reason, n] : e.rejected) t["rejected_requests"] += static_cast<double>(n);
    if (e.init_ok) {
      inits += 1;
      t["init_ms_max"] = std::max(t["init_ms_max"], e.init_ms);
      t["init_ms_mean"] += e.init_ms;
    }
  }
  if (inits > 0) t["init_ms_mean"] /= inits;
  if (wall_s > 0) t["invocations_per_second"] = t["invocations"] / wall_s;
  return t;
}

void addIntakeTotals(std::map<std::string, double>& totals, const IntakeSummary& intake) {
  totals["intake_failed_requests"] = static_cast<double>(intake.failed_requests);
  totals["intake_spans"] = static_cast<double>(intake.spans);
  totals["intake_decode_errors"] = static_cast<double>(intake.decode_errors);
  for (const auto& [name, n] : intake.metrics) {
    totals["enhanced_metrics"] += name.rfind("aws.lambda.enhanced.", 0) == 0;
    totals[std::string(kIntakeMetricPrefix) + name] = static_cast<double>(n);
  }
  totals["inferred_spans_linked"] = static_cast<double>(intake.inferred_spans_linked);
  for (const auto& [name, n] : intake.spans_by_name) {
    totals[std::string(kIntakeSpanPrefix) + name] = static_cast<double>(n);
  }
}

std::vector<ExpectationOutcome> checkExpectations(const std::map<std::string, double>& totals,
                                                  const std::map<std::string, Bound>& expect) {
  std::vector<ExpectationOutcome> out;
  for (const auto& [name, bound] : expect) {
    ExpectationOutcome o;
    o.name = name;
    o.bound = bound;
    auto it = totals.find(name);
    o.actual = it == totals.end() ? 0 : it->second;
    o.passed = it != totals.end() && (!bound.min || o.actual >= *bound.min) && (!bound.max || o.actual <= *bound.max);
    out.push_back(o);
  }
  return out;
}

namespace {

json deliveryJson(const Delivery& d) {
  return json{{"produced", d.produced},   {"in_invocation", d.in_invocation}, {"later", d.later},
              {"at_shutdown", d.at_shutdown}, {"left_behind", d.left_behind}};
}

json windowJson(const IntakeWindow& w) {
  return json{{"requests", w.requests}, {"bytes", w.bytes}, {"by_path", w.by_path}};
}

std::string boundText(const Bound& b) {
  char buf[96];
  if (b.min && b.max) {
    std::snprintf(buf, sizeof buf, "in [%g, %g]", *b.min, *b.max);
  } else if (b.min) {
    std::snprintf(buf, sizeof buf, ">= %g", *b.min);
  } else {
    std::snprintf(buf, sizeof buf, "<= %g", b.max.value_or(0));
  }
  return buf;
}

}  // namespace

json reportToJson(const LambdaReport& report) {
  json invocations = json::array();
  for (const auto& r : report.invocations) {
    invocations.push_back(json{{"index", r.index},
                               {"environment", r.environment},
                               {"request_id", r.request_id},
                               {"cold_start", r.cold_start},
                               {"status", r.status},
                               {"error_type", r.error_type},
                               {"arrival_s", r.arrival_s},
                               {"queue_ms", r.queue_ms},
                               {"runtime_ms", r.runtime_ms},
                               {"post_runtime_ms", r.post_runtime_ms},
                               {"extension_returned", r.extension_returned},
                               {"flushed", r.flushed},
                               {"intake", windowJson(r.intake)},
                               {"dogstatsd_lines", r.dogstatsd_lines},
                               {"spans", r.spans},
                               {"log_lines", r.log_lines},
                               {"runtime_api", {{"next", r.runtime_api_next}, {"answered", r.runtime_api_answered}}},
                               {"delivered", {{"metrics", deliveryJson(r.metrics)},
                                              {"logs", deliveryJson(r.log_delivery)},
                                              {"spans", deliveryJson(r.span_delivery)}}}});
  }
  json environments = json::array();
  for (const auto& e : report.environments) {
    environments.push_back(json{{"index", e.index},
                                {"init_ok", e.init_ok},
                                {"init_error", e.init_error},
                                {"init_ms", e.init_ms},
                                {"invocations", e.invocations},
                                {"telemetry_subscribed", e.telemetry_subscribed},
                                {"api_key_source", e.api_key_source},
                                {"tmp_dir", e.tmp_dir},
                                {"tmp_files", e.tmp_files},
                                {"telemetry", {{"batches", e.telemetry.batches},
                                               {"events", e.telemetry.events},
                                               {"failed_batches", e.telemetry.failed_batches},
                                               {"dropped_events", e.telemetry.dropped_events}}},
                                {"shutdown_reason", e.shutdown_reason},
                                {"shutdown_clean", e.shutdown_clean},
                                {"shutdown_ms", e.shutdown_ms},
                                {"exit_code", e.exit_code},
                                {"intake_at_shutdown", windowJson(e.intake_at_shutdown)},
                                {"reported_errors", e.reported_errors},
                                {"rejected", e.rejected}});
  }
  json expectations = json::array();
  for (const auto& x : report.expectations) {
    json b = json::object();
    if (x.bound.min) b["min"] = *x.bound.min;
    if (x.bound.max) b["max"] = *x.bound.max;
    json o{{"name", x.name}, {"bound", b}, {"actual", x.actual}, {"passed", x.passed}};
    if (!x.skipped.empty()) o["skipped"] = x.skipped;
    expectations.push_back(std::move(o));
  }
  return json{{"name", report.name},
              {"source", report.source},
              {"seed", report.seed},
              {"function", {{"name", report.function.name},
                            {"memory_mb", report.function.memory_mb},
                            {"timeout_ms", report.function.timeout.count()}}},
              {"wall_s", report.wall_s},
              {"totals", report.totals},
              {"intake", {{"requests", report.intake.requests},
                          {"failed_requests", report.intake.failed_requests},
                          {"spans", report.intake.spans},
                          {"log_lines", report.intake.log_lines},
                          {"decode_errors", report.intake.decode_errors},
                          {"metrics", report.intake.metrics},
                          {"spans_by_name", report.intake.spans_by_name},
                          {"inferred_spans_linked", report.intake.inferred_spans_linked},
                          {"execution_status_codes", report.intake.execution_status_codes}}},
              {"expectations", expectations},
              {"passed", report.passed()},
              {"invocations", invocations},
              {"environments", environments}};
}

std::string consoleSummary(const LambdaReport& report) {
  const auto& t = report.totals;
  auto at = [&](const char* k) { return t.count(k) ? t.at(k) : 0.0; };
  char buf[512];
  std::string s;
  std::snprintf(buf, sizeof buf, "lambda %s: %g invocations in %.2f s (%g cold starts, %g environments)\n",
                report.name.c_str(), at("invocations"), report.wall_s, at("cold_starts"),
                static_cast<double>(report.environments.size()));
  s += buf;
  std::snprintf(buf, sizeof buf, "  status: %g success, %g error, %g timeout (%g out of memory)\n", at("successes"),
                at("errors"), at("timeouts"), at("out_of_memory"));
  s += buf;
  std::snprintf(buf, sizeof buf, "  runtime: mean %.1f ms, max %.1f ms; post-runtime (extension): mean %.1f ms, max %.1f ms\n",
                at("runtime_ms_mean"), at("runtime_ms_max"), at("post_runtime_ms_mean"), at("post_runtime_ms_max"));
  s += buf;
  std::snprintf(buf, sizeof buf, "  init: mean %.1f ms, max %.1f ms, %g failed\n", at("init_ms_mean"),
                at("init_ms_max"), at("init_failures"));
  s += buf;
  std::snprintf(buf, sizeof buf,
                "  intake: %g requests, %g bytes; %g invocations flushed, %g final flushes at shutdown\n",
                at("intake_requests"), at("intake_bytes"), at("flushes"), at("final_flushes"));
  s += buf;
  std::snprintf(buf, sizeof buf, "  telemetry: %g events delivered, %g dropped; shutdowns: %g clean, %g killed\n",
                at("telemetry_events"), at("telemetry_dropped"), at("clean_shutdowns"), at("unclean_shutdowns"));
  s += buf;
  std::snprintf(buf, sizeof buf,
                "  delivered (metrics / logs): %g / %g in their invocation, %g / %g later, %g / %g at shutdown, "
                "%g / %g left behind\n",
                at("metrics_in_invocation"), at("logs_in_invocation"), at("metrics_later"), at("logs_later"),
                at("metrics_at_shutdown"), at("logs_at_shutdown"), at("metrics_left_behind"), at("logs_left_behind"));
  s += buf;
  for (const auto& r : report.invocations) {
    if (r.metrics.left_behind + r.log_delivery.left_behind + r.metrics.later + r.log_delivery.later == 0) continue;
    std::snprintf(buf, sizeof buf,
                  "    invocation %lld: metrics %lld produced, %lld later, %lld at shutdown, %lld left behind; logs "
                  "%lld produced, %lld later, %lld at shutdown, %lld left behind\n",
                  static_cast<long long>(r.index), static_cast<long long>(r.metrics.produced),
                  static_cast<long long>(r.metrics.later), static_cast<long long>(r.metrics.at_shutdown),
                  static_cast<long long>(r.metrics.left_behind), static_cast<long long>(r.log_delivery.produced),
                  static_cast<long long>(r.log_delivery.later), static_cast<long long>(r.log_delivery.at_shutdown),
                  static_cast<long long>(r.log_delivery.left_behind));
    s += buf;
  }
  std::map<std::string, int> sources;
  for (const auto& e : report.environments) {
    if (!e.init_error.empty()) s += "  environment " + std::to_string(e.index) + ": " + e.init_error + "\n";
    if (e.init_ok) ++sources[e.api_key_source];
  }
  if (!sources.empty()) {
    s += "  API key source:";
    for (const auto& [source, n] : sources) s += " " + source + " x" + std::to_string(n);
    s += "\n";
  }
  for (const auto& x : report.expectations) {
    if (!x.skipped.empty()) {
      s += "  SKIP " + x.name + " " + boundText(x.bound) + ": " + x.skipped + "\n";
      continue;
    }
    std::snprintf(buf, sizeof buf, "  %s %s %s: got %g\n", x.passed ? "PASS" : "FAIL", x.name.c_str(),
                  boundText(x.bound).c_str(), x.actual);
    s += buf;
  }
  return s;
}

}  // namespace ddsim::lambda
