#include "fakeintake/properties/property_checker.h"

#include <cctype>
#include <charconv>
#include <cmath>

#include "fakeintake/core/decompress.h"
#include "fakeintake/decoders/decoder.h"

namespace ddsim::fakeintake {

namespace {

const std::vector<PropertyInfo> kCatalog = {
    {"Pyld01", "Content-Type", "Content-Type is application/x-protobuf or application/json"},
    {"Pyld02", "Content-Encoding", "Content-Encoding is deflate, gzip, zstd or identity"},
    {"Pyld03", "API Key", "DD-Api-Key header present and non-empty"},
    {"Pyld05", "Compressed Size", "body as sent within the route's limit (series v2 512,000 B; others 2,621,440 B)"},
    {"Pyld06", "Uncompressed Size", "decompressed body within the route's limit (series v2 5,242,880 B; others 4,194,304 B)"},
    {"Pyld07", "Decode", "body decodes as the route's payload format"},
    {"Pyld08", "Point Count", "points per series v2 payload <= serializer_max_series_points_per_payload"},
    {"Pyld09", "Metric Non-Empty", "metric name is not empty"},
    {"Pyld10", "Metric Length", "metric name <= 350 bytes"},
    {"Pyld11", "Metric Alphabetic", "metric name has at least one ASCII letter"},
    {"Pyld12", "Type Enum", "series type is count, rate or gauge"},
    {"Pyld13", "Tag Count", "at most 100 tags"},
    {"Pyld14", "Tag Prefix Reserved", "no series tag starts with device: or dd.internal.resource:"},
    {"Pyld15", "Per-Series Point Count", "points per series <= serializer_max_series_points_per_payload"},
    {"Pyld16", "Origin Valid", "origin metadata, when present, has product 10 and category 0, 10 or 11"},
    {"Pyld17", "Host Resource Resolved", "every series has a non-empty host resource"},
    {"Pyld18", "Resource Count", "at most 500 resources per series"},
    {"Pyld19", "Host Name Length", "host name <= 255 bytes"},
    {"Pyld20", "Value Not-NaN", "no NaN values"},
    {"Pyld21", "Timestamp Future Bound", "timestamps <= intake now + 600 s"},
    {"Pyld22", "Content-Length", "Content-Length absent or equal to the body size"},
    {"Pyld23", "Tag Length", "each tag <= 200 bytes"},
    {"Pyld24", "Tag Set Size", "total tag bytes per series <= 100 KiB"},
    {"Pyld25", "Points Non-Empty", "a series carries at least one point"},
    {"Pyld50", "Strict UTF-8", "strings are valid UTF-8 (invalid sequences are decoded as U+FFFD)"},
    {"DdCheckStatus", "Check Status", "check run status is 0..3"},
    {"DdDecompressedCap", "Decompressed Cap", "decompressed body within the fakeintake's hard cap (default 64 MiB)"},
    // The agent's own "Agent Startup" event has an empty title and a text ("Version X", spec
    // §3.4, AddAgentStartupTelemetry): what must not be empty is the pair.
    {"DdEventTitle", "Event Title", "an event has a non-empty msg_title or msg_text"},
    {"DdSketchBins", "Sketch Bins", "a dogsketch has as many counts (n) as keys (k), keys ascending"},
    {"DdStatsBucket", "Stats Bucket", "a stats bucket has a duration and starts on a multiple of it"},
    {"DdStatsCounts", "Stats Counts", "a stats group's errors and top-level hits are at most its hits"},
    {"DdStatsFields", "Stats Fields", "a stats group has a service and a name; a payload's env is set"},
    {"DdStatsSketch", "Stats Sketches", "ok/error summaries decode; they hold at most hits - errors and errors values"},
    {"DdTraceDuration", "Span Duration", "a span's duration is >= 0 and its start > 0"},
    {"DdTraceFields", "Span Fields", "a span's service, name and resource are set; a chunk has spans"},
    {"DdTraceIds", "Span Ids", "trace and span ids are nonzero; the spans of a chunk share its trace id"},
    {"DdTracePriority", "Sampling Priority", "a chunk's priority is -1..2, or -128 (no decision)"},
};

bool hasAsciiLetter(std::string_view s) {
  for (unsigned char c : s) {
    if (std::isalpha(c)) return true;
  }
  return false;
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, 60));
  if (s.size() > 60) out += "...";
  return out + "\"";
}

