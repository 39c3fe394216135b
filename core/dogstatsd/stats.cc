#include "core/dogstatsd/stats.h"

#include <string>

namespace ddsim::dogstatsd {
namespace {

constexpr std::string_view kStatNames[kNumStats] = {
    "dogstatsd.packets",
    "dogstatsd.bytes",
    "dogstatsd.messages",
    "dogstatsd.MetricPackets",
    "dogstatsd.MetricParseErrors",
    "dogstatsd.EventPackets",
    "dogstatsd.EventParseErrors",
    "dogstatsd.ServiceCheckPackets",
    "dogstatsd.ServiceCheckParseErrors",
    "dogstatsd.UnterminatedMetricErrors",
    "dogstatsd.dropped.blocklisted",
    "dogstatsd.samples_with_timestamp",
    "dogstatsd.histogram_copies",
    "dogstatsd.observed.event_invalid_field",
    "dogstatsd.observed.service_check_invalid_field",
    "dogstatsd.observed.absurd_sample_rate",
    "dogstatsd.observed.absurd_timestamp",
    "dogstatsd.observed.invalid_utf8",
    "dogstatsd.string_interner_resets",
    "dogstatsd.context_cache_resets",
    "dogstatsd.observed.context_cache_full",
};

constexpr std::string_view kNetStatNames[kNumNetStats] = {
    "dogstatsd-udp.Packets",
    "dogstatsd-udp.Bytes",
    "dogstatsd-udp.PacketReadingErrors",
    "dogstatsd-uds.Packets",
    "dogstatsd-uds.Bytes",
    "dogstatsd-uds.PacketReadingErrors",
    "dogstatsd-uds.connections",
    "dogstatsd.dropped.connections_refused",
    "dogstatsd.observed.truncated_packets",
    "dogstatsd.dropped.kernel_drops",
    "dogstatsd.dropped.queue_full_packets",
    "dogstatsd.dropped.queue_full_bytes",
    "dogstatsd.dropped.stream_frame_too_large",
    "dogstatsd.dropped.stream_empty_frame",
    "dogstatsd.dropped.stream_truncated_frame",
    "dogstatsd.observed.stream_queue_full_waits",
    "dogstatsd.observed.worker_reads",
};

std::string rejectedName(int i) {
  return "dogstatsd.rejected." + std::string(parseErrorName(static_cast<ParseError>(i)));
}

}  // namespace

std::string_view statName(Stat s) { return kStatNames[static_cast<size_t>(s)]; }
std::string_view netStatName(NetStat s) { return kNetStatNames[static_cast<size_t>(s)]; }

void IntakeStats::merge(const ProcessorCounters& c) {
  for (size_t i = 0; i < c.stats.size(); ++i) {
    if (c.stats[i] != 0) stats_[i].fetch_add(c.stats[i], std::memory_order_relaxed);
  }
  for (size_t i = 0; i < c.rejected.size(); ++i) {
    if (c.rejected[i] != 0) rejected_[i].fetch_add(c.rejected[i], std::memory_order_relaxed);
  }
}

common::TelemetrySnapshot IntakeStats::snapshot() const {
  common::TelemetrySnapshot out;
  for (int i = 0; i < kNumStats; ++i) {
    out[std::string(kStatNames[i])] = static_cast<double>(stats_[i].load(std::memory_order_relaxed));
  }
  for (int i = 1; i < kNumParseErrors; ++i) {
    out[rejectedName(i)] = static_cast<double>(rejected_[i].load(std::memory_order_relaxed));
  }
  for (int i = 0; i < kNumNetStats; ++i) {
    out[std::string(kNetStatNames[i])] = static_cast<double>(net_[i].load(std::memory_order_relaxed));
  }
  return out;
}

void appendToSnapshot(const ProcessorCounters& c, common::TelemetrySnapshot& snapshot) {
  for (int i = 0; i < kNumStats; ++i) {
    snapshot[std::string(kStatNames[i])] += static_cast<double>(c.stats[i]);
  }
  for (int i = 1; i < kNumParseErrors; ++i) {
    snapshot[rejectedName(i)] += static_cast<double>(c.rejected[i]);
  }
}

}  // namespace ddsim::dogstatsd
