// Metric messages: <name>:<value>[:<value>...]|<type>[|<field>]... (spec §8.2,
// comp/dogstatsd/server/parse.go parseMetricSample).
#include <cstring>

#include "core/dogstatsd/field_scanner.h"
#include "core/dogstatsd/number_parse.h"
#include "core/dogstatsd/parser.h"
#include "core/dogstatsd/utf8.h"

namespace ddsim::dogstatsd {
namespace {

constexpr int64_t kYear3000 = 32503680000;

bool parseType(std::string_view t, DsdMetricType& out) {
  if (t.size() == 1) {
    switch (t[0]) {
      case 'g': out = DsdMetricType::kGauge; return true;
      case 'c': out = DsdMetricType::kCount; return true;
      case 'h': out = DsdMetricType::kHistogram; return true;
      case 'd': out = DsdMetricType::kDistribution; return true;
      case 's': out = DsdMetricType::kSet; return true;
      default: return false;
    }
  }
  if (t == "ms") {
    out = DsdMetricType::kTiming;
    return true;
  }
  return false;
}

// Protocol 1.1 value list: empty entries ("1::2") are skipped; no value at all is an error.
bool parseValueList(std::string_view raw, std::vector<double>& values) {
  values.clear();
  while (!raw.empty()) {
    size_t idx = raw.find(':');
    if (idx == 0) {
      raw.remove_prefix(1);
      continue;
    }
    std::string_view item = idx == std::string_view::npos ? raw : raw.substr(0, idx);
    double v;
    if (!parseGoFloat(item, &v)) return false;
    values.push_back(v);
    if (idx == std::string_view::npos) break;
    raw.remove_prefix(idx + 1);
  }
  return !values.empty();
}

}  // namespace

ParseError Parser::parseMetric(std::string_view message, TagArena& tags, ParsedMetric& out) {
  const ParseError err = parseMetricFields(message, out);
  if (err != ParseError::kNone) return err;
  // Only the last tag field counts (spec §8.2), so it is the only one split.
  const int n = splitTags(out.raw_tags, tags.cursor(), tags.remaining());
  if (n < 0) return ParseError::kTooManyTags;
  out.tags = tags.commit(static_cast<size_t>(n));
  return ParseError::kNone;
}

ParseError Parser::parseMetricFields(std::string_view message, ParsedMetric& out) {
  FieldScanner fields(message);
  std::string_view name_value = fields.next();
  if (!fields.hasMore()) return ParseError::kMetricFormat;  // no '|' at all
  size_t colon = name_value.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == name_value.size()) {
    return ParseError::kMetricNameValue;
  }
  // Every field is set below (no `out = ParsedMetric{}`: zeroing 136 bytes per line shows up).
  out.name = name_value.substr(0, colon);
  out.value = 0;
  out.values = {};
  out.raw_value = {};
  out.sample_rate = 1;
  out.timestamp = 0;
  out.container_id = {};
  out.external_data = {};
  out.tags = {};
  out.raw_tags = {};
  std::string_view raw_value = name_value.substr(colon + 1);

  if (!parseType(fields.next(), out.type)) return ParseError::kMetricType;

  if (out.type == DsdMetricType::kSet) {
    out.raw_value = raw_value;  // sets are never split
  } else if (!parseGoFloat(raw_value, &out.value)) {
    // Not one number: a protocol 1.1 value list when it has a ':' (a float never does).
    if (raw_value.find(':') == std::string_view::npos || !parseValueList(raw_value, values_)) {
      return ParseError::kMetricValue;
    }
    out.value = 0;
    out.values = std::span<const double>(values_.data(), values_.size());
  }

  // Unknown fields are ignored; for repeated ones the last wins (spec §8.2).
  while (fields.hasMore()) {
    std::string_view f = fields.next();
    if (f.empty()) continue;
    switch (f[0]) {
      case '#': out.raw_tags = f.substr(1); break;
      case '@': {
        if (!parseGoFloat(f.substr(1), &out.sample_rate)) return ParseError::kMetricSampleRate;
        break;
      }
      case 'T': {
        if (!options_.read_timestamps) break;
        int64_t ts;
        if (!parseGoInt(f.substr(1), &ts) || ts < 1) return ParseError::kMetricTimestamp;
        out.timestamp = ts;
        break;
      }
      case 'c':
        if (options_.origin_detection_client && f.starts_with("c:")) {
          out.container_id = containerIdFromLocalData(f.substr(2));
        }
        break;
      case 'e':
        if (options_.origin_detection_client && f.starts_with("e:")) {
          out.external_data = f.substr(2);
        }
        break;
      default:
        break;
    }
  }

  out.absurd_sample_rate = !(out.sample_rate > 0 && out.sample_rate <= 1);
  out.absurd_timestamp = out.timestamp > kYear3000;
  out.invalid_utf8 = !isValidUtf8(message);
  if (options_.reject_absurd_values) {
    if (out.absurd_sample_rate) return ParseError::kMetricAbsurdSampleRate;
    if (out.absurd_timestamp) return ParseError::kMetricAbsurdTimestamp;
    if (out.invalid_utf8) return ParseError::kMetricInvalidUtf8;
  }
  return ParseError::kNone;
}

}  // namespace ddsim::dogstatsd
