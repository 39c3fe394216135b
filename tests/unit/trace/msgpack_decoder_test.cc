// Decoding of /v0.4/traces and /v0.5/traces bodies (docs/trace-agent.md §3-4): round trips of
// payloads packed with msgpack-cxx, the v0.5 string table, the agent's type leniency, and
// malformed or truncated bodies rejected with a message that says what and where.
#include "core/trace/msgpack_decoder.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "tests/support/trace_payloads.h"

namespace ddsim::trace {
namespace {

using testing::packV04;
using testing::packV05;
using testing::Packer;
using testing::sampleSpan;

std::string str(const msgpack::sbuffer& b) { return testing::bufferString(b); }


Traces sampleTraces() {
  return {{sampleSpan(11, 1, 0), sampleSpan(11, 2, 1)}, {sampleSpan(0xFFFFFFFFFFFFFFFFULL, 3, 0)}};
}

// A v0.5 body from a table and one hand-written span (its 12 fields packed by `fill`).
template <typename Fill>
std::string v05WithSpan(const std::vector<std::string>& table, Fill fill) {
  msgpack::sbuffer b;
  Packer p(b);
  p.pack_array(2);
  p.pack(table);
  p.pack_array(1);
  p.pack_array(1);
  fill(p);
  return str(b);
}

void expectError(const common::Result<Traces>& r, common::StatusCode code, const std::string& fragment) {
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), code) << r.status().toString();
  EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().message();
}

TEST(MsgpackDecoderTest, V04RoundTrip) {
  const Traces want = sampleTraces();
  common::Result<Traces> got = decodeV04(packV04(want));
  ASSERT_TRUE(got.isOk()) << got.status().toString();
  EXPECT_EQ(*got, want);
}

TEST(MsgpackDecoderTest, V05RoundTrip) {
  const Traces want = sampleTraces();
  common::Result<Traces> got = decodeV05(packV05(want));
  ASSERT_TRUE(got.isOk()) << got.status().toString();
  EXPECT_EQ(*got, want);
}

TEST(MsgpackDecoderTest, EmptyPayloads) {
  EXPECT_TRUE(decodeV04(packV04({})).value().empty());
  EXPECT_TRUE(decodeV05(packV05({})).value().empty());
}

// decoder_bytes.go: nil is zero/empty, bin is a string, signed ids are reinterpreted, unsigned
// start fits int64, integers are accepted as metric values, unknown keys are skipped.
TEST(MsgpackDecoderTest, V04AgentLeniency) {
  msgpack::sbuffer b;
  Packer p(b);
  p.pack_array(1);
  p.pack_array(1);
  p.pack_map(9);
  p.pack("service"), p.pack_nil();
  p.pack("name"), p.pack_bin(3), p.pack_bin_body("op\xff", 3);
  p.pack("trace_id"), p.pack(int64_t{-1});
  p.pack("span_id"), p.pack(uint8_t{5});
  p.pack("start"), p.pack(uint64_t{1'700'000'000'000'000'000});
  p.pack("metrics"), p.pack_map(1), p.pack("n"), p.pack(int64_t{-3});
  p.pack("meta"), p.pack_nil();
  p.pack("span_links"), p.pack_array(1), p.pack_map(0);  // skipped for now
  p.pack("future_field"), p.pack(true);
  common::Result<Traces> got = decodeV04(str(b));
  ASSERT_TRUE(got.isOk()) << got.status().toString();
  const Span& s = got->at(0).at(0);
  EXPECT_EQ(s.service, "");
  EXPECT_EQ(s.name, "op\uFFFD");  // invalid UTF-8 repaired
  EXPECT_EQ(s.trace_id, 0xFFFFFFFFFFFFFFFFULL);
  EXPECT_EQ(s.span_id, 5u);
  EXPECT_EQ(s.start, 1'700'000'000'000'000'000);
  EXPECT_EQ(s.metrics.at("n"), -3.0);
  EXPECT_TRUE(s.meta.empty());
}

