#include "core/forwarder/transaction_codec.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/common/le_bytes.h"

namespace ddsim::forwarder {
namespace {

constexpr char kMagic[8] = {'D', 'D', 'S', 'I', 'M', 'R', 'T', 'X'};
constexpr uint32_t kFormatVersion = 2;
constexpr uint32_t kUnescapedFormatVersion = 1;  // still read: no doubled "\xFE"
constexpr std::string_view kPlaceholderPrefix = "\xFE" "API_KEY" "\xFE";

uLong crcUpdate(uLong c, std::string_view data) {
  // zlib takes uInt lengths: feed in chunks.
  size_t off = 0;
  while (off < data.size()) {
    const size_t n = std::min<size_t>(data.size() - off, 1u << 30);
    c = crc32(c, reinterpret_cast<const Bytef*>(data.data() + off), static_cast<uInt>(n));
    off += n;
  }
  return c;
}

// CRC-32 of the counted header fields followed by the records.
uint32_t checksum(std::string_view counted_header, std::string_view body) {
  return static_cast<uint32_t>(crcUpdate(crcUpdate(crc32(0L, Z_NULL, 0), counted_header), body));
}

using common::LeReader;
using common::putStr;
using common::putU32;
using common::putU64;
using common::putU8;

}  // namespace

TransactionCodec::TransactionCodec(std::vector<std::string> api_keys) : sorted_keys_(std::move(api_keys)) {
  std::sort(sorted_keys_.begin(), sorted_keys_.end());
  sorted_keys_.erase(std::unique(sorted_keys_.begin(), sorted_keys_.end()), sorted_keys_.end());
  sorted_keys_.erase(std::remove(sorted_keys_.begin(), sorted_keys_.end(), std::string()), sorted_keys_.end());
}

std::string TransactionCodec::hideApiKeys(std::string_view s) const {
  // Left to right, keys tried in sorted order at each position (as Go's strings.Replacer).
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    bool replaced = false;
    for (size_t k = 0; k < sorted_keys_.size(); ++k) {
      const std::string& key = sorted_keys_[k];
      if (s.compare(i, key.size(), key) == 0) {
        out.append(kPlaceholderPrefix);
        out.append(std::to_string(k));
        out.push_back('\xFE');
        i += key.size();
        replaced = true;
        break;
      }
    }
    if (replaced) continue;
    if (s[i] == '\xFE') out.push_back('\xFE');  // doubled: a placeholder never starts "\xFE\xFE"
    out.push_back(s[i++]);
  }
  return out;
}

