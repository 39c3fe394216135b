#pragma once
// A SampleSink that writes every call it gets as text (samples with their name, value, type,
// rate, timestamp, host and tags; events; service checks), so that two call sequences compare
// as vectors of strings.
#include <span>
#include <string>
#include <vector>

#include "core/metrics/sample_sink.h"

namespace ddsim::runner {

class SinkTranscript final : public metrics::SampleSink {
 public:
  std::vector<std::string> lines;
  void addSamples(std::span<const metrics::MetricSample> s, double now) override {
    lines.push_back("samples@" + std::to_string(now) + " n=" + std::to_string(s.size()));
    for (const auto& x : s) lines.push_back(describe(x));
  }
  void addSamplesWithoutAggregation(std::span<const metrics::MetricSample> s) override {
    lines.push_back("timestamped n=" + std::to_string(s.size()));
    for (const auto& x : s) lines.push_back(describe(x));
  }
  void addEvents(std::vector<metrics::Event>&& e) override {
    for (const auto& x : e) lines.push_back("event " + x.title + "|" + x.text + "|" + x.host);
  }
  void addServiceChecks(std::vector<metrics::ServiceCheck>&& c) override {
    for (const auto& x : c) lines.push_back("check " + x.check_name + "|" + x.message);
  }

 private:
  static std::string describe(const metrics::MetricSample& s) {
    std::string out = std::string(s.name) + "=" + std::to_string(s.value) + "/" + std::string(s.raw_value) + " t" +
                      std::to_string(static_cast<int>(s.mtype)) + " @" + std::to_string(s.sample_rate) + " ts" +
                      std::to_string(s.timestamp) + " host=" + std::string(s.host) + " tags=";
    for (auto t : s.tags) out += std::string(t) + ",";
    out += " tagger=";
    for (auto t : s.tagger_tags) out += std::string(t) + ",";
    return out;
  }
};

}  // namespace ddsim::runner
