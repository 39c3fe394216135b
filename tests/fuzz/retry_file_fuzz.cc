// libFuzzer target: arbitrary bytes as a retry file (core/forwarder/transaction_codec.h). The
// first byte picks the shape: odd = the bytes as they are (magic, version, checksum checks);
// even = the rest wrapped in a valid header (bit 1: format version 2 or 1) with the right
// CRC-32, so the record parser itself is reached. Decoding returns transactions or a clear
// error, never crashes; what decodes encodes again and decodes to the same transactions.
#include <zlib.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/forwarder/transaction_codec.h"

namespace {

void putU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string wrap(std::string rest, uint32_t version) {
  if (rest.size() < 16) rest.resize(16, '\0');  // the counted header fields
  std::string file = "DDSIMRTX";
  putU32(file, version);  // 1 (no "\xFE" escape) or 2
  putU32(file, static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(rest.data()),
                                           static_cast<uInt>(rest.size()))));
  return file + rest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string file = (data[0] & 1) ? rest : wrap(rest, (data[0] & 2) ? 2 : 1);
  const ddsim::forwarder::TransactionCodec codec({"0123456789abcdef0123456789abcdef", "fuzz-key-2"});
  std::atomic<uint64_t> ids{1};
  (void)ddsim::forwarder::TransactionCodec::peekHeader(file);
  auto decoded = codec.decode(file, "https://intake.fuzz", ids);
  if (!decoded.isOk()) {
    if (decoded.status().message().empty()) std::abort();
    return 0;
  }
  std::vector<const ddsim::forwarder::Transaction*> txs;
  for (const auto& t : decoded->transactions) txs.push_back(t.get());
  const std::string again = codec.encode(txs);
  auto redecoded = codec.decode(again, "https://intake.fuzz", ids);
  if (!redecoded.isOk() || redecoded->transactions.size() != txs.size()) std::abort();
  for (size_t i = 0; i < txs.size(); ++i) {
    const auto& a = *txs[i];
    const auto& b = *redecoded->transactions[i];
    if (a.payloadSize() != b.payloadSize() || a.endpoint_name != b.endpoint_name || a.target() != b.target()) {
      std::abort();
    }
  }
  return 0;
}
