#pragma once
// DogStatsD telemetry. A worker counts into plain ProcessorCounters (no atomics on the hot
// path) and publishes them into the shared, atomic IntakeStats after every batch.
// Names follow the agent's expvars where one exists ("dogstatsd.MetricParseErrors",
// "dogstatsd-udp.Packets", ...); ddsim's finer reasons live under "dogstatsd.rejected.*",
// "dogstatsd.observed.*" and "dogstatsd.dropped.*".
#include <array>
#include <atomic>
#include <cstdint>

#include "core/common/counters.h"
#include "core/dogstatsd/parser.h"

namespace ddsim::dogstatsd {

enum class Stat : uint8_t {
  // Framing and parsing (agent expvar map "dogstatsd").
  kPackets,                   // packets handed to a processor
  kBytes,                     // their bytes
  kMessages,                  // non-empty lines
  kMetricPackets,             // MetricPackets: metric samples produced
  kMetricParseErrors,         // MetricParseErrors
  kEventPackets,              // EventPackets
  kEventParseErrors,          // EventParseErrors
  kServiceCheckPackets,       // ServiceCheckPackets
  kServiceCheckParseErrors,   // ServiceCheckParseErrors
  kUnterminatedMetricErrors,  // UnterminatedMetricErrors: tails dropped by eol_required
  // Accepted with a remark, or dropped by enrichment.
  kMetricsBlocklisted,             // dropped by statsd_metric_blocklist
  kSamplesWithTimestamp,           // sent to the no-aggregation pipeline
  kHistogramCopies,                // histogram_copy_to_distribution samples
  kEventInvalidFields,             // optional event fields ignored
  kServiceCheckInvalidFields,      // optional service check fields ignored
  kObservedAbsurdSampleRate,       // accepted sample rate outside (0, 1]
  kObservedAbsurdTimestamp,        // accepted timestamp after year 3000
  kObservedInvalidUtf8,            // accepted message that is not UTF-8
  kInternerResets,                 // the string interner was emptied
  kContextCacheResets,             // the context cache was emptied (its age reached the expiry)
  kContextCacheFull,               // a line not cached because the cache's budget was used up
  kCount_,
};
inline constexpr int kNumStats = static_cast<int>(Stat::kCount_);
std::string_view statName(Stat s);

// Counters of one worker. Not thread-safe.
struct ProcessorCounters {
  std::array<uint64_t, kNumStats> stats{};
  std::array<uint64_t, kNumParseErrors> rejected{};  // by ParseError

  void add(Stat s, uint64_t n = 1) { stats[static_cast<size_t>(s)] += n; }
  uint64_t get(Stat s) const { return stats[static_cast<size_t>(s)]; }
  void reject(ParseError e) { ++rejected[static_cast<size_t>(e)]; }
  uint64_t rejectedBy(ParseError e) const { return rejected[static_cast<size_t>(e)]; }
  void clear() { *this = ProcessorCounters{}; }
};

// Transport-level counters (listeners, queue, capture).
enum class NetStat : uint8_t {
  kUdpPackets,               // dogstatsd-udp.Packets
  kUdpBytes,                 // dogstatsd-udp.Bytes
  kUdpReadErrors,            // dogstatsd-udp.PacketReadingErrors
  kUdsPackets,               // dogstatsd-uds.Packets (datagram and stream)
  kUdsBytes,                 // dogstatsd-uds.Bytes
  kUdsReadErrors,            // dogstatsd-uds.PacketReadingErrors
  kUdsConnections,           // stream connections accepted
  kUdsConnectionsRefused,    // over max_stream_connections
  kTruncatedPackets,         // datagrams longer than dogstatsd_buffer_size (parsed truncated)
  kKernelDrops,              // datagrams the kernel dropped (SO_RXQ_OVFL)
  kQueueFullPackets,         // packets dropped because the worker queue was full (kDrop)
  kQueueFullBytes,
  kStreamFrameTooLarge,      // stream frame longer than the buffer: connection closed
  kStreamEmptyFrame,         // zero-length stream frame: connection closed (agent behaviour)
  kStreamTruncatedFrame,     // connection closed in the middle of a frame
  kStreamQueueFullWaits,     // a stream reader held its batch on a full queue and waited (nothing lost)
  kWorkerReads,              // socket reads by workers (dogstatsd_worker_reads) that got datagrams
  kCount_,
};
inline constexpr int kNumNetStats = static_cast<int>(NetStat::kCount_);
std::string_view netStatName(NetStat s);

// The shared totals of a server. Thread-safe.
class IntakeStats {
 public:
  void merge(const ProcessorCounters& c);
  void add(NetStat s, uint64_t n = 1) {
    net_[static_cast<size_t>(s)].fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t get(Stat s) const { return stats_[static_cast<size_t>(s)].load(std::memory_order_relaxed); }
  uint64_t get(NetStat s) const { return net_[static_cast<size_t>(s)].load(std::memory_order_relaxed); }
  uint64_t rejected(ParseError e) const {
    return rejected_[static_cast<size_t>(e)].load(std::memory_order_relaxed);
  }
  // Every counter by name, zeros included.
  common::TelemetrySnapshot snapshot() const;

 private:
  std::array<std::atomic<uint64_t>, kNumStats> stats_{};
  std::array<std::atomic<uint64_t>, kNumParseErrors> rejected_{};
  std::array<std::atomic<uint64_t>, kNumNetStats> net_{};
};

// Adds the counters of `c` to `snapshot` under the same names IntakeStats uses.
void appendToSnapshot(const ProcessorCounters& c, common::TelemetrySnapshot& snapshot);

}  // namespace ddsim::dogstatsd
