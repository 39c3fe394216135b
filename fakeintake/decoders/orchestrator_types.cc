#include "fakeintake/decoders/orchestrator_types.h"

#include <google/protobuf/descriptor.h>

#include <string_view>

#include "proto/process.pb.h"

namespace ddsim::fakeintake {

namespace {

struct TypeInfo {
  int type;
  std::string_view name;     // MessageType.String()
  std::string_view message;  // collector message name
};

constexpr TypeInfo kTypes[] = {
    {12, "process", "CollectorProc"},
    {22, "network", "CollectorConnections"},
    {23, "rescollector", "ResCollector"},
    {27, "process-rt", "CollectorRealTime"},
    {39, "container", "CollectorContainer"},
    {40, "container-rt", "CollectorContainerRealTime"},
    {41, "pod", "CollectorPod"},
    {42, "replica-set", "CollectorReplicaSet"},
    {43, "deployment", "CollectorDeployment"},
    {44, "service", "CollectorService"},
    {45, "node", "CollectorNode"},
    {46, "cluster", "CollectorCluster"},
    {47, "job", "CollectorJob"},
    {48, "cron-job", "CollectorCronJob"},
    {49, "daemon-set", "CollectorDaemonSet"},
    {50, "stateful-set", "CollectorStatefulSet"},
    {51, "persistent-volume", "CollectorPersistentVolume"},
    {52, "persistent-volume-claim", "CollectorPersistentVolumeClaim"},
    {53, "process-discovery", "CollectorProcDiscovery"},
    {54, "role", "CollectorRole"},
    {55, "role-binding", "CollectorRoleBinding"},
    {56, "cluster-role", "CollectorClusterRole"},
    {57, "cluster-role-binding", "CollectorClusterRoleBinding"},
    {58, "service-account", "CollectorServiceAccount"},
    {59, "ingress", "CollectorIngress"},
    {80, "manifest", "CollectorManifest"},
};

// Packages the collector messages may live in (agent-payload uses datadog.process_agent).
constexpr std::string_view kPackages[] = {"datadog.process_agent.", "datadog.orchestrator.",
                                          "datadog.agentpayload.", "ddsim.orchestrator."};

const TypeInfo* find(int type) {
  for (const auto& t : kTypes) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

}  // namespace

std::string orchestratorTypeName(int type) {
  const TypeInfo* t = find(type);
  return t ? std::string(t->name) : std::to_string(type);
}

const google::protobuf::Descriptor* findOrchestratorDescriptor(int type) {
  const TypeInfo* t = find(type);
  if (!t) return nullptr;
  // Referencing one generated class links proto/process.proto's descriptors into the binary
  // (a static library member nobody references is dropped), so the pool can find them.
  static const google::protobuf::Descriptor* const linked = datadog::process_agent::CollectorPod::descriptor();
  (void)linked;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (auto pkg : kPackages) {
    std::string full = std::string(pkg) + std::string(t->message);
    if (const auto* d = pool->FindMessageTypeByName(full)) return d;
  }
  return nullptr;
}

}  // namespace ddsim::fakeintake
