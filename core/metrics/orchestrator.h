#pragma once
// Orchestrator metadata and manifests as the aggregator hands them on (spec §3.4, §5.1).
// The aggregator never looks inside: it passes metadata through at once and buffers manifests
// until the flush. `body` is the protobuf encoding of one agent-payload process "collector"
// message (e.g. CollectorPod, CollectorManifest; schema in proto/process.proto); the serializer
// wraps it in the process message encoding (versioned header + maybe-compressed body).
#include <cstdint>
#include <string>
#include <vector>

namespace ddsim::metrics {

// The agent-payload process MessageType of a collector message (process/message.go). Only the
// orchestrator ones and a few others are named; any uint8_t value is carried through.
namespace process_message_type {
inline constexpr uint8_t kProcess = 12;
inline constexpr uint8_t kConnections = 22;
inline constexpr uint8_t kContainer = 39;
inline constexpr uint8_t kPod = 41;
inline constexpr uint8_t kReplicaSet = 42;
inline constexpr uint8_t kDeployment = 43;
inline constexpr uint8_t kService = 44;
inline constexpr uint8_t kNode = 45;
inline constexpr uint8_t kCluster = 46;
inline constexpr uint8_t kJob = 47;
inline constexpr uint8_t kCronJob = 48;
inline constexpr uint8_t kDaemonSet = 49;
inline constexpr uint8_t kStatefulSet = 50;
inline constexpr uint8_t kPersistentVolume = 51;
inline constexpr uint8_t kPersistentVolumeClaim = 52;
inline constexpr uint8_t kRole = 54;
inline constexpr uint8_t kRoleBinding = 55;
inline constexpr uint8_t kClusterRole = 56;
inline constexpr uint8_t kClusterRoleBinding = 57;
inline constexpr uint8_t kServiceAccount = 58;
inline constexpr uint8_t kIngress = 59;
inline constexpr uint8_t kNamespace = 61;
inline constexpr uint8_t kManifest = 80;
inline constexpr uint8_t kManifestCrd = 81;
inline constexpr uint8_t kManifestCr = 82;
inline constexpr uint8_t kVerticalPodAutoscaler = 83;
inline constexpr uint8_t kHorizontalPodAutoscaler = 84;
inline constexpr uint8_t kNetworkPolicy = 85;
inline constexpr uint8_t kLimitRange = 86;
inline constexpr uint8_t kStorageClass = 87;
inline constexpr uint8_t kPodDisruptionBudget = 88;
inline constexpr uint8_t kEcsTask = 200;
}  // namespace process_message_type

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
