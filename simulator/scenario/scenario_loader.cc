#include "simulator/scenario/scenario_loader.h"

#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/config/agent_config.h"
#include "simulator/scenario/distribution_expectation.h"
#include "simulator/scenario/json_locate.h"
#include "simulator/scenario/json_reader.h"

namespace ddsim::scenario {

using nlohmann::json;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

std::string indexPath(const std::string& base, size_t i) { return base + "[" + std::to_string(i) + "]"; }

SampleTransport parseSampleTransport(const std::string& s) {
  if (s == "udp") return SampleTransport::kUdp;
  if (s == "uds") return SampleTransport::kUds;
  if (s == "uds_stream") return SampleTransport::kUdsStream;
  return SampleTransport::kInProcess;
}

RateProfile readRate(ObjectReader& parent, std::string_view key, ErrorList& errors, bool required = true) {
  RateProfile p;
  const json* v = parent.raw(key);
  if (!v) {
    if (required) parent.error(key, "is required");
    return p;
  }
  // A bare number means a constant rate.
  if (v->is_number()) {
    if (v->get<double>() < 0) parent.error(key, "expected a non-negative rate, got " + describeJson(*v));
    p.rate = v->get<double>();
    return p;
  }
  ObjectReader r(*v, parent.childPath(key), errors);
  if (!r.valid()) return p;
  auto kind = r.oneOf("kind", {"constant", "linear", "step", "burst"}, true);
  if (kind == "constant") {
    p.kind = RateProfile::Kind::kConstant;
    p.rate = r.numberIn("per_second", 0, kInf, true).value_or(0);
  } else if (kind == "linear") {
    p.kind = RateProfile::Kind::kLinear;
    p.from = r.numberIn("from", 0, kInf, true).value_or(0);
    p.to = r.numberIn("to", 0, kInf, true).value_or(0);
    p.over = r.duration("over", true).value_or(0);
  } else if (kind == "step") {
    p.kind = RateProfile::Kind::kStep;
    const json* steps = r.raw("steps");
    if (!steps || !steps->is_array() || steps->empty()) {
      r.error("steps", "expected a non-empty list of {\"at\", \"per_second\"}");
    } else {
      double prev = -1;
      for (size_t i = 0; i < steps->size(); ++i) {
        ObjectReader s((*steps)[i], indexPath(r.childPath("steps"), i), errors);
        RateProfile::Step st;
        st.at = s.duration("at", true).value_or(0);
        st.rate = s.numberIn("per_second", 0, kInf, true).value_or(0);
        if (st.at <= prev) s.error("at", "steps must be in increasing time order");
        prev = st.at;
        s.finish();
        p.steps.push_back(st);
      }
    }
  } else if (kind == "burst") {
    p.kind = RateProfile::Kind::kBurst;
    p.base = r.numberIn("per_second", 0, kInf, true).value_or(0);
    p.burst = r.numberIn("burst_per_second", 0, kInf, true).value_or(0);
    p.every = r.duration("every", true).value_or(0);
    p.length = r.duration("length", true).value_or(0);
    if (p.every <= 0) r.error("every", "must be > 0");
    if (p.length > p.every) r.error("length", "must not exceed `every`");
  }
  r.finish();
  return p;
}

void readWindow(ObjectReader& r, double& start, std::optional<double>& stop) {
  start = r.duration("start").value_or(0);
  stop = r.duration("stop");
  if (stop && *stop <= start) r.error("stop", "must be after `start`");
}

DogStatsDWorkload readDogStatsD(ObjectReader& r, ErrorList& errors) {
  DogStatsDWorkload w;
  w.name = r.string("name").value_or(w.name);
  if (auto t = r.oneOf("transport", {"inproc", "udp", "uds", "uds_stream"})) w.transport = parseSampleTransport(*t);
  w.contexts = r.integer("contexts", 1, 100'000'000).value_or(w.contexts);
  w.metric_names = r.integer("metric_names", 0, 100'000'000).value_or(w.metric_names);
  w.names = r.stringList("names").value_or(w.names);
  for (size_t i = 0; i < w.names.size(); ++i) {
    if (w.names[i].empty() || w.names[i].find_first_of(":|@#\n") != std::string::npos) {
      r.error("names", "name " + std::to_string(i) + " must be non-empty and free of ':', '|', '@', '#' and newlines");
    }
  }
  w.name_length = r.range("name_length", 1, 4096).value_or(w.name_length);
  w.tags_per_metric = r.range("tags_per_metric", 0, 1000).value_or(w.tags_per_metric);
  w.tag_length = r.range("tag_length", 1, 10'000).value_or(w.tag_length);
  w.unique_tag_ratio = r.numberIn("unique_tag_ratio", 0, 1).value_or(w.unique_tag_ratio);
  if (const json* mw = r.raw("metric_weights")) {
    ObjectReader m(*mw, r.childPath("metric_weights"), errors);
    w.weight_count = m.numberIn("count", 0, kInf).value_or(0);
    w.weight_gauge = m.numberIn("gauge", 0, kInf).value_or(0);
    w.weight_timer = m.numberIn("timer", 0, kInf).value_or(0);
    w.weight_distribution = m.numberIn("distribution", 0, kInf).value_or(0);
    w.weight_set = m.numberIn("set", 0, kInf).value_or(0);
    w.weight_histogram = m.numberIn("histogram", 0, kInf).value_or(0);
    m.finish();
    if (w.weight_count + w.weight_gauge + w.weight_timer + w.weight_distribution + w.weight_set +
            w.weight_histogram <= 0) {
      r.error("metric_weights", "at least one weight must be > 0");
    }
  }
  w.multivalue_probability = r.numberIn("multivalue_probability", 0, 1).value_or(w.multivalue_probability);
  w.multivalue_count = r.range("multivalue_count", 1, 1024).value_or(w.multivalue_count);
  w.sampling_probability = r.numberIn("sampling_probability", 0, 1).value_or(w.sampling_probability);
  w.sampling_range = r.range("sampling_range", 1e-6, 1).value_or(w.sampling_range);
  w.timestamp_probability = r.numberIn("timestamp_probability", 0, 1).value_or(w.timestamp_probability);
  w.value_range = r.range("value_range", -1e300, 1e300).value_or(w.value_range);
  w.float_probability = r.numberIn("float_probability", 0, 1).value_or(w.float_probability);
  w.static_tags = r.stringList("static_tags").value_or(w.static_tags);
  w.packet_size = r.integer("packet_size", 64, 65'507).value_or(w.packet_size);
  w.rate = readRate(r, "rate", errors);
  readWindow(r, w.start, w.stop);
  return w;
}

CheckWorkload readChecks(ObjectReader& r, ErrorList& errors) {
  CheckWorkload w;
  w.name = r.string("name").value_or(w.name);
  w.checks = r.integer("checks", 1, 100'000).value_or(w.checks);
  w.metrics_per_check = r.integer("metrics_per_check", 1, 10'000'000).value_or(w.metrics_per_check);
  w.tags_per_metric = r.range("tags_per_metric", 0, 1000).value_or(w.tags_per_metric);
  if (const json* mw = r.raw("metric_weights")) {
    ObjectReader m(*mw, r.childPath("metric_weights"), errors);
    w.weight_gauge = m.numberIn("gauge", 0, kInf).value_or(0);
    w.weight_rate = m.numberIn("rate", 0, kInf).value_or(0);
    w.weight_count = m.numberIn("count", 0, kInf).value_or(0);
    w.weight_monotonic_count = m.numberIn("monotonic_count", 0, kInf).value_or(0);
    w.weight_histogram = m.numberIn("histogram", 0, kInf).value_or(0);
    w.weight_historate = m.numberIn("historate", 0, kInf).value_or(0);
    w.weight_distribution = m.numberIn("distribution", 0, kInf).value_or(0);
    m.finish();
  }
  w.value_range = r.range("value_range", -1e300, 1e300).value_or(w.value_range);
  w.interval = r.duration("interval").value_or(w.interval);
  if (w.interval <= 0) r.error("interval", "must be > 0");
  readWindow(r, w.start, w.stop);
  return w;
}

EventWorkload readEvents(ObjectReader& r, ErrorList& errors) {
  EventWorkload w;
  w.name = r.string("name").value_or(w.name);
  w.rate = readRate(r, "rate", errors);
  w.source_types = r.integer("source_types", 1, 100'000).value_or(w.source_types);
  w.title_length = r.range("title_length", 1, 1e7).value_or(w.title_length);
  w.text_length = r.range("text_length", 0, 1e8).value_or(w.text_length);
  w.tags_per_event = r.range("tags_per_event", 0, 1000).value_or(w.tags_per_event);
  readWindow(r, w.start, w.stop);
  return w;
}

ServiceCheckWorkload readServiceChecks(ObjectReader& r, ErrorList& errors) {
  ServiceCheckWorkload w;
  w.name = r.string("name").value_or(w.name);
  w.rate = readRate(r, "rate", errors);
  w.check_names = r.integer("check_names", 1, 1'000'000).value_or(w.check_names);
  if (const json* sw = r.raw("status_weights")) {
    ObjectReader m(*sw, r.childPath("status_weights"), errors);
    w.weight_ok = m.numberIn("ok", 0, kInf).value_or(0);
    w.weight_warning = m.numberIn("warning", 0, kInf).value_or(0);
    w.weight_critical = m.numberIn("critical", 0, kInf).value_or(0);
    w.weight_unknown = m.numberIn("unknown", 0, kInf).value_or(0);
    m.finish();
  }
  w.message_length = r.range("message_length", 0, 1e7).value_or(w.message_length);
  w.tags_per_check = r.range("tags_per_check", 0, 1000).value_or(w.tags_per_check);
  readWindow(r, w.start, w.stop);
  return w;
}

OrchestratorWorkload readOrchestrator(ObjectReader& r) {
  OrchestratorWorkload w;
  w.name = r.string("name").value_or(w.name);
  w.interval = r.duration("interval").value_or(w.interval);
  if (w.interval <= 0) r.error("interval", "must be > 0");
  w.resources = r.integer("resources", 1, 1'000'000).value_or(w.resources);
  w.manifests = r.boolean("manifests").value_or(w.manifests);
  w.cluster_id = r.string("cluster_id").value_or(w.cluster_id);
  readWindow(r, w.start, w.stop);
  return w;
}

ReplayWorkload readReplay(ObjectReader& r) {
  ReplayWorkload w;
  w.name = r.string("name").value_or(w.name);
  w.file = r.string("file", true).value_or("");
  w.speed = r.numberIn("speed", 0, 1e6).value_or(w.speed);
  w.loops = r.integer("loops", 1, 1'000'000).value_or(w.loops);
  if (auto t = r.oneOf("transport", {"inproc", "udp", "uds", "uds_stream"})) w.transport = parseSampleTransport(*t);
  w.start = r.duration("start").value_or(0);
  return w;
}

TraceWorkload readTraces(ObjectReader& r, ErrorList& errors) {
  TraceWorkload w;
  w.name = r.string("name").value_or(w.name);
  if (auto p = r.oneOf("protocol", {"v0.4", "v0.5"})) w.protocol = *p == "v0.5" ? TraceProtocol::kV05 : TraceProtocol::kV04;
  w.rate = readRate(r, "rate", errors);
  w.traces_per_payload = r.range("traces_per_payload", 1, 100'000).value_or(w.traces_per_payload);
  w.spans_per_trace = r.range("spans_per_trace", 1, 10'000).value_or(w.spans_per_trace);
  w.depth = r.integer("depth", 1, 100).value_or(w.depth);
  w.services = r.integer("services", 1, 100'000).value_or(w.services);
  w.operations = r.integer("operations", 1, 100'000).value_or(w.operations);
  w.resources = r.integer("resources", 1, 1'000'000).value_or(w.resources);
  w.tags_per_span = r.range("tags_per_span", 0, 16).value_or(w.tags_per_span);
  w.metrics_per_span = r.range("metrics_per_span", 0, 8).value_or(w.metrics_per_span);
  w.duration_ms = r.range("duration_ms", 0.001, 3.6e6).value_or(w.duration_ms);
  w.error_ratio = r.numberIn("error_ratio", 0, 1).value_or(w.error_ratio);
  w.invalid_ratio = r.numberIn("invalid_ratio", 0, 1).value_or(w.invalid_ratio);
  if (const json* sw = r.raw("sampling_weights")) {
    ObjectReader m(*sw, r.childPath("sampling_weights"), errors);
    w.weight_auto = m.numberIn("auto", 0, kInf).value_or(0);
    w.weight_none = m.numberIn("none", 0, kInf).value_or(0);
    w.weight_user_reject = m.numberIn("user_reject", 0, kInf).value_or(0);
    w.weight_auto_reject = m.numberIn("auto_reject", 0, kInf).value_or(0);
    w.weight_auto_keep = m.numberIn("auto_keep", 0, kInf).value_or(0);
    w.weight_user_keep = m.numberIn("user_keep", 0, kInf).value_or(0);
    if (m.valid() && w.weight_auto + w.weight_none + w.weight_user_reject + w.weight_auto_reject + w.weight_auto_keep +
                             w.weight_user_keep <= 0) {
      r.error("sampling_weights", "at least one weight must be > 0");
    }
    m.finish();
  }
  w.env = r.string("env").value_or(w.env);
  w.language = r.string("language").value_or(w.language);
  w.client_stats = r.boolean("client_stats").value_or(w.client_stats);
  readWindow(r, w.start, w.stop);
  return w;
}

TraceExpectation readTraceExpectation(ObjectReader& r) {
  TraceExpectation e;
  auto check = r.oneOf("check", {"spans_delivered", "sampled_out", "kept_rate", "stats"}, true);
  if (check == "spans_delivered") {
    e.check = TraceExpectation::Check::kSpansDelivered;
    e.value_count = r.integer("value", 0, kMaxInt);
  } else if (check == "sampled_out") {
    e.check = TraceExpectation::Check::kSampledOut;
    e.reason = r.string("reason").value_or("*");
    e.min = r.integer("min", 0, kMaxInt);
    e.max = r.integer("max", 0, kMaxInt);
    if (!e.min && !e.max) r.error("min", "give min, max or both");
  } else if (check == "kept_rate") {
    e.check = TraceExpectation::Check::kKeptRate;
    e.value = r.numberIn("value", 0, kInf, true).value_or(0);
    e.tolerance = r.numberIn("tolerance", 0, 10).value_or(e.tolerance);
    e.after = r.duration("after").value_or(0);
  } else if (check == "stats") {
    e.check = TraceExpectation::Check::kStats;
    e.min = r.integer("min", 0, kMaxInt);
    e.max = r.integer("max", 0, kMaxInt);
  }
  return e;
}

Fault readFault(ObjectReader& r, const LoadOptions& options) {
  auto kind = r.oneOf("kind", {"intake", "restart"}, true);
  if (kind == "restart") {
    RestartFault f;
    f.at = r.duration("at", true).value_or(0);
    f.downtime = r.duration("downtime").value_or(0);
    return f;
  }
  IntakeFault f;
  f.at = r.duration("at", true).value_or(0);
  f.until = r.duration("until");
  if (f.until && *f.until <= f.at) r.error("until", "must be after `at`");
  f.route = r.string("route").value_or("*");
  if (f.route.empty() || (f.route != "*" && f.route.front() != '/')) {
    r.error("route", "expected \"*\" or a path starting with '/', got \"" + f.route + "\"");
  }
  const json* rule = r.raw("rule");
  if (!rule || !rule->is_object()) {
    r.error("rule", rule ? "expected an object (a fakeintake fault rule)" : "is required");
  } else {
    f.rule = *rule;
    if (options.validate_fault_rule) {
      std::string why = options.validate_fault_rule(*rule);
      if (!why.empty()) r.error("rule", why);
    }
  }
  return f;
}

Expectation readExpectation(ObjectReader& r) {
  auto kind = r.oneOf("kind", {"metric", "distribution", "drops", "violations", "payload_size", "flush_duration",
                               "delivery", "intake_items", "telemetry", "summary", "traces"}, true);
  if (kind == "distribution") return readDistributionExpectation(r);
  if (kind == "traces") return readTraceExpectation(r);
  if (kind == "summary") {
    SummaryExpectation e;
    e.key = r.string("key", true).value_or("");
    e.min = r.number("min");
    e.max = r.number("max");
    if (!e.min && !e.max) r.error("min", "give min, max or both");
    return e;
  }
  if (kind == "intake_items") {
    IntakeItemsExpectation e;
    e.route = r.string("route", true).value_or("");
    e.min = r.integer("min", 0, kMaxInt);
    e.max = r.integer("max", 0, kMaxInt);
    if (!e.min && !e.max) r.error("min", "give min, max or both");
    return e;
  }
  if (kind == "telemetry") {
    TelemetryExpectation e;
    e.key = r.string("key", true).value_or("");
    e.min = r.number("min");
    e.max = r.number("max");
    if (!e.min && !e.max) r.error("min", "give min, max or both");
    return e;
  }
  if (kind == "metric") {
    MetricExpectation e;
    e.name = r.string("name", true).value_or("");
    e.tags = r.stringList("tags").value_or(e.tags);
    e.aggregate = r.oneOf("aggregate", {"sum", "count", "avg", "min", "max", "last"}).value_or(e.aggregate);
    e.value = r.number("value", true).value_or(0);
    e.tolerance = r.numberIn("tolerance", 0, 1e9).value_or(0);
    e.abs_tolerance = r.numberIn("abs_tolerance", 0, 1e300).value_or(0);
    e.type = r.oneOf("type", {"gauge", "count", "rate"});
    e.times_interval = r.boolean("times_interval").value_or(false);
    return e;
  }
  if (kind == "drops") {
    DropsExpectation e;
    e.reason = r.string("reason").value_or("*");
    e.max = r.integer("max", 0, kMaxInt, true).value_or(0);
    e.min = r.integer("min", 0, kMaxInt);
    return e;
  }
  if (kind == "violations") {
    ViolationsExpectation e;
    e.max = r.integer("max", 0, kMaxInt).value_or(0);
    e.ignore = r.stringList("ignore").value_or(e.ignore);
    return e;
  }
  if (kind == "payload_size") {
    PayloadSizeExpectation e;
    e.endpoint = r.string("endpoint").value_or("*");
    e.max_compressed = r.integer("max_compressed", 0, kMaxInt);
    e.max_uncompressed = r.integer("max_uncompressed", 0, kMaxInt);
    e.min_payloads = r.integer("min_payloads", 0, kMaxInt);
    return e;
  }
  if (kind == "flush_duration") {
    FlushDurationExpectation e;
    e.max_seconds = r.duration("max", true).value_or(0);
    return e;
  }
  DeliveryExpectation e;
  e.no_loss = r.boolean("no_loss").value_or(true);
  e.min_retries = r.integer("min_retries", 0, kMaxInt);
  return e;
}

}  // namespace

common::Result<Scenario> parseScenario(const json& doc, std::string_view source_name, const LoadOptions& options) {
  ErrorList errors;
  Scenario s;
  s.source_path = std::string(source_name);
  ObjectReader root(doc, "$", errors);
  if (root.valid()) {
    s.name = root.string("name", true).value_or("");
    // The name becomes the report's file name (reports/<name>.json): no path may hide in it.
    const bool safe_name = !s.name.empty() && s.name != "." && s.name != ".." &&
                           s.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                    "0123456789._-") == std::string::npos;
    if (root.has("name") && !safe_name) {
      root.error("name", "expected letters, digits, '.', '_' or '-' only (it names the report file), got " +
                             json(s.name).dump());
    }
    s.description = root.string("description").value_or("");
    s.seed = static_cast<uint64_t>(root.integer("seed", 0, kMaxInt).value_or(1));
    s.duration = root.duration("duration", true).value_or(0);
    if (s.duration <= 0 && root.has("duration")) root.error("duration", "must be > 0");
    if (auto m = root.oneOf("mode", {"virtual", "realtime"})) s.mode = *m == "realtime" ? Mode::kRealtime : Mode::kVirtual;
    if (auto t = root.oneOf("intake", {"http", "inprocess"})) {
      s.intake = *t == "inprocess" ? IntakeTransport::kInProcess : IntakeTransport::kHttp;
    }
    s.drain = root.duration("drain").value_or(s.drain);
    if (const json* agent = root.raw("agent")) {
      if (!agent->is_object()) {
        root.error("agent", "expected an object of agent config keys");
      } else {
        config::AgentConfig probe;
        for (auto it = agent->begin(); it != agent->end(); ++it) {
          auto st = probe.set(it.key(), it.value(), "x");
          if (!st.isOk()) {
            std::string msg = st.message();
            if (msg.rfind("x: ", 0) == 0) msg = msg.substr(3);
            errors.add("$.agent." + it.key(), msg);
          }
        }
        s.agent = *agent;
      }
    }
    if (const json* ws = root.raw("workloads")) {
      if (!ws->is_array()) {
        root.error("workloads", "expected a list of workloads");
      } else {
        for (size_t i = 0; i < ws->size(); ++i) {
          ObjectReader w((*ws)[i], indexPath("$.workloads", i), errors);
          if (!w.valid()) continue;
          auto type = w.oneOf("type", {"dogstatsd", "checks", "events", "service_checks", "orchestrator", "replay", "traces"}, true);
          if (type == "dogstatsd") s.workloads.emplace_back(readDogStatsD(w, errors));
          else if (type == "checks") s.workloads.emplace_back(readChecks(w, errors));
          else if (type == "events") s.workloads.emplace_back(readEvents(w, errors));
          else if (type == "service_checks") s.workloads.emplace_back(readServiceChecks(w, errors));
          else if (type == "orchestrator") s.workloads.emplace_back(readOrchestrator(w));
          else if (type == "replay") s.workloads.emplace_back(readReplay(w));
          else if (type == "traces") s.workloads.emplace_back(readTraces(w, errors));
          w.finish();
        }
      }
    }
    if (const json* fs = root.raw("faults")) {
      if (!fs->is_array()) {
        root.error("faults", "expected a list of faults");
      } else {
        for (size_t i = 0; i < fs->size(); ++i) {
          ObjectReader f((*fs)[i], indexPath("$.faults", i), errors);
          if (!f.valid()) continue;
          s.faults.push_back(readFault(f, options));
          const double at = std::visit([](const auto& fault) { return fault.at; }, s.faults.back());
          if (s.duration > 0 && at >= s.duration + s.drain) {
            char why[160];
            std::snprintf(why, sizeof why, "is after the run's end (%g s of load + %g s of drain): the fault would never happen",
                          s.duration, s.drain);
            f.error("at", why);
          }
          f.finish();
        }
      }
    }
    if (const json* es = root.raw("expect")) {
      if (!es->is_array()) {
        root.error("expect", "expected a list of expectations");
      } else {
        for (size_t i = 0; i < es->size(); ++i) {
          ObjectReader e((*es)[i], indexPath("$.expect", i), errors);
          if (!e.valid()) continue;
          s.expectations.push_back(readExpectation(e));
          e.finish();
        }
      }
    }
    root.raw("$schema");  // editors' schema hint is allowed
    root.finish();
  }
  if (!errors.empty()) {
    std::string msg;
    for (const auto& e : errors.all()) {
      if (!msg.empty()) msg += "\n";
      msg += std::string(source_name) + ": " + e;
    }
    return common::invalidArgument(msg);
  }
  return s;
}

common::Result<Scenario> parseScenarioText(std::string_view text, std::string_view source_name,
                                           const LoadOptions& options) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    return common::invalidArgument(std::string(source_name) + ": invalid JSON at byte " +
                                   std::to_string(e.byte) + ": " + e.what());
  } catch (const json::exception&) {
    // Well-formed text with a value JSON cannot hold here (a number overflowing a double):
    // name its path as for any other bad value.
    auto where = locateJsonParseFailure(text);
    return common::invalidArgument(std::string(source_name) + ": " +
                                   (where ? where->path + ": " + where->message : "invalid JSON"));
  }
  return parseScenario(doc, source_name, options);
}

common::Result<Scenario> loadScenarioFile(const std::string& path, const LoadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return common::ioError("cannot open scenario file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parseScenarioText(ss.str(), path, options);
}

}  // namespace ddsim::scenario
