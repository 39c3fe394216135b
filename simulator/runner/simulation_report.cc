// The end of a run: summing telemetry across agent restarts, the accounting identities, the
// expectations, and the report.
#include <cstdio>

#include <spdlog/spdlog.h>

#include "core/common/allocator.h"
#include "core/common/process_stats.h"
#include "simulator/expect/expectations.h"
#include "simulator/report/report_numbers.h"
#include "simulator/runner/simulation_internal.h"

namespace ddsim::runner {

using nlohmann::json;

namespace {

double get(const common::TelemetrySnapshot& t, const std::string& k) {
  auto it = t.find(k);
  return it == t.end() ? 0.0 : it->second;
}

int64_t geti(const common::TelemetrySnapshot& t, const std::string& k) { return static_cast<int64_t>(get(t, k)); }

std::map<std::string, int64_t> under(const common::TelemetrySnapshot& t, const std::string& prefix) {
  return countsUnder(t, prefix);
}

const char* modeName(scenario::Mode m) { return m == scenario::Mode::kVirtual ? "virtual" : "realtime"; }

}  // namespace

void Simulation::absorbAgentTelemetry(pipeline::Agent& a) {
  auto add = [this](const common::TelemetrySnapshot& s) {
    for (const auto& [k, v] : s) past_[k] += v;
  };
  add(a.demux().telemetry());
  add(a.serializer().telemetry());
  add(a.forwarder().telemetry());
  if (a.traces()) {
    add(a.traces()->telemetry());
    for (const auto& [k, v] : a.traces()->statsBuilt()) past_stats_built_[k] += v;
    for (const auto& [k, v] : a.traces()->clientStatsBuilt()) past_client_stats_built_[k] += v;
  }
  const auto t = a.serializerTotals();
  past_timed_.series += t.series;
  past_timed_.points += t.points;
  past_timed_.sketches += t.sketches;
  past_timed_.sketch_points += t.sketch_points;
  past_timed_.service_checks += t.service_checks;
  past_timed_.events += t.events;
  past_timed_.orchestrator_messages += t.orchestrator_messages;
  past_timed_.manifests += t.manifests;
  past_timed_.errors += t.errors;
  past_timed_.seconds += t.seconds;
}

Accounting Simulation::account() const {
  // All agents have stopped: their telemetry is in past_.
  const auto& A = past_;
  const common::TelemetrySnapshot T = feed_->telemetry();
  Generated gen;
  for (const auto& d : drivers_) {
    const auto& g = d->generated();
    gen.packets += g.packets;
    gen.check_samples += g.check_samples;
    gen.check_samples_agent_down += g.check_samples_agent_down;
    gen.orchestrator_messages += g.orchestrator_messages;
    gen.orchestrator_agent_down += g.orchestrator_agent_down;
    gen.commits += g.commits;
  }
  const auto sink_dropped = sink_.dropped();
  const int64_t agent_starts = static_cast<int64_t>(agent_rngs_.size());
  Accounting acc;

  {  // Packets from the workloads to the parsing workers.
    StageBalance b{"dogstatsd_transport", "packets"};
    b.in = feed_->packetsSent();
    b.out = geti(T, "dogstatsd.packets");
    for (const auto& [reason, n] : feed_->sendErrors().snapshot()) b.dropped[reason] = n;
    b.dropped["kernel_drops"] = geti(T, "dogstatsd.dropped.kernel_drops");
    b.dropped["queue_full"] = geti(T, "dogstatsd.dropped.queue_full_packets");
    acc.stages.push_back(b);
  }
  {  // Messages the parser saw: accepted or rejected with a reason.
    StageBalance b{"dogstatsd_parse", "messages"};
    b.in = geti(T, "dogstatsd.messages");
    for (const auto& [reason, n] : under(T, "dogstatsd.rejected.")) b.dropped[reason] = n;
    b.dropped["unterminated"] = geti(T, "dogstatsd.UnterminatedMetricErrors");
    b.out = b.in - b.droppedTotal();
    b.note = "per-message count kept by the parser (messages in = accepted + rejected by reason)";
    acc.stages.push_back(b);
  }
  {  // Metric samples the parser produced, handed to the running agent or lost while it was down.
    StageBalance b{"sample_delivery", "samples"};
    b.in = geti(T, "dogstatsd.MetricPackets") + geti(T, "dogstatsd.histogram_copies") -
           geti(T, "dogstatsd.dropped.blocklisted");
    b.out = sink_.samplesForwarded() + sink_.samplesWithTimestampForwarded();
    b.dropped["agent_down"] = sink_dropped.samples + sink_dropped.samples_with_timestamp;
    acc.stages.push_back(b);
  }
  {  // Samples into the aggregator: DogStatsD, checks (whose commit markers the agent counts as
     // samples too), and each agent start's datadog.<flavor>.started (spec §3.4).
    StageBalance b{"aggregator_input", "samples"};
    b.in = sink_.samplesForwarded() + sink_.samplesWithTimestampForwarded() + gen.check_samples +
           gen.check_samples_agent_down + gen.commits + agent_starts;
    const auto drops = under(A, "aggregator.dropped.");
    int64_t accepted_then_dropped = 0;
    for (const auto& [reason, n] : drops) {
      b.dropped[reason] = n;
      if (reason != "after_stop" && reason != "unknown_check_sampler" && reason != "no_aggregation_unsupported_type") {
        accepted_then_dropped += n;
      }
    }
    b.dropped["agent_down"] = gen.check_samples_agent_down;
    b.out = geti(A, "aggregator.DogstatsdMetricSample") + geti(A, "no_aggregation.ProcessedOk") +
            geti(A, "aggregator.ChecksMetricSample") - accepted_then_dropped;
    acc.stages.push_back(b);
  }
  {  // Events: parsed, plus one "Agent Startup" event per agent start, to the serializer.
    StageBalance b{"events", "events"};
    b.in = geti(T, "dogstatsd.EventPackets") + agent_starts;
    b.out = past_timed_.events;
    b.dropped["agent_down"] = sink_dropped.events;
    acc.stages.push_back(b);
  }
  {  // Service checks: parsed, plus the datadog.agent.up check of every flush.
    StageBalance b{"service_checks", "service checks"};
    b.in = geti(T, "dogstatsd.ServiceCheckPackets") + report_.flushCount();
    b.out = past_timed_.service_checks;
    b.dropped["agent_down"] = sink_dropped.service_checks;
    acc.stages.push_back(b);
  }
  {  // Orchestrator messages from the workloads (metadata sent at once, manifests at the flush).
    StageBalance b{"orchestrator", "messages"};
    b.in = gen.orchestrator_messages + gen.orchestrator_agent_down;
    b.out = geti(A, "serializer.orchestrator.items_in") + geti(A, "serializer.orchestrator_manifest.items_in");
    b.dropped["agent_down"] = gen.orchestrator_agent_down;
    for (const auto& [reason, n] : under(A, "aggregator.dropped.")) {
      if (reason.find("orchestrator") != std::string::npos) b.dropped[reason] = n;
    }
    if (b.in || b.out) acc.stages.push_back(b);
  }
  {  // What the flushes produced reaches the serializer.
    StageBalance b{"flush_handoff", "series"};
    b.in = geti(A, "aggregator.SeriesFlushed");
    b.out = past_timed_.series;
    acc.stages.push_back(b);
  }
  // Serializer, per payload kind.
  for (const char* kind : {"series_v2", "series_v1", "sketches", "service_checks", "events", "orchestrator",
                           "orchestrator_manifest"}) {
    const std::string k(kind);
    StageBalance b{"serializer." + k, "items"};
    b.in = geti(A, "serializer." + k + ".items_in");
    b.out = geti(A, "serializer." + k + ".items_sent");
    for (const auto& [reason, n] : under(A, "serializer.dropped." + k + ".")) b.dropped[reason] = n;
    if (b.in || b.out || b.droppedTotal()) acc.stages.push_back(b);
  }
  {  // Transactions: delivered, dropped with a reason, or still on disk.
    StageBalance b{"forwarder", "transactions"};
    // Transactions written to disk leave memory and come back when read; what is still on disk
    // at the end is held there: written - read - dropped from disk.
    b.in = geti(A, "forwarder.transactions.input_count");
    b.out = geti(A, "forwarder.transactions.success");
    int64_t disk_drops = 0;
    for (const auto& [reason, n] : under(A, "forwarder.transactions.dropped_by_reason.")) {
      b.dropped[reason] = n;
      if (reason.rfind("disk_", 0) == 0) disk_drops += n;
    }
    const int64_t on_disk =
        geti(A, "forwarder.disk.transactions_written") - geti(A, "forwarder.disk.transactions_read") - disk_drops;
    if (on_disk) b.held["on_disk"] = on_disk;
    acc.stages.push_back(b);
  }
  accountTraces(acc);
  {  // Every request the intakes answered 2xx is stored. The forwarder's success count can be
     // lower (summary.late_deliveries): an answer after its timeout, or a request in flight when
     // the agent stopped, still reached the intake.
    StageBalance b{"intake", "payloads"};
    for (const auto& in : farm_->intakes()) {
      for (const auto& [route, rs] : in->handler->routeStats().snapshot()) {
        if (route == "/api/v1/validate") continue;
        for (const auto& [status, n] : rs.status_counts) {
          if (status >= 200 && status < 300) b.in += static_cast<int64_t>(n);
        }
      }
      // The run store keeps every stored payload (the memory store only serves the control API).
      auto rows = store_->payloads(in->name, "", 0, 0);
      if (rows.isOk()) {
        for (const auto& p : *rows) {
          if (p.row.method == "POST" && p.row.status >= 200 && p.row.status < 300) ++b.out;
        }
      }
    }
    if (auto ev = store_->evictions(); ev.isOk()) {
      for (const auto& e : *ev) b.held["evicted_by_" + e.reason] += e.payloads;
    }
    b.note = "requests the intakes answered 2xx = payloads the run store holds";
    acc.stages.push_back(b);
  }
  return acc;
}

RunResult Simulation::finish() {
  RunResult rr;
  const auto now = clock_->systemNow();
  const Accounting acc = account();
  rr.accounting_holds = acc.holds() && stuck_ticks_ == 0;
  for (const auto& f : acc.failures()) rr.failures.push_back("accounting: " + f);
  if (stuck_ticks_) rr.failures.push_back("the virtual-time loop stalled " + std::to_string(stuck_ticks_) + " times");
  rr.interrupted = interrupted_;
  if (interrupted_) {
    char what[160];
    std::snprintf(what, sizeof what, "the run was interrupted at +%.1f s of %.0f s: its figures cover only that part",
                  interrupted_at_, s_.duration);
    rr.failures.push_back(what);
  }

  expect::RunFacts facts;
  facts.drops = acc.drops();
  for (const auto& [reason, n] : facts.drops) {
    if (!isByDesignDrop(reason)) facts.loss += n;
  }
  facts.loss_by_unit = acc.lossByUnit();
  std::map<std::string, int64_t> violations;
  for (const auto& in : farm_->intakes()) {
    for (const auto& [name, n] : in->handler->counters().snapshot()) {
      if (name.rfind("violations.", 0) == 0) {
        violations[name.substr(11)] += n;
        facts.violations += n;
      }
    }
  }
  facts.violations_by_property = violations;
  facts.retries = geti(past_, "forwarder.transactions.retried");
  facts.accounting_holds = rr.accounting_holds;
  facts.report = &report_;
  expect::IntakeData intake_data{*store_, {}};
  for (const auto& in : farm_->intakes()) intake_data.intakes.push_back(in->name);

  json workloads = json::array();
  int64_t generated_samples = 0;
  for (const auto& d : drivers_) {
    const auto& g = d->generated();
    generated_samples += g.metric_samples + g.timestamped_samples + g.check_samples + g.check_samples_agent_down;
    workloads.push_back({{"name", d->name()}, {"type", d->type()}, {"generated", d->details()}});
  }
  json intakes = json::array();
  for (const auto& in : farm_->intakes()) {
    json routes = json::object();
    if (auto counts = store_->payloadCountsByRoute(in->name); counts.isOk()) {
      for (const auto& [route, n] : *counts) routes[route] = n;
    }
    intakes.push_back({{"endpoint", in->configured_url}, {"stored_payloads_by_route", routes},
                       {"counters", in->handler->counters().snapshot()}});
  }
  const double virtual_seconds = common::toSeconds(now - t0_);
  int64_t bytes_compressed = 0, bytes_uncompressed = 0;
  const json payloads = report_.payloadsJson();
  for (const auto& [route, p] : payloads.items()) {
    bytes_compressed += p["compressed_bytes"]["sum"].get<int64_t>();
    bytes_uncompressed += p["uncompressed_bytes"]["sum"].get<int64_t>();
  }
  // Telemetry keys name intakes by index, not by their (ephemeral-port) URLs, and the gauges
  // that depend on thread timing (who read a socket, how often a reader waited) go to the "run"
  // section, so the rest repeats exactly.
  json telemetry = json::object();
  json run_gauges = json::object();
  auto put = [&](std::string k, double v) {
    if (v == 0) return;
    for (size_t i = 0; i < farm_->intakes().size(); ++i) {
      const std::string& url = farm_->intakes()[i]->url;
      for (auto pos = k.find(url); pos != std::string::npos; pos = k.find(url)) {
        k.replace(pos, url.size(), "intake[" + std::to_string(i) + "]");
      }
    }
    const bool timing_dependent = k.find("packet_buffers") != std::string::npos ||
                                  k.rfind("dogstatsd.queue.", 0) == 0 ||
                                  k.find("retry_queue_duration") != std::string::npos ||
                                  k == "dogstatsd.observed.worker_reads" ||
                                  k == "dogstatsd.observed.stream_queue_full_waits";
    (timing_dependent ? run_gauges : telemetry)[k] = report::telemetryNumber(k, v);  // counts as integers
  };
  for (const auto& [k, v] : past_) put(k, v);
  for (const auto& [k, v] : feed_->telemetry()) put(k, v);

  json summary = {{"flushes", report_.flushCount()},
                  {"max_contexts", report_.maxContexts()},
                  {"max_series_per_flush", report_.maxSeriesPerFlush()},
                  {"samples_generated", generated_samples},
                  {"dogstatsd_packets", feed_->packetsSent()},
                  {"series_flushed", past_timed_.series},
                  {"points_flushed", past_timed_.points},
                  {"sketches_flushed", past_timed_.sketches},
                  {"service_checks_flushed", past_timed_.service_checks},
                  {"events_flushed", past_timed_.events},
                  {"payloads", report_.payloadCount()},
                  {"bytes_compressed", bytes_compressed},
                  {"bytes_uncompressed", bytes_uncompressed},
                  {"transactions", geti(past_, "forwarder.transactions.input_count")},
                  {"transactions_delivered", geti(past_, "forwarder.transactions.success")},
                  {"retries", facts.retries},
                  // Answered 2xx at the transport, but the forwarder had given up on them (its
                  // timeout or stop budget ran out first): delivered twice if it retries.
                  {"late_deliveries", [&] {
                     const auto* st = acc.stages.empty() ? nullptr : &acc.stages.back();
                     return st && st->stage == "intake" ? st->in - geti(past_, "forwarder.transactions.success") : 0;
                   }()},
                  {"drops", facts.drops},
                  {"drop_units", acc.dropUnits()},
                  {"loss", facts.loss},
                  {"loss_by_unit", facts.loss_by_unit},
                  {"violations", facts.violations},
                  {"restarts", restarts_},
                  // Payloads the run store lost (retention or its disk bound): expectations on
                  // their routes fail as incomplete.
                  {"intake_evictions", [&] {
                     int64_t n = 0;
                     if (auto ev = store_->evictions(); ev.isOk()) {
                       for (const auto& e : *ev) n += e.payloads;
                     }
                     return n;
                   }()},
                  // What the forwarder's stops did with the work they found (every restart and
                  // the end of the run): ddsim.forwarder_stop_mode and spec §6.10.
                  {"stop", {{"mode", cfg_.getString("ddsim.forwarder_stop_mode")},
                            {"cancelled_in_flight", geti(past_, "forwarder.stop.cancelled_in_flight")},
                            {"purged", geti(past_, "forwarder.stop.purged")},
                            {"drained", geti(past_, "forwarder.stop.drained")},
                            {"written_to_disk", geti(past_, "forwarder.stop.written_to_disk")},
                            {"lost", geti(past_, "forwarder.stop.lost")}}}};
  // The trace path: what the intake decoded, its report section and facts.
  std::optional<expect::DeliveredTraces> delivered;
  if (trace_options_) {
    auto d = expect::deliveredTraces(intake_data);
    if (d.isOk()) delivered = std::move(d).value();
    else rr.failures.push_back("the intake's traces could not be read: " + d.status().message());
  }
  const expect::TraceFacts trace_facts = traceFacts(delivered ? &*delivered : nullptr);
  if (trace_options_) summary["traces"] = tracesJson(delivered ? &*delivered : nullptr);
  facts.traces = &trace_facts;
  facts.telemetry = &telemetry;
  facts.summary = &summary;
  const auto results = expect::evaluate(s_.expectations, facts, intake_data);
  rr.expectations_passed = true;
  json expectations = json::array();
  for (const auto& r : results) {
    expectations.push_back(r.toJson());
    if (!r.passed) {
      rr.expectations_passed = false;
      rr.failures.push_back("expectation failed: " + r.description + ": " + r.detail);
    }
  }
  summary["accounting_holds"] = rr.accounting_holds;
  summary["expectations_passed"] = rr.expectations_passed;
  summary["interrupted"] = rr.interrupted;
  if (rr.interrupted) summary["interrupted_at_seconds"] = interrupted_at_;
  summary["passed"] = rr.passed();
  json failures = rr.failures;
  rr.report = {
      {"ddsim_report_version", 1},
      {"scenario",
       {{"name", s_.name},
        {"description", s_.description},
        {"file", s_.source_path},
        {"seed", s_.seed},
        {"mode", modeName(s_.mode)},
        {"intake", s_.intake == scenario::IntakeTransport::kHttp ? "http" : "inprocess"},
        {"duration_seconds", s_.duration},
        {"agent_overrides", s_.agent}}},
      {"summary", summary},
      {"failures", failures},
      {"expectations", expectations},
      {"accounting", acc.toJson()},
      {"workloads", workloads},
      {"flushes", report_.flushesJson()},
      {"payloads", payloads},
      {"transport", report_.transportJson()},
      {"retry_queue", report_.retryQueueJson()},
      {"violations", violations},
      {"intakes", intakes},
      {"telemetry", telemetry},
      {"run",
       {{"virtual_seconds", virtual_seconds},
        {"real_seconds", run_real_seconds_},
        {"speedup", run_real_seconds_ > 0 ? virtual_seconds / run_real_seconds_ : 0.0},
        {"listener_sync_timeouts", sync_timeouts_},
        {"peak_rss_bytes", common::peakRssBytes()},
        {"allocator", common::allocatorName()},
        {"run_store", store_path_},
        {"run_store_write_errors", recorder_->writeErrors()},
        {"gauges", run_gauges},
        {"intake_urls", [&] {
           json u = json::array();
           for (const auto& in : farm_->intakes()) u.push_back(in->url);
           return u;
         }()}}},
      {"timings", report_.timingsJson()},
  };
  return rr;
}

json deterministicPart(const json& report) {
  json d = report;
  d.erase("timings");
  d.erase("run");
  return d;
}

}  // namespace ddsim::runner
