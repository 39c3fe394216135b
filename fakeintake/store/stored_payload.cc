#include "fakeintake/store/stored_payload.h"

#include <algorithm>
#include <cctype>

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

}  // namespace ddsim::fakeintake
