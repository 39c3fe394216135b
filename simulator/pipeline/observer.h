#pragma once
// What the running pipeline tells its observers (STYLE seam 7): one record per flush, per
// payload and per transport attempt. The report writer is an observer; so is the GUI.
// Observers are called from the pipeline's threads (in virtual mode: the one driver thread);
// an observer used in realtime mode must be thread-safe.
#include <cstdint>
#include <map>
#include <string>

namespace ddsim::pipeline {

// One aggregator flush and what it produced. Times are seconds: `start` is the virtual (or
// wall) flush time; the *_seconds durations are measured CPU-side wall time, not virtual.
struct FlushRecord {
  int64_t index = 0;
  double start = 0;                 // Unix seconds of the flush trigger
  double aggregate_seconds = 0;     // time samplers, check samplers (flush minus serialize)
  double serialize_seconds = 0;     // inside the serializer
  double aggregate_cpu_seconds = 0;  // the same two as CPU time of the flushing thread
  double serialize_cpu_seconds = 0;
  int64_t series = 0;
  int64_t sketches = 0;
  int64_t service_checks = 0;
  int64_t events = 0;
  int64_t contexts = 0;             // DogStatsD contexts held after the flush
};

// One payload as the serializer handed it to the forwarder.
struct PayloadRecord {
  int64_t flush_index = 0;      // the flush it came from (-1: outside a flush, e.g. orchestrator)
  std::string route;            // e.g. "/api/v2/series"
  int64_t compressed_bytes = 0;
  int64_t uncompressed_bytes = 0;
  int64_t items = 0;
  int64_t points = 0;
};

// One attempt to send a transaction.
struct AttemptRecord {
  std::string method;
  std::string route;
  int status = 0;              // HTTP status; 0 when there was no response
  std::string error;           // transport error name when there was no response
  int64_t bytes = 0;
  double seconds = 0;          // measured wall time of the attempt
  double simulated_seconds = 0;  // latency the intake announced in virtual time
};

class PipelineObserver {
 public:
  virtual ~PipelineObserver() = default;
  virtual void onFlush(const FlushRecord&) {}
  virtual void onPayload(const PayloadRecord&) {}
  virtual void onAttempt(const AttemptRecord&) {}
};

}  // namespace ddsim::pipeline
