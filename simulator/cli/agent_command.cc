// `ddsim agent [--config datadog.yaml]`: the pipeline as a live agent. Configured like the
// agent (a datadog.yaml-style file, then DD_* environment variables), it listens for DogStatsD
// and forwards payloads to the configured intake (dd_url / site / additional_endpoints) over
// HTTP. It starts as the agent does: logger and config, then the API key, then the servers.
// SIGINT/SIGTERM stop it cleanly after a final flush. With apm_config.enabled it also runs the
// trace agent (docs/trace-agent.md §1.1, §7): receiver, processing, writer to /api/v0.2/traces.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "core/common/clock.h"
#include "core/common/logging.h"
#include "core/common/random.h"
#include "core/config/agent_config.h"
#include "core/config/pipeline_options.h"
#include "core/dogstatsd/server.h"
#include "core/forwarder/http_transport.h"
#include "simulator/cli/agent_telemetry.h"
#include "simulator/cli/agent_traces.h"
#include "simulator/cli/commands.h"
#include "simulator/pipeline/agent.h"

namespace ddsim::cli {

namespace {

struct AgentArgs {
  std::string config;
  bool print_config = false;
  bool list_keys = false;
};

struct StatusArgs {
  std::string config;
  int port = 0;
  std::string url;
};

// Everything the running agent counts, in one snapshot (the telemetry endpoint's source).
common::TelemetrySnapshot agentSnapshot(pipeline::Agent& agent, const dogstatsd::DogStatsdServer& server,
                                        const AgentTraces* traces) {
  common::TelemetrySnapshot all = agent.forwarder().telemetry();
  for (const auto& part : {agent.demux().telemetry(), agent.serializer().telemetry(), server.telemetry(),
                           traces ? traces->telemetry() : common::TelemetrySnapshot{}}) {
    for (const auto& [k, v] : part) all[k] += v;
  }
  return all;
}

// Drops outside the forwarder (which logs its own, per reason) are counted where they happen;
// this logs each counter that grew, at most once per kDropLogInterval per counter.
class DropWatcher {
 public:
  void check(const common::TelemetrySnapshot& s, common::SteadyTime now) {
    for (const auto& [k, v] : s) {
      if (k.rfind("forwarder.", 0) == 0) continue;
      if (k.find("dropped") == std::string::npos && k.find("rejected") == std::string::npos) continue;
      auto& w = seen_[k];
      if (v <= w.logged_value) continue;
      if (w.logged_at && now - *w.logged_at < kDropLogInterval) continue;
      spdlog::warn("dropped: {} +{} ({} so far)", k, static_cast<int64_t>(v - w.logged_value), static_cast<int64_t>(v));
      w.logged_value = v;
      w.logged_at = now;
    }
  }

