#pragma once
// The receiver's JSON and Content-Type handling for /v0.3/traces and /v0.4/traces (docs/
// trace-agent.md §1.2): the agent decodes v0.2-v0.4 bodies by media type (api.go,
// decodeRequest, getMediaType), JSON with Go's encoding/json into its Span struct.
#include <string_view>

#include "core/common/status.h"
#include "core/trace/span.h"

namespace ddsim::trace {

enum class BodyFormat { kJson, kMsgpack, kJsonThenMsgpack };

// The format a Content-Type selects: application/msgpack is msgpack; application/json, text/json,
// none or an unparsable value is JSON; any other media type is tried as JSON, then as msgpack.
// Parameters (";charset=...") and case are ignored.
BodyFormat bodyFormatFor(std::string_view content_type);

// A JSON array of traces, each an array of span objects keyed by the §2 field names (matched
// without regard to case, as encoding/json does; unknown keys ignored; null leaves a field
// zero). Integer fields take JSON integers in range only; metrics take any number. Errors name
// the element, e.g. "json: traces[0][1].span_id: expected an unsigned integer, got -3".
common::Result<Traces> decodeTracesJson(std::string_view body);

}  // namespace ddsim::trace
