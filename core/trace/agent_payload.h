#pragma once
// The trace intake's payload (docs/trace-agent.md §6, from the agent's agent_payload.proto and
// tracer_payload.proto): the model the writer buffers, and its protobuf encoding with the
// serializer's streaming writer (proto3 rules: zero scalars and empty strings left out; fields
// in schema order). proto/trace.proto is the same layout for decoders and tests. Pure functions.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "core/serializer/byte_buffer.h"
#include "core/trace/trace_chunk.h"

namespace ddsim::trace {

// One tracer's request after processing: the chunks the samplers kept (TracerPayload).
struct TracerPayload {
  std::string container_id;
  std::string language_name;
  std::string language_version;
  std::string tracer_version;
  std::string runtime_id;
  std::vector<TraceChunk> chunks;
  std::map<std::string, std::string> tags;
  std::string env;
  std::string hostname;
  std::string app_version;
};

// The AgentPayload fields the writer fills from its configuration (writer/trace.go, flush).
struct AgentPayloadHeader {
  std::string host_name;
  std::string env;
  std::map<std::string, std::string> tags;
  std::string agent_version;
  double target_tps = 0;
  double error_tps = 0;
  bool rare_sampler_enabled = false;
};

// Appends the encoded message to *out.
void encodeSpan(const Span& span, serializer::ByteBuffer& out);
void encodeTracerPayload(const TracerPayload& payload, serializer::ByteBuffer& out);
void encodeAgentPayload(const AgentPayloadHeader& header, const std::vector<TracerPayload>& payloads,
                        serializer::ByteBuffer& out);
// The same message from tracer payloads already encoded by encodeTracerPayload (the writer
// encodes each once, when it is added).
void encodeAgentPayload(const AgentPayloadHeader& header, const std::vector<std::string>& encoded_payloads,
                        serializer::ByteBuffer& out);

// The encoded size of one TracerPayload inside an AgentPayload (field key and length included):
// what the writer adds to its buffered size (the agent estimates it from the chunks).
size_t encodedTracerPayloadSize(const TracerPayload& payload);
// The same from the size of an encodeTracerPayload output.
size_t embeddedSize(size_t encoded_size);

}  // namespace ddsim::trace