 private:
  static constexpr common::Duration kDropLogInterval = std::chrono::seconds(10);
  struct Watched {
    double logged_value = 0;
    std::optional<common::SteadyTime> logged_at;
  };
  std::map<std::string, Watched> seen_;
};

std::atomic<bool> g_stop{false};
extern "C" void onStopSignal(int) { g_stop.store(true); }

std::string machineHostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "ddsim";
  return buf;
}

// Numbers mean what the table's unit says: durations are seconds (or "90s", "1m30s"), sizes bytes.
void listKeys() {
  std::printf("%-62s %-16s %-30s %-15s %s\n", "key (environment variable)", "type", "default", "unit", "what");
  for (const auto& k : config::allKeys()) {
    std::string def = k.default_value.is_null() ? "(unset)" : k.default_value.dump();
    if (def.size() > 30) def = def.substr(0, 27) + "...";
    const std::string var = config::envVarName(k.name);
    const std::string name = std::string(k.name) + " (" + (var.empty() ? "no variable" : var) + ")";
    const std::string unit = k.unit.empty() ? "-" : std::string(k.unit);
    std::printf("%-62s %-16s %-30s %-15s %s\n", name.c_str(), std::string(config::keyTypeName(k.type)).c_str(),
                def.c_str(), unit.c_str(), std::string(k.help).c_str());
  }
}

int runAgent(const AgentArgs& a, const std::string& cli_log_level) {
  if (a.list_keys) {
    listKeys();
    return kExitOk;
  }
  // A stop request from here on ends the run loop at once and still stops cleanly.
  std::signal(SIGINT, onStopSignal);
  std::signal(SIGTERM, onStopSignal);
  // 1. Config, then the logger at the configured level (the agent's order).
  config::AgentConfig cfg;
  if (!a.config.empty()) {
    if (auto st = config::loadYamlFile(cfg, a.config); !st.isOk()) {
      common::initLogging("info");
      spdlog::critical("Unable to load the configuration: {}", st.message());
      return kExitBadInput;
    }
  }
  if (auto st = config::applyEnvironment(cfg); !st.isOk()) {
    common::initLogging("info");
    spdlog::critical("Invalid environment: {}", st.message());
    return kExitBadInput;
  }
  const std::string level = cli_log_level.empty() ? cfg.getString("log_level") : cli_log_level;
  common::initLogging("info");
  if (auto st = common::setLogLevel(level); !st.isOk()) {
    spdlog::critical("Unable to setup logger: {}", st.message());
    return kExitBadInput;
  }
  for (const auto& w : cfg.warnings()) spdlog::warn("config: {}", w);
  if (cfg.getString("hostname").empty()) (void)cfg.set("hostname", machineHostname(), "the machine's hostname");
  // The validation of a run, also before --print-config: a value the pipeline cannot use is
  // refused with its key and source, never printed as if it were in effect.
  auto popts = config::pipelineOptions(cfg);
  if (!popts.isOk()) {
    spdlog::critical("Misconfiguration: {}", popts.status().message());
    return kExitBadInput;
  }
  if (a.print_config) {
    std::cout << cfg.effective().dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  // 2. The API key (agent behaviour: without one it does not start).
  if (!cfg.has("api_key") || cfg.getString("api_key").empty()) {
    spdlog::critical("no API key configured, exiting");
    return kExitBadInput;
  }
  // 3. The pipeline, then the servers.
  auto& clock = common::SystemClock::instance();
  common::Random random(static_cast<uint64_t>(common::toUnixSecondsInt(clock.systemNow())));
  forwarder::HttpTransportOptions topts;
  topts.skip_ssl_validation = cfg.getBool("skip_ssl_validation");
  forwarder::HttpTransport transport(clock, topts);
  pipeline::AgentDeps deps{transport, clock, random, nullptr, /*virtual_time=*/false};
  auto agent = pipeline::Agent::create(*popts, deps);
  if (!agent.isOk()) {
    spdlog::critical("Unable to start the pipeline: {}", agent.status().message());
    return kExitSetupError;
  }
  if (auto st = (*agent)->start(); !st.isOk()) {
    spdlog::critical("Unable to start the forwarder: {}", st.message());
    return kExitSetupError;
  }
  for (const auto& d : (*agent)->forwarder().domains()) spdlog::info("forwarding to {}", d);
  auto dopts = popts->dogstatsd;
  if (dopts.port < 0) dopts.port = dogstatsd::ServerOptions::kRandomPort;  // ddsim: -1 = any free port
  dogstatsd::DogStatsdServer server(dopts, (*agent)->sink(), clock);
  if (auto st = server.start(); !st.isOk()) {
    spdlog::critical("Unable to start the DogStatsD server: {}", st.message());
    (*agent)->stop();
    return kExitSetupError;
  }
  for (const auto& e : server.listenerErrors()) spdlog::error("dogstatsd: {}", e);
  for (const auto& d : server.listenerDescriptions()) {
    std::printf("dogstatsd listening on %s\n", d.c_str());
  }
  std::fflush(stdout);
  std::unique_ptr<AgentTraces> traces;
  if (cfg.getBool("apm_config.enabled")) {
    auto started = AgentTraces::start(cfg, popts->traces, server, dopts.buffer_size, (*agent)->forwarder(), clock);
    if (!started.isOk()) {
      spdlog::critical("Unable to start the trace receiver: {}", started.status().message());
      server.stop();
      (*agent)->stop();
      return kExitSetupError;
    }
    traces = std::move(started).value();
  }
  spdlog::info("ddsim agent {} running as {} (flush every {} s); stop with Ctrl-C or SIGTERM",
               cfg.getString("ddsim.agent_version"), cfg.getString("hostname"),
               popts->aggregator.flush_interval_seconds);

  // Live telemetry (the agent serves it on expvar_port at /telemetry when telemetry.enabled).
  TelemetryEndpoint endpoint;
  if (cfg.getBool("telemetry.enabled")) {
    auto port = endpoint.start(static_cast<int>(cfg.getInt("expvar_port")));
    if (!port.isOk()) {
      spdlog::critical("Unable to serve telemetry: {}", port.status().message());
      if (traces) traces->stop();
      server.stop();
      (*agent)->stop();
      return kExitSetupError;
    }
    endpoint.update(agentSnapshot(**agent, server, traces.get()));
    std::printf("telemetry listening on http://127.0.0.1:%d/telemetry\n", *port);
    std::fflush(stdout);
  }
  DropWatcher drops;
  auto last_refresh = clock.steadyNow();
  while (!g_stop.load()) {
    (*agent)->tick();
    if (traces) traces->tick(clock.steadyNow());
    if (const auto now = clock.steadyNow(); now - last_refresh >= std::chrono::seconds(1)) {
      last_refresh = now;
      const auto snap = agentSnapshot(**agent, server, traces.get());
      drops.check(snap, now);
      if (cfg.getBool("telemetry.enabled")) endpoint.update(snap);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  endpoint.stop();
  // Stop: listeners drain into the aggregator, then the final flush and the forwarder's stop.
  spdlog::info("stopping: draining the listeners, final flush");
  if (traces) {
    traces->stop();  // answers in flight finish first, then the writer's last payload
    std::printf("%s\n", traces->summary().c_str());
  }
  server.stop();
  (*agent)->stop();
  const auto t = (*agent)->forwarder().telemetry();
  auto get = [&](const std::string& k) {
    auto it = t.find(k);
    return it == t.end() ? 0.0 : it->second;
  };
  std::string lost;
  const std::string prefix = "forwarder.transactions.dropped_by_reason.";
  for (const auto& [k, v] : t) {
    if (k.rfind(prefix, 0) == 0 && v > 0) lost += " " + k.substr(prefix.size()) + "=" + std::to_string(static_cast<int64_t>(v));
  }
  // Samples the shutdown flush left in open buckets (the agent loses them too unless
  // dogstatsd_flush_incomplete_buckets is on): a loss of samples, not of transactions.
  const auto agg = (*agent)->demux().telemetry();
  if (auto it = agg.find("aggregator.dropped.open_bucket_at_stop"); it != agg.end() && it->second > 0) {
    lost += " open_bucket_at_stop=" + std::to_string(static_cast<int64_t>(it->second)) + " samples";
  }
  const auto stop = (*agent)->forwarder().counters().stopTally();
  std::printf("stopped after %lld flushes: %.0f transactions, %.0f delivered, %.0f retried, lost:%s\n",
              static_cast<long long>((*agent)->flushCount()), get("forwarder.transactions.input_count"),
              get("forwarder.transactions.success"), get("forwarder.transactions.retried"),
              lost.empty() ? " none" : lost.c_str());
  std::printf("stop (%s mode): %lld cancelled in flight, %lld purged, %lld drained, %lld written to disk, %lld lost\n",
              std::string(forwarder::stopModeName(popts->forwarder.stop_mode)).c_str(),
              static_cast<long long>(stop.cancelled_in_flight), static_cast<long long>(stop.purged),
              static_cast<long long>(stop.drained), static_cast<long long>(stop.written_to_disk),
              static_cast<long long>(stop.lost));
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace

int runStatus(const StatusArgs& a) {
  std::string url = a.url;
  if (url.empty()) {
    int port = a.port;
    if (port == 0) {
      config::AgentConfig cfg;
      if (!a.config.empty()) {
        if (auto st = config::loadYamlFile(cfg, a.config); !st.isOk()) {
          std::fprintf(stderr, "Unable to load the configuration: %s\n", st.message().c_str());
          return kExitBadInput;
        }
      }
      if (auto st = config::applyEnvironment(cfg); !st.isOk()) {
        std::fprintf(stderr, "Invalid environment: %s\n", st.message().c_str());
        return kExitBadInput;
      }
      port = static_cast<int>(cfg.getInt("expvar_port"));
    }
    url = "http://127.0.0.1:" + std::to_string(port) + "/telemetry";
  }
  return printAgentStatus(url);
}

void registerAgentCommand(CLI::App& app, int& exit_code, const std::string& log_level) {
  auto a = std::make_shared<AgentArgs>();
  auto* cmd = app.add_subcommand(
      "agent", "Run the pipeline as a live agent: DogStatsD in, payloads out to the configured intake");
  cmd->add_option("--config,-c", a->config,
                  "datadog.yaml-style configuration file, or the directory holding datadog.yaml (DD_* variables "
                  "override it)")
      ->check(CLI::ExistingPath);
  cmd->add_flag("--print-config", a->print_config, "Print the effective configuration as JSON and exit");
  cmd->add_flag("--list-keys", a->list_keys, "List every configuration key, its variable and default, and exit");
  cmd->footer(
      "Examples:\n"
      "  DD_API_KEY=0123456789abcdef0123456789abcdef DD_DD_URL=http://127.0.0.1:8080 ddsim agent\n"
      "  ddsim agent --config datadog.yaml       # dogstatsd_port: -1 picks a free UDP port (printed)\n");
  auto sa = std::make_shared<StatusArgs>();
  auto* status = cmd->add_subcommand(
      "status", "Print the running agent's status (like `agent status`) from its telemetry endpoint");
  status->add_option("--config,-c", sa->config,
                     "the agent's datadog.yaml (or its directory): expvar_port says where to ask")
      ->check(CLI::ExistingPath);
  status->add_option("--port", sa->port, "the agent's expvar_port (overrides --config)");
  status->add_option("--url", sa->url, "the full telemetry URL (overrides --port)");
  status->footer("The agent serves its telemetry when telemetry.enabled is true (DD_TELEMETRY_ENABLED=true).\n"
                 "Example:\n  ddsim agent status --port 5000\n");
  status->callback([sa, &exit_code] { exit_code = runStatus(*sa); });
  cmd->callback([a, status, &exit_code, &log_level] {
    if (status->parsed()) return;  // `ddsim agent status` ran instead
    exit_code = runAgent(*a, log_level);
  });
}

}  // namespace ddsim::cli