TEST(MsgpackDecoderTest, V04WrongTypesSayWhere) {
  struct C {
    const char* key;
    std::function<void(Packer&)> value;
    const char* fragment;
  };
  const std::vector<C> cases = {
      {"trace_id", [](Packer& p) { p.pack("12"); }, "traces[0][0].trace_id: expected an integer, got str"},
      {"start", [](Packer& p) { p.pack(uint64_t{1} << 63); }, "traces[0][0].start: uint64 9223372036854775808 overflows int64"},
      {"error", [](Packer& p) { p.pack(int64_t{1} << 40); }, "traces[0][0].error: 1099511627776 overflows int32"},
      {"service", [](Packer& p) { p.pack(3); }, "traces[0][0].service: expected a string, got uint"},
      {"meta", [](Packer& p) { p.pack_array(0); }, "traces[0][0].meta: expected a map, got array"},
      {"meta", [](Packer& p) { p.pack_map(1), p.pack("k"), p.pack(1.5); }, "traces[0][0].meta[k]: expected a string"},
      {"metrics", [](Packer& p) { p.pack_map(1), p.pack("m"), p.pack(1.5f); }, "metrics[m]: expected a float64 or an integer, got float32"},
  };
  for (const auto& c : cases) {
    msgpack::sbuffer b;
    Packer p(b);
    p.pack_array(1), p.pack_array(1), p.pack_map(1), p.pack(c.key);
    c.value(p);
    expectError(decodeV04(str(b)), common::StatusCode::kInvalidArgument, c.fragment);
  }
}

TEST(MsgpackDecoderTest, V04WrongShapes) {
  msgpack::sbuffer b1;
  Packer(b1).pack_map(0);
  expectError(decodeV04(str(b1)), common::StatusCode::kInvalidArgument, "v0.4: traces: expected an array, got map");
  msgpack::sbuffer b2;
  Packer p2(b2);
  p2.pack_array(2), p2.pack_array(0), p2.pack(7);
  expectError(decodeV04(str(b2)), common::StatusCode::kInvalidArgument, "traces[1]: expected an array of spans, got uint");
  msgpack::sbuffer b3;
  Packer p3(b3);
  p3.pack_array(1), p3.pack_array(1), p3.pack_array(12);
  for (int i = 0; i < 12; ++i) p3.pack(0);
  expectError(decodeV04(str(b3)), common::StatusCode::kInvalidArgument, "traces[0][0]: expected a span map, got array");
}

TEST(MsgpackDecoderTest, V05StringTableIndexes) {
  const std::vector<std::string> table = {"svc", "op", "res", "web", "env", "prod", "_sampling_priority_v1"};
  auto span = [](uint32_t svc, uint32_t meta_value) {
    return [=](Packer& p) {
      p.pack_array(12);
      p.pack(svc), p.pack(1), p.pack(2);
      p.pack(1), p.pack(2), p.pack(0), p.pack(10), p.pack(20), p.pack(0);
      p.pack_map(1), p.pack(4), p.pack(meta_value);
      p.pack_map(1), p.pack(6), p.pack(1);
      p.pack(3);
    };
  };
  common::Result<Traces> ok = decodeV05(v05WithSpan(table, span(0, 5)));
  ASSERT_TRUE(ok.isOk()) << ok.status().toString();
  const Span& s = ok->at(0).at(0);
  EXPECT_EQ(s.service, "svc");
  EXPECT_EQ(s.resource, "res");
  EXPECT_EQ(s.type, "web");
  EXPECT_EQ(s.meta.at("env"), "prod");
  EXPECT_EQ(s.metrics.at("_sampling_priority_v1"), 1.0);

  expectError(decodeV05(v05WithSpan(table, span(7, 5))), common::StatusCode::kInvalidArgument,
              "v0.5: traces[0][0].service: string table index 7 out of range (table has 7 strings)");
  expectError(decodeV05(v05WithSpan(table, span(0, 1000))), common::StatusCode::kInvalidArgument,
              "traces[0][0].meta[env]: string table index 1000 out of range");
  expectError(decodeV05(v05WithSpan({}, span(0, 0))), common::StatusCode::kInvalidArgument,
              "index 0 out of range (table has 0 strings)");
  // A string where an index belongs, and a negative index.
  expectError(decodeV05(v05WithSpan(table, [](Packer& p) {
                p.pack_array(12);
                p.pack("svc");
                for (int i = 0; i < 11; ++i) p.pack(0);
              })),
              common::StatusCode::kInvalidArgument, "traces[0][0].service: expected a string table index (uint), got str");
  expectError(decodeV05(v05WithSpan(table, [](Packer& p) {
                p.pack_array(12);
                p.pack(-1);
                for (int i = 0; i < 11; ++i) p.pack(0);
              })),
              common::StatusCode::kInvalidArgument, "got int");
}

