#pragma once
// Maps an AgentConfig onto the options structs of every pipeline module: the one place where
// agent keys (spec §10) meet the code that uses them.
#include <string>

#include "core/aggregator/options.h"
#include "core/common/status.h"
#include "core/config/agent_config.h"
#include "core/dogstatsd/options.h"
#include "core/forwarder/forwarder_options.h"
#include "core/serializer/serializer_options.h"

namespace ddsim::config {

// The trace agent's samplers, default env and writers (apm_config.*; docs/trace-agent.md §7,
// §6.1): the agent's defaults.
struct TraceSamplingOptions {
  double target_tps = 10;     // apm_config.max_traces_per_second
  double error_tps = 10;      // apm_config.errors_per_second
  bool rare_sampler = false;  // apm_config.enable_rare_sampler
  // apm_config.env if set, else env, else "none" (comp/trace/config/setup.go), as written; the
  // trace agent normalizes it as a tag.
  std::string default_env = "none";
  double writer_flush_period_s = 5;  // apm_config.trace_writer.flush_period_seconds
  // apm_config.{trace,stats}_writer.{connection_limit,queue_size}: read and checked (>= 0; 0 =
  // the agent's default); the trace writer's go to its sender (core/trace/writer_sender.h), the
  // stats writer's are not applied yet.
  int64_t trace_writer_connection_limit = 0, trace_writer_queue_size = 0;
  int64_t stats_writer_connection_limit = 0, stats_writer_queue_size = 0;
};

struct PipelineOptions {
  std::string hostname;
  std::string log_level;
  dogstatsd::ServerOptions dogstatsd;
  aggregator::DemultiplexerOptions aggregator;
  serializer::SerializerOptions serializer;
  forwarder::ForwarderOptions forwarder;
  TraceSamplingOptions traces;
};

// Builds the options; InvalidArgument (naming the key and where its value came from) for a
// value the modules cannot run with, e.g. an unknown compressor kind.
common::Result<PipelineOptions> pipelineOptions(const AgentConfig& cfg);

}  // namespace ddsim::config
