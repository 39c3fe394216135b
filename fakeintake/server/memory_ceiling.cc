// splitMemoryCeiling (http_server.h): one memory ceiling shared out between the store, bodies in
// flight, decoding and answers (docs/fakeintake-api.md, "Memory").
#include <algorithm>

#include "fakeintake/core/options.h"
#include "fakeintake/server/http_server.h"

namespace ddsim::fakeintake {

void splitMemoryCeiling(size_t total, IntakeOptions& intake, ServerOptions& server) {
  if (total == 0) return;
  constexpr size_t kMiB = size_t{1} << 20;
  intake.max_memory_bytes = total / 2;
  server.max_inflight_body_bytes = std::max(total / 8, 2 * kMiB);
  intake.max_body_bytes = std::min(intake.max_body_bytes, server.max_inflight_body_bytes);
  // The agent's largest uncompressed payload is 5 MiB (series): keep at least 8 MiB per body.
  intake.max_decompressed_bytes = std::min(intake.max_decompressed_bytes, std::max(total / 32, 8 * kMiB));
  // A decode holds the decompressed text and its decoded form: about 4x the decompressed size.
  const size_t per_decode = 4 * intake.max_decompressed_bytes;
  server.threads = std::clamp<size_t>(total / 8 / per_decode, 1, std::max<size_t>(1, server.threads));
  intake.max_answer_bytes = std::clamp(total / 16, kMiB, intake.max_answer_bytes);
}

}  // namespace ddsim::fakeintake
