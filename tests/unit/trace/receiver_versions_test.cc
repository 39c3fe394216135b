// /v0.3/traces and /v0.4/traces by Content-Type, and /v0.7/traces (docs/trace-agent.md §1.2), as
// pkg/trace/api/api.go decodes them: decodeRequest and getMediaType for v0.2-v0.4 (msgpack,
// JSON, or JSON then msgpack), replyOK ("OK" for v0.3, the rates from v0.4 on), and
// decodeTracerPayload's V07 case (a msgp TracerPayload, tracer_payload_gen.go).
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "core/trace/receiver.h"
#include "core/trace/receiver_json.h"
#include "tests/support/trace_payloads.h"

namespace ddsim::trace {
namespace {

using testing::Packer;

Traces webTrace() {
  Span s = testing::sampleSpan(77, 1, 0);
  s.meta["caf\xc3\xa9"] = "cr\xc3\xa8me";
  return {{s, testing::sampleSpan(77, 2, 1)}};
}

// The same traces as encoding/json would read them, written by hand.
const char* kWebTraceJson = R"([[
  {"service":"web-store","name":"http.request","resource":"GET /cart","trace_id":77,"span_id":1,"parent_id":0,
   "start":1700000000123456789,"duration":42000,"error":1,"type":"web",
   "meta":{"env":"prod","http.status_code":"500","café":"crème"},
   "metrics":{"_sampling_priority_v1":2,"_top_level":1}},
  {"SERVICE":"web-store","Name":"http.request","resource":"GET /cart","trace_id":77,"span_id":2,"parent_id":1,
   "start":1700000000123456789,"duration":42000,"error":1,"type":"web","span_links":[{"x":1}],
   "meta":{"env":"prod","http.status_code":"500"},"metrics":{"_sampling_priority_v1":2.0,"_top_level":1}}
]])";

struct Received {
  std::vector<ReceivedPayload> payloads;
  TraceReceiver receiver{ReceiverOptions{.max_request_bytes = 1 << 20},
                         [this](ReceivedPayload&& p) { payloads.push_back(std::move(p)); }};
  ReceiverResponse send(const std::string& path, const std::string& content_type, const std::string& body) {
    std::map<std::string, std::string> h = {{"datadog-meta-lang", "js"}};
    if (!content_type.empty()) h["content-type"] = content_type;
    return receiver.handle({path, h, body});
  }
};

// api.go getMediaType/decodeRequest: which decoder each Content-Type selects.
TEST(ReceiverVersionsTest, MediaTypeSelectsTheDecoder) {
  struct C {
    const char* content_type;
    BodyFormat want;
  };
  const std::vector<C> cases = {
      {"application/msgpack", BodyFormat::kMsgpack},
      {"Application/MsgPack; charset=x", BodyFormat::kMsgpack},
      {"application/json", BodyFormat::kJson},
      {"text/json", BodyFormat::kJson},
      {"", BodyFormat::kJson},                      // no Content-Type
      {"application/json; charset=utf-8", BodyFormat::kJson},
      {"not a media type", BodyFormat::kJson},      // unparsable: JSON (getMediaType's fallback)
      {"application/octet-stream", BodyFormat::kJsonThenMsgpack},  // "do our best"
      {"text/plain", BodyFormat::kJsonThenMsgpack},
  };
  for (const C& c : cases) EXPECT_EQ(bodyFormatFor(c.content_type), c.want) << c.content_type;
}

