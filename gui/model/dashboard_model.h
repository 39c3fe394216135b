#pragma once
// What the dashboard shows, computed from the run's events (live_event.h), Qt-free: every
// chart's series on one time axis (seconds since the start), the markers, per-route statistics
// and the accounting funnel. The widgets only draw what this holds. Bounded: each series keeps
// at most `points_per_series` points (older ones are overwritten and counted), so memory stays
// within series x points x 16 B whatever the run's length; the run store keeps everything.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gui/model/live_event.h"
#include "gui/model/run_series.h"
#include "gui/model/series_buffer.h"

namespace ddsim::gui {

enum class ChartId {
  kFlushStages,     // per flush, stacked: aggregate, + serialize, + send (cumulative values)
  kPayloadSizes,    // per payload, per route: compressed and uncompressed bytes; limits as lines
  kThroughput,      // per second: samples in, series out, payloads
  kBytes,           // per second: bytes delivered
  kRetryQueue,      // retry-queue items and seconds of buffer left
  kRetryQueueBytes, // retry-queue bytes
  kTransactions,    // attempts per second by outcome (2xx, 4xx, 5xx, error)
  kDrops,           // cumulative drops, one series per reason (loss only)
  kContexts,        // DogStatsD contexts held
};
inline constexpr ChartId kAllCharts[] = {ChartId::kFlushStages,  ChartId::kPayloadSizes, ChartId::kThroughput,
                                         ChartId::kBytes,        ChartId::kRetryQueue,   ChartId::kRetryQueueBytes,
                                         ChartId::kTransactions, ChartId::kDrops,        ChartId::kContexts};
const char* chartTitle(ChartId c);
const char* chartUnit(ChartId c);
// File-name form ("flush_stages"), for PNG and CSV export.
const char* chartSlug(ChartId c);

struct RouteStats {
  int64_t payloads = 0;            // handed to the forwarder
  int64_t compressed_bytes = 0;
  int64_t uncompressed_bytes = 0;
  int64_t items = 0;
  std::map<std::string, int64_t> attempts_by_status;  // "202", "503", "error:timeout"
};

// The accounting identity as stages, generated to delivered, with what left at each step.
struct FunnelStage {
  std::string name;
  double value = 0;
};
struct Funnel {
  std::vector<FunnelStage> stages;
  std::map<std::string, double> drops;  // loss by reason (telemetry name), cumulative
  std::map<std::string, double> skips;  // by-design skips (non-finite values ...), not loss
};

struct HistogramBin {
  double lo = 0, hi = 0;
  int64_t count = 0;
};

// A horizontal line drawn on a chart (a configured limit).
struct LimitLine {
  std::string label;
  double value = 0;
};

class DashboardModel {
 public:
  explicit DashboardModel(size_t points_per_series = 50'000);

  void apply(const LiveEvent& e);
  void clear();

  // Series of a chart in the order they first appeared.
  std::vector<std::string> seriesNames(ChartId c) const;
  const SeriesBuffer* series(ChartId c, const std::string& name) const;
  const std::vector<Marker>& markers() const { return markers_; }
  void setLimits(ChartId c, std::vector<LimitLine> limits) { limits_[c] = std::move(limits); }
  std::vector<LimitLine> limits(ChartId c) const;

  const std::map<std::string, RouteStats>& routes() const { return routes_; }
  Funnel funnel() const;
  // Histograms of flush durations (all stages, seconds) and of one route's compressed sizes.
  std::vector<HistogramBin> flushHistogram(size_t bins) const;
  std::vector<HistogramBin> payloadHistogram(const std::string& route, size_t bins) const;

  double now() const { return now_; }            // the latest time seen
  double duration() const { return duration_; }  // the scenario's (0: unknown)
  double realSeconds() const { return real_seconds_; }
  bool finished() const { return finished_; }
  bool passed() const { return passed_; }
  const std::string& verdict() const { return verdict_; }
  int64_t flushes() const { return flushes_; }
  // Points no longer shown because a series' ring was full.
  uint64_t overwrittenPoints() const;
  // Series x capacity x 16 B: the most the chart data can take.
  size_t memoryBound() const;

 private:
  SeriesBuffer& buffer(ChartId c, const std::string& name);
  void push(ChartId c, const std::string& name, double t, double v);
  void rollAttemptSeconds(int64_t up_to);
  void applyTelemetry(double t, const std::map<std::string, double>& m);

  size_t capacity_;
  std::map<ChartId, std::vector<std::pair<std::string, SeriesBuffer>>> charts_;
  std::map<ChartId, std::vector<LimitLine>> limits_;
  std::vector<Marker> markers_;
  std::map<std::string, RouteStats> routes_;
  std::map<std::string, double> telemetry_;      // the latest value of every name
  std::map<std::string, double> prev_counters_;  // for per-second rates
  double prev_telemetry_t_ = -1;
  double send_since_flush_ = 0;
  // Attempts per whole second, by outcome, for the second in progress.
  int64_t attempt_second_ = -1;
  std::map<std::string, int64_t> attempt_counts_;
  std::vector<std::string> outcomes_seen_;
  std::vector<double> flush_totals_;
  double now_ = 0, duration_ = 0, real_seconds_ = 0;
  bool finished_ = false, passed_ = false;
  std::string verdict_;
  int64_t flushes_ = 0;
};

// Loss (true) or a by-design skip (false) for a telemetry counter name; nullopt when the name
// counts no discard at all.
std::optional<bool> discardKind(const std::string& telemetry_name);

}  // namespace ddsim::gui
