// The agent-payload process message encoding of orchestrator payloads (agent-payload
// process/message.go; spec §5.1 "process agent-payload encoding").
#include "core/serializer/process_message.h"

#include <gtest/gtest.h>

#include <string>

#include "core/metrics/orchestrator.h"
#include "core/serializer/collector_messages.h"
#include "proto/process.pb.h"
#include "tests/unit/serializer/serializer_test_support.h"

namespace ddsim::serializer {
namespace {

using testing::hex;

std::string encode(ProcessMessageEncoding enc, uint8_t type, std::string_view body) {
  ProcessMessageHeader h;
  h.encoding = enc;
  h.type = type;
  ByteBuffer out;
  EXPECT_TRUE(encodeProcessMessage(h, body, 5, &out).isOk());
  return out.toString();
}

// The v3 header (16 bytes, little endian) and, for encoding 2, a zstd v0.5 frame: magic
// FD2FB525, window byte, raw blocks, end block.
TEST(ProcessMessageTest, HeaderAndLegacyFrameBytes) {
  const std::string body("\x12\x04test", 6);  // CollectorManifest{hostName... field 2 "test"}
  const std::string msg = encode(ProcessMessageEncoding::kZstdPB, metrics::process_message_type::kManifest, body);
  EXPECT_EQ(hex(msg), "03025000" "00000000" "0000000000000000" "25b52ffd00" "400006" + hex(body) + "c00000");
}

TEST(ProcessMessageTest, RoundTripsEveryEncodingAndSize) {
  for (auto enc : {ProcessMessageEncoding::kProtobuf, ProcessMessageEncoding::kZstdPB, ProcessMessageEncoding::kZstd1xPB,
                   ProcessMessageEncoding::kZstdPBNoCgo}) {
    for (size_t n : {size_t{0}, size_t{6}, size_t{131072}, size_t{131073}, size_t{400000}}) {
      std::string body(n, '\0');
      for (size_t i = 0; i < n; ++i) body[i] = static_cast<char>((i * 31) ^ (i >> 7));
      const std::string msg = encode(enc, 41, body);
      auto d = decodeProcessMessage(msg);
      ASSERT_TRUE(d.isOk()) << d.status().toString() << " enc " << static_cast<int>(enc) << " n " << n;
      EXPECT_EQ(d->header.version, 3);
      EXPECT_EQ(d->header.encoding, enc);
      EXPECT_EQ(d->header.type, 41);
      EXPECT_EQ(d->header.timestamp, 0);
      EXPECT_EQ(d->body, body);
    }
  }
}

TEST(ProcessMessageTest, CarriesACollectorManifest) {
  datadog::process_agent::CollectorManifest cm;
  cm.set_clustername("kind");
  cm.set_clusterid("c-123");
  cm.set_hostname("node-1");
  auto* m = cm.add_manifests();
  m->set_uid("uid-1");
  m->set_kind("Deployment");
  m->set_content("{\"apiVersion\":\"apps/v1\"}");
  const std::string msg = encode(ProcessMessageEncoding::kZstdPB, metrics::process_message_type::kManifest,
                                 cm.SerializeAsString());
  auto d = decodeProcessMessage(msg);
  ASSERT_TRUE(d.isOk());
  datadog::process_agent::CollectorManifest back;
  ASSERT_TRUE(back.ParseFromString(d->body));
  EXPECT_EQ(back.clusterid(), "c-123");
  ASSERT_EQ(back.manifests_size(), 1);
  EXPECT_EQ(back.manifests(0).kind(), "Deployment");
}

TEST(ProcessMessageTest, DecodeErrors) {
  struct Case {
    std::string data;
    common::StatusCode code;
  };
  const std::string good = encode(ProcessMessageEncoding::kZstd1xPB, 41, std::string(1000, 'a'));
  std::string corrupt = good;
  corrupt[20] = static_cast<char>(corrupt[20] ^ 0xff);
  const Case cases[] = {
      {"\x03\x02", common::StatusCode::kInvalidArgument},
      {std::string("\x09\x00\x29\x00\x00", 5), common::StatusCode::kInvalidArgument},
      {std::string("\x03\x00\x29\x00\x00\x00", 6), common::StatusCode::kInvalidArgument},  // short v3 header
      {std::string("\x03\x07\x29\x00", 4) + std::string(12, '\0') + "x", common::StatusCode::kInvalidArgument},
      {good.substr(0, good.size() - 3), common::StatusCode::kDataLoss},
      {corrupt, common::StatusCode::kDataLoss},
  };
  for (const auto& c : cases) {
    auto d = decodeProcessMessage(c.data);
    EXPECT_FALSE(d.isOk()) << hex(c.data);
    EXPECT_EQ(d.status().code(), c.code) << hex(c.data) << " " << d.status().toString();
  }
  EXPECT_EQ(decodeProcessMessage(good, 10).status().code(), common::StatusCode::kResourceExhausted);
}

// v1 (4-byte) and v2 (8-byte) headers are read too.
TEST(ProcessMessageTest, ReadsOlderHeaders) {
  auto v1 = decodeProcessMessage(std::string("\x01\x00\x29\x00", 4) + "body");
  ASSERT_TRUE(v1.isOk());
  EXPECT_EQ(v1->body, "body");
  auto v2 = decodeProcessMessage(std::string("\x02\x00\x29\x00\x07\x00\x00\x00", 8) + "body");
  ASSERT_TRUE(v2.isOk());
  EXPECT_EQ(v2->header.org_id, 7);
  EXPECT_EQ(v2->body, "body");
}

}  // namespace
}  // namespace ddsim::serializer

