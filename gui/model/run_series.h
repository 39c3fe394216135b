#pragma once
// The standard charts of one recorded run, read from its run store (core/store) through the
// store's readers: flush duration by stage, payload sizes per endpoint, retry-queue depth,
// transport attempts by outcome, and the markers (faults, restarts) drawn on every chart's time
// axis. Everything is on one x axis: seconds since the run started. Qt-free: the dashboard's
// widgets, `ddsim report --png` and the tests all use it.
#include <map>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/store/run_store.h"
#include "gui/model/series_buffer.h"

namespace ddsim::gui {

struct Marker {
  double t = 0;
  std::string kind;   // "fault", "restart", "interrupt"
  std::string label;
};

struct RunSeries {
  // Flush duration, seconds, at each flush's time: by stage and in all.
  std::vector<Point> aggregate_seconds, serialize_seconds, flush_seconds;
  // Payload sizes handed to the forwarder, bytes, per route.
  std::map<std::string, std::vector<Point>> compressed_bytes, uncompressed_bytes;
  // Retry-queue depth (items and bytes), sampled every 5 s.
  std::vector<Point> retry_queue_items, retry_queue_bytes;
  // Transport attempts per second by outcome: "2xx", "4xx", "5xx", "error" (no answer).
  std::map<std::string, std::vector<Point>> attempts_per_second;
  std::vector<Marker> markers;
  double duration = 0;  // the last time anything happened

  // Reads every chart series of the run in `store`.
  static common::Result<RunSeries> load(store::RunStore& store);
};

// "2xx", "4xx", "5xx" or "error" for an attempt's status (0 = no answer).
std::string attemptOutcome(int status);

}  // namespace ddsim::gui
