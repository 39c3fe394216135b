// /api/v2/orch, /api/v1/orchestrator, /api/v2/orchmanif: agent-payload process messages
// (spec §5.1): a versioned little-endian header (v1: 4 bytes, v2: 8, v3: 16 = version,
// encoding, type, subscription id, org id int32, timestamp int64) then the body in the header's
// encoding (0 protobuf, 1 JSON, 2 legacy zstd, 4 and 5 zstd 1.x; the last three compress protobuf). The body is decoded to JSON
// when the message type is in the linked protobuf schemas.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include <cstring>
#include <memory>
#include <string>

#include "fakeintake/core/decompress.h"
#include "fakeintake/decoders/decoder.h"
#include "fakeintake/decoders/orchestrator_types.h"
#include "fakeintake/decoders/proto_wire.h"

namespace ddsim::fakeintake {

using common::Result;
using common::Status;
using common::StatusCode;

namespace {

template <typename T>
T readLe(std::string_view data, size_t offset) {
  T v{};
  std::memcpy(&v, data.data() + offset, sizeof(T));  // little-endian hosts only (x86-64, arm64)
  return v;
}

bool isZstdFrame(std::string_view data) {
  return data.size() >= 4 && static_cast<unsigned char>(data[0]) == 0x28 &&
         static_cast<unsigned char>(data[1]) == 0xB5 && static_cast<unsigned char>(data[2]) == 0x2F &&
         static_cast<unsigned char>(data[3]) == 0xFD;
}

// Decodes `body` as message `m` into JSON text; "" when the type is unknown to the linked
// schemas. Errors only when a known type fails to parse.
Result<std::string> bodyToJson(const DecodedOrchestratorMessage& m, std::string_view body,
                               std::string& message_name, std::vector<DecodeNote>& notes) {
  const google::protobuf::Descriptor* desc = findOrchestratorDescriptor(m.type);
  if (!desc) return std::string();
  message_name = std::string(desc->full_name());
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(desc);
  if (!prototype) return std::string();
  std::unique_ptr<google::protobuf::Message> msg(prototype->New());
  // Invalid UTF-8 in a string field is replaced and noted, never a reject (as for series).
  if (!parseAgentProtobuf(body, *msg, notes, /*reject_unknown_top_level=*/false).isOk()) {
    return Status(StatusCode::kDataLoss,
                  "orchestrator body is not a valid " + message_name + " protobuf");
  }
  std::string out;
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  auto st = google::protobuf::util::MessageToJsonString(*msg, &out, opts);
  if (!st.ok()) return std::string();
  return out;
}

}  // namespace

Result<std::vector<DecodedOrchestratorMessage>> decodeOrchestrator(std::string_view data,
                                                                   bool manifest_route,
                                                                   size_t max_decompressed,
                                                                   std::vector<DecodeNote>& notes) {
  DecodedOrchestratorMessage m;
  std::string_view body;
  const auto version = data.empty() ? 0 : static_cast<unsigned char>(data[0]);
  if (data.size() > 4 && version >= 1 && version <= 3) {
    const size_t header_size = version == 1 ? 4 : version == 2 ? 8 : 16;
    if (data.size() < header_size) {
      return Status(StatusCode::kDataLoss, "orchestrator message header v" + std::to_string(version) +
                                               " needs " + std::to_string(header_size) +
                                               " bytes, the body has " + std::to_string(data.size()));
    }
    m.version = version;
    m.encoding = static_cast<unsigned char>(data[1]);
    m.type = static_cast<unsigned char>(data[2]);
    m.subscription_id = static_cast<unsigned char>(data[3]);
    if (version >= 2) m.org_id = readLe<int32_t>(data, 4);
    if (version >= 3) m.header_timestamp = readLe<int64_t>(data, 8);
    body = data.substr(header_size);
  } else if (manifest_route && !data.empty()) {
    // Some agent-payload versions write manifests without the header: a bare (maybe zstd) body.
    m.version = 0;
    m.type = kOrchestratorManifestType;
    m.encoding = isZstdFrame(data) ? 4 : 0;
    body = data;
    notes.push_back({"", "manifest payload has no agent-payload header; decoded as a bare body"});
  } else {
    return Status(StatusCode::kDataLoss,
                  data.size() <= 4 ? "orchestrator message too short (" + std::to_string(data.size()) +
                                         " bytes, needs a header of at least 4)"
                                   : "orchestrator message has invalid header version " +
                                         std::to_string(version) + " (expected 1, 2 or 3)");
  }
  m.type_name = orchestratorTypeName(m.type);
  m.body_bytes = body.size();
  std::string decoded_body;
  switch (m.encoding) {
    case 0:
    case 1:
      decoded_body.assign(body);
      break;
    case 2:    // zstd v0.5 frame (libzstd's legacy support decodes it)
    case 4:    // zstd 1.x (cgo)
    case 5: {  // zstd 1.x (pure Go)
      auto d = decompress(ContentEncoding::kZstd, body, max_decompressed);
      if (!d.isOk()) {
        return Status(d.status().code(), "orchestrator body (message encoding " +
                                             std::to_string(m.encoding) + "): " + d.status().message());
      }
      decoded_body = std::move(d).value();
      break;
    }
    default:
      return Status(StatusCode::kDataLoss,
                    "orchestrator message has unknown encoding " + std::to_string(m.encoding));
  }
  m.body_decoded_bytes = decoded_body.size();
  if (m.encoding == 1) {
    m.body_json = std::move(decoded_body);
  } else {
    auto json = bodyToJson(m, decoded_body, m.message_name, notes);
    if (!json.isOk()) return json.status();
    m.body_json = std::move(json).value();
  }
  std::vector<DecodedOrchestratorMessage> out;
  out.push_back(std::move(m));
  return out;
}

}  // namespace ddsim::fakeintake
