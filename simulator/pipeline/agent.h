#pragma once
// One running agent: Demultiplexer -> Serializer -> DefaultForwarder, wired through the
// observing decorators, configured from PipelineOptions. The simulator and `ddsim agent` both
// build one of these.
//
// Time: the agent owns its flush schedule (every options.aggregator.flush_interval_seconds)
// so each flush can be measured and reported. Virtual mode: no threads; the driver calls
// tick() at nextDeadline() and everything (flushes, the forwarder's sends, retries) happens on
// its thread. Realtime mode: the forwarder runs its own workers; the driver still calls
// tick() (about every 100 ms) for flushes and the aggregator inbox.
#include <memory>
#include <optional>

#include "core/aggregator/demultiplexer.h"
#include "core/common/clock.h"
#include "core/common/random.h"
#include "core/config/pipeline_options.h"
#include "core/forwarder/default_forwarder.h"
#include "core/serializer/serializer.h"
#include "simulator/pipeline/observed_forwarder.h"
#include "simulator/pipeline/observer.h"
#include "simulator/pipeline/timed_serializer.h"
#include "simulator/pipeline/trace_agent.h"

namespace ddsim::pipeline {

struct AgentDeps {
  forwarder::Transport& transport;  // must outlive the agent
  common::Clock& clock;             // must outlive the agent
  common::Random& random;           // must outlive the agent
  PipelineObserver* observer = nullptr;
  bool virtual_time = true;
  // The disk the retry files are measured against (forwarder_storage_max_disk_ratio); null:
  // the host's, by statvfs (`ddsim agent`). The simulator passes a fixed disk.
  const forwarder::DiskUsageProvider* disk_usage = nullptr;
  // When set, the agent runs a trace agent (traces()) whose writer submits to its forwarder.
  const TraceAgentOptions* traces = nullptr;
};

class Agent {
 public:
  static common::Result<std::unique_ptr<Agent>> create(const config::PipelineOptions& options, AgentDeps deps);
  ~Agent();

  // Starts the forwarder and arms the flush schedule at the clock's time.
  common::Status start();
  // The agent's shutdown: a last flush (open buckets only with dogstatsd_flush_incomplete_buckets;
  // otherwise their samples are counted lost), then the forwarder's stop (purge or drain, retry
  // queue to disk when disk spill is on). Idempotent.
  void stop();

  // Runs what is due at the clock's time. Driver thread only.
  void tick();
  // When tick() next has something to do (virtual mode); nullopt when stopped.
  std::optional<common::SystemTime> nextDeadline() const;
  // Flushes now (outside the schedule); returns the flush index.
  int64_t flushNow();
  // True when the forwarder holds nothing: queues, retry queue and in-flight attempts empty.
  bool forwarderIdle() const;

  metrics::SampleSink& sink() { return *demux_; }
  aggregator::Demultiplexer& demux() { return *demux_; }
  serializer::Serializer& serializer() { return *serializer_; }
  forwarder::DefaultForwarder& forwarder() { return *forwarder_; }
  // The trace agent, or null when AgentDeps::traces was not set.
  TraceAgent* traces() { return traces_.get(); }
  TimedSerializer::Totals serializerTotals() const { return timed_->totals(); }
  int64_t flushCount() const { return flush_index_; }
  const config::PipelineOptions& options() const { return options_; }

 private:
  Agent(const config::PipelineOptions& options, AgentDeps deps);
  void flush(double now, bool all_buckets = false);
  double nowUnix() const { return common::toUnixSeconds(deps_.clock.systemNow()); }
  common::SystemTime toSystem(common::SteadyTime t) const;

  config::PipelineOptions options_;
  AgentDeps deps_;
  std::unique_ptr<forwarder::DefaultForwarder> forwarder_;
  std::unique_ptr<ObservedForwarder> observed_forwarder_;
  std::unique_ptr<serializer::Serializer> serializer_;
  std::unique_ptr<TimedSerializer> timed_;
  std::unique_ptr<aggregator::Demultiplexer> demux_;
  std::unique_ptr<TraceAgent> traces_;
  double flush_interval_ = 15;
  double next_flush_ = 0;
  int64_t flush_index_ = 0;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace ddsim::pipeline
