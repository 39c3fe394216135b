#include "fakeintake/store/stored_payload.h"

#include <algorithm>
#include <cctype>

#include "fakeintake/core/decompress.h"
#include "fakeintake/decoders/decoder.h"

namespace ddsim::fakeintake {

std::string redactSecret(std::string_view value) {
  if (value.size() <= 5) return std::string(value.size(), '*');
  return std::string(value.size() - 5, '*') + std::string(value.substr(value.size() - 5));
}

HeaderList redactHeaders(const HeaderList& headers) {
  HeaderList out;
  for (const auto& [name, value] : headers.entries()) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.find("key") != std::string::npos) {
      out.add(name, redactSecret(value));
    } else {
      out.add(name, value);
    }
  }
  return out;
}

size_t StoredPayload::estimateMemory() const {
  size_t n = sizeof(StoredPayload) + route.capacity() + method.capacity() + api_key.capacity() +
             encoding.capacity() + content_type.capacity() + raw.capacity() + decode_error.capacity();
  n += headers.byteSize() + headers.size() * 2 * sizeof(std::string);
  if (decoded) n += fakeintake::estimateMemory(*decoded);
  for (const auto& v : violations) n += sizeof(Violation) + v.property.capacity() + v.message.capacity();
  return n;
}

common::Result<DecodedPayload> decodeStored(const StoredPayload& p, size_t max_decompressed_bytes) {
  if (!p.decode_error.empty()) return common::failedPrecondition("payload " + std::to_string(p.id) + " did not decode: " + p.decode_error);
  // As ingest read it: Content-Encoding (the flare's encoding field is its Content-Type).
  const ContentEncoding enc = parseContentEncoding(p.headers.value("Content-Encoding"));
  auto body = decompress(enc, p.raw, max_decompressed_bytes);
  if (!body.isOk()) return body.status();
  return decodeBody(p.kind, p.content_type, std::move(body).value(), max_decompressed_bytes);
}

}  // namespace ddsim::fakeintake
