#pragma once
// Encoders for the agent-payload process "collector" messages that orchestrator payloads carry
// (proto/process.proto, from agent-payload proto/process/agent.proto), for whoever produces
// metrics::OrchestratorMessage bodies (generators, replay) without linking libprotobuf. Only
// the fields ddsim models are written; zero values are omitted like any proto3 encoder.
// Thread-safe (pure functions).
#include <cstdint>
#include <string>
#include <vector>

#include "core/metrics/orchestrator.h"

namespace ddsim::serializer {

struct ManifestSpec {
  int32_t type = 0;  // the orchestrator resource type number
  std::string resource_version;
  std::string uid;
  std::string content;  // the manifest (JSON or YAML)
  std::string content_type = "json";
  std::string version = "v1";
  std::vector<std::string> tags;
  bool is_terminated = false;
  std::string api_version;
  std::string node_name;
  std::string kind;
};

struct CollectorManifestSpec {
  std::string cluster_name;
  std::string cluster_id;
  int32_t group_id = 1;
  int32_t group_size = 1;
  std::vector<ManifestSpec> manifests;
  std::vector<std::string> tags;
  std::string host_name;
};

struct PodSpec {
  std::string name;
  std::string ns;
  std::string uid;
  int64_t creation_timestamp = 0;
  std::string node_name;
  std::string phase = "Running";
  int32_t restart_count = 0;
  std::string status = "Running";
  std::vector<std::string> tags;
};

struct CollectorPodSpec {
  std::string host_name;
  std::string cluster_name;
  std::string cluster_id;
  int32_t group_id = 1;
  int32_t group_size = 1;
  std::vector<PodSpec> pods;
  std::vector<std::string> tags;
};

// A CollectorManifest body, as an OrchestratorMessage of type manifest (80).
metrics::OrchestratorMessage encodeCollectorManifest(const CollectorManifestSpec& spec);
// A CollectorPod body, as an OrchestratorMessage of type pod (41).
metrics::OrchestratorMessage encodeCollectorPod(const CollectorPodSpec& spec);

}  // namespace ddsim::serializer
