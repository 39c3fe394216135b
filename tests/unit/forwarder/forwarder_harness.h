#pragma once
// Helpers for the forwarder scenario tests: payload builders and a virtual-time driver.
#include <gtest/gtest.h>

#include <zlib.h>

#include <memory>
#include <string>

#include "core/common/clock.h"
#include "core/forwarder/default_forwarder.h"
#include "core/forwarder/function_transport.h"

namespace ddsim::forwarder::fwdtest {

// prefix + decimal n (spelled out: GCC 12 warns falsely on `"literal" + std::to_string(n)`).
inline std::string numbered(const char* prefix, int64_t n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

inline serializer::PayloadPtr payloadOf(std::string bytes, int64_t points = 1) {
  auto p = std::make_shared<serializer::Payload>();
  p->bytes = std::move(bytes);
  p->point_count = points;
  p->item_count = 1;
  return p;
}

// zlib-wrapped deflate, as the agent's "deflate" Content-Encoding (spec §9.10). cpp-httplib's
// server inflates such bodies before the handler sees them, so tests compare plain text.
inline std::string deflate(const std::string& plain) {
  uLongf size = compressBound(static_cast<uLong>(plain.size()));
  std::string out(size, '\0');
  compress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(plain.data()),
           static_cast<uLong>(plain.size()));
  out.resize(size);
  return out;
}

// A series v2 submission whose payload is `body` compressed with deflate.
inline serializer::Submission seriesSubmission(const std::string& body,
                                               serializer::TransactionPriority prio = serializer::TransactionPriority::kNormal) {
  serializer::Submission s;
  s.endpoint = serializer::Endpoint::kSeriesV2;
  s.payloads = {payloadOf(deflate(body))};
  s.headers = {{"Content-Type", "application/x-protobuf"}, {"Content-Encoding", "deflate"}};
  s.priority = prio;
  return s;
}

// Virtual mode driver: jumps the manual clock from deadline to deadline up to `end`, ticking at
// each, then ticks once at `end`. `after_tick` (optional) runs after every tick.
template <typename F>
void runUntil(DefaultForwarder& f, common::ManualClock& clock, common::SteadyTime end, F&& after_tick) {
  for (int guard = 0; guard < 1'000'000; ++guard) {
    const auto next = f.nextDeadline();
    if (!next || *next > end) break;
    if (*next > clock.steadyNow()) clock.advance(*next - clock.steadyNow());
    f.tick(clock.steadyNow());
    after_tick();
    const auto after = f.nextDeadline();
    if (after && *after <= clock.steadyNow()) {
      ADD_FAILURE() << "the forwarder asked for a tick at a time it has already handled";
      return;
    }
  }
  if (end > clock.steadyNow()) clock.advance(end - clock.steadyNow());
  f.tick(clock.steadyNow());
  after_tick();
}

inline void runUntil(DefaultForwarder& f, common::ManualClock& clock, common::SteadyTime end) {
  runUntil(f, clock, end, [] {});
}

// A series submission with an uncompressed payload of exactly `body` (for byte-budget tests).
inline serializer::Submission rawSubmission(const std::string& body,
                                            serializer::TransactionPriority prio = serializer::TransactionPriority::kNormal) {
  serializer::Submission s;
  s.endpoint = serializer::Endpoint::kSeriesV2;
  s.payloads = {payloadOf(body)};
  s.headers = {{"Content-Type", "application/x-protobuf"}};
  s.priority = prio;
  return s;
}

// An in-process intake answering 200 after a simulated latency (virtual time); counts calls.
inline FunctionTransport::Handler answerAfter(const std::string& latency_ms, int* calls) {
  return [latency_ms, calls](const TransportRequest&) {
    ++*calls;
    TransportResult r;
    r.status = 200;
    r.headers = {{std::string(kSimulatedLatencyHeader), latency_ms}};
    return r;
  };
}

}  // namespace ddsim::forwarder::fwdtest
