#include "core/serializer/series_v1.h"

#include <cmath>
#include <string>
#include <unordered_map>

#include "core/serializer/number_format.h"

namespace ddsim::serializer {
namespace {

void writeTagsArray(const metrics::Serie& s, const SerieTagRewriter& tags, JsonWriter& w) {
  w.push('[');
  bool first = true;
  tags.forEachTag(s, [&](std::string_view t) {
    if (!first) w.push(',');
    first = false;
    w.string(t);
  });
  w.push(']');
}

// The fields after "points" are the same in both dialects.
void writeSerieTail(const metrics::Serie& s, const SerieTagRewriter& tags, JsonWriter& w) {
  w.raw(",\"tags\":");
  writeTagsArray(s, tags, w);
  w.raw(",\"host\":");
  w.string(s.host);
  if (!tags.device().empty()) {
    w.raw(",\"device\":");
    w.string(tags.device());
  }
  w.raw(",\"type\":");
  w.string(metrics::apiMetricTypeName(s.mtype));
  w.raw(",\"interval\":");
  w.int64(s.interval);
  if (!s.source_type_name.empty()) {
    w.raw(",\"source_type_name\":");
    w.string(s.source_type_name);
  }
  w.push('}');
}

}  // namespace

int writeSerieV1(const metrics::Serie& s, const SerieTagRewriter& tags, JsonWriter& w) {
  int nonfinite = 0;
  w.raw("{\"metric\":");
  w.string(s.name);
  w.raw(",\"points\":[");
  bool first = true;
  for (const auto& p : s.points) {
    if (!first) w.push(',');
    first = false;
    w.push('[');
    w.int64(goFloat64ToInt64(p.ts));
    w.push(',');
    // agent behaviour: jsoniter writes nothing for NaN/±Inf and the error is never seen, so the
    // slot stays empty and the payload is invalid JSON (spec §5.4).
    if (!w.float64(p.value)) ++nonfinite;
    w.push(']');
  }
  w.push(']');
  writeSerieTail(s, tags, w);
  return nonfinite;
}

common::Status SeriesV1Items::writeItem(size_t i, JsonWriter& w) {
  const metrics::Serie& s = *series_[i];
  tags_.prepare(s);
  nonfinite_ += writeSerieV1(s, tags_, w);
  return {};
}

common::Status SeriesV1Marshaler::marshal(ByteBuffer& out) const {
  JsonWriter w(out, JsonDialect::kEncodingJson);
  SerieTagRewriter tags;
  w.raw("{\"series\":[");
  bool first_serie = true;
  for (const metrics::Serie* s : series_) {
    if (!first_serie) w.push(',');
    first_serie = false;
    tags.prepare(*s);
    w.raw("{\"metric\":");
    w.string(s->name);
    w.raw(",\"points\":[");
    bool first = true;
    for (const auto& p : s->points) {
      if (!std::isfinite(p.value)) {
        // agent behaviour: Point.MarshalJSON prints "NaN"/"+Inf" with %v and encoding/json
        // rejects it, failing the whole payload.
        return common::invalidArgument("json: error calling MarshalJSON for type *metrics.Point: non-finite value in serie '" +
                                       s->name + "'");
      }
      if (!first) w.push(',');
      first = false;
      w.push('[');
      w.int64(goFloat64ToInt64(p.ts));
      w.push(',');
      appendGoFloat(out, p.value, 'g');
      w.push(']');
    }
    w.push(']');
    writeSerieTail(*s, tags, w);
  }
  w.raw("]}\n");
  return {};
}

common::Result<std::vector<std::unique_ptr<SplittableMarshaler>>> SeriesV1Marshaler::split(int times) const {
  if (counters_ != nullptr) counters_->series_times_split.fetch_add(1, std::memory_order_relaxed);
  // Group by metric name. The agent iterates a Go map (random order); ddsim keeps the order of
  // first appearance so a replay is repeatable.
  std::vector<std::vector<const metrics::Serie*>> groups;
  std::unordered_map<std::string_view, size_t> index;
  for (const metrics::Serie* s : series_) {
    auto [it, inserted] = index.try_emplace(s->name, groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(s);
  }
  if (groups.size() == 1) {
    if (counters_ != nullptr) counters_->series_split_metrics_too_big.fetch_add(1, std::memory_order_relaxed);
    return common::outOfRange("Cannot split metric '" + series_.front()->name + "' into " + std::to_string(times) +
                              " payload (it contains " + std::to_string(series_.size()) + " series)");
  }
  const size_t per_payload = times > 0 ? series_.size() / static_cast<size_t>(times) : series_.size();
  std::vector<std::unique_ptr<SplittableMarshaler>> out;
  std::vector<const metrics::Serie*> current;
  for (auto& g : groups) {
    if (g.size() >= per_payload) {
      out.push_back(std::make_unique<SeriesV1Marshaler>(std::move(g), counters_));
      continue;
    }
    if (current.size() + g.size() < per_payload) {
      current.insert(current.end(), g.begin(), g.end());
    } else {
      out.push_back(std::make_unique<SeriesV1Marshaler>(std::move(current), counters_));
      current = std::move(g);
    }
  }
  if (!current.empty()) out.push_back(std::make_unique<SeriesV1Marshaler>(std::move(current), counters_));
  return out;
}

}  // namespace ddsim::serializer
