#include "core/dogstatsd/parser.h"

#include <cstring>

namespace ddsim::dogstatsd {

MessageKind messageKind(std::string_view message) {
  if (message.starts_with("_e{")) return MessageKind::kEvent;
  if (message.starts_with("_sc")) return MessageKind::kServiceCheck;
  // Anything unrecognisable is a metric (and usually fails to parse as one).
  return MessageKind::kMetric;
}

namespace {

struct ErrorInfo {
  std::string_view name;
  std::string_view description;
  MessageKind kind;
};

constexpr ErrorInfo kErrors[kNumParseErrors] = {
    {"none", "no error", MessageKind::kMetric},
    {"metric.invalid_format", "no '|' separator", MessageKind::kMetric},
    {"metric.invalid_name_value", "expected <name>:<value> with both non-empty",
     MessageKind::kMetric},
    {"metric.invalid_type", "unknown metric type (expected g, c, h, d, s or ms)",
     MessageKind::kMetric},
    {"metric.invalid_value", "value is not a number", MessageKind::kMetric},
    {"metric.invalid_sample_rate", "sample rate is not a number", MessageKind::kMetric},
    {"metric.invalid_timestamp", "timestamp is not an integer >= 1", MessageKind::kMetric},
    {"metric.absurd_sample_rate", "sample rate outside (0, 1]", MessageKind::kMetric},
    {"metric.absurd_timestamp", "timestamp after year 3000", MessageKind::kMetric},
    {"metric.invalid_utf8", "not valid UTF-8", MessageKind::kMetric},
    {"event.invalid_format", "no ':' after the event header", MessageKind::kEvent},
    {"event.invalid_header", "header is not _e{<title_len>,<text_len>} with lengths >= 0",
     MessageKind::kEvent},
    {"event.empty_title", "title length is 0", MessageKind::kEvent},
    {"event.invalid_length", "shorter than the lengths in the header", MessageKind::kEvent},
    {"event.invalid_utf8", "not valid UTF-8", MessageKind::kEvent},
    {"service_check.invalid_format", "expected _sc|<name>|<status>",
     MessageKind::kServiceCheck},
    {"service_check.empty_name", "empty name", MessageKind::kServiceCheck},
    {"service_check.invalid_status", "status is not 0, 1, 2 or 3",
     MessageKind::kServiceCheck},
    {"service_check.invalid_utf8", "not valid UTF-8", MessageKind::kServiceCheck},
    {"internal.too_many_tags", "tag buffer too small", MessageKind::kMetric},
};

}  // namespace

std::string_view parseErrorName(ParseError e) { return kErrors[static_cast<int>(e)].name; }
std::string_view parseErrorDescription(ParseError e) {
  return kErrors[static_cast<int>(e)].description;
}
MessageKind parseErrorKind(ParseError e) { return kErrors[static_cast<int>(e)].kind; }

int splitTags(std::string_view field, std::string_view* out, size_t max) {
  if (field.empty()) return 0;
  size_t n = 0;
  const char* p = field.data();
  const char* end = p + field.size();
  while (true) {
    if (n == max) return -1;
    const void* comma = std::memchr(p, ',', static_cast<size_t>(end - p));
    if (comma == nullptr) {
      out[n++] = std::string_view(p, static_cast<size_t>(end - p));
      return static_cast<int>(n);
    }
    const char* c = static_cast<const char*>(comma);
    out[n++] = std::string_view(p, static_cast<size_t>(c - p));
    p = c + 1;
  }
}

std::string_view containerIdFromLocalData(std::string_view local_data) {
  if (local_data.find(',') != std::string_view::npos) {
    std::string_view id;
    size_t pos = 0;
    while (pos <= local_data.size()) {
      size_t comma = local_data.find(',', pos);
      if (comma == std::string_view::npos) comma = local_data.size();
      std::string_view item = local_data.substr(pos, comma - pos);
      if (item.starts_with("ci-")) id = item.substr(3);
      pos = comma + 1;
    }
    return id;
  }
  if (local_data.starts_with("ci-")) return local_data.substr(3);
  if (local_data.starts_with("in-")) return {};
  return local_data;
}

}  // namespace ddsim::dogstatsd
