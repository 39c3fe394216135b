// /api/v0.2/traces: the trace agent's AgentPayload protobuf (docs/trace-agent.md §6), parsed
// with the classes generated from proto/trace.proto; invalid UTF-8 is replaced and noted
// (Pyld50), as on the metrics routes.
#include <google/protobuf/arena.h>

#include <algorithm>

#include "fakeintake/decoders/decoder.h"
#include "fakeintake/decoders/proto_wire.h"
#include "proto/trace.pb.h"

namespace ddsim::fakeintake {

namespace {

// The map fields are repeated entries in proto/trace.proto (same bytes); a key written twice
// keeps its last value, as a protobuf map does when it parses.
template <typename Entries>
std::map<std::string, std::string> stringMap(Entries& entries) {
  std::map<std::string, std::string> out;
  for (auto& e : entries) out.insert_or_assign(std::move(*e.mutable_key()), std::move(*e.mutable_value()));
  return out;
}

DecodedSpan span(datadog::trace::Span& s) {
  DecodedSpan d;
  d.service = std::move(*s.mutable_service());
  d.name = std::move(*s.mutable_name());
  d.resource = std::move(*s.mutable_resource());
  d.trace_id = s.traceid();
  d.span_id = s.spanid();
  d.parent_id = s.parentid();
  d.start = s.start();
  d.duration = s.duration();
  d.error = s.error();
  d.meta = stringMap(*s.mutable_meta());
  for (const auto& e : s.metrics()) d.metrics.insert_or_assign(e.key(), e.value());
  d.type = std::move(*s.mutable_type());
  return d;
}

}  // namespace

common::Result<std::vector<DecodedAgentPayload>> decodeTraces(std::string_view body, std::vector<DecodeNote>& notes) {
  google::protobuf::ArenaOptions arena_options;
  arena_options.start_block_size = std::max<size_t>(4096, body.size());
  arena_options.max_block_size = std::max<size_t>(65536, body.size() * 2);
  google::protobuf::Arena arena(arena_options);
  auto& msg = *google::protobuf::Arena::CreateMessage<datadog::trace::AgentPayload>(&arena);
  // Fields of the newer schema ddsim's proto leaves out (idxTracerPayloads, APMMode) are not
  // an error: the agent of another version writes them.
  if (auto st = parseAgentProtobuf(body, msg, notes, /*reject_unknown_top_level=*/false); !st.isOk()) return st;
  DecodedAgentPayload a;
  a.host_name = std::move(*msg.mutable_hostname());
  a.env = std::move(*msg.mutable_env());
  a.agent_version = std::move(*msg.mutable_agentversion());
  a.target_tps = msg.targettps();
  a.error_tps = msg.errortps();
  a.rare_sampler_enabled = msg.raresamplerenabled();
  a.tags = stringMap(*msg.mutable_tags());
  a.tracer_payloads.reserve(static_cast<size_t>(msg.tracerpayloads_size()));
  for (auto& tp : *msg.mutable_tracerpayloads()) {
    DecodedTracerPayload t;
    t.container_id = std::move(*tp.mutable_containerid());
    t.language_name = std::move(*tp.mutable_languagename());
    t.language_version = std::move(*tp.mutable_languageversion());
    t.tracer_version = std::move(*tp.mutable_tracerversion());
    t.runtime_id = std::move(*tp.mutable_runtimeid());
    t.env = std::move(*tp.mutable_env());
    t.hostname = std::move(*tp.mutable_hostname());
    t.app_version = std::move(*tp.mutable_appversion());
    t.tags = stringMap(*tp.mutable_tags());
    t.chunks.reserve(static_cast<size_t>(tp.chunks_size()));
    for (auto& c : *tp.mutable_chunks()) {
      DecodedTraceChunk dc;
      dc.priority = c.priority();
      dc.origin = std::move(*c.mutable_origin());
      dc.tags = stringMap(*c.mutable_tags());
      dc.dropped_trace = c.droppedtrace();
      dc.spans.reserve(static_cast<size_t>(c.spans_size()));
      for (auto& s : *c.mutable_spans()) dc.spans.push_back(span(s));
      t.chunks.push_back(std::move(dc));
    }
    a.tracer_payloads.push_back(std::move(t));
  }
  std::vector<DecodedAgentPayload> out;
  out.push_back(std::move(a));
  return out;
}

}  // namespace ddsim::fakeintake