// v0.3 and v0.4 share decodeRequest; v0.3 answers "OK", v0.4 the rates (api.go replyOK).
TEST(ReceiverVersionsTest, V03AndV04DecodeJsonAndMsgpackAlike) {
  struct C {
    const char* path;
    const char* content_type;
    bool msgpack;  // body
    const char* answer_prefix;
  };
  const std::vector<C> cases = {
      {"/v0.3/traces", "application/msgpack", true, "OK\n"},
      {"/v0.3/traces", "application/json", false, "OK\n"},
      {"/v0.3/traces", "", false, "OK\n"},
      {"/v0.3/traces", "application/octet-stream", false, "OK\n"},  // JSON first
      {"/v0.3/traces", "application/octet-stream", true, "OK\n"},   // then msgpack
      {"/v0.4/traces", "application/json", false, "{\"rate_by_service\""},
      {"/v0.4/traces", "text/json", false, "{\"rate_by_service\""},
      {"/v0.4/traces", "application/msgpack", true, "{\"rate_by_service\""},
  };
  for (const C& c : cases) {
    Received r;
    const std::string body = c.msgpack ? testing::packV04(webTrace()) : std::string(kWebTraceJson);
    ReceiverResponse resp = r.send(c.path, c.content_type, body);
    const std::string label = std::string(c.path) + " " + c.content_type + (c.msgpack ? " msgpack" : " json");
    ASSERT_EQ(resp.status, 200) << label << ": " << resp.body;
    EXPECT_EQ(resp.body.rfind(c.answer_prefix, 0), 0u) << label << ": " << resp.body;
    ASSERT_EQ(r.payloads.size(), 1u) << label;
    EXPECT_EQ(r.payloads[0].endpoint, std::string(c.path).substr(1, 4)) << label;
    EXPECT_EQ(r.payloads[0].traces, webTrace()) << label;
  }
}

// The wrong decoder for the body refuses it with the decoder's message (400, counted).
TEST(ReceiverVersionsTest, WrongContentTypeOrBadJsonRefused) {
  struct C {
    const char* content_type;
    std::string body;
    const char* fragment;
  };
  const std::vector<C> cases = {
      {"", testing::packV04(webTrace()), "json: "},                 // msgpack sent without a type
      {"application/msgpack", kWebTraceJson, "v0.4: traces: expected an array"},
      {"application/json", R"([[{"span_id":-3}]])", "json: traces[0][0].span_id: expected an unsigned integer, got -3"},
      {"application/json", R"([[{"start":1.5}]])", "traces[0][0].start: expected an integer"},
      {"application/json", R"([[{"error":4294967296}]])", "traces[0][0].error: expected an int32"},
      {"application/json", R"([[{"meta":{"k":1}}]])", "traces[0][0].meta[k]: expected a string, got 1"},
      {"application/json", R"([[{"metrics":{"m":"x"}}]])", "metrics[m]: expected a number"},
      {"application/json", R"({"traces":[]})", "json: traces: expected an array, got object"},
      {"application/json", R"([[{"service":"a"})", "json: [json.exception.parse_error"},
      // Found by the trace_decoder fuzz target: a number out of double's range is nlohmann's
      // out_of_range, not a parse_error; it must be refused like any bad body.
      {"application/json", "99e399e3b b ", "json: [json.exception.out_of_range"},
      {"application/json", R"([[{"duration":1e999}]])", "json: [json.exception.out_of_range"},
      {"application/octet-stream", "\x91\x91\x81", "v0.4: msgpack"},  // neither JSON nor msgpack: the msgpack error
  };
  Received r;
  for (const C& c : cases) {
    ReceiverResponse resp = r.send("/v0.3/traces", c.content_type, c.body);
    EXPECT_EQ(resp.status, 400) << c.content_type << " " << c.body;
    EXPECT_NE(resp.body.find(c.fragment), std::string::npos) << resp.body;
  }
  EXPECT_TRUE(r.payloads.empty());
  EXPECT_EQ(r.receiver.counters().decoding_errors, cases.size());
}

// encoding/json: null fields stay zero, a null trace is empty, invalid UTF-8 becomes U+FFFD.
TEST(ReceiverVersionsTest, JsonLeniency) {
  common::Result<Traces> t = decodeTracesJson("[null, [{\"service\":null,\"name\":\"op\\u00e9\",\"meta\":null,"
                                              "\"resource\":\"r\xff\"}], [null]]");
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  ASSERT_EQ(t->size(), 3u);
  EXPECT_TRUE(t->at(0).empty());
  EXPECT_EQ(t->at(1).at(0).service, "");
  EXPECT_EQ(t->at(1).at(0).name, "op\xc3\xa9");
  EXPECT_EQ(t->at(1).at(0).resource, "r\xef\xbf\xbd");
  EXPECT_EQ(t->at(2).at(0), Span{});
  EXPECT_TRUE(decodeTracesJson("null").value().empty());
}

