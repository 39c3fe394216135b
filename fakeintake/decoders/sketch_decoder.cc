// /api/beta/sketches: SketchPayload protobuf (spec §4.4).
#include <google/protobuf/arena.h>

#include <algorithm>

#include "fakeintake/decoders/decoder.h"
#include "fakeintake/decoders/proto_wire.h"
#include "proto/metrics.pb.h"

namespace ddsim::fakeintake {

using common::Result;
using common::Status;
using common::StatusCode;

Result<std::vector<DecodedSketch>> decodeSketches(std::string_view body,
                                                  std::vector<DecodeNote>& notes) {
  using datadog::agentpayload::SketchPayload;
  // An arena makes the message's own objects a few block allocations instead of one malloc
  // each; strings are then moved out of it (their buffers are not arena memory).
  google::protobuf::ArenaOptions arena_options;
  arena_options.start_block_size = std::max<size_t>(4096, body.size());
  arena_options.max_block_size = std::max<size_t>(65536, body.size() * 2);
  google::protobuf::Arena arena(arena_options);
  auto& msg = *google::protobuf::Arena::CreateMessage<SketchPayload>(&arena);
  if (auto st = parseAgentProtobuf(body, msg, notes); !st.isOk()) return st;
  std::vector<DecodedSketch> out;
  out.reserve(static_cast<size_t>(msg.sketches_size()));
  for (auto& s : *msg.mutable_sketches()) {
    DecodedSketch d;
    d.metric = std::move(*s.mutable_metric());
    d.host = std::move(*s.mutable_host());
    for (auto& t : *s.mutable_tags()) d.tags.push_back(std::move(t));
    d.distributions = static_cast<size_t>(s.distributions_size());
    d.dogsketches.reserve(static_cast<size_t>(s.dogsketches_size()));
    for (const auto& ds : s.dogsketches()) {
      DecodedDogsketch x;
      x.ts = ds.ts();
      x.cnt = ds.cnt();
      x.min = ds.min();
      x.max = ds.max();
      x.avg = ds.avg();
      x.sum = ds.sum();
      x.k.assign(ds.k().begin(), ds.k().end());
      x.n.assign(ds.n().begin(), ds.n().end());
      d.dogsketches.push_back(std::move(x));
    }
    if (s.has_metadata()) {
      const auto& o = s.metadata().origin();
      d.origin = DecodedOrigin{o.origin_metric_type(), o.origin_product(), o.origin_category(),
                               o.origin_service()};
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace ddsim::fakeintake