TEST(MsgpackDecoderTest, V05WrongShapes) {
  expectError(decodeV05(v05WithSpan({"a"}, [](Packer& p) {
                p.pack_array(11);
                for (int i = 0; i < 11; ++i) p.pack(0);
              })),
              common::StatusCode::kInvalidArgument, "traces[0][0]: a span needs exactly 12 elements, got 11");
  msgpack::sbuffer b;
  Packer p(b);
  p.pack_array(1), p.pack_array(0);
  expectError(decodeV05(str(b)), common::StatusCode::kInvalidArgument, "payload needs 2 elements");
  msgpack::sbuffer b2;
  Packer p2(b2);
  p2.pack_array(2), p2.pack_array(1), p2.pack(5), p2.pack_array(0);
  expectError(decodeV05(str(b2)), common::StatusCode::kInvalidArgument, "string table[0]: expected a string, got uint");
}

// Every cut of a valid body is rejected with kDataLoss, never a crash or an exception.
TEST(MsgpackDecoderTest, TruncatedBodiesRejected) {
  const std::string v04 = packV04(sampleTraces());
  const std::string v05 = packV05(sampleTraces());
  for (size_t n = 0; n < v04.size(); ++n) {
    common::Result<Traces> r = decodeV04(std::string_view(v04).substr(0, n));
    ASSERT_FALSE(r.isOk()) << n;
    EXPECT_EQ(r.status().code(), common::StatusCode::kDataLoss) << n << " " << r.status().toString();
  }
  for (size_t n = 0; n < v05.size(); ++n) {
    common::Result<Traces> r = decodeV05(std::string_view(v05).substr(0, n));
    ASSERT_FALSE(r.isOk()) << n;
    EXPECT_EQ(r.status().code(), common::StatusCode::kDataLoss) << n << " " << r.status().toString();
  }
  expectError(decodeV04(""), common::StatusCode::kDataLoss, "v0.4: msgpack truncated at byte 0");
}

TEST(MsgpackDecoderTest, HugeHeadersRejectedBeforeAllocating) {
  const std::string array32 = "\xdd\xff\xff\xff\xff";  // announces 4 billion traces
  expectError(decodeV04(array32), common::StatusCode::kDataLoss, "announces 4294967295 elements but only 0 bytes are left");
  const std::string map32 = std::string("\x91\x91\xdf\x7f\xff\xff\xff", 7);
  expectError(decodeV04(map32), common::StatusCode::kDataLoss, "header at byte 2");
  expectError(decodeV05(std::string("\x92\xdb\xff\xff\xff\xff", 6)), common::StatusCode::kDataLoss, "needs 4294967295 more bytes");
}

TEST(MsgpackDecoderTest, NeverUsedByteRejected) {
  expectError(decodeV04(std::string("\x91\xc1", 2)), common::StatusCode::kInvalidArgument, "0xc1");
}

}  // namespace
}  // namespace ddsim::trace