// A v0.7 TracerPayload: map keys of tracer_payload_gen.go, chunks with their spans.
std::string v07Body(const std::function<void(Packer&)>& extra_chunk_field = nullptr) {
  msgpack::sbuffer b;
  Packer p(b);
  p.pack_map(6);
  p.pack("language_name"), p.pack("python");
  p.pack("tracer_version"), p.pack("2.9.0");
  p.pack("env"), p.pack("staging");
  p.pack("future_field"), p.pack_array(1), p.pack_map(0);  // unknown: skipped (msgp.Skip)
  p.pack("tags"), p.pack_map(1), p.pack("_dd.p.dm"), p.pack("-4");
  p.pack("chunks"), p.pack_array(3);
  p.pack_map(extra_chunk_field ? 5 : 4);
  p.pack("priority"), p.pack(2);
  p.pack("origin"), p.pack("synthetics");
  p.pack("dropped_trace"), p.pack(false);
  p.pack("spans"), p.pack_array(2);
  testing::packSpanV04(p, testing::sampleSpan(5, 1, 0));
  p.pack_nil();  // a nil span: skipped
  if (extra_chunk_field) extra_chunk_field(p);
  p.pack_nil();  // a nil chunk: skipped
  p.pack_map(1), p.pack("spans"), p.pack_array(1);
  testing::packSpanV04(p, testing::sampleSpan(6, 9, 0));
  return testing::bufferString(b);
}

TEST(ReceiverVersionsTest, V07TracerPayload) {
  Received r;
  ReceiverResponse resp = r.send("/v0.7/traces", "application/msgpack", v07Body());
  ASSERT_EQ(resp.status, 200) << resp.body;
  EXPECT_EQ(resp.body.rfind("{\"rate_by_service\"", 0), 0u) << resp.body;
  ASSERT_EQ(r.payloads.size(), 1u);
  const ReceivedPayload& p = r.payloads[0];
  EXPECT_EQ(p.endpoint, "v0.7");
  EXPECT_EQ(p.lang, "python");  // from the body, not the header
  EXPECT_EQ(p.tracer_version, "2.9.0");
  EXPECT_EQ(p.traces, (Traces{{testing::sampleSpan(5, 1, 0)}, {testing::sampleSpan(6, 9, 0)}}));
  ASSERT_TRUE(p.v07.has_value());
  EXPECT_EQ(p.v07->env, "staging");
  EXPECT_EQ(p.v07->tags.at("_dd.p.dm"), "-4");
  ASSERT_EQ(p.v07->chunks.size(), 2u);
  EXPECT_EQ(p.v07->chunks[0].priority, 2);
  EXPECT_EQ(p.v07->chunks[0].origin, "synthetics");
  EXPECT_FALSE(p.v07->chunks[1].dropped_trace);
}

// msgp's generated readers are strict where the span decoder is lenient.
TEST(ReceiverVersionsTest, V07StrictFieldsRefused) {
  struct C {
    std::function<void(Packer&)> field;
    const char* fragment;
  };
  const std::vector<C> cases = {
      {[](Packer& p) { p.pack("priority"), p.pack("2"); }, "v0.7: chunks[0].priority: expected an int32, got str"},
      {[](Packer& p) { p.pack("origin"), p.pack_nil(); }, "v0.7: chunks[0].origin: expected a str, got nil"},
      {[](Packer& p) { p.pack("dropped_trace"), p.pack(1); }, "v0.7: chunks[0].dropped_trace: expected a bool, got uint"},
      {[](Packer& p) { p.pack("tags"), p.pack_array(0); }, "v0.7: chunks[0].tags: expected a map, got array"},
  };
  for (const C& c : cases) {
    Received r;
    ReceiverResponse resp = r.send("/v0.7/traces", "application/msgpack", v07Body(c.field));
    EXPECT_EQ(resp.status, 400);
    EXPECT_NE(resp.body.find(c.fragment), std::string::npos) << resp.body;
  }
  Received r;
  EXPECT_EQ(r.send("/v0.7/traces", "application/msgpack", testing::packV04(webTrace())).status, 400);  // not a map
  const std::string cut = v07Body().substr(0, 40);
  ReceiverResponse resp = r.send("/v0.7/traces", "application/msgpack", cut);
  EXPECT_EQ(resp.status, 400);
  EXPECT_NE(resp.body.find("v0.7: msgpack truncated"), std::string::npos) << resp.body;
}

}  // namespace
}  // namespace ddsim::trace
