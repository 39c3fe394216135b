#pragma once
// Events for /intake/ (spec §5.8): grouped by source type (empty -> "api"), written as
// {"apiKey":"","events":{"<source type>":[...],...},"internalHostname":"<host>"}. The stream
// items (one per source type, or one per event within a source type for the fallback) and the
// non-stream marshaler (encoding/json, split package).
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/metrics/event.h"
#include "core/serializer/json_payload_builder.h"
#include "core/serializer/split.h"

namespace ddsim::serializer {

inline constexpr std::string_view kDefaultEventSourceType = "api";

struct EventGroup {
  std::string_view source_type;
  std::vector<const metrics::Event*> events;
};

// Groups by source type in order of first appearance (the agent iterates a Go map, whose
// order is random; spec §9.16 says not to depend on it). Views point into `events`.
std::vector<EventGroup> groupEventsBySourceType(std::span<const metrics::Event> events);

// {"msg_title":..,"msg_text":..,"timestamp":..,["priority":..,]"host":..,["tags":[..],]
//  ["alert_type":..,]["aggregation_key":..,]["source_type_name":..,]["event_type":..]}
void writeEvent(const metrics::Event& e, JsonWriter& w);

// `"<source type>":[<event>,...]`
void writeEventGroup(const EventGroup& g, JsonWriter& w);

// `{"apiKey":"","events":{` and `},"internalHostname":"<h>"}`.
std::string eventsHeader();
std::string eventsFooter(std::string_view hostname);
// Per-source-type fallback: `{"apiKey":"","events":{"<src>":[` and `]},"internalHostname":"<h>"}`.
std::string eventsSourceTypeHeader(std::string_view source_type);
std::string eventsSourceTypeFooter(std::string_view hostname);

// One item per source type: `"<src>":[<event>,...]` (the agent's single marshaler).
class EventGroupItems final : public JsonItemSource {
 public:
  explicit EventGroupItems(std::span<const EventGroup> groups) : groups_(groups) {}
  size_t size() const override { return groups_.size(); }
  common::Status writeItem(size_t i, JsonWriter& w) override;
  int64_t itemCount(size_t i) const override { return static_cast<int64_t>(groups_[i].events.size()); }

 private:
  std::span<const EventGroup> groups_;
};

// One item per event of one source type (the agent's per-source-type marshalers).
class EventItems final : public JsonItemSource {
 public:
  explicit EventItems(std::span<const metrics::Event* const> events) : events_(events) {}
  size_t size() const override { return events_.size(); }
  common::Status writeItem(size_t i, JsonWriter& w) override {
    writeEvent(*events_[i], w);
    return {};
  }

 private:
  std::span<const metrics::Event* const> events_;
};

// The whole object through encoding/json (source types sorted, trailing newline); split into
// contiguous slices of the events.
class EventsMarshaler final : public SplittableMarshaler {
 public:
  EventsMarshaler(std::span<const metrics::Event> events, std::string_view hostname, SerializerCounters* counters)
      : events_(events), hostname_(hostname), counters_(counters) {}
  common::Status marshal(ByteBuffer& out) const override;
  common::Result<std::vector<std::unique_ptr<SplittableMarshaler>>> split(int times) const override;
  size_t itemCount() const override { return events_.size(); }

 private:
  std::span<const metrics::Event> events_;
  std::string_view hostname_;
  SerializerCounters* counters_;
};

}  // namespace ddsim::serializer