common::Result<std::string> TransactionCodec::restoreApiKeys(std::string_view s, bool escaped) const {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (escaped && s.compare(i, 2, "\xFE\xFE") == 0) {
      out.push_back('\xFE');
      i += 2;
    } else if (s.compare(i, kPlaceholderPrefix.size(), kPlaceholderPrefix) == 0) {
      size_t j = i + kPlaceholderPrefix.size();
      size_t idx = 0;
      bool digits = false;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9' && idx < sorted_keys_.size() + 1) {
        idx = idx * 10 + static_cast<size_t>(s[j] - '0');
        digits = true;
        ++j;
      }
      if (!digits || j >= s.size() || s[j] != '\xFE' || idx >= sorted_keys_.size()) {
        return common::dataLoss("cannot restore the transaction as an API key is missing");
      }
      out.append(sorted_keys_[idx]);
      i = j + 1;
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

std::string TransactionCodec::encode(const std::vector<const Transaction*>& txs) const {
  std::string body;
  uint64_t points = 0;
  for (const Transaction* t : txs) {
    putU8(body, static_cast<uint8_t>(t->priority));
    putU8(body, static_cast<uint8_t>((t->retryable ? 1 : 0) | (t->storable_on_disk ? 2 : 0)));
    putU8(body, static_cast<uint8_t>(t->kind));
    putU8(body, t->counts_attempts ? 1 : 0);
    putU64(body, static_cast<uint64_t>(
                     std::chrono::duration_cast<std::chrono::nanoseconds>(t->created_at.time_since_epoch()).count()));
    putU64(body, static_cast<uint64_t>(t->error_count));
    putStr(body, hideApiKeys(t->route));
    putStr(body, t->endpoint_name);
    putU32(body, static_cast<uint32_t>(t->headers.size()));
    for (const auto& [name, value] : t->headers) {
      putStr(body, name);
      putStr(body, hideApiKeys(value));
    }
    const serializer::Payload empty;
    const serializer::Payload& p = t->payload ? *t->payload : empty;
    putU64(body, static_cast<uint64_t>(p.point_count));
    putU64(body, static_cast<uint64_t>(p.item_count));
    putU64(body, p.uncompressed_size);
    putU64(body, p.bytes.size());
    body.append(p.bytes);
    points += static_cast<uint64_t>(std::max<int64_t>(p.point_count, 0));
  }
  std::string counted;  // the header fields after the checksum, covered by it
  putU32(counted, static_cast<uint32_t>(txs.size()));
  putU32(counted, 0);
  putU64(counted, points);
  std::string out;
  out.reserve(kRetryFileHeaderSize + body.size());
  out.append(kMagic, sizeof(kMagic));
  putU32(out, kFormatVersion);
  putU32(out, checksum(counted, body));
  out.append(counted);
  out.append(body);
  return out;
}

common::Result<RetryFileSummary> TransactionCodec::peekHeader(std::string_view bytes) {
  if (bytes.size() < kRetryFileHeaderSize) return common::dataLoss("retry file truncated: no complete header");
  if (std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) return common::dataLoss("not a ddsim retry file (bad magic)");
  LeReader r(bytes.substr(sizeof(kMagic)));
  const uint32_t version = r.u32();
  if (version != kFormatVersion && version != kUnescapedFormatVersion) {
    return common::dataLoss("unsupported retry file version " + std::to_string(version));
  }
  (void)r.u32();  // crc
  RetryFileSummary s;
  s.version = version;
  s.transactions = r.u32();
  (void)r.u32();
  s.points = r.u64();
  return s;
}

common::Result<TransactionCodec::Decoded> TransactionCodec::decode(std::string_view bytes, const std::string& domain,
                                                                   std::atomic<uint64_t>& ids) const {
  auto summary = peekHeader(bytes);
  if (!summary.isOk()) return summary.status();
  const uint32_t expected_crc = static_cast<uint32_t>(LeReader(bytes.substr(12, 4)).u32());
  const std::string_view body = bytes.substr(kRetryFileHeaderSize);
  if (checksum(bytes.substr(16, kRetryFileHeaderSize - 16), body) != expected_crc) {
    return common::dataLoss("retry file checksum mismatch (corrupt or truncated)");
  }

  Decoded out;
  LeReader r(body);
  for (uint32_t i = 0; i < summary->transactions; ++i) {
    auto t = std::make_unique<Transaction>();
    const uint8_t priority = r.u8();
    const uint8_t flags = r.u8();
    const uint8_t kind = r.u8();
    const uint8_t counts_attempts = r.u8();
    const int64_t created_ns = r.i64();
    t->error_count = r.i64();
    const std::string_view route = r.str();
    t->endpoint_name = std::string(r.str());
    const uint32_t header_count = r.u32();
    std::vector<std::pair<std::string_view, std::string_view>> raw_headers;
    for (uint32_t h = 0; h < header_count && r.ok(); ++h) {
      std::string_view name = r.str();
      std::string_view value = r.str();
      raw_headers.emplace_back(name, value);
    }
    auto payload = std::make_shared<serializer::Payload>();
    payload->point_count = r.i64();
    payload->item_count = r.i64();
    payload->uncompressed_size = static_cast<size_t>(r.u64());
    payload->bytes = std::string(r.longStr());
    if (!r.ok()) return common::dataLoss("retry file record " + std::to_string(i) + " is truncated");
    if (priority > 1 || kind > static_cast<uint8_t>(TransactionKind::kTraces)) {
      return common::dataLoss("retry file record " + std::to_string(i) + " has an invalid priority or kind");
    }
    const bool escaped = summary->version != kUnescapedFormatVersion;
    auto restored_route = restoreApiKeys(route, escaped);
    bool key_ok = restored_route.isOk();
    if (key_ok) t->route = std::move(restored_route).value();
    for (const auto& [name, value] : raw_headers) {
      if (!key_ok) break;
      auto v = restoreApiKeys(value, escaped);
      if (!v.isOk()) {
        key_ok = false;
        break;
      }
      t->headers.emplace_back(std::string(name), std::move(v).value());
    }
    if (!key_ok) {
      ++out.unknown_api_key;
      continue;
    }
    t->id = ids.fetch_add(1);
    t->domain = domain;
    t->priority = static_cast<serializer::TransactionPriority>(priority);
    t->retryable = (flags & 1) != 0;
    t->storable_on_disk = true;  // agent behaviour: restored transactions are storable again
    t->kind = static_cast<TransactionKind>(kind);
    t->counts_attempts = counts_attempts != 0;
    t->created_at = common::SystemTime(std::chrono::duration_cast<common::SystemTime::duration>(
        std::chrono::nanoseconds(created_ns)));
    t->payload = std::move(payload);
    out.transactions.push_back(std::move(t));
  }
  if (r.remaining() != 0) return common::dataLoss("retry file has trailing bytes after its records");
  return out;
}

}  // namespace ddsim::forwarder
