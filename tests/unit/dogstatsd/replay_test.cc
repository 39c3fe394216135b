// Capture and replay (spec §8.5): pacing of the agent's reader ("record i is emitted at
// (ts_i - ts_0) * resolution after start"), scaled by --speed, --loops, the UDP / Unix /
// in-process targets, and recording what arrives on the listeners.
#include "core/dogstatsd/replay.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "core/dogstatsd/server.h"
#include "core/dogstatsd/traffic_capture.h"
#include "tests/unit/dogstatsd/recording_sink.h"
#include "tests/unit/dogstatsd/test_sockets.h"

namespace ddsim::dogstatsd {
namespace {

using testing::RecordingSink;
using testing::TempDir;

const std::string kFixture = std::string(DDSIM_TEST_DATA_DIR) + "/datadog-capture.dog";

// Advances a ManualClock instead of sleeping, and remembers every wait (as offsets from t0).
class ManualPacer final : public Pacer {
 public:
  explicit ManualPacer(common::ManualClock& clock) : clock_(clock), t0_(clock.steadyNow()) {}
  void sleepUntil(common::SteadyTime t) override {
    waits.push_back(std::chrono::duration<double>(t - t0_).count());
    if (t > clock_.steadyNow()) clock_.advance(t - clock_.steadyNow());
  }
  std::vector<double> waits;

