// `ddsim capture --duration D --out FILE`: records what arrives on DogStatsD listeners into a
// .dog capture (version 3), as `agent dogstatsd-capture` does.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "core/common/clock.h"
#include "core/config/agent_config.h"
#include "core/dogstatsd/server.h"
#include "core/dogstatsd/traffic_capture.h"
#include "simulator/cli/commands.h"

namespace ddsim::cli {

namespace {

struct CaptureArgs {
  std::string duration = "60s";
  std::string out;
  int port = 8125;
  std::string socket;
  std::string stream_socket;
  bool zstd = false;
};

// Counts what the listeners parsed; the capture is the point, not aggregation.
class CountingSink final : public metrics::SampleSink {
 public:
  void addSamples(std::span<const metrics::MetricSample> s, double) override { samples += static_cast<int64_t>(s.size()); }
  void addSamplesWithoutAggregation(std::span<const metrics::MetricSample> s) override {
    samples += static_cast<int64_t>(s.size());
  }
  void addEvents(std::vector<metrics::Event>&& e) override { events += static_cast<int64_t>(e.size()); }
  void addServiceChecks(std::vector<metrics::ServiceCheck>&& c) override { checks += static_cast<int64_t>(c.size()); }
  std::atomic<int64_t> samples{0}, events{0}, checks{0};
};

volatile std::sig_atomic_t g_stop = 0;

int runCapture(const CaptureArgs& a) {
  auto seconds = config::parseDurationSeconds(a.duration);
  if (!seconds.isOk()) {
    std::cerr << "ddsim capture: --duration: " << seconds.status().message() << "\n";
    return kExitBadInput;
  }
  auto& clock = common::SystemClock::instance();
  dogstatsd::ServerOptions so;
  so.port = a.port;
  so.bind_host = "127.0.0.1";
  so.socket_path = a.socket;
  so.stream_socket_path = a.stream_socket;
  CountingSink sink;
  dogstatsd::DogStatsdServer server(so, sink, clock);
  if (auto st = server.start(); !st.isOk()) {
    std::cerr << "ddsim capture: " << st.message() << "\n";
    return kExitSetupError;
  }
  dogstatsd::CaptureOptions co;
  co.path = a.out;
  co.zstd = a.zstd;
  auto cap = dogstatsd::TrafficCapture::start(co, clock);
  if (!cap.isOk()) {
    std::cerr << "ddsim capture: " << cap.status().message() << "\n";
    return kExitSetupError;
  }
  server.setPacketTap(*cap);
  for (const auto& d : server.listenerDescriptions()) std::cerr << "listening on " << d << "\n";
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  const auto end = clock.steadyNow() + common::fromSeconds(*seconds);
  while (!g_stop && clock.steadyNow() < end) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server.stop();  // what the sockets still hold is read and recorded before the tap goes
  server.setPacketTap(nullptr);
  auto summary = (*cap)->stop();
  if (!summary.isOk()) {
    std::cerr << "ddsim capture: " << summary.status().message() << "\n";
    return kExitSetupError;
  }
  std::printf("captured %llu packets (%llu bytes) into %s; %llu dropped (writer behind); parsed %lld samples, %lld events, %lld service checks\n",
              static_cast<unsigned long long>(summary->records), static_cast<unsigned long long>(summary->bytes),
              summary->path.c_str(), static_cast<unsigned long long>(summary->dropped),
              static_cast<long long>(sink.samples.load()), static_cast<long long>(sink.events.load()),
              static_cast<long long>(sink.checks.load()));
  return kExitOk;
}

}  // namespace

void registerCaptureCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<CaptureArgs>();
  auto* cmd = app.add_subcommand("capture", "Record DogStatsD traffic arriving on the listeners into a .dog file");
  cmd->add_option("--duration", a->duration, "How long to record (\"90s\", \"5m\"); Ctrl-C stops early")
      ->capture_default_str();
  cmd->add_option("--out", a->out, "The capture file to write")->required();
  cmd->add_option("--port", a->port, "UDP port on 127.0.0.1 (0 = no UDP)")->capture_default_str();
  cmd->add_option("--socket", a->socket, "Unix datagram socket path to listen on");
  cmd->add_option("--stream-socket", a->stream_socket, "Unix stream socket path to listen on");
  cmd->add_flag("--zstd", a->zstd, "Compress the capture with zstd");
  cmd->callback([a, &exit_code] { exit_code = runCapture(*a); });
}

}  // namespace ddsim::cli
