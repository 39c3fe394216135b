// /api/v2/series protobuf (spec §5.3) with the libprotobuf classes of proto/metrics.proto.
#include <google/protobuf/arena.h>

#include <algorithm>

#include "fakeintake/decoders/decoder.h"
#include "fakeintake/decoders/proto_wire.h"
#include "fakeintake/decoders/series_v2_direct.h"
#include "proto/metrics.pb.h"

namespace ddsim::fakeintake {

using common::Result;
using common::Status;
using common::StatusCode;

namespace {
DecodedOrigin toOrigin(const datadog::agentpayload::Origin& o) {
  return DecodedOrigin{o.origin_metric_type(), o.origin_product(), o.origin_category(),
                       o.origin_service()};
}
}  // namespace

Result<std::vector<DecodedSeries>> decodeSeriesV2Protobuf(std::string_view body, std::vector<DecodeNote>& notes,
                                                          std::vector<DecodedSeries>* reuse) {
  using datadog::agentpayload::MetricPayload;
  // agent fakeintake behaviour: a body of exactly "{}" means "no series".
  if (body == "{}") return std::vector<DecodedSeries>{};
  // A plainly valid body (what agents send) is decoded without libprotobuf; anything else goes
  // the libprotobuf way, which explains errors and coerces invalid UTF-8.
  std::vector<DecodedSeries> direct;
  if (reuse) direct = std::move(*reuse);  // refilled in place: no allocation for what fits
  if (decodeSeriesV2Direct(body, direct)) return direct;
  return decodeSeriesV2WithLibprotobuf(body, notes);
}

Result<std::vector<DecodedSeries>> decodeSeriesV2WithLibprotobuf(std::string_view body,
                                                                 std::vector<DecodeNote>& notes) {
  using datadog::agentpayload::MetricPayload;
  // An arena makes the message's own objects a few block allocations instead of one malloc
  // each; strings are then moved out of it (their buffers are not arena memory).
  google::protobuf::ArenaOptions arena_options;
  arena_options.start_block_size = std::max<size_t>(4096, body.size());
  arena_options.max_block_size = std::max<size_t>(65536, body.size() * 2);
  google::protobuf::Arena arena(arena_options);
  auto& msg = *google::protobuf::Arena::CreateMessage<MetricPayload>(&arena);
  if (auto st = parseAgentProtobuf(body, msg, notes); !st.isOk()) return st;
  std::vector<DecodedSeries> out;
  out.reserve(static_cast<size_t>(msg.series_size()));
  for (auto& s : *msg.mutable_series()) {
    DecodedSeries d;
    d.resources.reserve(static_cast<size_t>(s.resources_size()));
    for (auto& r : *s.mutable_resources()) {
      d.resources.push_back({std::move(*r.mutable_type()), std::move(*r.mutable_name())});
    }
    d.metric = std::move(*s.mutable_metric());
    d.tags.reserve(static_cast<size_t>(s.tags_size()));
    for (auto& t : *s.mutable_tags()) d.tags.push_back(std::move(t));
    d.points.reserve(static_cast<size_t>(s.points_size()));
    for (const auto& p : s.points()) d.points.push_back({p.value(), p.timestamp()});
    d.type = static_cast<int>(s.type());
    d.unit = std::move(*s.mutable_unit());
    d.source_type_name = std::move(*s.mutable_source_type_name());
    d.interval = s.interval();
    if (s.has_metadata()) d.origin = toOrigin(s.metadata().origin());
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace ddsim::fakeintake
