#pragma once
// ddsim's on-disk format for retry files (spec §6.7 semantics, our own bytes). Little-endian:
//
//   header (32 bytes)
//     magic "DDSIMRTX" | u32 format version (2; 1 still read) | u32 CRC-32 of the rest of the file
//     u32 transaction count | u32 reserved (0) | u64 total point count
//   record, per transaction
//     u8 priority | u8 flags (1 retryable, 2 storable) | u8 kind | u8 counts_attempts
//     i64 created_at (Unix ns) | i64 error_count
//     str route | str endpoint name | u32 header count | (str name, str value)*
//     i64 point count | i64 item count | u64 uncompressed size | str payload
//   str = u32 length + bytes (payload: u64 length)
//
// API keys never reach the disk in clear: in the route and in header values each configured key
// of the domain is replaced by "\xFE" "API_KEY" "\xFE" <i> "\xFE", i being its index in the
// sorted key list (the agent's placeholder scheme). A placeholder that no configured key
// matches when reading makes that one transaction fail (counted), not the file. Version 2 also
// writes a literal "\xFE" byte as "\xFE\xFE", so any route or value survives the round trip
// (version 1 wrote it as it was: a "\xFE" "API_KEY" just before a key could not be read back).
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"
#include "core/forwarder/transaction.h"

namespace ddsim::forwarder {

inline constexpr size_t kRetryFileHeaderSize = 32;

struct RetryFileSummary {
  uint32_t version = 0;
  uint32_t transactions = 0;
  uint64_t points = 0;
};

class TransactionCodec {
 public:
  // `api_keys`: the domain's configured keys (any order; sorted here).
  explicit TransactionCodec(std::vector<std::string> api_keys);

  // Encodes `txs` (the caller filters out transactions that are not storable).
  std::string encode(const std::vector<const Transaction*>& txs) const;

  struct Decoded {
    std::vector<TransactionPtr> transactions;
    int64_t unknown_api_key = 0;  // transactions skipped for an unknown key placeholder
  };
  // Decodes a whole file. DataLoss (with the reason) when the magic, version, length or
  // checksum is wrong: the file is then unusable as a whole. Transactions get `domain`, fresh
  // ids from `ids`, and storable_on_disk = true.
  common::Result<Decoded> decode(std::string_view bytes, const std::string& domain,
                                 std::atomic<uint64_t>& ids) const;

  // Reads only the header (counts for telemetry when a file is removed unread).
  static common::Result<RetryFileSummary> peekHeader(std::string_view bytes);

  std::string hideApiKeys(std::string_view s) const;
  // `escaped`: the text was written by format version 2 (literal "\xFE" doubled).
  common::Result<std::string> restoreApiKeys(std::string_view s, bool escaped = true) const;

 private:
  std::vector<std::string> sorted_keys_;
};

}  // namespace ddsim::forwarder
