#include "core/trace/agent_payload.h"

#include "core/serializer/protobuf_writer.h"

namespace ddsim::trace {

using serializer::ProtoWriter;

namespace {

// Field numbers (proto/trace.proto, docs/trace-agent.md §2 and §6).
namespace span_f {
constexpr uint32_t kService = 1, kName = 2, kResource = 3, kTraceId = 4, kSpanId = 5, kParentId = 6, kStart = 7,
                   kDuration = 8, kError = 9, kMeta = 10, kMetrics = 11, kType = 12;
}
namespace chunk_f {
constexpr uint32_t kPriority = 1, kOrigin = 2, kSpans = 3, kTags = 4, kDroppedTrace = 5;
}
namespace tracer_f {
constexpr uint32_t kContainerId = 1, kLanguageName = 2, kLanguageVersion = 3, kTracerVersion = 4, kRuntimeId = 5,
                   kChunks = 6, kTags = 7, kEnv = 8, kHostname = 9, kAppVersion = 10;
}
namespace agent_f {
constexpr uint32_t kHostName = 1, kEnv = 2, kTracerPayloads = 5, kTags = 6, kAgentVersion = 7, kTargetTps = 8,
                   kErrorTps = 9, kRareSamplerEnabled = 10;
}
constexpr uint32_t kTracerPayloadsField = agent_f::kTracerPayloads;

// A map<string, string> entry is an embedded message {key = 1, value = 2} (chunk and payload
// tags are a std::map, span meta a SpanMap).
template <typename Map>
void stringMap(ProtoWriter& w, uint32_t field, const Map& m) {
  for (const auto& [k, v] : m) {
    const auto mark = w.beginEmbedded(field);
    w.string(1, k);
    w.string(2, v);
    w.endEmbedded(mark);
  }
}

void chunk(ProtoWriter& w, const TraceChunk& c) {
  w.int32(chunk_f::kPriority, c.priority);
  w.string(chunk_f::kOrigin, c.origin);
  for (const Span& s : c.spans) {
    const auto mark = w.beginEmbedded(chunk_f::kSpans);
    encodeSpan(s, w.buffer());
    w.endEmbedded(mark);
  }
  stringMap(w, chunk_f::kTags, c.tags);
  w.boolean(chunk_f::kDroppedTrace, c.dropped_trace);
}

}  // namespace

void encodeSpan(const Span& s, serializer::ByteBuffer& out) {
  ProtoWriter w(out);
  w.string(span_f::kService, s.service);
  w.string(span_f::kName, s.name);
  w.string(span_f::kResource, s.resource);
  w.uint64(span_f::kTraceId, s.trace_id);
  w.uint64(span_f::kSpanId, s.span_id);
  w.uint64(span_f::kParentId, s.parent_id);
  w.int64(span_f::kStart, s.start);
  w.int64(span_f::kDuration, s.duration);
  w.int32(span_f::kError, s.error);
  stringMap(w, span_f::kMeta, s.meta);
  for (const auto& [k, v] : s.metrics) {
    const auto mark = w.beginEmbedded(span_f::kMetrics);
    w.string(1, k);
    w.doubleField(2, v);
    w.endEmbedded(mark);
  }
  w.string(span_f::kType, s.type);
}

void encodeTracerPayload(const TracerPayload& p, serializer::ByteBuffer& out) {
  ProtoWriter w(out);
  w.string(tracer_f::kContainerId, p.container_id);
  w.string(tracer_f::kLanguageName, p.language_name);
  w.string(tracer_f::kLanguageVersion, p.language_version);
  w.string(tracer_f::kTracerVersion, p.tracer_version);
  w.string(tracer_f::kRuntimeId, p.runtime_id);
  for (const TraceChunk& c : p.chunks) {
    const auto mark = w.beginEmbedded(tracer_f::kChunks);
    chunk(w, c);
    w.endEmbedded(mark);
  }
  stringMap(w, tracer_f::kTags, p.tags);
  w.string(tracer_f::kEnv, p.env);
  w.string(tracer_f::kHostname, p.hostname);
  w.string(tracer_f::kAppVersion, p.app_version);
}

namespace {

// AgentPayload fields in schema order around the tracer payloads (1, 2 | 5 | 6..10).
void agentHead(ProtoWriter& w, const AgentPayloadHeader& h) {
  w.string(agent_f::kHostName, h.host_name);
  w.string(agent_f::kEnv, h.env);
}

void agentTail(ProtoWriter& w, const AgentPayloadHeader& h) {
  stringMap(w, agent_f::kTags, h.tags);
  w.string(agent_f::kAgentVersion, h.agent_version);
  w.doubleField(agent_f::kTargetTps, h.target_tps);
  w.doubleField(agent_f::kErrorTps, h.error_tps);
  w.boolean(agent_f::kRareSamplerEnabled, h.rare_sampler_enabled);
}

}  // namespace

void encodeAgentPayload(const AgentPayloadHeader& h, const std::vector<TracerPayload>& payloads,
                        serializer::ByteBuffer& out) {
  ProtoWriter w(out);
  agentHead(w, h);
  for (const TracerPayload& p : payloads) {
    const auto mark = w.beginEmbedded(agent_f::kTracerPayloads);
    encodeTracerPayload(p, out);
    w.endEmbedded(mark);
  }
  agentTail(w, h);
}

void encodeAgentPayload(const AgentPayloadHeader& h, const std::vector<std::string>& encoded_payloads,
                        serializer::ByteBuffer& out) {
  ProtoWriter w(out);
  agentHead(w, h);
  for (const std::string& p : encoded_payloads) w.stringAlways(agent_f::kTracerPayloads, p);
  agentTail(w, h);
}

size_t encodedTracerPayloadSize(const TracerPayload& payload) {
  serializer::ByteBuffer buf;
  encodeTracerPayload(payload, buf);
  return embeddedSize(buf.size());
}

size_t embeddedSize(size_t encoded_size) {
  char prefix[16];
  return ProtoWriter::lengthDelimitedPrefix(kTracerPayloadsField, encoded_size, prefix) + encoded_size;
}

}  // namespace ddsim::trace
