#include "core/dogstatsd/traffic_capture.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/dogstatsd/server.h"

namespace ddsim::dogstatsd {

common::Result<std::shared_ptr<TrafficCapture>> TrafficCapture::start(CaptureOptions options,
                                                                      const common::Clock& clock) {
  if (options.path.empty()) return common::invalidArgument("capture needs an output path");
  CaptureWriterOptions wo;
  wo.zstd = options.zstd;
  auto w = CaptureWriter::create(options.path, wo);
  if (!w.isOk()) return w.status();
  std::shared_ptr<TrafficCapture> c(new TrafficCapture(std::move(options), clock, std::move(w).value()));
  c->thread_ = std::thread([raw = c.get()] { raw->writerLoop(); });
  return c;
}

TrafficCapture::TrafficCapture(CaptureOptions options, const common::Clock& clock,
                               std::unique_ptr<CaptureWriter> writer)
    : options_(std::move(options)), clock_(clock), writer_(std::move(writer)) {}

TrafficCapture::~TrafficCapture() { (void)stop(); }

void TrafficCapture::onPacket(Transport, std::string_view payload, int32_t pid,
                              std::string_view ancillary) {
  const auto ts = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      clock_.systemNow().time_since_epoch())
                      .count();
  std::lock_guard<std::mutex> l(mu_);
  if (!accepting_) return;
  if (queue_.size() >= std::max<size_t>(1, options_.depth)) {
    ++dropped_;
    return;
  }
  CaptureRecord& r = queue_.emplace_back();
  r.timestamp = ts;
  r.payload.assign(payload);
  r.pid = pid;
  r.ancillary.assign(ancillary);
  bytes_ += payload.size();
  cv_.notify_one();
}

void TrafficCapture::writerLoop() {
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    cv_.wait(l, [&] { return !queue_.empty() || !accepting_; });
    if (queue_.empty() && !accepting_) break;
    CaptureRecord r = std::move(queue_.front());
    queue_.pop_front();
    l.unlock();
    common::Status st = writer_->write(r);
    l.lock();
    if (!st.isOk() && write_status_.isOk()) {
      // agent behaviour: a write error stops the capture.
      spdlog::error("dogstatsd capture: {}; stopping the capture", st.toString());
      write_status_ = st;
      accepting_ = false;
      queue_.clear();
    }
  }
  finished_ = true;
}

common::Result<CaptureSummary> TrafficCapture::stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!stopped_) {
      accepting_ = false;
      cv_.notify_all();
    }
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> l(mu_);
  if (!stopped_) {
    stopped_ = true;
    close_status_ = writer_->close(state_);
    if (close_status_.isOk() && !write_status_.isOk()) close_status_ = write_status_;
  }
  if (!close_status_.isOk()) return close_status_;
  CaptureSummary s;
  s.path = options_.path;
  s.records = writer_->records();
  s.bytes = bytes_;
  s.dropped = dropped_;
  return s;
}

uint64_t TrafficCapture::recorded() const { return writer_->records(); }

uint64_t TrafficCapture::dropped() const {
  std::lock_guard<std::mutex> l(mu_);
  return dropped_;
}

namespace {

// Counts and forgets: a capture that does not need parsed samples still runs the workers.
class DiscardingSink final : public metrics::SampleSink {
 public:
  void addSamples(std::span<const metrics::MetricSample>, double) override {}
  void addSamplesWithoutAggregation(std::span<const metrics::MetricSample>) override {}
  void addEvents(std::vector<metrics::Event>&&) override {}
  void addServiceChecks(std::vector<metrics::ServiceCheck>&&) override {}
};

}  // namespace

common::Result<CaptureSummary> runCapture(const ServerOptions& server_options,
                                          const CaptureOptions& capture, common::Duration duration,
                                          const common::Clock& clock, metrics::SampleSink* sink) {
  const auto deadline = clock.steadyNow() + duration;  // the duration counts from the call
  DiscardingSink discard;
  DogStatsdServer server(server_options, sink != nullptr ? *sink : discard, clock);
  auto cap = TrafficCapture::start(capture, clock);
  if (!cap.isOk()) return cap.status();
  server.setPacketTap(*cap);
  auto st = server.start();
  if (!st.isOk()) {
    (void)(*cap)->stop();
    return st;
  }
  while (clock.steadyNow() < deadline) {
    auto left = deadline - clock.steadyNow();
    std::this_thread::sleep_for(std::min<common::Duration>(left, std::chrono::milliseconds(50)));
  }
  server.stop();  // listeners drain first, so every packet read is also recorded
  server.setPacketTap(nullptr);
  return (*cap)->stop();
}

}  // namespace ddsim::dogstatsd
