#include "core/serializer/process_message.h"

#include <string>

#include "core/serializer/compression.h"

namespace ddsim::serializer {
namespace {

constexpr size_t kLegacyMaxBlock = 128 * 1024;  // zstd v0.5 BLOCKSIZE
constexpr int kLegacyMinWindowLog = 11;        // zstd v0.5 ZSTD_WINDOWLOG_ABSOLUTEMIN

template <typename T>
void appendLe(ByteBuffer* out, T v) {
  for (size_t i = 0; i < sizeof(T); ++i) out->push(static_cast<char>(static_cast<uint64_t>(v) >> (8 * i)));
}

template <typename T>
T readLe(std::string_view d, size_t pos) {
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(d[pos + i])) << (8 * i);
  return static_cast<T>(v);
}

// A zstd v0.5 frame: magic FD2FB525 (LE), one header byte (windowLog - 11), raw blocks of at
// most 128 KiB (3-byte header: type 1 in the top two bits, 19-bit size), an end block (type 3).
void appendLegacyRawFrame(std::string_view body, ByteBuffer* out) {
  const size_t largest = body.size() < kLegacyMaxBlock ? body.size() : kLegacyMaxBlock;
  int window_log = kLegacyMinWindowLog;
  // Streaming decoders size their window from the header: it must hold the largest block.
  while ((size_t{1} << window_log) < largest) ++window_log;
  const char magic[4] = {'\x25', '\xb5', '\x2f', '\xfd'};
  out->append(magic, 4);
  out->push(static_cast<char>(window_log - kLegacyMinWindowLog));
  size_t off = 0;
  while (off < body.size()) {
    const size_t n = body.size() - off < kLegacyMaxBlock ? body.size() - off : kLegacyMaxBlock;
    out->push(static_cast<char>((1u << 6) | ((n >> 16) & 7)));
    out->push(static_cast<char>((n >> 8) & 0xFF));
    out->push(static_cast<char>(n & 0xFF));
    out->append(body.data() + off, n);
    off += n;
  }
  const char end[3] = {'\xc0', 0, 0};
  out->append(end, 3);
}

}  // namespace

common::Status encodeProcessMessage(const ProcessMessageHeader& header, std::string_view body, int zstd_level,
                                    ByteBuffer* out) {
  if (header.version != 3) return common::invalidArgument("only process message version 3 is written");
  out->push(static_cast<char>(header.version));
  out->push(static_cast<char>(header.encoding));
  out->push(static_cast<char>(header.type));
  out->push(static_cast<char>(header.subscription_id));
  appendLe(out, header.org_id);
  appendLe(out, header.timestamp);
  switch (header.encoding) {
    case ProcessMessageEncoding::kProtobuf:
    case ProcessMessageEncoding::kJson:
      out->append(body);
      return {};
    case ProcessMessageEncoding::kZstdPB:
      appendLegacyRawFrame(body, out);
      return {};
    case ProcessMessageEncoding::kZstd1xPB:
    case ProcessMessageEncoding::kZstdPBNoCgo:
      return makeCompressor(CompressorKind::kZstd, zstd_level)->compress(body, out);
  }
  return common::invalidArgument("unknown process message encoding " +
                                 std::to_string(static_cast<int>(header.encoding)));
}

common::Result<DecodedProcessMessage> decodeProcessMessage(std::string_view data, size_t max_body) {
  if (data.size() <= 4) return common::invalidArgument("invalid process message length: " + std::to_string(data.size()));
  DecodedProcessMessage m;
  m.header.version = static_cast<uint8_t>(data[0]);
  size_t header_size = 0;
  switch (m.header.version) {
    case 1: header_size = 4; break;
    case 2: header_size = 8; break;
    case 3: header_size = kProcessMessageHeaderV3Size; break;
    default:
      return common::invalidArgument("invalid process message version: " + std::to_string(m.header.version));
  }
  if (data.size() < header_size) {
    return common::invalidArgument("process message of " + std::to_string(data.size()) +
                                   " bytes is shorter than its v" + std::to_string(m.header.version) + " header");
  }
  m.header.encoding = static_cast<ProcessMessageEncoding>(static_cast<uint8_t>(data[1]));
  m.header.type = static_cast<uint8_t>(data[2]);
  m.header.subscription_id = static_cast<uint8_t>(data[3]);
  if (m.header.version >= 2) m.header.org_id = readLe<int32_t>(data, 4);
  if (m.header.version >= 3) m.header.timestamp = readLe<int64_t>(data, 8);
  const std::string_view body = data.substr(header_size);
  switch (m.header.encoding) {
    case ProcessMessageEncoding::kProtobuf:
    case ProcessMessageEncoding::kJson:
      if (body.size() > max_body) return common::Status(common::StatusCode::kResourceExhausted, "body too large");
      m.body.assign(body);
      return m;
    case ProcessMessageEncoding::kZstdPB:
    case ProcessMessageEncoding::kZstd1xPB:
    case ProcessMessageEncoding::kZstdPBNoCgo: {
      ByteBuffer out;
      auto st = makeCompressor(CompressorKind::kZstd)->decompress(body, &out, max_body);
      if (!st.isOk()) return common::Status(st.code(), "process message body: " + st.message());
      m.body = out.toString();
      return m;
    }
  }
  return common::invalidArgument("unknown process message encoding: " +
                                 std::to_string(static_cast<int>(m.header.encoding)));
}

}  // namespace ddsim::serializer
