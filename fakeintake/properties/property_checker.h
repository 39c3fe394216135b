#pragma once
// Intake property checks (anchors.md §3b: saluki's property intake, numbered Pyld.., plus a few
// ddsim checks prefixed Dd). Every payload is checked on its envelope (headers, sizes) and, when
// decoded, on its content. Stateless apart from its options: thread-safe.
#include <string>
#include <string_view>
#include <vector>

#include "core/common/clock.h"
#include "fakeintake/core/http_message.h"
#include "fakeintake/core/options.h"
#include "fakeintake/core/routes.h"
#include "fakeintake/decoders/decoded.h"
#include "fakeintake/store/stored_payload.h"

namespace ddsim::fakeintake {

struct PropertyInfo {
  std::string_view id;
  std::string_view name;
  std::string_view description;
};

// Every property this checker knows, in id order.
const std::vector<PropertyInfo>& propertyCatalog();

class PropertyChecker {
 public:
  explicit PropertyChecker(const IntakeOptions& options);

  // Envelope checks on known intake routes: Content-Type, Content-Encoding, API key, body
  // sizes per route, Content-Length.
  void checkEnvelope(RouteKind kind, const IntakeRequest& req, size_t uncompressed_size,
                     bool decompressed, std::vector<Violation>& out) const;
  // Content checks of a decoded payload, at intake time `now`.
  void checkDecoded(RouteKind kind, const DecodedPayload& payload, common::SystemTime now,
                    std::vector<Violation>& out) const;

  // Where a violation is, e.g. series[12]: spelled (`where + "..."`) only when a violation
  // needs it, not once per item of every payload.
  struct Where {
    std::string_view base;
    size_t index = 0;
  };

 private:
  bool enabled(std::string_view id) const;
  void add(std::vector<Violation>& out, std::string_view id, std::string message) const;
  void checkSeries(RouteKind kind, const std::vector<DecodedSeries>& series, int64_t now_s,
                   std::vector<Violation>& out) const;
  void checkSketches(const std::vector<DecodedSketch>& sketches, int64_t now_s,
                     std::vector<Violation>& out) const;
  void checkCheckRuns(const std::vector<DecodedCheckRun>& runs, int64_t now_s,
                      std::vector<Violation>& out) const;
  void checkEvents(const std::vector<DecodedEvent>& events, int64_t now_s,
                   std::vector<Violation>& out) const;
  // trace_properties.cc
  void checkTraces(const std::vector<DecodedAgentPayload>& payloads, std::vector<Violation>& out) const;
  // stats_properties.cc
  void checkStats(const std::vector<DecodedStatsPayload>& payloads, std::vector<Violation>& out) const;
  void checkTags(const Where& where, const std::vector<std::string>& tags, bool series,
                 std::vector<Violation>& out) const;
  // Future timestamp, host length and tags of one check run / event.
  void checkItem(const Where& where, std::string_view label, int64_t ts, std::string_view host,
                 const std::vector<std::string>& tags, int64_t now_s, std::vector<Violation>& out) const;
  void checkName(const Where& where, std::string_view name, std::vector<Violation>& out) const;

  const bool enabled_all_;
  const std::set<std::string> disabled_;
  const PropertyLimits limits_;
};

}  // namespace ddsim::fakeintake
