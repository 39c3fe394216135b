#pragma once
// Orchestrator metadata and manifests as the aggregator hands them on (spec §3.4, §5.1).
// The aggregator never looks inside: it passes metadata through at once and buffers manifests
// until the flush. The serializer issue defines the encoding of `body`.
#include <cstdint>
#include <string>
#include <vector>

namespace ddsim::metrics {

struct OrchestratorMessage {
  uint8_t message_type = 0;  // the agent-payload process MessageType of `body`
  std::string body;          // protobuf-encoded collector message
};

struct OrchestratorMetadata {
  std::vector<OrchestratorMessage> messages;
  std::string cluster_id;
  int payload_type = 0;  // which orchestrator resource kind (for telemetry)
};

struct OrchestratorManifest {
  std::vector<OrchestratorMessage> messages;
  std::string cluster_id;
};

}  // namespace ddsim::metrics
