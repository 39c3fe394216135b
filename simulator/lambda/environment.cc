#include "simulator/lambda/environment.h"

#include "core/serverless/execution_state.h"
#include "simulator/lambda/platform_events.h"

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <thread>

namespace ddsim::lambda {

using nlohmann::json;

namespace {

double msBetween(common::SteadyTime a, common::SteadyTime b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

int64_t unixMillis(common::SystemTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

Environment::Environment(EnvironmentOptions options, const IntakeRecorder* intake, common::Clock& clock)
    : options_(std::move(options)), intake_(intake), clock_(clock),
      api_(ExtensionsApiOptions{.function_name = options_.function.name, .seed = options_.seed}, clock),
      telemetry_(clock), runtime_(options_.runtime), random_(options_.seed ^ 0x5bd1e995) {
  record_.index = options_.index;
  runtime_api_.install(api_.server());
}

Environment::~Environment() { shutdown("spindown"); }

std::string Environment::wireTime() const { return serverless::formatRfc3339(clock_.systemNow()); }

void Environment::addPlatform(const std::string& type, json record) {
  telemetry_.add("platform", platformEvent(clock_.systemNow(), type, std::move(record)));
}

bool Environment::waitReady(uint64_t min_calls, common::SteadyTime deadline) {
  auto adoptSubscription = [&] {
    if (telemetry_.subscribed()) return;
    if (auto sub = api_.subscription()) {
      telemetry_.subscribe(*sub);
      record_.telemetry_subscribed = true;
    }
  };
  for (;;) {
    adoptSubscription();
    const auto now = clock_.steadyNow();
    if (api_.waitAllWaiting(min_calls, std::min(deadline, now + std::chrono::milliseconds(5)))) {
      adoptSubscription();  // it may have subscribed just before it called event/next
      return true;
    }
    if (clock_.steadyNow() >= deadline || !process_.running()) return false;
  }
}

void Environment::onExtensionLine(std::string_view line) {
  // ddsim serverless logs "API key source: <path> (<variable>)" at info and the agent's
  // "No API key configured" at error (core/serverless/api_key.h).
  constexpr std::string_view kSource = "API key source: ";
  std::string source;
  if (const auto at = line.find(kSource); at != std::string_view::npos) {
    const auto rest = line.substr(at + kSource.size());
    source = std::string(rest.substr(0, rest.find(' ')));
    if (source != "plain" && source != "kms" && source != "kms_with_context" && source != "secrets_manager") return;
  } else if (line.find("No API key configured") != std::string_view::npos) {
    source = "none";
  }
  if (source.empty()) return;
  std::lock_guard lock(output_mu_);
  api_key_source_ = source;
}

bool Environment::init() {
  auto port = api_.start();
  if (!port.isOk()) {
    record_.init_error = port.status().message();
    return false;
  }
  const auto& f = options_.function;
  std::vector<std::string> env = {
      "AWS_LAMBDA_RUNTIME_API=127.0.0.1:" + std::to_string(*port),
      "AWS_LAMBDA_FUNCTION_NAME=" + f.name,
      "AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
      "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + std::to_string(f.memory_mb),
      "AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
      "AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + f.name,
      "AWS_REGION=" + f.region,
      "AWS_DEFAULT_REGION=" + f.region,
      "AWS_EXECUTION_ENV=AWS_Lambda_" + f.runtime,
      "DD_DOGSTATSD_PORT=" + std::to_string(options_.runtime.dogstatsd_port),
      "DD_APM_RECEIVER_PORT=" + std::to_string(options_.runtime.trace_port),
  };
  if (options_.own_tmp) {
    std::error_code ec;
    std::string pattern = (std::filesystem::temp_directory_path(ec) / ("ddsim-lambda-env" +
                                                                        std::to_string(options_.index) + "-XXXXXX"))
                              .string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      record_.init_error = "cannot create the environment's /tmp (" + pattern + "): " + std::strerror(errno);
      return false;
    }
    tmp_dir_ = pattern;
    record_.tmp_dir = tmp_dir_;
    env.push_back("TMPDIR=" + tmp_dir_);
  }
  if (!options_.intake_url.empty()) {
    for (const char* key : {"DD_DD_URL", "DD_URL", "DD_APM_DD_URL", "DD_LOGS_CONFIG_LOGS_DD_URL"}) {
      env.push_back(std::string(key) + "=" + options_.intake_url);
    }
  }
  // The plan's variables come last and win.
  for (const auto& e : options_.env) env.push_back(e);
  addPlatform("platform.initStart", json{{"initializationType", "on-demand"},
                                         {"phase", "init"},
                                         {"runtimeVersion", f.runtime},
                                         {"functionName", f.name},
                                         {"functionVersion", "$LATEST"}});
  const auto started = clock_.steadyNow();
  if (auto st = process_.start(options_.extension, env, options_.extension_log,
                                [this](std::string_view line) { onExtensionLine(line); });
      !st) {
    record_.init_error = st.message();
    return false;
  }
  alive_ = true;
  if (!waitReady(1, started + options_.init_limit)) {
    record_.init_error = process_.running() ? "the extension did not register and call event/next within " +
                                                  std::to_string(options_.init_limit.count()) + " ms"
                                            : "the extension exited during init (code " +
                                                  std::to_string(process_.exitCode().value_or(-1)) + ")";
    addPlatform("platform.initRuntimeDone", json{{"initializationType", "on-demand"}, {"phase", "init"},
                                                 {"status", "failure"}});
    return false;
  }
  record_.init_ms = msBetween(started, clock_.steadyNow());
  record_.init_ok = true;
  addPlatform("platform.initRuntimeDone", json{{"initializationType", "on-demand"}, {"phase", "init"},
                                               {"status", "success"}});
  addPlatform("platform.initReport", json{{"initializationType", "on-demand"},
                                          {"phase", "init"},
                                          {"status", "success"},
                                          {"metrics", {{"durationMs", record_.init_ms}}}});
  freeze();
  return true;
}

void Environment::freeze() {
  if (!options_.freeze || !process_.running()) return;
  telemetry_.pause();
  (void)process_.freeze();  // a process that exits meanwhile is seen at the next call
}

InvocationRecord Environment::invoke(const InvocationSpec& spec) {
  InvocationRecord r;
  r.index = spec.index;
  r.environment = options_.index;
  r.arrival_s = spec.arrival_s;
  r.cold_start = record_.invocations == 0;
  r.request_id = makeUuid(random_);
  ++record_.invocations;
  process_.thaw();
  telemetry_.resume();

  const auto& f = options_.function;
  const auto start = clock_.steadyNow();
  r.started = start;
  const auto deadline = start + f.timeout;
  const uint64_t calls_before = api_.nextCalls();
  const std::string trace_header = "Root=1-" + makeUuid(random_).substr(0, 8) + "-" +
                                   makeUuid(random_).substr(0, 24) + ";Parent=" + makeUuid(random_).substr(0, 16) +
                                   ";Sampled=1";
  const json tracing{{"type", "X-Amzn-Trace-Id"}, {"value", trace_header}};
  api_.publish(json{{"eventType", "INVOKE"},
                    {"deadlineMs", unixMillis(clock_.systemNow()) + f.timeout.count()},
                    {"requestId", r.request_id},
                    {"invokedFunctionArn", "arn:aws:lambda:" + f.region + ":123456789012:function:" + f.name},
                    {"tracing", tracing}});
  addPlatform("platform.start", json{{"requestId", r.request_id}, {"version", "$LATEST"}, {"tracing", tracing}});

  // With the Runtime API, the runtime asks for its event first (through an extension's proxy
  // when the plan says so).
  const int runtime_port = options_.runtime.runtime_api_port > 0 ? options_.runtime.runtime_api_port : api_.port();
  if (options_.runtime.runtime_api) {
    // The event the Runtime API hands out: the plan's trigger event when it has one.
    const std::string event = options_.runtime.event.empty()
                                  ? json{{"request_id", r.request_id}, {"invocation", spec.index}}.dump()
                                  : expandEvent(options_.runtime.event, spec.index, r.request_id, clock_.systemNow());
    runtime_api_.offer({r.request_id, event,
                        {{"Lambda-Runtime-Deadline-Ms", std::to_string(unixMillis(clock_.systemNow()) + f.timeout.count())},
                         {"Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:" + f.region + ":123456789012:function:" + f.name},
                         {"Lambda-Runtime-Trace-Id", trace_header}}});
    r.runtime_api_next = runtime_.nextInvocation(runtime_port) == r.request_id;
  }
  // The function: emit its script, then run for its duration (cut at the deadline).
  const RuntimeOutput out = runtime_.emit(spec.index, r.request_id);
  r.dogstatsd_lines = out.dogstatsd_lines;
  r.spans = out.trace_accepted ? out.spans : 0;
  r.log_lines = static_cast<int64_t>(out.logs.size());
  r.metric_names = out.metric_names;
  r.logs = out.logs;
  for (const auto& line : out.logs) {
    telemetry_.add("function", json{{"time", wireTime()}, {"type", "function"}, {"record", line}});
  }
  const bool overruns = start + spec.duration > deadline;
  const auto runtime_end = overruns ? deadline : start + spec.duration;
  for (auto now = clock_.steadyNow(); now < runtime_end; now = clock_.steadyNow()) {
    std::this_thread::sleep_for(runtime_end - now);
  }
  runtime_.endInvocation(spec.error || spec.out_of_memory || overruns);
  if (options_.runtime.runtime_api && !overruns) {
    r.runtime_api_answered = runtime_.answerInvocation(runtime_port, r.request_id, spec.error || spec.out_of_memory) &&
                             runtime_api_.outcome(r.request_id).has_value();
  }
  const auto runtime_done = clock_.steadyNow();
  r.runtime_ms = msBetween(start, runtime_done);
  r.status = overruns ? "timeout" : spec.out_of_memory ? "error" : spec.error ? "error" : "success";
  r.error_type = overruns ? "Sandbox.Timedout" : spec.out_of_memory ? "Runtime.OutOfMemory"
                                                  : spec.error       ? "Function.Error" : "";
  addPlatform("platform.runtimeDone",
              runtimeDoneRecord({r.request_id, r.status, r.error_type, r.runtime_ms, spec.error ? 0 : 16, tracing}));

  // The extension's post-runtime work: until it calls event/next again (or the deadline).
  r.extension_returned = !overruns && waitReady(calls_before + 1, deadline);
  const auto back = r.extension_returned ? api_.lastNextCall() : clock_.steadyNow();
  r.post_runtime_ms = std::max(0.0, msBetween(runtime_done, back));
  if (!r.extension_returned && !overruns && !process_.running()) {
    r.status = "failure";  // the extension died: Lambda resets the environment
    r.error_type = "Extension.Crash";
  } else if (!r.extension_returned && r.status != "timeout") {
    r.status = "timeout";  // the extension overran the deadline: Lambda times the invocation out
    r.error_type = "Sandbox.Timedout";
  }
  r.ended = clock_.steadyNow();
  if (intake_) {
    r.intake = intake_->window(start, r.ended);
    r.flushed = r.intake.requests > 0;
  }
  const double duration_ms = r.runtime_ms + r.post_runtime_ms;
  ReportFields report{r.request_id, r.status, duration_ms, f.memory_mb,
                      spec.out_of_memory ? f.memory_mb : std::min(spec.max_memory_used_mb, f.memory_mb),
                      std::nullopt, tracing};
  if (r.cold_start) report.init_ms = record_.init_ms;
  addPlatform("platform.report", reportRecord(report));
  if (r.status == "success" || r.status == "error") {
    if (!spec.out_of_memory) freeze();
  }
  return r;
}

void Environment::shutdown(const std::string& reason) {
  if (shut_down_) return;
  shut_down_ = true;
  record_.shutdown_reason = reason;
  if (alive_) {
    process_.thaw();
    telemetry_.resume();
    telemetry_.flush();  // what is buffered goes out before SHUTDOWN, as Lambda drains it
    const auto sent = clock_.steadyNow();
    record_.shutdown_sent = sent;
    api_.publish(json{{"eventType", "SHUTDOWN"},
                      {"shutdownReason", reason},
                      {"deadlineMs", unixMillis(clock_.systemNow()) + options_.shutdown_limit.count()}});
    auto code = process_.waitExit(options_.shutdown_limit);
    record_.shutdown_clean = code.has_value();
    record_.exit_code = code ? *code : process_.kill();
    const auto ended = clock_.steadyNow();
    record_.shutdown_ms = msBetween(sent, ended);
    if (intake_) record_.intake_at_shutdown = intake_->window(sent, ended + std::chrono::milliseconds(1));
  }
  alive_ = false;
  if (!tmp_dir_.empty()) {
    // Lambda discards the environment's /tmp with it; the report keeps what was there.
    std::error_code ec;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(tmp_dir_, ec)) {
      record_.tmp_files.push_back(std::filesystem::relative(entry.path(), tmp_dir_, ec).string());
    }
    std::sort(record_.tmp_files.begin(), record_.tmp_files.end());
    std::filesystem::remove_all(tmp_dir_, ec);
  }
  process_.drainOutput();
  {
    std::lock_guard lock(output_mu_);
    record_.api_key_source = api_key_source_;
  }
  runtime_api_.stop();
  telemetry_.stop();
  api_.stop();
  record_.telemetry = telemetry_.counters();
  for (const auto& e : api_.reportedErrors()) record_.reported_errors.push_back(e.route + ": " + e.error_type);
  record_.rejected = api_.rejected();
}

}  // namespace ddsim::lambda