// Digits by to_chars and one sized string (no temporary from to_string).
std::string indexed(std::string_view base, size_t i) {
  char digits[24];
  const char* end = std::to_chars(digits, digits + sizeof digits, i).ptr;
  std::string s;
  s.reserve(base.size() + static_cast<size_t>(end - digits) + 2);
  s.append(base).append(1, '[').append(digits, static_cast<size_t>(end - digits)).append(1, ']');
  return s;
}

std::string operator+(const PropertyChecker::Where& w, const char* tail) { return indexed(w.base, w.index) + tail; }

}  // namespace

const std::vector<PropertyInfo>& propertyCatalog() { return kCatalog; }

PropertyChecker::PropertyChecker(const IntakeOptions& options)
    : enabled_all_(options.check_properties),
      disabled_(options.disabled_properties),
      limits_(options.limits) {}

bool PropertyChecker::enabled(std::string_view id) const {
  return enabled_all_ && disabled_.find(std::string(id)) == disabled_.end();
}

void PropertyChecker::add(std::vector<Violation>& out, std::string_view id, std::string message) const {
  if (!enabled(id)) return;
  out.push_back(Violation{std::string(id), std::move(message)});
}

void PropertyChecker::checkEnvelope(RouteKind kind, const IntakeRequest& req,
                                    size_t uncompressed_size, bool decompressed,
                                    std::vector<Violation>& out) const {
  if (kind == RouteKind::kGeneric || kind == RouteKind::kValidate) return;
  std::string_view ct = req.headers.value("Content-Type");
  std::string_view base = ct.substr(0, ct.find(';'));
  // The trace agent's stats are msgpack (docs/trace-agent.md §8.3).
  const bool msgpack_ok = kind == RouteKind::kStats && base == "application/msgpack";
  if (base != "application/x-protobuf" && !isJsonContentType(ct) && !msgpack_ok) {
    add(out, "Pyld01", "Content-Type is \"" + std::string(ct) + "\"");
  }
  std::string_view ce = req.headers.value("Content-Encoding");
  if (parseContentEncoding(ce) == ContentEncoding::kUnsupported) {
    add(out, "Pyld02", "Content-Encoding is \"" + std::string(ce) + "\"");
  }
  auto key = req.headers.get("DD-API-KEY");
  if (!key || key->empty()) add(out, "Pyld03", "DD-Api-Key header missing or empty");
  const bool v2 = kind == RouteKind::kSeriesV2;
  const size_t max_c = v2 ? limits_.series_v2_max_compressed : limits_.default_max_compressed;
  const size_t max_u = v2 ? limits_.series_v2_max_uncompressed : limits_.default_max_uncompressed;
  if (req.body.size() > max_c) {
    add(out, "Pyld05", "body is " + std::to_string(req.body.size()) + " bytes as sent (limit " +
                           std::to_string(max_c) + ")");
  }
  if (decompressed && uncompressed_size > max_u) {
    add(out, "Pyld06", "body is " + std::to_string(uncompressed_size) +
                           " bytes decompressed (limit " + std::to_string(max_u) + ")");
  }
  if (auto cl = req.headers.get("Content-Length")) {
    uint64_t n = 0;
    auto [p, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), n);
    if (ec != std::errc() || p != cl->data() + cl->size() || n != req.body.size()) {
      add(out, "Pyld22", "Content-Length \"" + std::string(*cl) + "\" but the body has " +
                             std::to_string(req.body.size()) + " bytes");
    }
  }
}

void PropertyChecker::checkName(const Where& where, std::string_view name,
                                std::vector<Violation>& out) const {
  if (name.empty()) {
    add(out, "Pyld09", where + ": metric name is empty");
    return;
  }
  if (name.size() > limits_.max_metric_name_bytes) {
    add(out, "Pyld10", where + " " + quoted(name) + ": metric name is " + std::to_string(name.size()) +
                           " bytes (limit " + std::to_string(limits_.max_metric_name_bytes) + ")");
  }
  if (!hasAsciiLetter(name)) {
    add(out, "Pyld11", where + " " + quoted(name) + ": metric name has no ASCII letter");
  }
}

