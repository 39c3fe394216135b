#pragma once
// The agent-payload "process message" encoding used for orchestrator payloads (/api/v2/orch,
// /api/v2/orchmanif): a versioned little-endian header, then the collector message's protobuf
// body, possibly zstd-compressed. Read from DataDog/agent-payload process/message.go and the
// agent's pkg/process/util/api/payload.go (EncodePayload):
//   v3 header (16 bytes): version u8 = 3, encoding u8, type u8, subscription id u8 (0),
//                         org id i32 (0), timestamp i64 (0: the agent leaves it unset).
//   encodings: 0 protobuf, 1 JSON, 2 zstd (legacy zstd v0.5 frame; what the agent writes for
//              orchestrator messages), 4 zstd 1.x frame (what it writes for connections),
//              5 zstd 1.x written by the pure-Go encoder.
// Thread-safe (pure functions).
#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/status.h"
#include "core/serializer/byte_buffer.h"

namespace ddsim::serializer {

enum class ProcessMessageEncoding : uint8_t {
  kProtobuf = 0,
  kJson = 1,
  kZstdPB = 2,
  kZstd1xPB = 4,
  kZstdPBNoCgo = 5,
};

struct ProcessMessageHeader {
  uint8_t version = 3;
  ProcessMessageEncoding encoding = ProcessMessageEncoding::kZstdPB;
  uint8_t type = 0;
  uint8_t subscription_id = 0;
  int32_t org_id = 0;
  int64_t timestamp = 0;
};

inline constexpr size_t kProcessMessageHeaderV3Size = 16;

// Appends the v3 header and `body` in `encoding`:
//  - kZstdPB: the body in a zstd v0.5 frame made of raw (stored) blocks. The agent compresses
//    it with the legacy zstd 0.x library, which libzstd 1.x cannot write: the frame format, and
//    so every decoder path, is the agent's, but the body is not compressed (ddsim deviation).
//  - kZstd1xPB / kZstdPBNoCgo: a zstd 1.x frame at `zstd_level`.
//  - kProtobuf / kJson: the body as is.
common::Status encodeProcessMessage(const ProcessMessageHeader& header, std::string_view body, int zstd_level,
                                    ByteBuffer* out);

struct DecodedProcessMessage {
  ProcessMessageHeader header;
  std::string body;  // the collector message's protobuf (or JSON) bytes, decompressed
};

// Reads a v1, v2 or v3 header and decodes the body. InvalidArgument for a bad header or
// encoding, DataLoss for a corrupt body, ResourceExhausted past max_body bytes.
common::Result<DecodedProcessMessage> decodeProcessMessage(std::string_view data, size_t max_body = 64u << 20);

}  // namespace ddsim::serializer
