#pragma once
// agent-payload process MessageType numbers (process/message.go) and the protobuf message each
// one carries, looked up in the schemas linked into the binary.
#include <string>

namespace google::protobuf {
class Descriptor;
}

namespace ddsim::fakeintake {

inline constexpr int kOrchestratorManifestType = 80;

// "pod", "deployment", "manifest", ... or the number as text.
std::string orchestratorTypeName(int type);
// The collector message for `type` (e.g. 41 -> CollectorPod), or null when the linked protobuf
// schemas do not define it.
const google::protobuf::Descriptor* findOrchestratorDescriptor(int type);

}  // namespace ddsim::fakeintake