void PropertyChecker::checkTags(const Where& where, const std::vector<std::string>& tags,
                                bool series, std::vector<Violation>& out) const {
  if (tags.size() > limits_.max_tags) {
    add(out, "Pyld13", where + ": " + std::to_string(tags.size()) + " tags (limit " +
                           std::to_string(limits_.max_tags) + ")");
  }
  size_t total = 0;
  for (size_t i = 0; i < tags.size(); ++i) {
    const std::string& t = tags[i];
    total += t.size();
    if (t.size() > limits_.max_tag_bytes) {
      add(out, "Pyld23", indexed(where + ".tags", i) + ": tag is " + std::to_string(t.size()) +
                             " bytes (limit " + std::to_string(limits_.max_tag_bytes) + ")");
    }
    if (series && (t.starts_with("device:") || t.starts_with("dd.internal.resource:"))) {
      add(out, "Pyld14", indexed(where + ".tags", i) + ": reserved tag prefix in " + quoted(t));
    }
  }
  if (total > limits_.max_tag_set_bytes) {
    add(out, "Pyld24", where + ": tags total " + std::to_string(total) + " bytes (limit " +
                           std::to_string(limits_.max_tag_set_bytes) + ")");
  }
}

void PropertyChecker::checkSeries(RouteKind kind, const std::vector<DecodedSeries>& series,
                                  int64_t now_s, std::vector<Violation>& out) const {
  size_t total_points = 0;
  for (size_t i = 0; i < series.size(); ++i) {
    const DecodedSeries& s = series[i];
    const Where where{"series", i};
    checkName(where, s.metric, out);
    if (s.type < 1 || s.type > 3) {
      add(out, "Pyld12", where + " " + quoted(s.metric) + ": type " + std::to_string(s.type) +
                             " is not count (1), rate (2) or gauge (3)");
    }
    checkTags(where, s.tags, true, out);
    total_points += s.points.size();
    if (s.points.size() > limits_.max_points_per_payload) {
      add(out, "Pyld15", where + " " + quoted(s.metric) + ": " + std::to_string(s.points.size()) +
                             " points (limit " + std::to_string(limits_.max_points_per_payload) + ")");
    }
    if (s.points.empty()) add(out, "Pyld25", where + " " + quoted(s.metric) + ": no points");
    if (s.origin && (s.origin->product != 10 ||
                     (s.origin->category != 0 && s.origin->category != 10 && s.origin->category != 11))) {
      add(out, "Pyld16", where + " " + quoted(s.metric) + ": origin product " +
                             std::to_string(s.origin->product) + ", category " +
                             std::to_string(s.origin->category));
    }
    if (s.resources.size() > limits_.max_resources) {
      add(out, "Pyld18", where + ": " + std::to_string(s.resources.size()) + " resources (limit " +
                             std::to_string(limits_.max_resources) + ")");
    }
    std::string_view host = s.host();
    if (host.empty()) add(out, "Pyld17", where + " " + quoted(s.metric) + ": no non-empty host resource");
    if (host.size() > limits_.max_host_name_bytes) {
      add(out, "Pyld19", where + ": host name is " + std::to_string(host.size()) + " bytes (limit " +
                             std::to_string(limits_.max_host_name_bytes) + ")");
    }
    for (size_t j = 0; j < s.points.size(); ++j) {
      const DecodedPoint& p = s.points[j];
      if (std::isnan(p.value)) {
        add(out, "Pyld20", indexed(where + ".points", j) + " of " + quoted(s.metric) + ": value is NaN");
      }
      if (p.timestamp > now_s + limits_.max_future_seconds) {
        add(out, "Pyld21", indexed(where + ".points", j) + " of " + quoted(s.metric) + ": timestamp " +
                               std::to_string(p.timestamp) + " is " +
                               std::to_string(p.timestamp - now_s) + " s in the future (limit " +
                               std::to_string(limits_.max_future_seconds) + ")");
      }
    }
  }
  if (kind == RouteKind::kSeriesV2 && total_points > limits_.max_points_per_payload) {
    add(out, "Pyld08", "payload has " + std::to_string(total_points) + " points (limit " +
                           std::to_string(limits_.max_points_per_payload) + ")");
  }
}

