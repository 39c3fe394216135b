// `ddsim serverless`: the Datadog Agent's AWS Lambda extension (spec §7), run as a process
// against the Lambda APIs at AWS_LAMBDA_RUNTIME_API. Start sequence as the agent's runAgent
// (§7.1): overrides, logger at DD_LOG_LEVEL, datadog.yaml from LAMBDA_TASK_ROOT + DD_*, API key
// (plain, KMS, Secrets Manager), communication server, registration, flush strategy, metric
// agent (DogStatsD serverless mode -> TimeSampler -> v1 series / sketches -> SyncForwarder),
// trace receiver, Telemetry API subscription, then the invocation loop until SHUTDOWN or
// SIGINT/SIGTERM. See docs/serverless.md.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <thread>

#include "core/common/clock.h"
#include "core/common/logging.h"
#include "core/config/agent_config.h"
#include "core/config/pipeline_options.h"
#include "core/forwarder/http_transport.h"
#include "core/serverless/api_key.h"
#include "core/serverless/comm_server.h"
#include "core/serverless/daemon.h"
#include "core/serverless/extension_api.h"
#include "core/serverless/runtime_proxy.h"
#include "core/forwarder/sync_forwarder.h"
#include "core/trace/receiver_server.h"
#include "simulator/cli/commands.h"
#include "simulator/cli/serverless_traces.h"