 private:
  common::ManualClock& clock_;
  common::SteadyTime t0_;
};

// Counts what it is sent.
class CollectingTarget final : public ReplayTarget {
 public:
  common::Status send(std::string_view p) override {
    payloads.emplace_back(p);
    return fail_every > 0 && payloads.size() % fail_every == 0
               ? common::unavailable("refused")
               : common::Status::ok();
  }
  void finish() override { ++finished; }
  std::string describe() const override { return "collect"; }
  std::vector<std::string> payloads;
  size_t fail_every = 0;
  int finished = 0;
};

// The fixture's record timestamps, in seconds from the first (version 2: seconds).
std::vector<double> fixtureOffsets() {
  auto r = CaptureReader::open(kFixture);
  std::vector<double> out;
  CaptureRecord rec;
  int64_t first = -1;
  while (r.isOk() && *r->next(rec)) {
    if (first < 0) first = rec.timestamp;
    out.push_back(static_cast<double>(rec.timestamp - first));
  }
  return out;
}

struct PacingCase {
  double speed;
  int loops;
  double want_elapsed_s;
};

TEST(DsdReplayTest, RecordedCadenceScaledBySpeedSpec85) {
  const auto offsets = fixtureOffsets();
  ASSERT_EQ(offsets.size(), 21u);
  ASSERT_EQ(offsets.back(), 13.0);  // 1621285674 .. 1621285687
  const PacingCase cases[] = {{1, 1, 13}, {2, 1, 6.5}, {0.5, 1, 26}, {1, 3, 39}, {0, 2, 0}};
  for (const auto& c : cases) {
    SCOPED_TRACE("speed " + std::to_string(c.speed) + " loops " + std::to_string(c.loops));
    auto reader = CaptureReader::open(kFixture);
    ASSERT_TRUE(reader.isOk());
    common::ManualClock clock;
    ManualPacer pacer(clock);
    CollectingTarget target;
    ReplayOptions o;
    o.speed = c.speed;
    o.loops = c.loops;
    auto totals = replay(*reader, target, o, clock, pacer);
    ASSERT_TRUE(totals.isOk()) << totals.status().toString();
    EXPECT_EQ(totals->records, 21u * c.loops);
    EXPECT_EQ(totals->loops_completed, c.loops);
    EXPECT_EQ(totals->records_per_loop, 21u);
    EXPECT_EQ(target.payloads.size(), 21u * c.loops);
    EXPECT_EQ(target.finished, 1);
    EXPECT_NEAR(common::toSeconds(totals->elapsed), c.want_elapsed_s, 1e-6);
    EXPECT_NEAR(common::toSeconds(totals->recorded_span), 13.0, 1e-9);
    if (c.speed == 0) {
      EXPECT_TRUE(pacer.waits.empty());
      continue;
    }
    ASSERT_EQ(pacer.waits.size(), 21u * c.loops);
    for (int loop = 0; loop < c.loops; ++loop) {
      const double loop_start = loop * 13.0 / c.speed;
      for (size_t i = 0; i < offsets.size(); ++i) {
        EXPECT_NEAR(pacer.waits[loop * 21 + i], loop_start + offsets[i] / c.speed, 1e-6);
      }
    }
  }
}

TEST(DsdReplayTest, ProgressTotalsErrorsAndCancel) {
  auto reader = CaptureReader::open(kFixture);
  ASSERT_TRUE(reader.isOk());
  common::ManualClock clock;
  ManualPacer pacer(clock);
  CollectingTarget target;
  target.fail_every = 10;
  std::vector<ReplayProgress> reports;
  ReplayOptions o;
  o.speed = 0;
  o.loops = 2;
  o.progress_every = 5;
  o.on_progress = [&](const ReplayProgress& p) { reports.push_back(p); };
  auto totals = replay(*reader, target, o, clock, pacer);
  ASSERT_TRUE(totals.isOk());
  EXPECT_EQ(totals->send_errors, 4u);  // sends 10, 20, 30, 40 failed and were counted
  EXPECT_EQ(totals->bytes, 42u * 30u);
  // Every 5 records (8 reports for 42) plus one per loop end.
  ASSERT_EQ(reports.size(), 10u);
  EXPECT_TRUE(reports[4].loop_done);
  EXPECT_EQ(reports[4].records, 21u);
  EXPECT_EQ(reports.back().records, 42u);
  EXPECT_EQ(reports.back().records_per_loop, 21u);
  EXPECT_EQ(reports.back().loop, 1);

  std::atomic<bool> cancel{false};
  ReplayOptions c;
  c.speed = 0;
  c.progress_every = 3;
  c.cancel = &cancel;
  c.on_progress = [&](const ReplayProgress&) { cancel = true; };
  reader->rewind();
  CollectingTarget t2;
  auto cut = replay(*reader, t2, c, clock, pacer);
  ASSERT_TRUE(cut.isOk());
  EXPECT_TRUE(cut->cancelled);
  EXPECT_EQ(cut->records, 3u);
  EXPECT_EQ(cut->loops_completed, 0);
}

TEST(DsdReplayTest, InprocTargetParsesLikeAWorker) {
  RecordingSink sink;
  common::ManualClock clock;
  ManualPacer pacer(clock);
  auto reader = CaptureReader::open(kFixture);
  ASSERT_TRUE(reader.isOk());
  InprocReplayTarget target(sink, ProcessorOptions{}, clock);
  ReplayOptions o;
  o.loops = 2;
  auto totals = replay(*reader, target, o, clock, pacer);
  ASSERT_TRUE(totals.isOk());
  auto got = sink.samples();
  ASSERT_EQ(got.size(), 42u);
  for (const auto& s : got) {
    EXPECT_EQ(s.name, "jaime.uds.test");
    EXPECT_EQ(s.value, 8);
    EXPECT_EQ(s.mtype, metrics::MetricType::kGauge);
    EXPECT_EQ(s.tags, (std::vector<std::string>{"shell:test"}));
  }
  EXPECT_EQ(target.counters().get(Stat::kMetricPackets), 42u);
}

TEST(DsdReplayTest, SocketTargetsDeliverToARealServer) {
  for (const char* scheme : {"udp", "unix", "unixstream"}) {
    SCOPED_TRACE(scheme);
    TempDir dir;
    ServerOptions so;
    so.workers_count = 1;
    so.so_rcvbuf = 4 << 20;
    so.port = 0;
    so.socket_path = "";
    std::string url;
    if (std::string(scheme) == "udp") {
      so.port = ServerOptions::kRandomPort;
      so.bind_host = "127.0.0.1";
    } else if (std::string(scheme) == "unix") {
      so.socket_path = dir.file("d.sock");
      url = "unix://" + so.socket_path;
    } else {
      so.stream_socket_path = dir.file("s.sock");
      url = "unixstream://" + so.stream_socket_path;
    }
    RecordingSink sink;
    DogStatsdServer server(so, sink);
    ASSERT_TRUE(server.start().isOk());
    if (url.empty()) url = "udp://127.0.0.1:" + std::to_string(server.udpPort());
    auto target = openReplayTarget(url);
    ASSERT_TRUE(target.isOk()) << target.status().toString();
    auto reader = CaptureReader::open(kFixture);
    ASSERT_TRUE(reader.isOk());
    common::ManualClock clock;
    ManualPacer pacer(clock);
    ReplayOptions o;
    o.speed = 0;
    o.loops = 3;
    auto totals = replay(*reader, **target, o, clock, pacer);
    ASSERT_TRUE(totals.isOk());
    EXPECT_EQ(totals->send_errors, 0u);
    target->reset();  // closes the client end
    server.stop();
    EXPECT_EQ(sink.sampleCount(), 63u);
  }
}

TEST(DsdReplayTest, BadTargetsAreClearErrors) {
  struct Case {
    const char* url;
    const char* error;
  };
  const Case cases[] = {
      {"tcp://x:1", "unknown replay target"},
      {"udp://localhost", "expected HOST:PORT"},
      {"udp://localhost:0", "invalid port"},
      {"udp://localhost:http", "invalid port"},
      {"unix://relative", "absolute path"},
      {"unix:///nonexistent/dir/sock", "cannot connect"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url);
    auto t = openReplayTarget(c.url);
    ASSERT_FALSE(t.isOk());
    EXPECT_NE(t.status().message().find(c.error), std::string::npos) << t.status().message();
  }
  ReplayOptions o;
  EXPECT_FALSE(replayFile(kFixture, "inproc", o).isOk());  // no sink
  EXPECT_FALSE(replayFile("/nonexistent.dog", "inproc", o).isOk());
}

// Issue 11: a truncated or header-only file is refused before the first send, naming the
// byte offset (CaptureReader::checkComplete has the cases), and replayFile names the file.
TEST(DsdReplayTest, ATruncatedOrEmptyCaptureIsRefusedBeforeAnythingIsSent) {
  std::ifstream in(kFixture, std::ios::binary);
  const std::string fixture((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  TempDir dir;
  for (size_t cut : {size_t{8}, size_t{100000}}) {
    SCOPED_TRACE(cut);
    auto reader = CaptureReader::fromBytes(fixture.substr(0, cut));
    ASSERT_TRUE(reader.isOk());
    common::ManualClock clock;
    ManualPacer pacer(clock);
    CollectingTarget target;
    auto totals = replay(*reader, target, ReplayOptions{}, clock, pacer);
    ASSERT_FALSE(totals.isOk());
    EXPECT_EQ(totals.status().code(), common::StatusCode::kDataLoss);
    EXPECT_TRUE(target.payloads.empty());
    const std::string path = dir.file("cut.dog");
    std::ofstream(path, std::ios::binary) << fixture.substr(0, cut);
    RecordingSink sink;
    auto from_file = replayFile(path, "inproc", ReplayOptions{}, &sink);
    ASSERT_FALSE(from_file.isOk());
    EXPECT_EQ(from_file.status().message().rfind(path + ": capture ", 0), 0u) << from_file.status().message();
    EXPECT_NE(from_file.status().message().find(cut == 8 ? "has no records" : "truncated at byte offset 98960"),
              std::string::npos)
        << from_file.status().message();
  }
}

TEST(DsdTrafficCaptureTest, RecordsWhatArrivesOnTheListenersAndReplaysIt) {
  TempDir dir;
  common::ManualClock clock;
  ServerOptions so;
  so.port = ServerOptions::kRandomPort;
  so.bind_host = "127.0.0.1";
  so.socket_path = dir.file("d.sock");
  so.so_rcvbuf = 4 << 20;
  so.workers_count = 1;
  RecordingSink live;
  DogStatsdServer server(so, live, clock);
  auto cap = TrafficCapture::start({dir.file("out.dog"), true}, clock);
  ASSERT_TRUE(cap.isOk()) << cap.status().toString();
  server.setPacketTap(*cap);
  ASSERT_TRUE(server.start().isOk());
  auto udp = connectUdpSocket("127.0.0.1", server.udpPort());
  auto uds = connectUnixSocket(so.socket_path, SOCK_DGRAM);
  ASSERT_TRUE(udp.isOk());
  ASSERT_TRUE(uds.isOk());
  for (int i = 0; i < 10; ++i) {
    testing::sendAll(udp->get(), "udp.m:" + std::to_string(i) + "|c");
    testing::sendAll(uds->get(), "uds.m:" + std::to_string(i) + "|g\n_sc|chk|0");
  }
  server.stop();
  server.setPacketTap(nullptr);
  auto summary = (*cap)->stop();
  ASSERT_TRUE(summary.isOk()) << summary.status().toString();
  EXPECT_EQ(summary->records, 20u);
  EXPECT_EQ(summary->dropped, 0u);

  auto reader = CaptureReader::open(dir.file("out.dog"));
  ASSERT_TRUE(reader.isOk());
  EXPECT_TRUE(reader->wasCompressed());
  EXPECT_EQ(reader->version(), 3);
  CaptureRecord rec;
  ASSERT_TRUE(*reader->next(rec));
  // Version 3: nanosecond timestamps from the injected clock.
  EXPECT_EQ(rec.timestamp, 1'700'000'000'000'000'000);
  reader->rewind();
  RecordingSink replayed;
  InprocReplayTarget target(replayed, ProcessorOptions{}, clock);
  ManualPacer pacer(clock);
  ASSERT_TRUE(replay(*reader, target, ReplayOptions{}, clock, pacer).isOk());
  EXPECT_EQ(replayed.sampleCount(), live.sampleCount());
  EXPECT_EQ(replayed.serviceChecks().size(), 10u);
}

TEST(DsdTrafficCaptureTest, AFullCaptureQueueDropsAndCounts) {
  TempDir dir;
  common::ManualClock clock;
  CaptureOptions o;
  o.path = dir.file("small.dog");
  o.depth = 1;
  auto cap = TrafficCapture::start(o, clock);
  ASSERT_TRUE(cap.isOk());
  const std::string payload(4000, 'x');
  for (int i = 0; i < 2000; ++i) (*cap)->onPacket(Transport::kUdp, payload, 0, {});
  auto s = (*cap)->stop();
  ASSERT_TRUE(s.isOk());
  EXPECT_EQ(s->records + s->dropped, 2000u);
  (*cap)->onPacket(Transport::kUdp, payload, 0, {});  // after stop: ignored
  EXPECT_EQ((*cap)->recorded(), s->records);
  auto again = (*cap)->stop();
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ(again->records, s->records);
  EXPECT_FALSE(TrafficCapture::start({"/nonexistent/dir/x.dog"}, clock).isOk());
}

TEST(DsdTrafficCaptureTest, OriginDetectionRecordsTheSendersPidLikeTheAgent) {
  // dogstatsd_origin_detection: SO_PASSCRED on the Unix socket; the capture keeps the pid and
  // the raw SCM_CREDENTIALS message (32 bytes, as in the agent's own capture, spec §8.5).
  TempDir dir;
  common::ManualClock clock;
  ServerOptions so;
  so.port = 0;
  so.socket_path = dir.file("d.sock");
  so.origin_detection = true;
  so.workers_count = 1;
  RecordingSink sink;
  DogStatsdServer server(so, sink, clock);
  auto cap = TrafficCapture::start({dir.file("o.dog")}, clock);
  ASSERT_TRUE(cap.isOk());
  server.setPacketTap(*cap);
  ASSERT_TRUE(server.start().isOk());
  auto uds = connectUnixSocket(so.socket_path, SOCK_DGRAM);
  ASSERT_TRUE(uds.isOk());
  testing::sendAll(uds->get(), "with.origin:1|c");
  server.stop();
  ASSERT_TRUE((*cap)->stop().isOk());
  auto reader = CaptureReader::open(dir.file("o.dog"));
  ASSERT_TRUE(reader.isOk());
  CaptureRecord rec;
  ASSERT_TRUE(*reader->next(rec));
  EXPECT_EQ(rec.pid, ::getpid());
  EXPECT_EQ(rec.ancillary.size(), 32u);
  auto state = reader->readState();
  ASSERT_TRUE(state.isOk());
  EXPECT_TRUE(state->pid_map.empty());  // no tagger: no container IDs to map pids to
  EXPECT_EQ(sink.sampleCount(), 1u);
}

TEST(DsdTrafficCaptureTest, RunCaptureRecordsForTheGivenClockDuration) {
  TempDir dir;
  common::ManualClock clock;
  ServerOptions so;
  so.port = 0;
  so.socket_path = dir.file("d.sock");
  so.workers_count = 1;
  CaptureOptions co;
  co.path = dir.file("run.dog");
  RecordingSink sink;
  common::Result<CaptureSummary> result = common::internalError("not run");
  std::thread t([&] { result = runCapture(so, co, std::chrono::seconds(30), clock, &sink); });
  // The socket appears once the server runs; then send, then let the 30 s of clock time pass.
  ASSERT_TRUE(testing::eventually([&] { return std::filesystem::exists(so.socket_path); }));
  auto uds = connectUnixSocket(so.socket_path, SOCK_DGRAM);
  ASSERT_TRUE(uds.isOk());
  for (int i = 0; i < 5; ++i) testing::sendAll(uds->get(), "cap:1|c");
  clock.advance(std::chrono::seconds(31));
  t.join();
  ASSERT_TRUE(result.isOk()) << result.status().toString();
  EXPECT_EQ(result->records, 5u);
  EXPECT_EQ(sink.sampleCount(), 5u);
  auto reader = CaptureReader::open(co.path);
  ASSERT_TRUE(reader.isOk());
  EXPECT_EQ(reader->version(), 3);
}

}  // namespace
}  // namespace ddsim::dogstatsd
