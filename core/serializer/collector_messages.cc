#include "core/serializer/collector_messages.h"

#include "core/serializer/byte_buffer.h"
#include "core/serializer/protobuf_writer.h"

namespace ddsim::serializer {
namespace {

void writeStrings(ProtoWriter& w, uint32_t field, const std::vector<std::string>& values) {
  for (const auto& v : values) w.stringAlways(field, v);
}

metrics::OrchestratorMessage message(uint8_t type, const ByteBuffer& body) {
  metrics::OrchestratorMessage m;
  m.message_type = type;
  m.body = body.toString();
  return m;
}

}  // namespace

metrics::OrchestratorMessage encodeCollectorManifest(const CollectorManifestSpec& spec) {
  ByteBuffer b;
  ProtoWriter w(b);
  w.string(1, spec.cluster_name);
  w.string(2, spec.cluster_id);
  w.int32(3, spec.group_id);
  w.int32(4, spec.group_size);
  for (const auto& m : spec.manifests) {
    auto mm = w.beginEmbedded(5);
    w.int32(1, m.type);
    w.string(2, m.resource_version);
    w.string(3, m.uid);
    w.string(4, m.content);
    w.string(5, m.content_type);
    w.string(6, m.version);
    writeStrings(w, 7, m.tags);
    w.boolean(8, m.is_terminated);
    w.string(9, m.api_version);
    w.string(10, m.node_name);
    w.string(11, m.kind);
    w.endEmbedded(mm);
  }
  writeStrings(w, 6, spec.tags);
  w.string(7, spec.host_name);
  return message(metrics::process_message_type::kManifest, b);
}

metrics::OrchestratorMessage encodeCollectorPod(const CollectorPodSpec& spec) {
  ByteBuffer b;
  ProtoWriter w(b);
  w.string(1, spec.host_name);
  w.string(2, spec.cluster_name);
  w.string(3, spec.cluster_id);
  w.int32(4, spec.group_id);
  w.int32(5, spec.group_size);
  for (const auto& p : spec.pods) {
    auto pm = w.beginEmbedded(6);
    auto md = w.beginEmbedded(1);
    w.string(1, p.name);
    w.string(2, p.ns);
    w.string(3, p.uid);
    w.int64(4, p.creation_timestamp);
    w.endEmbedded(md);
    w.string(4, p.node_name);
    w.string(5, p.phase);
    w.int32(6, p.restart_count);
    w.string(9, p.status);
    writeStrings(w, 11, p.tags);
    w.endEmbedded(pm);
  }
  writeStrings(w, 8, spec.tags);
  return message(metrics::process_message_type::kPod, b);
}

}  // namespace ddsim::serializer
