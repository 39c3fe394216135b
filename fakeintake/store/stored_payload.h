#pragma once
// One request body as the store keeps it: receive time, redacted headers, the raw bytes, the
// decoded form (or why decoding failed) and the property violations found in it. Immutable once
// stored; shared with queries through StoredPayloadPtr.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/common/status.h"
#include "fakeintake/core/http_message.h"
#include "fakeintake/core/routes.h"
#include "fakeintake/decoders/decoded.h"

namespace ddsim::fakeintake {

struct Violation {
  std::string property;  // "Pyld10", "DdDecompressedCap", ...
  std::string message;   // what and where, e.g. "series[3] \"foo...\": name is 412 bytes (limit 350)"
};

struct StoredPayload {
  uint64_t id = 0;  // assigned by the store; increasing; the cursor of the control API
  common::SystemTime received{};
  std::string route;   // request path
  RouteKind kind = RouteKind::kGeneric;
  std::string method;
  HeaderList headers;  // API keys redacted to their last 5 characters
  std::string api_key;  // redacted DD-API-KEY (or api_key query parameter)
  // The agent fakeintake's "encoding": Content-Encoding, or Content-Type when there is none.
  std::string encoding;
  std::string content_type;
  std::string raw;     // the body as received
  size_t uncompressed_size = 0;
  int response_status = 0;
  std::string decode_error;               // why the body could not be decoded ("" when it could)
  std::optional<DecodedPayload> decoded;  // absent when decoding failed
  std::vector<Violation> violations;      // first max_violations_per_payload of them
  size_t violation_count = 0;             // all of them
  size_t memory_bytes = 0;                // set by the store (accounting)
  // The decoded form's estimated memory when it was freed after ingest (decoded_in_memory
  // false); a query that decodes it again plans with this. 0 while `decoded` is kept.
  size_t freed_decoded_bytes = 0;

  size_t estimateMemory() const;
};

// Decodes a payload whose decoded form was freed after ingest (freed_decoded_bytes > 0: the
// memory store of `fakeintake --store` keeps payloads as received) again from its raw bytes, as
// ingest did. An error when it never decoded (decode_error says why). Callers use `decoded`
// when it is kept; this builds a new copy.
common::Result<DecodedPayload> decodeStored(const StoredPayload& p, size_t max_decompressed_bytes);

// shared_ptr: a query hands out the stored payloads and serializes them outside the store's
// lock, while retention or the memory cap may evict them from the store concurrently.
using StoredPayloadPtr = std::shared_ptr<const StoredPayload>;

// "abcdefghij" -> "*****fghij": keeps the last 5 characters, as the agent logs keys.
std::string redactSecret(std::string_view value);
// Redacts every header whose name contains "key" (case-insensitive), as the agent fakeintake's
// request log does.
HeaderList redactHeaders(const HeaderList& headers);

}  // namespace ddsim::fakeintake
