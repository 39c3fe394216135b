// Differential libFuzzer target (issue 10): whatever the DogStatsD pipeline accepts, once
// aggregated by a time sampler and serialized by the project's Serializer (v2 series and
// sketches), is accepted (2xx) and decoded by the fakeintake's handler, in-process. A payload
// the intake would refuse means the agent would drop good data beside one odd line.
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/aggregator/tag_store.h"
#include "core/aggregator/time_sampler.h"
#include "core/common/clock.h"
#include "core/dogstatsd/packet_processor.h"
#include "core/serializer/forwarder_interface.h"
#include "core/serializer/serializer.h"
#include "fakeintake/handler/intake_handler.h"

namespace {

using namespace ddsim;

constexpr double kNow = 1'700'000'000;

// Everything the DogStatsD pipeline accepts goes into one time sampler.
class SamplerSink final : public metrics::SampleSink {
 public:
  explicit SamplerSink(aggregator::TimeSampler& s) : sampler_(s) {}
  void addSamples(std::span<const metrics::MetricSample> s, double now) override {
    for (const auto& m : s) sampler_.sample(m, now);
  }
  void addSamplesWithoutAggregation(std::span<const metrics::MetricSample> s) override {
    for (const auto& m : s) sampler_.sample(m, kNow);
  }
  void addEvents(std::vector<metrics::Event>&&) override {}
  void addServiceChecks(std::vector<metrics::ServiceCheck>&&) override {}

 private:
  aggregator::TimeSampler& sampler_;
};

class Collect final : public serializer::PayloadForwarder {
 public:
  common::Status submit(serializer::Submission&& s) override {
    submissions.push_back(std::move(s));
    return {};
  }
  std::vector<serializer::Submission> submissions;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  aggregator::TagStore tags;
  aggregator::TimeSamplerOptions to;
  to.hostname = "fuzz-host";
  aggregator::TimeSampler sampler(0, to, &tags);
  SamplerSink sink(sampler);
  dogstatsd::ProcessorOptions po;
  dogstatsd::PacketProcessor processor(po, sink);
  processor.process(input, dogstatsd::Transport::kUdp, kNow);
  processor.flush();

  std::vector<metrics::Serie> series;
  std::vector<metrics::SketchSeries> sketches;
  sampler.flush(kNow + 60, series, sketches);
  if (series.empty() && sketches.empty()) return 0;

  common::ManualClock clock;
  Collect forwarder;
  serializer::SerializerOptions so;
  so.hostname = "fuzz-host";
  serializer::Serializer ser(so, forwarder, clock);
  if (!series.empty()) (void)ser.sendSeries(std::move(series));
  if (!sketches.empty()) (void)ser.sendSketches(std::move(sketches));

  fakeintake::IntakeOptions io;
  io.max_memory_bytes = 64u << 20;
  fakeintake::IntakeHandler handler(io, clock);
  for (const auto& sub : forwarder.submissions) {
    for (const auto& payload : sub.payloads) {
      fakeintake::IntakeRequest req;
      req.path = std::string(serializer::endpointInfo(sub.endpoint).route);
      for (const auto& [k, v] : sub.headers) req.headers.add(k, v);
      req.headers.add("DD-API-KEY", "0123456789abcdef0123456789abcdef");
      req.body = payload->bytes;
      const fakeintake::IntakeResponse resp = handler.handle(std::move(req));
      if (resp.status < 200 || resp.status > 299) std::abort();  // the intake refused agent output
    }
  }
  // Every stored payload was decoded.
  for (const auto& p : handler.store().all(0, clock.systemNow())) {
    if (!p->decoded || !p->decode_error.empty()) std::abort();
  }
  return 0;
}
