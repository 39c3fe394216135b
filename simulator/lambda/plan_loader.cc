#include "simulator/lambda/plan_loader.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "simulator/lambda/lambda_report.h"
#include "simulator/scenario/json_locate.h"
#include "simulator/scenario/json_reader.h"

namespace ddsim::lambda {

using nlohmann::json;
using scenario::ErrorList;
using scenario::ObjectReader;

namespace {

constexpr int64_t kMaxCount = 100'000'000;

// A list of invocation indexes ([0, count)).
std::vector<int64_t> readIndexes(ObjectReader& r, std::string_view key) {
  std::vector<int64_t> out;
  const json* v = r.raw(key);
  if (!v) return out;
  if (!v->is_array()) {
    r.error(key, "expected an array of invocation indexes, got " + scenario::describeJson(*v));
    return out;
  }
  for (const auto& x : *v) {
    if (!x.is_number_integer() || x.get<int64_t>() < 0) {
      r.error(key, "expected invocation indexes (integers >= 0), got " + scenario::describeJson(x));
      return {};
    }
    out.push_back(x.get<int64_t>());
  }
  return out;
}

void readExtension(ObjectReader& r, Plan& p) {
  if (auto cmd = r.stringList("command")) {
    if (cmd->empty()) r.error("command", "expected the extension's command and arguments, got an empty list");
    p.extension = *cmd;
  }
  if (const json* env = r.raw("env")) {
    if (!env->is_object()) {
      r.error("env", "expected an object of NAME: value strings, got " + scenario::describeJson(*env));
    } else {
      for (auto it = env->begin(); it != env->end(); ++it) {
        if (!it.value().is_string()) {
          r.error("env", "the value of " + it.key() + " must be a string, got " + scenario::describeJson(it.value()));
        } else {
          p.env.push_back(it.key() + "=" + it.value().get<std::string>());
        }
      }
    }
  }
  p.extension_log = r.string("log").value_or("");
  r.finish();
}

void readFunction(ObjectReader& r, FunctionConfig& f) {
  f.name = r.string("name").value_or(f.name);
  f.memory_mb = static_cast<int>(r.integer("memory_mb", 128, 10240).value_or(f.memory_mb));
  if (auto t = r.duration("timeout")) {
    if (*t < 0.001 || *t > 900) r.error("timeout", "expected a duration within [1ms, 900s] (Lambda's limits)");
    f.timeout = std::chrono::milliseconds(static_cast<int64_t>(*t * 1000));
  }
  f.region = r.string("region").value_or(f.region);
  f.runtime = r.string("runtime").value_or(f.runtime);
  r.finish();
}

void readInvocations(ObjectReader& r, InvocationPattern& p) {
  p.count = r.integer("count", 1, kMaxCount).value_or(p.count);
  p.rate = r.numberIn("rate", 0, 1e6).value_or(p.rate);
  p.poisson = r.oneOf("arrival", {"fixed", "poisson"}).value_or("fixed") == "poisson";
  if (const json* a = r.raw("arrivals")) {
    bool ok = a->is_array() && !a->empty();
    double last = 0;
    for (size_t i = 0; ok && i < a->size(); ++i) {
      ok = (*a)[i].is_number() && (*a)[i].get<double>() >= last;
      if (ok) p.arrivals.push_back(last = (*a)[i].get<double>());
    }
    if (!ok) r.error("arrivals", "expected a non-empty array of non-decreasing seconds >= 0, got " +
                                     scenario::describeJson(*a));
    if (r.has("count") || r.has("rate")) r.error("arrivals", "give either arrivals or count/rate, not both");
    p.count = static_cast<int64_t>(p.arrivals.size());
  }
  if (auto d = r.range("duration_ms", 0, 900'000)) {
    p.duration_min_ms = d->first;
    p.duration_max_ms = d->second;
  }
  p.timeouts = readIndexes(r, "timeouts");
  p.out_of_memory = readIndexes(r, "out_of_memory");
  p.errors = readIndexes(r, "errors");
  p.intake_outage = readIndexes(r, "intake_outage");
  p.max_memory_used_mb = static_cast<int>(r.integer("max_memory_used_mb", 1, 10240).value_or(p.max_memory_used_mb));
  r.finish();
}

void readEnvironments(ObjectReader& r, EnvironmentPolicy& e) {
  e.concurrency = static_cast<int>(r.integer("concurrency", 1, 1000).value_or(e.concurrency));
  e.max_invocations = r.integer("max_invocations", 0, kMaxCount).value_or(e.max_invocations);
  e.freeze = r.boolean("freeze").value_or(e.freeze);
  e.init_timeout_s = r.duration("init_timeout").value_or(e.init_timeout_s);
  e.shutdown_timeout_s = r.duration("shutdown_timeout").value_or(e.shutdown_timeout_s);
  e.final_shutdown_reason =
      r.oneOf("shutdown_reason", {"spindown", "timeout", "failure"}).value_or(e.final_shutdown_reason);
  e.port_stride = static_cast<int>(r.integer("port_stride", 0, 1000).value_or(e.port_stride));
  r.finish();
}

void readRuntime(ObjectReader& r, RuntimeScript& s) {
  s.dogstatsd = r.stringList("dogstatsd").value_or(s.dogstatsd);
  s.dogstatsd_port = static_cast<int>(r.integer("dogstatsd_port", 0, 65535).value_or(s.dogstatsd_port));
  s.spans = static_cast<int>(r.integer("spans", 0, 10000).value_or(s.spans));
  s.trace_port = static_cast<int>(r.integer("trace_port", 0, 65535).value_or(s.trace_port));
  s.logs = r.stringList("logs").value_or(s.logs);
  s.service = r.string("service").value_or(s.service);
  s.tag_invocation = r.boolean("tag_invocation").value_or(s.tag_invocation);
  s.extension_port = static_cast<int>(r.integer("extension_port", 0, 65535).value_or(s.extension_port));
  s.runtime_api = r.boolean("runtime_api").value_or(s.runtime_api);
  for (auto [key, into] : {std::pair<const char*, std::string*>{"event", &s.event}, {"response", &s.response}}) {
    if (const json* v = r.raw(key)) {
      if (!v->is_object()) {
        r.error(key, std::string("expected the invocation ") + key + " as a JSON object, got " +
                         scenario::describeJson(*v));
      } else {
        *into = v->dump();
      }
    }
  }
  s.runtime_api_port = static_cast<int>(r.integer("runtime_api_port", 0, 65535).value_or(s.runtime_api_port));
  r.finish();
}

void readAws(ObjectReader& r, AwsKeys& a) {
  a.kms_api_key = r.string("kms_api_key").value_or("");
  a.kms_with_context = r.boolean("kms_with_context").value_or(true);
  a.secret_api_key = r.string("secret_api_key").value_or("");
  r.finish();
}

void readExpect(ObjectReader& r, std::map<std::string, Bound>& expect, ErrorList& errors) {
  const json* obj = r.raw("expect");
  if (!obj) return;
  ObjectReader e(*obj, r.childPath("expect"), errors);
  if (!e.valid()) return;
  std::vector<std::string> names = totalNames();
  // `intake_metric.<name>`: how many series/sketches of that metric the intake received;
  // `intake_span.<name>`: how many spans of that name.
  for (auto it = obj->begin(); obj->is_object() && it != obj->end(); ++it) {
    if ((it.key().rfind(kIntakeMetricPrefix, 0) == 0 && it.key().size() > kIntakeMetricPrefix.size()) ||
        (it.key().rfind(kIntakeSpanPrefix, 0) == 0 && it.key().size() > kIntakeSpanPrefix.size())) {
      names.push_back(it.key());
    }
  }
  for (const auto& name : names) {
    const json* b = e.raw(name);
    if (!b) continue;
    ObjectReader br(*b, e.childPath(name), errors);
    if (!br.valid()) continue;
    Bound bound{br.number("min"), br.number("max")};
    if (!bound.min && !bound.max) br.error("min", "expected min, max or both");
    if (bound.min && bound.max && *bound.min > *bound.max) br.error("max", "expected max >= min");
    br.finish();
    expect[name] = bound;
  }
  e.finish();
}

std::string joinErrors(const ErrorList& errors, std::string_view source) {
  std::string msg;
  for (const auto& e : errors.all()) {
    if (!msg.empty()) msg += "\n";
    msg += std::string(source) + ": " + e;
  }
  return msg;
}

}  // namespace

common::Result<Plan> parsePlan(const json& doc, std::string_view source_name, std::string_view root_path) {
  ErrorList errors;
  Plan p;
  p.source = std::string(source_name);
  ObjectReader root(doc, std::string(root_path), errors);
  if (root.valid()) {
    p.name = root.string("name").value_or(p.name);
    p.description = root.string("description").value_or("");
    p.seed = static_cast<uint64_t>(root.integer("seed", 0, INT64_MAX).value_or(1));
    p.record_intake = root.boolean("record_intake").value_or(true);
    auto section = [&](std::string_view key, auto&& read) {
      if (const json* v = root.raw(key)) {
        ObjectReader r(*v, root.childPath(key), errors);
        if (r.valid()) read(r);
      }
    };
    section("extension", [&](ObjectReader& r) { readExtension(r, p); });
    section("function", [&](ObjectReader& r) { readFunction(r, p.function); });
    section("invocations", [&](ObjectReader& r) { readInvocations(r, p.invocations); });
    section("environments", [&](ObjectReader& r) { readEnvironments(r, p.environments); });
    section("runtime", [&](ObjectReader& r) { readRuntime(r, p.runtime); });
    section("aws", [&](ObjectReader& r) { readAws(r, p.aws); });
    readExpect(root, p.expect, errors);
    root.raw("$schema");
    root.finish();
  }
  if (!errors.empty()) return common::invalidArgument(joinErrors(errors, source_name));
  return p;
}

common::Result<Plan> parsePlanText(std::string_view text, std::string_view source_name) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    auto where = scenario::locateJsonParseFailure(text);
    return common::invalidArgument(std::string(source_name) + ": invalid JSON" +
                                   (where ? " at " + where->path + " (byte " + std::to_string(where->byte) +
                                                "): " + where->message
                                          : ""));
  }
  return parsePlan(doc, source_name);
}

