// The trace writer and the AgentPayload encoding (docs/trace-agent.md §6, §6.1; the agent's
// pkg/trace/writer/trace.go). Bytes are checked with libprotobuf classes generated from
// proto/trace.proto, independently of the hand-written encoder.
#include "core/trace/trace_writer.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/common/clock.h"
#include "proto/trace.pb.h"
#include "tests/support/trace_payloads.h"
#include "tests/support/trace_proto_entries.h"

namespace ddsim::trace {
namespace {
using testing::entry;

class RecordingForwarder final : public serializer::PayloadForwarder {
 public:
  common::Status submit(serializer::Submission&& s) override {
    if (refuse) return common::Status(common::StatusCode::kFailedPrecondition, "forwarder stopped");
    submissions.push_back(std::move(s));
    return common::Status();
  }
  std::vector<serializer::Submission> submissions;
  bool refuse = false;
};

Span span(uint64_t trace_id, uint64_t span_id, uint64_t parent_id) {
  Span s = testing::sampleSpan(trace_id, span_id, parent_id);
  s.error = parent_id == 0 ? 1 : 0;
  s.metrics["neg"] = -0.5;
  return s;
}

TracerPayload tracerPayload(uint64_t trace_id, int spans, std::string lang = "nodejs") {
  TracerPayload p;
  p.language_name = std::move(lang);
  p.language_version = "v20";
  p.tracer_version = "5.1";
  p.container_id = "cid";
  p.env = "prod";
  TraceChunk c;
  c.priority = -1;  // int32 negative: ten-byte varint
  c.origin = "lambda";
  c.tags = {{"_dd.p.dm", "-4"}};
  for (int i = 0; i < spans; ++i) c.spans.push_back(span(trace_id, static_cast<uint64_t>(i + 1), i == 0 ? 0 : 1));
  p.chunks.push_back(std::move(c));
  return p;
}

datadog::trace::AgentPayload decode(const serializer::Submission& s) {
  EXPECT_EQ(s.endpoint, serializer::Endpoint::kTraces);
  EXPECT_EQ(s.payloads.size(), 1u);
  auto gzip = serializer::makeCompressor(serializer::CompressorKind::kGzip);
  serializer::ByteBuffer raw;
  EXPECT_TRUE(gzip->decompress(s.payloads[0]->bytes, &raw, 1 << 28).isOk());
  EXPECT_EQ(raw.size(), s.payloads[0]->uncompressed_size);
  datadog::trace::AgentPayload p;
  EXPECT_TRUE(p.ParseFromString(raw.toString()));
  return p;
}

std::string header(const serializer::Submission& s, const std::string& name) {
  for (const auto& [k, v] : s.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

TEST(AgentPayloadEncoding, EveryFieldReadsBackWithLibprotobuf) {
  AgentPayloadHeader h{"host-a", "prod", {{"k", "v"}}, "7.99.0", 10, 0.5, true};
  serializer::ByteBuffer out;
  encodeAgentPayload(h, {tracerPayload(42, 3)}, out);
  datadog::trace::AgentPayload p;
  ASSERT_TRUE(p.ParseFromString(out.toString()));
  EXPECT_EQ(p.hostname(), "host-a");
  EXPECT_EQ(p.env(), "prod");
  EXPECT_EQ(entry(p.tags(), "k"), "v");
  EXPECT_EQ(p.agentversion(), "7.99.0");
  EXPECT_EQ(p.targettps(), 10);
  EXPECT_EQ(p.errortps(), 0.5);
  EXPECT_TRUE(p.raresamplerenabled());
  ASSERT_EQ(p.tracerpayloads_size(), 1);
  const auto& tp = p.tracerpayloads(0);
  EXPECT_EQ(tp.languagename(), "nodejs");
  EXPECT_EQ(tp.languageversion(), "v20");
  EXPECT_EQ(tp.tracerversion(), "5.1");
  EXPECT_EQ(tp.containerid(), "cid");
  EXPECT_EQ(tp.env(), "prod");
  ASSERT_EQ(tp.chunks_size(), 1);
  const auto& c = tp.chunks(0);
  EXPECT_EQ(c.priority(), -1);
  EXPECT_EQ(c.origin(), "lambda");
  EXPECT_EQ(entry(c.tags(), "_dd.p.dm"), "-4");
  EXPECT_FALSE(c.droppedtrace());
  ASSERT_EQ(c.spans_size(), 3);
  const Span want = span(42, 1, 0);
  const auto& s = c.spans(0);
  EXPECT_EQ(s.service(), want.service);
  EXPECT_EQ(s.name(), want.name);
  EXPECT_EQ(s.resource(), want.resource);
  EXPECT_EQ(s.traceid(), 42u);
  EXPECT_EQ(s.spanid(), 1u);
  EXPECT_EQ(s.parentid(), 0u);
  EXPECT_EQ(s.start(), want.start);
  EXPECT_EQ(s.duration(), want.duration);
  EXPECT_EQ(s.error(), 1);
  EXPECT_EQ(s.type(), "web");
  EXPECT_EQ(entry(s.meta(), "http.status_code"), "500");
  EXPECT_EQ(entry(s.metrics(), "_sampling_priority_v1"), 2);
  EXPECT_EQ(entry(s.metrics(), "neg"), -0.5);
  EXPECT_EQ(c.spans(2).parentid(), 1u);
  // Same bytes as libprotobuf would write for this message (schema order, proto3 defaults out),
  // except map order, which both write sorted here.
  EXPECT_EQ(p.SerializeAsString().size(), out.size());
}

TEST(AgentPayloadEncoding, PreEncodedTracerPayloadsGiveTheSameBytes) {
  AgentPayloadHeader h{"host-a", "prod", {{"k", "v"}}, "7.99.0", 10, 0.5, true};
  const std::vector<TracerPayload> payloads = {tracerPayload(1, 2), tracerPayload(2, 200)};
  std::vector<std::string> encoded;
  for (const auto& p : payloads) {
    serializer::ByteBuffer b;
    encodeTracerPayload(p, b);
    encoded.push_back(b.toString());
  }
  serializer::ByteBuffer direct, framed;
  encodeAgentPayload(h, payloads, direct);
  encodeAgentPayload(h, encoded, framed);
  EXPECT_EQ(direct.toString(), framed.toString());
}

TEST(AgentPayloadEncoding, SizeEstimateIsTheEncodedTracerPayloadWithItsPrefix) {
  const TracerPayload tp = tracerPayload(7, 200);  // > 127 bytes: multi-byte length prefixes
  serializer::ByteBuffer one, two;
  encodeAgentPayload({}, {tp}, one);
  encodeAgentPayload({}, {tp, tp}, two);
  EXPECT_EQ(encodedTracerPayloadSize(tp), one.size());
  EXPECT_EQ(2 * encodedTracerPayloadSize(tp), two.size());
}

// writer/trace.go flush: AgentPayload, gzip, Content-Type application/x-protobuf,
// Content-Encoding gzip, X-Datadog-Reported-Languages joined by "|".
TEST(TraceWriter, FlushSendsOneGzippedAgentPayloadWithTheAgentsHeaders) {
  RecordingForwarder fwd;
  TraceWriterOptions o;
  o.header = {"host-a", "none", {}, "7.99.0", 10, 10, false};
  TraceWriter w(o, fwd);
  w.add(tracerPayload(1, 2, "python"));
  w.add(tracerPayload(2, 3, "nodejs"));
  EXPECT_TRUE(fwd.submissions.empty());
  w.flush();
  ASSERT_EQ(fwd.submissions.size(), 1u);
  const auto& s = fwd.submissions[0];
  EXPECT_EQ(header(s, "Content-Type"), "application/x-protobuf");
  EXPECT_EQ(header(s, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(s, "X-Datadog-Reported-Languages"), "nodejs|python");
  EXPECT_EQ(s.priority, serializer::TransactionPriority::kHigh);
  const auto p = decode(s);
  EXPECT_EQ(p.hostname(), "host-a");
  EXPECT_EQ(p.targettps(), 10);
  ASSERT_EQ(p.tracerpayloads_size(), 2);
  EXPECT_EQ(p.tracerpayloads(0).languagename(), "python");
  EXPECT_EQ(p.tracerpayloads(1).chunks(0).spans_size(), 3);
  EXPECT_EQ(s.payloads[0]->item_count, 2);
  EXPECT_EQ(s.payloads[0]->point_count, 5);
  const auto c = w.counters();
  EXPECT_EQ(c.payloads, 1u);
  EXPECT_EQ(c.traces, 2u);
  EXPECT_EQ(c.spans, 5u);
  EXPECT_EQ(c.bytes, s.payloads[0]->bytes.size());
  w.flush();  // nothing buffered: nothing sent
  EXPECT_EQ(fwd.submissions.size(), 1u);
}

TEST(TraceWriter, PayloadWithoutChunksIsNotBuffered) {
  RecordingForwarder fwd;
  TraceWriter w({}, fwd);
  TracerPayload empty;
  empty.language_name = "go";
  w.add(std::move(empty));
  w.flush();
  EXPECT_TRUE(fwd.submissions.empty());
}

// writer/trace.go addSpans: a payload that would push the buffer past MaxPayloadSize flushes
// what is buffered first; no AgentPayload carries more than the limit (one tracer payload alone
// may, as in the agent).
TEST(TraceWriter, SplitsBySizeBeforeTheBufferOverflows) {
  RecordingForwarder fwd;
  TraceWriterOptions o;
  const size_t one = encodedTracerPayloadSize(tracerPayload(1, 10));
  o.max_payload_size = 3 * one + one / 2;  // room for three
  TraceWriter w(o, fwd);
  for (uint64_t i = 1; i <= 10; ++i) w.add(tracerPayload(i, 10));
  w.flush();
  ASSERT_EQ(fwd.submissions.size(), 4u);  // 3 + 3 + 3 + 1
  size_t total = 0;
  for (const auto& s : fwd.submissions) {
    const auto p = decode(s);
    EXPECT_LE(p.tracerpayloads_size(), 3);
    EXPECT_LE(s.payloads[0]->uncompressed_size, o.max_payload_size);
    total += static_cast<size_t>(p.tracerpayloads_size());
  }
  EXPECT_EQ(total, 10u);
  EXPECT_EQ(w.counters().flushes_by_size, 3u);
}

TEST(TraceWriter, TickFlushesOncePerPeriodInVirtualTime) {
  RecordingForwarder fwd;
  common::ManualClock clock;
  TraceWriterOptions o;
  o.flush_period = std::chrono::seconds(5);
  TraceWriter w(o, fwd);
  w.tick(clock.steadyNow());  // starts the period
  w.add(tracerPayload(1, 1));
  clock.advance(std::chrono::seconds(4));
  w.tick(clock.steadyNow());
  EXPECT_TRUE(fwd.submissions.empty());
  clock.advance(std::chrono::seconds(1));
  EXPECT_EQ(w.nextDeadline(), clock.steadyNow());
  w.tick(clock.steadyNow());
  EXPECT_EQ(fwd.submissions.size(), 1u);
  EXPECT_EQ(w.nextDeadline(), clock.steadyNow() + std::chrono::seconds(5));
}

TEST(TraceWriter, RefusedSubmissionIsCountedAsDroppedWithItsTraces) {
  RecordingForwarder fwd;
  fwd.refuse = true;
  TraceWriter w({}, fwd);
  w.add(tracerPayload(1, 4));
  w.add(tracerPayload(2, 4));
  w.flush();
  const auto c = w.counters();
  EXPECT_EQ(c.payloads, 0u);
  EXPECT_EQ(c.payloads_dropped_forwarder, 1u);
  EXPECT_EQ(c.traces_dropped_forwarder, 2u);
  EXPECT_EQ(w.telemetry().at("trace.writer.traces_dropped.forwarder"), 2);
}

// The trace id of the one chunk of the one tracer payload in a submission.
uint64_t traceIdOf(const serializer::Submission& s) { return decode(s).tracerpayloads(0).chunks(0).spans(0).traceid(); }

// apm_config.trace_writer.{connection_limit,queue_size} (§6.1.1, writer/sender.go): the
// forwarder here is a slow intake that holds every payload until the test releases it.
TEST(TraceWriterSender, AQueueOfNHoldsNAndTheOldestWaitingPayloadsAreDropped) {
  RecordingForwarder fwd;
  common::ManualClock clock;
  TraceWriterOptions o;
  const size_t one = encodedTracerPayloadSize(tracerPayload(1, 2));
  o.max_payload_size = one + one / 2;  // each add sends the payload before it
  o.sender = traceWriterSenderOptions(2, 3);
  TraceWriter w(o, fwd);
  w.tick(clock.steadyNow());
  for (uint64_t i = 1; i <= 8; ++i) w.add(tracerPayload(i, 2));  // 1..7 leave the buffer, 8 stays
  // Two out (the connection limit), three waiting (the queue), the two oldest waiting dropped.
  ASSERT_EQ(fwd.submissions.size(), 2u);
  EXPECT_EQ(traceIdOf(fwd.submissions[0]), 1u);
  EXPECT_EQ(traceIdOf(fwd.submissions[1]), 2u);
  TraceWriterCounters c = w.counters();
  EXPECT_EQ(c.payloads, 2u);
  EXPECT_EQ(c.payloads_waiting, 3u);
  EXPECT_EQ(c.payloads_dropped_queue_full, 2u);
  EXPECT_EQ(c.traces_dropped_queue_full, 2u);
  EXPECT_EQ(w.telemetry().at("trace.writer.traces_dropped.sender_queue_full"), 2);
  // While payloads wait, the writer looks for a free connection soon, not at the next flush.
  EXPECT_EQ(w.nextDeadline(), clock.steadyNow() + std::chrono::milliseconds(100));
  // Nothing frees up: a tick hands nothing over.
  clock.advance(std::chrono::milliseconds(100));
  w.tick(clock.steadyNow());
  EXPECT_EQ(fwd.submissions.size(), 2u);
  // The intake answers one: its connection goes to the oldest waiting payload (5; 3 and 4 were
  // dropped).
  fwd.submissions.erase(fwd.submissions.begin());
  clock.advance(std::chrono::milliseconds(100));
  w.tick(clock.steadyNow());
  ASSERT_EQ(fwd.submissions.size(), 2u);
  EXPECT_EQ(traceIdOf(fwd.submissions[1]), 5u);
  EXPECT_EQ(w.counters().payloads_waiting, 2u);
  // Stop: the buffered payload and every waiting one are handed over, whatever is out.
  w.flush();
  ASSERT_EQ(fwd.submissions.size(), 5u);
  std::vector<uint64_t> ids;
  for (const auto& sub : fwd.submissions) ids.push_back(traceIdOf(sub));
  EXPECT_EQ(ids, (std::vector<uint64_t>{2, 5, 6, 7, 8}));
  c = w.counters();
  EXPECT_EQ(c.payloads, 6u);
  EXPECT_EQ(c.traces, 6u);
  EXPECT_EQ(c.payloads_waiting, 0u);
  EXPECT_EQ(c.payloads_dropped_queue_full, 2u);
  EXPECT_EQ(w.nextDeadline(), clock.steadyNow() - std::chrono::milliseconds(200) + o.flush_period);
}

TEST(TraceWriterSender, DefaultsAreTheAgents) {
  const WriterSenderOptions d = traceWriterSenderOptions(0, 0);
  EXPECT_EQ(d.connection_limit, 200u);
  EXPECT_EQ(d.queue_size, 163u);  // 500 MB / 3.2 MB
  const WriterSenderOptions set = traceWriterSenderOptions(4, 9);
  EXPECT_EQ(set.connection_limit, 4u);
  EXPECT_EQ(set.queue_size, 9u);
}

}  // namespace
}  // namespace ddsim::trace
