#pragma once
// The DogStatsD message parser (spec §8.2-8.4, comp/dogstatsd/server/parse*.go). It parses one
// message (one line) and hands out views into the message and into a TagArena: nothing is
// allocated per message. Enrichment (host tag, namespace, ...) is the Enricher's job.
// Not thread-safe: one Parser per worker.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/dogstatsd/options.h"
#include "core/dogstatsd/tag_arena.h"

namespace ddsim::dogstatsd {

// By prefix: "_e{" is an event, "_sc" a service check, anything else a metric (spec §8.1).
enum class MessageKind : uint8_t { kMetric, kEvent, kServiceCheck };
MessageKind messageKind(std::string_view message);

// The type letters of the protocol (`g`, `c`, `d`, `h`, `s`, `ms`).
enum class DsdMetricType : uint8_t { kGauge, kCount, kDistribution, kHistogram, kSet, kTiming };

// Why a message was rejected. Every value is counted under parseErrorName() (spec §8).
enum class ParseError : uint8_t {
  kNone = 0,
  kMetricFormat,           // no '|' at all
  kMetricNameValue,        // no ':' in the first field, or an empty name or value
  kMetricType,             // a type other than g, c, h, d, s, ms
  kMetricValue,            // a value that is not a float, or a value list without a value
  kMetricSampleRate,       // an '@' field that is not a float
  kMetricTimestamp,        // a 'T' field that is not an integer, or is < 1
  kMetricAbsurdSampleRate, // strict mode only: rate not in (0, 1]
  kMetricAbsurdTimestamp,  // strict mode only: timestamp after year 3000
  kMetricInvalidUtf8,      // strict mode only
  kEventFormat,            // no ':' after the header
  kEventHeader,            // header too short, no ',', lengths not integers >= 0
  kEventEmptyTitle,        // title length 0
  kEventLength,            // fewer bytes than title_len + 1 + text_len
  kEventInvalidUtf8,       // strict mode only
  kServiceCheckFormat,     // fewer than two '|' or shorter than 4 bytes
  kServiceCheckName,       // empty name
  kServiceCheckStatus,     // status other than 0, 1, 2, 3
  kServiceCheckInvalidUtf8,  // strict mode only
  kTooManyTags,            // the caller's TagArena was too small (a caller bug, never input)
};
inline constexpr int kNumParseErrors = static_cast<int>(ParseError::kTooManyTags) + 1;
// A stable counter name, e.g. "metric.invalid_type".
std::string_view parseErrorName(ParseError e);
// What is wrong, for log lines, e.g. "unknown metric type (expected g, c, h, d, s or ms)".
std::string_view parseErrorDescription(ParseError e);
// The message kind a rejection belongs to.
MessageKind parseErrorKind(ParseError e);

struct ParsedMetric {
  std::string_view name;
  double value = 0;                // single value (protocol 1.0)
  std::span<const double> values;  // protocol 1.1 value list; empty for a single value
  std::string_view raw_value;      // the raw value of a set (never split)
  DsdMetricType type = DsdMetricType::kGauge;
  double sample_rate = 1;
  int64_t timestamp = 0;            // `T<ts>` when read, else 0
  std::span<std::string_view> tags; // in the TagArena; the Enricher edits them in place
  std::string_view raw_tags;        // the last `#` field without its '#' (not yet split)
  std::string_view container_id;    // from `c:` (origin detection client only)
  std::string_view external_data;   // from `e:` (origin detection client only)
  bool absurd_sample_rate = false;  // accepted, but not in (0, 1]
  bool absurd_timestamp = false;    // accepted, but after year 3000
  bool invalid_utf8 = false;        // accepted, but the name or a tag is not UTF-8
};

enum class EventPriority : uint8_t { kNormal, kLow };
enum class EventAlertType : uint8_t { kInfo, kError, kWarning, kSuccess };

struct ParsedEvent {
  std::string_view title;  // raw: the literal two bytes `\n` are not yet newlines
  std::string_view text;   // raw, as title
  int64_t timestamp = 0;
  std::string_view hostname;
  std::string_view aggregation_key;
  EventPriority priority = EventPriority::kNormal;
  std::string_view source_type;
  EventAlertType alert_type = EventAlertType::kInfo;
  std::span<std::string_view> tags;
  std::string_view container_id;
  std::string_view external_data;
  int invalid_fields = 0;  // optional fields that failed to parse and were ignored
  bool invalid_utf8 = false;
};

enum class DsdServiceCheckStatus : uint8_t { kOk = 0, kWarning = 1, kCritical = 2, kUnknown = 3 };

struct ParsedServiceCheck {
  std::string_view name;
  DsdServiceCheckStatus status = DsdServiceCheckStatus::kOk;
  int64_t timestamp = 0;
  std::string_view hostname;
  std::string_view message;
  std::span<std::string_view> tags;
  std::string_view container_id;
  std::string_view external_data;
  int invalid_fields = 0;
  bool invalid_utf8 = false;
};

class Parser {
 public:
  explicit Parser(ParserOptions options = {}) : options_(options) {}

  // Each parse call needs tags.remaining() >= message.size() + 1 (the most tags a message can
  // hold); it commits the tags it found. On error, `out` is unspecified and nothing is
  // committed. The views in `out` live as long as the message and the arena's commit.
  ParseError parseMetric(std::string_view message, TagArena& tags, ParsedMetric& out);
  // parseMetric without splitting the tags: `out.tags` is left empty and `out.raw_tags` holds
  // the tag field; splitTags(out.raw_tags, ...) then gives what parseMetric would have.
  ParseError parseMetricFields(std::string_view message, ParsedMetric& out);
  ParseError parseEvent(std::string_view message, TagArena& tags, ParsedEvent& out);
  ParseError parseServiceCheck(std::string_view message, TagArena& tags, ParsedServiceCheck& out);

  const ParserOptions& options() const { return options_; }

 private:
  ParserOptions options_;
  std::vector<double> values_;  // reused for value lists; grows to the longest list seen
};

// Splits a tag field on ',' (no trimming; empty tags are kept) into the arena's free slots.
// Returns the number of tags written (>= 1 for a non-empty field, 0 for an empty one), or -1
// when `max` slots are not enough.
int splitTags(std::string_view field, std::string_view* out, size_t max);

// The container ID named by a `c:` field's value: "<id>", "ci-<id>", or a list
// "ci-<id>,in-<inode>" (ci wins). Inodes cannot be resolved in ddsim: "in-" alone gives "".
std::string_view containerIdFromLocalData(std::string_view local_data);

}  // namespace ddsim::dogstatsd
