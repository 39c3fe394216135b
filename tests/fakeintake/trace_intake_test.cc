// /api/v0.2/traces in the fakeintake (docs/trace-agent.md §6, §6.2): the decoder on bytes from
// core/trace's writer and on an AgentPayload built independently with libprotobuf, the JSON
// form the control API serves, and the span property checks.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/serializer/compression.h"
#include "core/trace/trace_writer.h"
#include "fakeintake/client/fakeintake_client.h"
#include "fakeintake/decoders/decoded_json.h"
#include "fakeintake/decoders/decoder.h"
#include "proto/trace.pb.h"
#include "tests/fakeintake/submission_support.h"
#include "tests/fakeintake/test_support.h"
#include "tests/support/trace_proto_entries.h"

namespace ddsim::fakeintake {
namespace {

using nlohmann::json;
using trace::testing::addEntry;

constexpr int64_t kStart = 1'700'000'000'000'000'000;

// An AgentPayload written with libprotobuf, not with ddsim's encoder.
datadog::trace::AgentPayload independentPayload() {
  datadog::trace::AgentPayload p;
  p.set_hostname("host-b");
  p.set_env("staging");
  p.set_agentversion("7.60.0");
  p.set_targettps(10);
  p.set_errortps(10);
  auto* tp = p.add_tracerpayloads();
  tp->set_languagename("go");
  tp->set_tracerversion("1.60");
  auto* c = tp->add_chunks();
  c->set_priority(2);
  c->set_origin("synthetics");
  addEntry(*c->mutable_tags(), "_dd.p.dm", "-4");
  for (uint64_t id : {1, 2}) {
    auto* s = c->add_spans();
    s->set_service("api");
    s->set_name("http.request");
    s->set_resource(id == 1 ? "GET /" : "SELECT 1");
    s->set_traceid(0xFFFFFFFFFFFFFFFFULL);  // ids past 2^63 stay exact
    s->set_spanid(id);
    s->set_parentid(id == 1 ? 0 : 1);
    s->set_start(kStart);
    s->set_duration(1000 * static_cast<int64_t>(id));
    s->set_error(id == 2 ? 1 : 0);
    addEntry(*s->mutable_meta(), "http.method", "GET");
    addEntry(*s->mutable_metrics(), "_sampling_priority_v1", 2.0);
    s->set_type("web");
  }
  return p;
}

TEST(TraceDecoder, DecodesAnIndependentlyBuiltAgentPayload) {
  auto d = decodeBody(RouteKind::kTraces, "application/x-protobuf", independentPayload().SerializeAsString(), 1 << 24);
  ASSERT_TRUE(d.isOk()) << d.status().message();
  const auto& items = std::get<std::vector<DecodedAgentPayload>>(d->items);
  ASSERT_EQ(items.size(), 1u);
  const DecodedAgentPayload& a = items[0];
  EXPECT_EQ(a.host_name, "host-b");
  EXPECT_EQ(a.env, "staging");
  EXPECT_EQ(a.agent_version, "7.60.0");
  EXPECT_EQ(a.target_tps, 10);
  EXPECT_EQ(a.chunkCount(), 1u);
  EXPECT_EQ(a.spanCount(), 2u);
  const DecodedTraceChunk& c = a.tracer_payloads.at(0).chunks.at(0);
  EXPECT_EQ(a.tracer_payloads[0].language_name, "go");
  EXPECT_EQ(c.priority, 2);
  EXPECT_EQ(c.origin, "synthetics");
  EXPECT_EQ(c.tags.at("_dd.p.dm"), "-4");
  EXPECT_EQ(c.spans[1].resource, "SELECT 1");
  EXPECT_EQ(c.spans[1].trace_id, 0xFFFFFFFFFFFFFFFFULL);
  EXPECT_EQ(c.spans[1].parent_id, 1u);
  EXPECT_EQ(c.spans[1].duration, 2000);
  EXPECT_EQ(c.spans[1].error, 1);
  EXPECT_EQ(c.spans[0].meta.at("http.method"), "GET");
  EXPECT_EQ(c.spans[0].metrics.at("_sampling_priority_v1"), 2);

  const json j = itemsToJson(d->items);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["hostName"], "host-b");
  EXPECT_EQ(j[0]["tracerPayloads"][0]["chunks"][0]["spans"][1]["traceID"].get<uint64_t>(), 0xFFFFFFFFFFFFFFFFULL);
  EXPECT_EQ(j[0]["tracerPayloads"][0]["chunks"][0]["spans"][0]["parentID"], 0);
  EXPECT_EQ(j[0]["tracerPayloads"][0]["chunks"][0]["priority"], 2);
}

TEST(TraceDecoder, DecodesWhatTheTraceWriterSends) {
  testing::CapturingForwarder fwd;
  trace::TraceWriterOptions o;
  o.header.host_name = "host-a";
  o.header.agent_version = "ddsim";
  trace::TraceWriter w(o, fwd);
  trace::TracerPayload tp;
  tp.language_name = "nodejs";
  trace::TraceChunk c;
  c.priority = 1;
  trace::Span s;
  s.service = "web";
  s.name = "express.request";
  s.resource = "GET /users/:id";
  s.trace_id = 77;
  s.span_id = 5;
  s.start = kStart;
  s.duration = 12;
  s.meta = {{"component", "express"}};
  c.spans.push_back(s);
  tp.chunks.push_back(c);
  w.add(std::move(tp));
  w.flush();
  ASSERT_EQ(fwd.subs.size(), 1u);

  // Through the handler, as it arrives: gzip, the writer's headers.
  common::ManualClock clock;
  IntakeHandler h(IntakeOptions{}, clock);
  auto stored = testing::deliver(h, clock, fwd.subs[0], "/api/v0.2/traces");
  ASSERT_TRUE(stored && stored->decoded);
  const auto& a = std::get<std::vector<DecodedAgentPayload>>(stored->decoded->items).at(0);
  EXPECT_EQ(a.host_name, "host-a");
  const DecodedSpan& got = a.tracer_payloads.at(0).chunks.at(0).spans.at(0);
  EXPECT_EQ(got.service, "web");
  EXPECT_EQ(got.name, "express.request");
  EXPECT_EQ(got.resource, "GET /users/:id");
  EXPECT_EQ(got.trace_id, 77u);
  EXPECT_EQ(got.span_id, 5u);
  EXPECT_EQ(got.meta.at("component"), "express");
}

TEST(TraceDecoder, GarbageIsADecodeErrorSayingWhere) {
  auto d = decodeBody(RouteKind::kTraces, "application/x-protobuf", std::string("\x2a\x05\x0a\x03", 4), 1 << 20);
  ASSERT_FALSE(d.isOk());
  EXPECT_NE(d.status().message().find("AgentPayload"), std::string::npos) << d.status().message();
}

// Over HTTP: the raw route of the agent fakeintake's GetTraces (/fakeintake/payloads?endpoint=
// /api/v0.2/traces, base64 bodies) and the JSON form, which the C++ client reads back.
TEST(TraceDecoder, ServedRawAndAsJsonAndReadByTheClient) {
  testing::TestServer s;
  const std::string body = independentPayload().SerializeAsString();
  auto r = s.post("/api/v0.2/traces", testing::gzipCompress(body), "gzip");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto c = FakeintakeClient::create(s.url());
  ASSERT_TRUE(c.isOk());
  auto raw = (*c)->payloads("/api/v0.2/traces", 0);
  ASSERT_TRUE(raw.isOk()) << raw.status().message();
  ASSERT_EQ(raw->size(), 1u);
  EXPECT_EQ((*raw)[0].encoding, "gzip");
  auto traces = (*c)->traces();
  ASSERT_TRUE(traces.isOk()) << traces.status().message();
  ASSERT_EQ(traces->size(), 1u);
  const DecodedAgentPayload& a = (*traces)[0];
  EXPECT_EQ(a.host_name, "host-b");
  EXPECT_EQ(a.target_tps, 10);
  ASSERT_EQ(a.spanCount(), 2u);
  const DecodedSpan& sp = a.tracer_payloads[0].chunks[0].spans[1];
  EXPECT_EQ(sp.trace_id, 0xFFFFFFFFFFFFFFFFULL);
  EXPECT_EQ(sp.resource, "SELECT 1");
  EXPECT_EQ(sp.error, 1);
  EXPECT_EQ(sp.meta.at("http.method"), "GET");
  EXPECT_EQ(sp.metrics.at("_sampling_priority_v1"), 2);
  EXPECT_EQ(a.tracer_payloads[0].chunks[0].tags.at("_dd.p.dm"), "-4");
  // Asked again: nothing new, the cache answers.
  EXPECT_EQ((*c)->traces()->size(), 1u);
}

datadog::trace::Span* s0(datadog::trace::AgentPayload& p) {
  return p.mutable_tracerpayloads(0)->mutable_chunks(0)->mutable_spans(0);
}

// One row per property: the payload breaks it (docs/trace-agent.md §6.2).
TEST(TraceProperties, EachBrokenSpanIsNamed) {
  struct Row {
    const char* property;
    void (*breakIt)(datadog::trace::AgentPayload&);
  };
  const Row rows[] = {
      {"DdTraceIds", [](datadog::trace::AgentPayload& p) { s0(p)->set_spanid(0); }},
      {"DdTraceIds", [](datadog::trace::AgentPayload& p) { s0(p)->set_traceid(3); }},
      {"DdTraceDuration", [](datadog::trace::AgentPayload& p) { s0(p)->set_duration(-5); }},
      {"DdTraceFields", [](datadog::trace::AgentPayload& p) { s0(p)->set_service(""); }},
      {"DdTraceFields", [](datadog::trace::AgentPayload& p) { s0(p)->set_resource(""); }},
      {"DdTracePriority", [](datadog::trace::AgentPayload& p) { p.mutable_tracerpayloads(0)->mutable_chunks(0)->set_priority(7); }},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.property);
    auto p = independentPayload();
    row.breakIt(p);
    auto d = decodeBody(RouteKind::kTraces, "application/x-protobuf", p.SerializeAsString(), 1 << 20);
    ASSERT_TRUE(d.isOk());
    PropertyChecker checker(IntakeOptions{});
    std::vector<Violation> out;
    checker.checkDecoded(RouteKind::kTraces, *d, common::ManualClock().systemNow(), out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].property, row.property);
    EXPECT_NE(out[0].message.find("tracerPayloads[0].chunks[0]"), std::string::npos) << out[0].message;
  }
  // The unbroken payload has none.
  auto d = decodeBody(RouteKind::kTraces, "application/x-protobuf", independentPayload().SerializeAsString(), 1 << 20);
  std::vector<Violation> none;
  PropertyChecker(IntakeOptions{}).checkDecoded(RouteKind::kTraces, *d, common::ManualClock().systemNow(), none);
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace ddsim::fakeintake