namespace ddsim::serializer {
namespace {

// The hand-written collector encoders decode with the schema (proto/process.proto).
TEST(CollectorMessagesTest, EncodersMatchTheSchema) {
  CollectorManifestSpec cm;
  cm.cluster_name = "kind";
  cm.cluster_id = "c-1";
  cm.host_name = "node-1";
  cm.tags = {"env:test"};
  ManifestSpec m;
  m.type = 3;
  m.uid = "u-1";
  m.kind = "Deployment";
  m.api_version = "apps/v1";
  m.content = std::string(300, 'y');
  m.tags = {"a:b", ""};
  m.is_terminated = true;
  cm.manifests = {m, m};
  auto msg = encodeCollectorManifest(cm);
  EXPECT_EQ(msg.message_type, metrics::process_message_type::kManifest);
  datadog::process_agent::CollectorManifest back;
  ASSERT_TRUE(back.ParseFromString(msg.body));
  EXPECT_EQ(back.clustername(), "kind");
  EXPECT_EQ(back.hostname(), "node-1");
  EXPECT_EQ(back.groupid(), 1);
  ASSERT_EQ(back.manifests_size(), 2);
  EXPECT_EQ(back.manifests(1).kind(), "Deployment");
  EXPECT_EQ(back.manifests(1).content().size(), 300u);
  EXPECT_EQ(back.manifests(1).tags_size(), 2);
  EXPECT_TRUE(back.manifests(1).isterminated());

  CollectorPodSpec cp;
  cp.cluster_id = "c-1";
  PodSpec p;
  p.name = "web-0";
  p.ns = "default";
  p.restart_count = 2;
  p.creation_timestamp = 1700000000;
  cp.pods = {p};
  auto pod = encodeCollectorPod(cp);
  EXPECT_EQ(pod.message_type, metrics::process_message_type::kPod);
  datadog::process_agent::CollectorPod pb;
  ASSERT_TRUE(pb.ParseFromString(pod.body));
  ASSERT_EQ(pb.pods_size(), 1);
  EXPECT_EQ(pb.pods(0).metadata().name(), "web-0");
  EXPECT_EQ(pb.pods(0).metadata().namespace_(), "default");
  EXPECT_EQ(pb.pods(0).metadata().creationtimestamp(), 1700000000);
  EXPECT_EQ(pb.pods(0).restartcount(), 2);
  EXPECT_EQ(pb.pods(0).phase(), "Running");
}

}  // namespace
}  // namespace ddsim::serializer