void PropertyChecker::checkSketches(const std::vector<DecodedSketch>& sketches, int64_t now_s,
                                    std::vector<Violation>& out) const {
  for (size_t i = 0; i < sketches.size(); ++i) {
    const DecodedSketch& s = sketches[i];
    const Where where{"sketches", i};
    checkName(where, s.metric, out);
    checkTags(where, s.tags, false, out);
    if (s.host.size() > limits_.max_host_name_bytes) {
      add(out, "Pyld19", where + ": host name is " + std::to_string(s.host.size()) + " bytes");
    }
    if (s.dogsketches.empty()) add(out, "Pyld25", where + " " + quoted(s.metric) + ": no points");
    for (size_t j = 0; j < s.dogsketches.size(); ++j) {
      const DecodedDogsketch& d = s.dogsketches[j];
      const std::string pw = indexed(where + ".dogsketches", j);
      if (std::isnan(d.min) || std::isnan(d.max) || std::isnan(d.avg) || std::isnan(d.sum)) {
        add(out, "Pyld20", pw + " of " + quoted(s.metric) + ": summary has NaN");
      }
      if (d.ts > now_s + limits_.max_future_seconds) {
        add(out, "Pyld21", pw + " of " + quoted(s.metric) + ": ts " + std::to_string(d.ts) + " is " +
                               std::to_string(d.ts - now_s) + " s in the future");
      }
      bool ascending = true;
      for (size_t k = 1; k < d.k.size(); ++k) ascending = ascending && d.k[k - 1] <= d.k[k];
      if (d.k.size() != d.n.size() || !ascending) {
        add(out, "DdSketchBins", pw + " of " + quoted(s.metric) + ": " + std::to_string(d.k.size()) +
                                     " keys, " + std::to_string(d.n.size()) + " counts" +
                                     (ascending ? "" : ", keys not ascending"));
      }
    }
  }
}

void PropertyChecker::checkItem(const Where& where, std::string_view label, int64_t ts,
                                std::string_view host, const std::vector<std::string>& tags,
                                int64_t now_s, std::vector<Violation>& out) const {
  if (ts > now_s + limits_.max_future_seconds) {
    add(out, "Pyld21", where + " " + quoted(label) + ": timestamp " + std::to_string(ts) + " is " +
                           std::to_string(ts - now_s) + " s in the future (limit " +
                           std::to_string(limits_.max_future_seconds) + ")");
  }
  if (host.size() > limits_.max_host_name_bytes) {
    add(out, "Pyld19", where + ": host name is " + std::to_string(host.size()) + " bytes (limit " +
                           std::to_string(limits_.max_host_name_bytes) + ")");
  }
  checkTags(where, tags, false, out);
}

void PropertyChecker::checkCheckRuns(const std::vector<DecodedCheckRun>& runs, int64_t now_s,
                                     std::vector<Violation>& out) const {
  for (size_t i = 0; i < runs.size(); ++i) {
    const DecodedCheckRun& c = runs[i];
    const Where where{"check_runs", i};
    if (c.check.empty()) add(out, "Pyld09", where + ": check name is empty");
    if (c.status < 0 || c.status > 3) {
      add(out, "DdCheckStatus", where + " " + quoted(c.check) + ": status " + std::to_string(c.status));
    }
    checkItem(where, c.check, c.timestamp, c.host_name, c.tags, now_s, out);
  }
}

void PropertyChecker::checkEvents(const std::vector<DecodedEvent>& events, int64_t now_s,
                                  std::vector<Violation>& out) const {
  for (size_t i = 0; i < events.size(); ++i) {
    const DecodedEvent& e = events[i];
    const Where where{"events", i};
    if (e.title.empty() && e.text.empty()) add(out, "DdEventTitle", where + ": msg_title and msg_text are empty");
    checkItem(where, e.title, e.timestamp, e.host, e.tags, now_s, out);
  }
}

void PropertyChecker::checkDecoded(RouteKind kind, const DecodedPayload& payload,
                                   common::SystemTime now, std::vector<Violation>& out) const {
  for (const auto& note : payload.notes) {
    if (!note.property.empty()) add(out, note.property, note.message);
  }
  const int64_t now_s = common::toUnixSecondsInt(now);
  if (const auto* series = std::get_if<std::vector<DecodedSeries>>(&payload.items)) {
    checkSeries(kind, *series, now_s, out);
  } else if (const auto* sketches = std::get_if<std::vector<DecodedSketch>>(&payload.items)) {
    checkSketches(*sketches, now_s, out);
  } else if (const auto* runs = std::get_if<std::vector<DecodedCheckRun>>(&payload.items)) {
    checkCheckRuns(*runs, now_s, out);
  } else if (const auto* events = std::get_if<std::vector<DecodedEvent>>(&payload.items)) {
    checkEvents(*events, now_s, out);
  } else if (const auto* traces = std::get_if<std::vector<DecodedAgentPayload>>(&payload.items)) {
    checkTraces(*traces, out);
  } else if (const auto* stats = std::get_if<std::vector<DecodedStatsPayload>>(&payload.items)) {
    checkStats(*stats, out);
  }
}

}  // namespace ddsim::fakeintake
