// libFuzzer target: raw bytes as they would arrive on a fakeintake connection, through the HTTP
// request reader and the handler (control API and intake), in-process. The first byte picks
// whether the bytes arrive at once or a few at a time. Never a crash, never a 5xx other than
// what a fault rule asked for (none here), and every answer serializes; and the reactor's
// framing (request_framing.h) agrees with the reader.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/common/clock.h"
#include "fakeintake/handler/intake_handler.h"
#include "fakeintake/server/http_request_reader.h"
#include "fakeintake/server/request_framing.h"

namespace {

class MemoryStream final : public ddsim::fakeintake::ByteStream {
 public:
  MemoryStream(std::string_view data, size_t step) : data_(data), step_(step) {}
  long read(char* buf, size_t n) override {
    const size_t k = std::min({n, step_, data_.size()});
    std::copy_n(data_.data(), k, buf);
    data_.remove_prefix(k);
    return static_cast<long>(k);
  }
  bool writeAll(std::string_view bytes) override {
    written += bytes.size();
    return true;
  }
  size_t written = 0;

 private:
  std::string_view data_;
  const size_t step_;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddsim::fakeintake;
  if (size == 0) return 0;
  const size_t step = data[0] % 2 ? 1 + data[0] % 7 : size;
  MemoryStream stream(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), step);
  ddsim::common::ManualClock clock;
  IntakeOptions o;
  o.max_memory_bytes = 16u << 20;
  o.max_body_bytes = 1u << 20;
  o.max_decompressed_bytes = 1u << 20;
  IntakeHandler handler(o, clock);
  RequestLimits limits;
  limits.max_body_bytes = o.max_body_bytes;
  // The reactor's framing never calls a request whole before it is: the strict reader, given
  // exactly the bytes framing says hold one request, needs no more (an answer or an error).
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  if (const Framing f = frameRequest(input, limits); f.kind == Framing::Kind::kComplete) {
    MemoryStream exact(input.substr(0, f.length), f.length + 1);
    RequestReader framed(exact, limits);
    const ReadOutcome out = framed.next();
    if (out.kind == ReadOutcome::Kind::kClosed) std::abort();
    if (out.kind == ReadOutcome::Kind::kRequest && framed.hasBuffered()) std::abort();
  }
  RequestReader reader(stream, limits);
  for (int i = 0; i < 64; ++i) {
    ReadOutcome out = reader.next();
    if (out.kind == ReadOutcome::Kind::kClosed) break;
    if (out.kind == ReadOutcome::Kind::kError) {
      if (out.error_status < 400 || out.error_status > 599 || out.error.empty()) std::abort();
      if (errorResponse(out.error_status, out.error, handler.serverId()).empty()) std::abort();
      break;
    }
    IntakeResponse resp = handler.handle(std::move(out.request));
    if (resp.status >= 500 && resp.status != 503) std::abort();  // no internal error on any input
    if (serializeResponse(resp, out.keep_alive, out.head_only).empty()) std::abort();
    if (!out.keep_alive) break;
  }
  return 0;
}
