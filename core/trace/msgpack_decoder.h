#pragma once
// Decoding of the tracers' msgpack payloads: /v0.4/traces (spans as maps) and /v0.5/traces
// (string table + spans as 12-element arrays), with the agent's leniency on types
// (docs/trace-agent.md §3-4). Never throws; errors say what was wrong and where.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"
#include "core/trace/span.h"

namespace ddsim::trace {

// The receiver's decoders (msgpack_direct.cc): one pass over the bytes, spans written as the
// values are read, every header bounded by the bytes left before anything is allocated.
// kDataLoss: the body ends early or a header announces more than the body holds.
// kInvalidArgument: a value of the wrong type, a bad span shape or string-table index, the unused
// byte 0xc1, values nested deeper than 16; the message names the element, e.g. "v0.5:
// traces[1][0].meta key: string table index 9 out of range (table has 4 strings)".
common::Result<Traces> decodeV04(std::string_view body);
common::Result<Traces> decodeV05(std::string_view body);

// One /v0.7/traces body: a msgpack TracerPayload (the agent's tracer_payload_gen.go). Its spans
// follow the v0.4 span rules; chunks[i] describes traces[i]. nil chunks and spans are skipped.
struct V07Chunk {
  int32_t priority = 0;
  std::string origin;
  std::map<std::string, std::string> tags;
  bool dropped_trace = false;
};
struct V07Payload {
  std::string container_id, language_name, language_version, tracer_version, runtime_id, env, hostname, app_version;
  std::map<std::string, std::string> tags;
  std::vector<V07Chunk> chunks;
  Traces traces;
};
common::Result<V07Payload> decodeV07(std::string_view body);

// The reference decoders (msgpack_decoder.cc): msgpack-cxx's object tree after msgpack_scan's
// structural check. Same spans, same refusals (a differential test and the trace_decoder fuzz
// target hold the two together); kept as the readable statement of the rules, not for speed.
// Where a body has two faults they may report different ones (the tree reports truncation first).
common::Result<Traces> decodeV04Tree(std::string_view body);
common::Result<Traces> decodeV05Tree(std::string_view body);

}  // namespace ddsim::trace