namespace ddsim::cli {
namespace {

struct ServerlessArgs {
  int port = 8124;
  std::string host = "127.0.0.1";
  std::string cache_path;  // "": $TMPDIR/dd-lambda-extension-cache.json, /tmp when TMPDIR is unset
  std::string telemetry_host;  // the host name the platform posts to (Lambda: "sandbox")
  int proxy_port = 9000;       // the runtime-API proxy (DD_EXPERIMENTAL_ENABLE_PROXY=true)
  std::string proxy_target;    // the Runtime API it fronts ("": AWS_LAMBDA_RUNTIME_API)
};

std::atomic<bool> g_serverless_stop{false};
extern "C" void onServerlessStop(int) { g_serverless_stop.store(true); }

std::vector<std::string> splitTags(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string t; in >> t;) {
    for (size_t pos = 0; pos <= t.size();) {
      const size_t comma = t.find(',', pos);
      const std::string part = t.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      if (!part.empty()) out.push_back(part);
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  }
  return out;
}

// The logs intake: logs_config.logs_dd_url, else dd_url (a test intake), else the site's.
std::string logsUrl(const serverless::Environment& env, const config::PipelineOptions& p) {
  std::string url = serverless::envOr(env, "DD_LOGS_CONFIG_LOGS_DD_URL");
  if (!url.empty()) return url.find("://") == std::string::npos ? "https://" + url : url;
  if (!p.forwarder.dd_url.empty()) return p.forwarder.dd_url;
  return "https://http-intake.logs." + p.forwarder.site;
}

int runServerless(const ServerlessArgs& a) {
  std::signal(SIGINT, onServerlessStop);
  std::signal(SIGTERM, onServerlessStop);
  serverless::Environment env = serverless::captureEnvironment();
  // 2. Logger (console, DD_LOG_LEVEL, default error), then datadog.yaml from the task root.
  common::initLogging("info");
  std::string level = serverless::envOr(env, "DD_LOG_LEVEL", "error");
  std::transform(level.begin(), level.end(), level.begin(), [](unsigned char c) { return std::tolower(c); });
  if (auto st = common::setLogLevel(level); !st.isOk()) {
    spdlog::error("DD_LOG_LEVEL: {}", st.message());
  }
  common::Clock& clock = common::SystemClock::instance();
  forwarder::HttpTransport transport(clock);

  // 3. API key (plain, KMS, Secrets Manager); decrypted variables are exported.
  serverless::AwsJsonClient aws(env, transport, clock);
  const auto key = serverless::resolveApiKey(env, aws);
  for (const auto& w : key.warnings) spdlog::warn("{}", w);
  for (const auto& e : key.errors) spdlog::error("Couldn't read a secret: {}", e);
  for (const auto& [name, value] : key.decrypted) {
    ::setenv(name.c_str(), value.c_str(), 1);
    env[name] = value;
  }

  config::AgentConfig cfg;
  const std::string task_root = serverless::envOr(env, "LAMBDA_TASK_ROOT", "/var/task");
  // Most functions ship no datadog.yaml: its absence is not an error (a missing task root either).
  const std::string yaml = task_root + "/datadog.yaml";
  std::error_code yaml_ec;
  if (std::filesystem::is_regular_file(yaml, yaml_ec)) {
    if (auto st = config::loadYamlFile(cfg, yaml); !st.isOk()) spdlog::error("datadog.yaml: {}", st.message());
  } else {
    spdlog::debug("No {} (configuration from DD_* variables only)", yaml);
  }
  if (auto st = config::applyEnvironment(cfg); !st.isOk()) spdlog::error("Invalid environment: {}", st.message());
  // 1. The serverless overrides (spec §7.1 step 1).
  (void)cfg.set("use_v2_api.series", false, "serverless override");
  (void)cfg.set("dogstatsd_socket", "", "serverless override");
  (void)cfg.set("hostname", "", "serverless override");
  // The serverless agent runs its trace agent unless DD_APM_ENABLED says otherwise (ddsim
  // agent's own default is off).
  if (serverless::envOr(env, "DD_APM_ENABLED").empty()) (void)cfg.set("apm_config.enabled", true, "serverless default");
  auto popts = config::pipelineOptions(cfg);
  if (!popts.isOk()) {
    spdlog::error("Misconfiguration: {}", popts.status().message());
    return kExitBadInput;
  }

  const std::string runtime_api = serverless::envOr(env, "AWS_LAMBDA_RUNTIME_API", "localhost:9001");
  serverless::ExtensionApiClient api(runtime_api);
  serverless::DaemonOptions dopts;
  dopts.cache_path = a.cache_path.empty() ? serverless::defaultCachePath(serverless::envOr(env, "TMPDIR")) : a.cache_path;
  dopts.enhanced_metrics = serverless::envOr(env, "DD_ENHANCED_METRICS", "true") != "false";
  dopts.region = serverless::envOr(env, "AWS_REGION", "us-east-1");
  dopts.extra_tags = splitTags(serverless::envOr(env, "DD_TAGS"));
  // Inferred spans: trace_enabled and trace_managed_services, both on unless set to false.
  dopts.inferred_spans.enabled = serverless::envOr(env, "DD_TRACE_ENABLED", "true") != "false" &&
                                 serverless::envOr(env, "DD_TRACE_MANAGED_SERVICES", "true") != "false";
  dopts.inferred_spans.service_mapping = serverless::parseServiceMapping(serverless::envOr(env, "DD_SERVICE_MAPPING"));
  dopts.seed = static_cast<uint64_t>(clock.systemNow().time_since_epoch().count()) ^ static_cast<uint64_t>(::getpid());

  if (key.api_key.empty() || !cfg.has("api_key")) {
    // The agent's failure path: log, register anyway, idle through events.
    spdlog::error("{}", serverless::apiKeySourceLine(serverless::ApiKeyResolution{}));
    auto reg = api.registerExtension();
    if (!reg.isOk()) {
      spdlog::error("Can't register as a serverless agent: {}", reg.status().message());
      return kExitSetupError;
    }
    serverless::Daemon noop(dopts, api, nullptr, nullptr, serverless::FlushPolicy({}), clock);
    std::thread watcher([&] {
      while (!g_serverless_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      noop.stop();
    });
    auto st = noop.runNoOp();
    g_serverless_stop.store(true);
    watcher.join();
    return st.isOk() ? kExitOk : kExitFailed;
  }
  // Read by the simulated Lambda from the extension's output (docs/lambda.md): which path gave the key.
  spdlog::info("{}", serverless::apiKeySourceLine(key));

  // 4. Communication server, state restore.
  serverless::FlushPolicyOptions fopts{serverless::envOr(env, "DD_SERVERLESS_FLUSH_STRATEGY"), 0};
  serverless::FlushPolicy policy(fopts);
  if (policy.configError()) spdlog::warn("{} (keeping the adaptive strategy)", policy.configError()->message());
  if (serverless::envOr(env, "DD_EXPERIMENTAL_ENABLE_PROXY") == "true") {
    // §7.1 step 7: with the runtime-API proxy the extension sends errors itself too.
    popts->dogstatsd.processor.enrich.metric_blocklist.emplace_back("aws.lambda.enhanced.errors");
  }
  auto metric_agent = serverless::ServerlessMetricAgent::create(*popts, transport, clock);
  if (!metric_agent.isOk()) {
    spdlog::error("Unable to build the metric agent: {}", metric_agent.status().message());
    return kExitBadInput;
  }
  serverless::LogsSender logs({logsUrl(env, *popts), key.api_key, serverless::envOr(env, "DD_SERVICE"), 10000, 1000},
                              transport);
  serverless::Daemon daemon(dopts, api, metric_agent->get(), &logs, std::move(policy), clock);
  serverless::CommServer comm(daemon.handlers());
  if (auto st = comm.start(a.host, a.port); !st.isOk()) {
    spdlog::error("{}", st.message());
    return kExitSetupError;
  }
  daemon.restoreState();
  // The runtime-API proxy, when enabled: the runtime talks to it instead of the Runtime API.
  std::unique_ptr<serverless::RuntimeProxy> proxy;
  if (serverless::envOr(env, "DD_EXPERIMENTAL_ENABLE_PROXY") == "true") {
    serverless::RuntimeProxyOptions po;
    po.host = a.host;
    po.port = a.proxy_port;
    po.target = a.proxy_target.empty() ? serverless::envOr(env, "AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
                                       : a.proxy_target;
    proxy = std::make_unique<serverless::RuntimeProxy>(po, daemon.proxyHooks());
    if (auto port = proxy->start(); port.isOk()) {
      spdlog::info("Runtime API proxy on {}:{} -> {}", po.host, *port, po.target);
    } else {
      spdlog::error("{}", port.status().message());
      proxy.reset();
    }
  }

  // 5. Registration.
  auto reg = api.registerExtension();
  if (!reg.isOk()) {
    spdlog::error("Can't register as a serverless agent: {}", reg.status().message());
    comm.stop();
    return kExitSetupError;
  }
  daemon.setRegistration(*reg);
  spdlog::info("Registered as extension {} (flush strategy {})", reg->extension_id, daemon.currentStrategy());

  // 7. Metric agent: DogStatsD in serverless mode.
  if (auto st = (*metric_agent)->startDogStatsd(); !st.isOk()) {
    spdlog::error("DogStatsD: {}", st.message());
  } else if ((*metric_agent)->dogstatsdPort() > 0) {
    spdlog::info("dogstatsd listening on udp {}:{}", popts->dogstatsd.bind_host, (*metric_agent)->dogstatsdPort());
  }

  // 8. Trace agent: receiver -> processor -> writer, sent through its own sync forwarder at each
  // flush (with the metrics); the invocation lifecycle's execution spans join it. Then the
  // Telemetry API subscription.
  auto trace_forwarder = forwarder::SyncForwarder::create(popts->forwarder, transport, clock);
  std::unique_ptr<ServerlessTraces> trace_agent;
  std::unique_ptr<trace::ReceiverServer> traces;
  if (trace_forwarder.isOk()) {
    trace_agent = std::make_unique<ServerlessTraces>(cfg, popts->traces, **trace_forwarder, clock);
    daemon.setTraceAgent([t = trace_agent.get()](trace::ReceivedPayload&& r) { t->process(std::move(r)); },
                         [t = trace_agent.get()] { t->flush(); });
  } else {
    spdlog::error("Trace agent: {}", trace_forwarder.status().message());
  }
  trace::ReceiverServerOptions topts;
  topts.port = static_cast<int>(cfg.getInt("apm_config.receiver_port"));
  topts.dogstatsd_port = (*metric_agent)->dogstatsdPort();
  topts.receiver.agent_version = cfg.getString("ddsim.agent_version");
  topts.receiver.receiver_port = topts.port;
  if (trace_agent) {
    topts.forward = [t = trace_agent.get()](trace::ReceivedPayload&& r) { t->process(std::move(r)); };
    topts.forward_stats = [t = trace_agent.get()](trace::ClientStatsPayload&& p, const std::string& lang,
                                                  const std::string& tracer_version) {
      t->processClientStats(std::move(p), lang, tracer_version);
    };
  }
  if (cfg.getBool("apm_config.enabled") && topts.port != 0) {
    traces = std::make_unique<trace::ReceiverServer>(topts);
    if (auto port = traces->start(); port.isOk()) {
      spdlog::info("Trace receiver on 127.0.0.1:{}", *port);
    } else {
      spdlog::error("Trace receiver: {}", port.status().message());
      traces.reset();
    }
  }
  serverless::TelemetrySubscription sub;
  sub.destination = "http://" + (a.telemetry_host.empty() ? a.host : a.telemetry_host) + ":" +
                    std::to_string(comm.port()) + "/lambda/logs";
  const std::string types = serverless::envOr(env, "DD_LOGS_CONFIG_LAMBDA_LOGS_TYPE");
  if (!types.empty()) sub.types = splitTags(types);
  if (auto st = api.subscribeTelemetry(sub); !st.isOk()) spdlog::error("Can't subscribe to logs: {}", st.message());

  // 10. The invocation loop; SIGINT/SIGTERM stop it.
  std::atomic<bool> loop_done{false};
  std::thread watcher([&] {
    while (!g_serverless_stop.load() && !loop_done.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!loop_done.load()) daemon.stop();
  });
  const auto st = daemon.run();
  loop_done.store(true);
  watcher.join();
  // daemon.Stop: the server, then the agents.
  comm.stop();
  if (proxy) proxy->stop();
  if (traces) traces->stop();
  // The trace agent's stop: its concentrator and client stats aggregator hand out every bucket.
  if (trace_agent) trace_agent->stop();
  const auto c = daemon.counters();
  spdlog::info("Stopped: {} invocations, {} flushes ({} over the flush timeout), {} log lines", c.invocations,
               c.flushes, c.flush_failures, c.log_lines);
  const int code = g_serverless_stop.load() ? kExitInterrupted : st.isOk() ? kExitOk : kExitFailed;
  if (const size_t left = daemon.flushesInFlight(); left > 0) {
    // Agent behaviour: the process ends without waiting for a flush that outlived the flush
    // timeout; what it still carried is lost with it.
    spdlog::warn("Exiting with {} flush(es) still in flight (abandoned)", left);
    spdlog::default_logger()->flush();
    std::_Exit(code);
  }
  return code;
}

}  // namespace

void registerServerlessCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ServerlessArgs>();
  auto* cmd = app.add_subcommand(
      "serverless",
      "Run as the Datadog Agent's AWS Lambda extension against the Lambda APIs at AWS_LAMBDA_RUNTIME_API");
  cmd->add_option("--port", a->port, "communication server port (8124 in Lambda; 0: any free port)");
  cmd->add_option("--host", a->host, "communication server address");
  cmd->add_option("--cache-file", a->cache_path, "execution state cache file (saved at SHUTDOWN, restored at start; default "
                  "$TMPDIR/dd-lambda-extension-cache.json, /tmp when TMPDIR is unset)");
  cmd->add_option("--proxy-port", a->proxy_port,
                  "runtime-API proxy port with DD_EXPERIMENTAL_ENABLE_PROXY=true (9000 in Lambda; 0: any free port)");
  cmd->add_option("--proxy-target", a->proxy_target,
                  "the Runtime API the proxy forwards to, host:port (default: AWS_LAMBDA_RUNTIME_API)");
  cmd->add_option("--telemetry-host", a->telemetry_host,
                  "host name in the Telemetry API destination (Lambda: sandbox; default: --host)");
  cmd->footer(
      "Environment: DD_API_KEY | DD_KMS_API_KEY | DD_API_KEY_SECRET_ARN | *_KMS_ENCRYPTED | *_SECRET_ARN, "
      "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN/AWS_REGION, AWS_ENDPOINT_URL_KMS, "
      "AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_LAMBDA_RUNTIME_API, AWS_LAMBDA_FUNCTION_NAME, LAMBDA_TASK_ROOT, "
      "DD_SERVERLESS_FLUSH_STRATEGY (end | periodically | periodically,<ms>), DD_LOG_LEVEL, DD_ENHANCED_METRICS, "
      "DD_DD_URL / DD_LOGS_CONFIG_LOGS_DD_URL. See docs/serverless.md.");
  cmd->callback([a, &exit_code] { exit_code = runServerless(*a); });
}

}  // namespace ddsim::cli
