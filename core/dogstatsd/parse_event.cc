// Event messages: _e{<title_len>,<text_len>}:<title>|<text>[|<field>]... (spec §8.3,
// comp/dogstatsd/server/parse_events.go).
#include "core/dogstatsd/field_scanner.h"
#include "core/dogstatsd/number_parse.h"
#include "core/dogstatsd/parser.h"
#include "core/dogstatsd/utf8.h"

namespace ddsim::dogstatsd {
namespace {

bool parsePriority(std::string_view v, EventPriority& out) {
  if (v == "normal") {
    out = EventPriority::kNormal;
    return true;
  }
  if (v == "low") {
    out = EventPriority::kLow;
    return true;
  }
  return false;
}

bool parseAlertType(std::string_view v, EventAlertType& out) {
  if (v == "success") out = EventAlertType::kSuccess;
  else if (v == "info") out = EventAlertType::kInfo;
  else if (v == "warning") out = EventAlertType::kWarning;
  else if (v == "error") out = EventAlertType::kError;
  else return false;
  return true;
}

}  // namespace

ParseError Parser::parseEvent(std::string_view message, TagArena& tags, ParsedEvent& out) {
  size_t colon = message.find(':');
  if (colon == std::string_view::npos) return ParseError::kEventFormat;
  std::string_view header = message.substr(0, colon);
  std::string_view raw = message.substr(colon + 1);

  // agent behaviour: the lengths are whatever lies between "_e{" and the header's last byte,
  // which is not checked to be '}'.
  if (header.size() < 7) return ParseError::kEventHeader;
  std::string_view lengths = header.substr(3, header.size() - 4);
  size_t comma = lengths.find(',');
  if (comma == std::string_view::npos) return ParseError::kEventHeader;
  auto title_len = parseGoInt(lengths.substr(0, comma));
  if (!title_len || *title_len < 0) return ParseError::kEventHeader;
  if (*title_len == 0) return ParseError::kEventEmptyTitle;
  auto text_len = parseGoInt(lengths.substr(comma + 1));
  if (!text_len || *text_len < 0) return ParseError::kEventHeader;

  // Compare without overflow: each length alone must already fit.
  const auto size = static_cast<uint64_t>(raw.size());
  const auto tl = static_cast<uint64_t>(*title_len);
  const auto xl = static_cast<uint64_t>(*text_len);
  if (tl > size || xl > size || tl + xl + 1 > size) return ParseError::kEventLength;

  out = ParsedEvent{};
  out.title = raw.substr(0, tl);
  out.text = raw.substr(tl + 1, xl);

  std::string_view* tag_slots = tags.cursor();
  const size_t tag_room = tags.remaining();
  size_t tag_count = 0;
  if (tl + xl + 1 < size) {
    // agent behaviour: the byte after the text is skipped without checking it is '|'.
    FieldScanner fields(raw.substr(tl + xl + 2));
    while (fields.hasMore()) {
      std::string_view f = fields.next();
      bool ok = true;
      if (f.starts_with("d:")) {
        auto ts = parseGoInt(f.substr(2));
        if (ts) out.timestamp = *ts;
        ok = ts.has_value();
      } else if (f.starts_with("h:")) {
        out.hostname = f.substr(2);
      } else if (f.starts_with("k:")) {
        out.aggregation_key = f.substr(2);
      } else if (f.starts_with("p:")) {
        ok = parsePriority(f.substr(2), out.priority);
      } else if (f.starts_with("s:")) {
        out.source_type = f.substr(2);
      } else if (f.starts_with("t:")) {
        ok = parseAlertType(f.substr(2), out.alert_type);
      } else if (f.starts_with("#")) {
        int n = splitTags(f.substr(1), tag_slots, tag_room);
        if (n < 0) return ParseError::kTooManyTags;
        tag_count = static_cast<size_t>(n);
      } else if (options_.origin_detection_client && f.starts_with("c:")) {
        out.container_id = containerIdFromLocalData(f.substr(2));
      } else if (options_.origin_detection_client && f.starts_with("e:")) {
        out.external_data = f.substr(2);
      }
      // An invalid optional field is ignored; the event is still accepted (spec §8.3).
      if (!ok) ++out.invalid_fields;
    }
  }
  out.invalid_utf8 = !isValidUtf8(message);
  if (options_.reject_absurd_values && out.invalid_utf8) return ParseError::kEventInvalidUtf8;
  out.tags = tags.commit(tag_count);
  return ParseError::kNone;
}

}  // namespace ddsim::dogstatsd
