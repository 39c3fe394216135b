// libFuzzer target: arbitrary bytes as a .dog capture file (plain or zstd) and as a trace
// capture (core/trace/trace_capture.h): each reader must return records or clear errors, never
// crash, and stay within the file.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/dogstatsd/capture_file.h"
#include "core/trace/trace_capture.h"

namespace {

void readAsTraceCapture(const uint8_t* data, size_t size) {
  auto reader = ddsim::trace::TraceCaptureReader::fromBytes(std::string(reinterpret_cast<const char*>(data), size));
  if (!reader.isOk()) {
    if (reader.status().message().empty()) std::abort();
    return;
  }
  size_t total = 0;
  while (true) {
    auto rec = reader->next();
    if (!rec.isOk()) {
      if (rec.status().message().find("record ") == std::string::npos) std::abort();  // says which record
      break;
    }
    if (!rec->has_value()) break;
    total += (*rec)->body.size() + (*rec)->path.size();
    if (total > size) std::abort();  // records are slices of the file
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  readAsTraceCapture(data, size);
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