common::Result<Plan> loadPlanFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return common::ioError("cannot open plan file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parsePlanText(ss.str(), path);
}

common::Status validatePlan(const Plan& plan) {
  const std::string where = plan.source.empty() ? "ddsim lambda" : plan.source;
  if (plan.extension.empty() || plan.extension[0].empty()) {
    return common::invalidArgument(where + ": $.extension.command: no extension to run (give --extension CMD or "
                                           "extension.command in the plan)");
  }
  const int64_t n = plan.invocations.count;
  for (const auto* list : {&plan.invocations.timeouts, &plan.invocations.out_of_memory, &plan.invocations.errors,
                           &plan.invocations.intake_outage}) {
    for (int64_t i : *list) {
      if (i >= n) {
        return common::invalidArgument(where + ": $.invocations: index " + std::to_string(i) +
                                       " is past the last invocation (" + std::to_string(n - 1) + ")");
      }
    }
  }
  if (plan.environments.concurrency > 1 && plan.environments.port_stride == 0 && plan.runtime.dogstatsd_port != 0) {
    return common::invalidArgument(where + ": $.environments.port_stride: concurrency > 1 needs a port stride > 0 "
                                           "(environments share the host's ports)");
  }
  if (!plan.invocations.intake_outage.empty() && !plan.record_intake) {
    return common::invalidArgument(where + ": $.invocations.intake_outage: needs the recording intake "
                                           "(record_intake: true)");
  }
  return common::Status::ok();
}

}  // namespace ddsim::lambda
