#pragma once
// The common case of /api/v2/series protobuf, decoded straight from the wire bytes into
// DecodedSeries: no libprotobuf message, no arena, one allocation per string at most.
// It accepts only bodies that libprotobuf would parse to the same values without remark (every
// field of the schema with its declared wire type, each singular message field at most once,
// valid UTF-8, no unknown field) and says "not mine" for anything else, so that the libprotobuf
// path (decodeSeriesV2Protobuf) keeps the precise errors, the UTF-8 coercion and its notes.
#include <string_view>
#include <vector>

#include "fakeintake/decoders/decoded.h"

namespace ddsim::fakeintake {

// True with `out` filled when `body` is a plainly valid MetricPayload; false (out unspecified)
// when the libprotobuf path must decide. `out` may hold an earlier payload's series: they are
// refilled in place (their strings and vectors keep their memory), so an intake that frees its
// decoded form can hand the vector back and decode the next payload without allocating.
bool decodeSeriesV2Direct(std::string_view body, std::vector<DecodedSeries>& out);
// The same answer as decodeSeriesV2Direct, without building the values (no allocation): an
// intake can answer from it and decode later.
bool validateSeriesV2Direct(std::string_view body);

}  // namespace ddsim::fakeintake
