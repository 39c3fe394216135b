// libFuzzer target: arbitrary bytes as a /v0.4/traces and a /v0.5/traces body (and as v0.7 and
// JSON bodies, which must only never crash or throw). Decoding must
// return traces or an error with a message, never crash or throw; the direct decoders and the
// reference (msgpack-cxx tree) decoders must agree: the same spans, or both refuse. Decoded
// traces then go through the agent's normalization and truncation, whose promises are checked.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "core/trace/msgpack_decoder.h"
#include "core/trace/normalizer.h"
#include "core/trace/receiver_json.h"
#include "tests/support/trace_compare.h"

namespace {

constexpr int64_t kNow = 1'700'000'000'000'000'000;

using ddsim::common::Result;
using ddsim::trace::Traces;

void sameOutcome(const Result<Traces>& direct, const Result<Traces>& tree) {
  if (direct.isOk() != tree.isOk()) std::abort();
  if (direct.isOk() && !ddsim::trace::testing::traceDifference(*direct, *tree).empty()) std::abort();
}

void check(Result<Traces> decoded) {
  using namespace ddsim::trace;
  if (!decoded.isOk()) {
    if (decoded.status().message().empty()) std::abort();
    return;
  }
  ReasonCounts counts;
  for (Trace& trace : *decoded) {
    if (!normalizeTrace(trace, "go", kNow, counts).isOk()) continue;
    for (Span& span : trace) {
      truncateSpan(span);
      // Promised by normalization: never empty, never negative. A start before 2000 can remain:
      // the agent replaces it by now - duration, which a huge duration pushes back before 2000.
      if (span.service.empty() || span.name.empty() || span.resource.empty()) std::abort();
      if (span.duration < 0) std::abort();
      if (span.start < kYear2000Nanos && span.start != kNow - span.duration && span.start != kNow) std::abort();
      if (span.trace_id == 0 || span.span_id == 0) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  Result<Traces> v04 = ddsim::trace::decodeV04(body);
  Result<Traces> v05 = ddsim::trace::decodeV05(body);
  sameOutcome(v04, ddsim::trace::decodeV04Tree(body));
  sameOutcome(v05, ddsim::trace::decodeV05Tree(body));
  check(std::move(v04));
  check(std::move(v05));
  ddsim::common::Result<ddsim::trace::V07Payload> v07 = ddsim::trace::decodeV07(body);
  if (v07.isOk()) check(std::move(v07->traces));
  check(ddsim::trace::decodeTracesJson(body));
  return 0;
}
