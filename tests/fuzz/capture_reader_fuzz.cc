// libFuzzer target: arbitrary bytes as a .dog capture file (plain or zstd): the reader must
// return records or clear errors, never crash, and stay within the file.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/dogstatsd/capture_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  // A small decompression limit: a zstd bomb must be refused, not exhaust memory.
  auto reader = ddsim::dogstatsd::CaptureReader::fromBytes(std::move(bytes), 1 << 20);
  if (!reader.isOk()) {
    if (reader.status().message().empty()) std::abort();
    return 0;
  }
  ddsim::dogstatsd::CaptureRecord rec;
  size_t total = 0;
  while (true) {
    auto more = reader->next(rec);
    if (!more.isOk() || !*more) break;
    total += rec.payload.size() + rec.ancillary.size();
    if (total > reader->size() * 2 + 64) std::abort();  // records are slices of the file
  }
  (void)reader->readState();
  return 0;
}
