// multipart/form-data bodies (RFC 7578), e.g. the agent's flare to /support/flare: the parts
// are kept as JSON {"parts":[{"name","filename","content_type","size","data"(base64)}]} so that
// they can be queried with format=json. The agent's fakeintake stores such a body as sent and
// answers 200 (test/fakeintake/server/server.go, handleDatadogRequest); a body that does not
// parse as multipart is kept as text with a note, never refused.
#include <nlohmann/json.hpp>

#include "fakeintake/core/base64.h"
#include "fakeintake/core/http_message.h"
#include "fakeintake/decoders/decoder.h"

namespace ddsim::fakeintake {

using common::Result;
using common::Status;
using common::StatusCode;

namespace {

constexpr size_t kMaxParts = 1000;

// The value of parameter `name` in a header value such as `form-data; name="a"; filename="b"`.
std::string headerParam(std::string_view value, std::string_view name) {
  size_t pos = 0;
  while ((pos = value.find(';', pos)) != std::string_view::npos) {
    ++pos;
    while (pos < value.size() && value[pos] == ' ') ++pos;
    if (value.size() - pos <= name.size() || !equalsIgnoreCase(value.substr(pos, name.size()), name) ||
        value[pos + name.size()] != '=') {
      continue;
    }
    std::string_view v = value.substr(pos + name.size() + 1);
    if (!v.empty() && v.front() == '"') {
      size_t end = v.find('"', 1);
      return std::string(v.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1));
    }
    return std::string(v.substr(0, v.find(';')));
  }
  return "";
}

}  // namespace

bool isMultipartContentType(std::string_view content_type) {
  std::string_view ct = content_type.substr(0, content_type.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  return equalsIgnoreCase(ct, "multipart/form-data");
}

Result<std::string> decodeMultipart(std::string_view body, std::string_view content_type) {
  const std::string boundary = headerParam(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 200) {
    return Status(StatusCode::kDataLoss, "multipart body without a usable boundary parameter");
  }
  const std::string delimiter = "--" + boundary;
  size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) return Status(StatusCode::kDataLoss, "multipart body without its boundary");
  nlohmann::json parts = nlohmann::json::array();
  for (;;) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") break;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n") return Status(StatusCode::kDataLoss, "multipart delimiter not followed by CRLF");
    pos += 2;
    const size_t head_end = body.find("\r\n\r\n", pos);
    if (head_end == std::string_view::npos) return Status(StatusCode::kDataLoss, "multipart part without a header end");
    std::string_view head = body.substr(pos, head_end - pos);
    const size_t data_start = head_end + 4;
    const size_t next = body.find("\r\n" + delimiter, data_start);
    if (next == std::string_view::npos) return Status(StatusCode::kDataLoss, "multipart part without a closing boundary");
    if (parts.size() >= kMaxParts) return Status(StatusCode::kDataLoss, "multipart body with more than 1000 parts");
    nlohmann::json part = {{"name", ""}, {"filename", ""}, {"content_type", "text/plain"}};
    size_t line_start = 0;
    while (line_start <= head.size()) {
      size_t line_end = head.find("\r\n", line_start);
      if (line_end == std::string_view::npos) line_end = head.size();
      std::string_view line = head.substr(line_start, line_end - line_start);
      const size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string_view name = line.substr(0, colon);
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (equalsIgnoreCase(name, "Content-Disposition")) {
          part["name"] = headerParam(value, "name");
          part["filename"] = headerParam(value, "filename");
        } else if (equalsIgnoreCase(name, "Content-Type")) {
          part["content_type"] = std::string(value);
        }
      }
      line_start = line_end + 2;
    }
    std::string_view data = body.substr(data_start, next - data_start);
    part["size"] = data.size();
    part["data"] = base64Encode(data);
    parts.push_back(std::move(part));
    pos = next + 2;
  }
  return nlohmann::json{{"parts", std::move(parts)}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ddsim::fakeintake
