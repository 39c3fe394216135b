// Service check messages: _sc|<name>|<status>[|<field>]... (spec §8.4,
// comp/dogstatsd/server/parse_service_checks.go).
#include <algorithm>

#include "core/dogstatsd/field_scanner.h"
#include "core/dogstatsd/number_parse.h"
#include "core/dogstatsd/parser.h"
#include "core/dogstatsd/utf8.h"

namespace ddsim::dogstatsd {

ParseError Parser::parseServiceCheck(std::string_view message, TagArena& tags,
                                     ParsedServiceCheck& out) {
  if (message.size() < 4 || std::count(message.begin(), message.end(), '|') < 2) {
    return ParseError::kServiceCheckFormat;
  }
  // agent behaviour: the first four bytes are dropped as "_sc|" without looking at the fourth.
  FieldScanner fields(message.substr(4));
  out = ParsedServiceCheck{};
  out.name = fields.next();
  if (out.name.empty()) return ParseError::kServiceCheckName;
  std::string_view status = fields.hasMore() ? fields.next() : std::string_view();
  if (status.size() != 1 || status[0] < '0' || status[0] > '3') {
    return ParseError::kServiceCheckStatus;
  }
  out.status = static_cast<DsdServiceCheckStatus>(status[0] - '0');

  std::string_view* tag_slots = tags.cursor();
  const size_t tag_room = tags.remaining();
  size_t tag_count = 0;
  while (fields.hasMore()) {
    std::string_view f = fields.next();
    if (f.starts_with("d:")) {
      auto ts = parseGoInt(f.substr(2));
      if (ts) out.timestamp = *ts;
      else ++out.invalid_fields;  // ignored; the check is still accepted (spec §8.4)
    } else if (f.starts_with("h:")) {
      out.hostname = f.substr(2);
    } else if (f.starts_with("#")) {
      int n = splitTags(f.substr(1), tag_slots, tag_room);
      if (n < 0) return ParseError::kTooManyTags;
      tag_count = static_cast<size_t>(n);
    } else if (f.starts_with("m:")) {
      out.message = f.substr(2);  // ends at the next '|'
    } else if (options_.origin_detection_client && f.starts_with("c:")) {
      out.container_id = containerIdFromLocalData(f.substr(2));
    } else if (options_.origin_detection_client && f.starts_with("e:")) {
      out.external_data = f.substr(2);
    }
  }
  out.invalid_utf8 = !isValidUtf8(message);
  if (options_.reject_absurd_values && out.invalid_utf8) {
    return ParseError::kServiceCheckInvalidUtf8;
  }
  out.tags = tags.commit(tag_count);
  return ParseError::kNone;
}

}  // namespace ddsim::dogstatsd
