#include "core/serializer/events.h"

#include <algorithm>
#include <unordered_map>

namespace ddsim::serializer {
namespace {

void optionalString(JsonWriter& w, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  w.push(',');
  w.key(key);
  w.string(value);
}

std::string render(std::string_view prefix, std::string_view value, std::string_view suffix) {
  ByteBuffer b;
  b.append(prefix);
  appendJsonString(b, value, JsonDialect::kJsoniter);
  b.append(suffix);
  return b.toString();
}

}  // namespace

std::vector<EventGroup> groupEventsBySourceType(std::span<const metrics::Event> events) {
  std::vector<EventGroup> groups;
  std::unordered_map<std::string_view, size_t> index;
  for (const auto& e : events) {
    std::string_view st = e.source_type_name.empty() ? kDefaultEventSourceType : std::string_view(e.source_type_name);
    auto [it, inserted] = index.try_emplace(st, groups.size());
    if (inserted) groups.push_back({st, {}});
    groups[it->second].events.push_back(&e);
  }
  return groups;
}

void writeEvent(const metrics::Event& e, JsonWriter& w) {
  w.raw("{\"msg_title\":");
  w.string(e.title);
  w.raw(",\"msg_text\":");
  w.string(e.text);
  w.raw(",\"timestamp\":");
  w.int64(e.ts);
  optionalString(w, "priority", e.priority);
  w.raw(",\"host\":");
  w.string(e.host);
  if (!e.tags.empty()) {
    w.raw(",\"tags\":");
    w.stringArray(e.tags);
  }
  optionalString(w, "alert_type", e.alert_type);
  optionalString(w, "aggregation_key", e.aggregation_key);
  optionalString(w, "source_type_name", e.source_type_name);
  optionalString(w, "event_type", e.event_type);
  w.push('}');
}

std::string eventsHeader() { return "{\"apiKey\":\"\",\"events\":{"; }
std::string eventsFooter(std::string_view hostname) { return render("},\"internalHostname\":", hostname, "}"); }
std::string eventsSourceTypeHeader(std::string_view source_type) {
  return render("{\"apiKey\":\"\",\"events\":{", source_type, ":[");
}
std::string eventsSourceTypeFooter(std::string_view hostname) {
  return render("]},\"internalHostname\":", hostname, "}");
}

void writeEventGroup(const EventGroup& g, JsonWriter& w) {
  w.string(g.source_type);
  w.raw(":[");
  bool first = true;
  for (const metrics::Event* e : g.events) {
    if (!first) w.push(',');
    first = false;
    writeEvent(*e, w);
  }
  w.push(']');
}

common::Status EventGroupItems::writeItem(size_t i, JsonWriter& w) {
  writeEventGroup(groups_[i], w);
  return {};
}

common::Status EventsMarshaler::marshal(ByteBuffer& out) const {
  JsonWriter w(out, JsonDialect::kEncodingJson);
  auto groups = groupEventsBySourceType(events_);
  // encoding/json writes map keys sorted.
  std::sort(groups.begin(), groups.end(),
            [](const EventGroup& a, const EventGroup& b) { return a.source_type < b.source_type; });
  w.raw("{\"apiKey\":\"\",\"events\":{");
  bool first_group = true;
  for (const auto& g : groups) {
    if (!first_group) w.push(',');
    first_group = false;
    writeEventGroup(g, w);
  }
  w.raw("},\"internalHostname\":");
  w.string(hostname_);
  w.raw("}\n");
  return {};
}

common::Result<std::vector<std::unique_ptr<SplittableMarshaler>>> EventsMarshaler::split(int times) const {
  if (counters_ != nullptr) {
    counters_->event_times_split.fetch_add(1, std::memory_order_relaxed);
    if (events_.size() < static_cast<size_t>(times)) counters_->event_shorter.fetch_add(1, std::memory_order_relaxed);
  }
  std::vector<std::unique_ptr<SplittableMarshaler>> out;
  for (auto [b, e] : contiguousChunks(events_.size(), times)) {
    out.push_back(std::make_unique<EventsMarshaler>(events_.subspan(b, e - b), hostname_, counters_));
  }
  return out;
}

}  // namespace ddsim::serializer
