// Spec §6.7: ddsim's retry-file format — round trip, API keys never in clear, checksum.
#include "core/forwarder/transaction_codec.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace ddsim::forwarder {
namespace {

TransactionPtr makeTx(uint64_t id, const std::string& key, std::string body,
                      serializer::TransactionPriority prio = serializer::TransactionPriority::kNormal) {
  auto t = std::make_unique<Transaction>();
  t->id = id;
  t->domain = "http://old-domain";
  t->route = "/api/v2/series";
  t->endpoint_name = "series_v2";
  t->headers = {{"Dd-Api-Key", key}, {"Content-Type", "application/x-protobuf"}, {"X-Note", "key=" + key}};
  auto p = std::make_shared<serializer::Payload>();
  p->bytes = std::move(body);
  p->point_count = 7;
  p->item_count = 3;
  p->uncompressed_size = 1234;
  t->payload = p;
  t->created_at = common::SystemTime(std::chrono::nanoseconds(1'700'000'000'123'456'789LL));
  t->error_count = 4;
  t->priority = prio;
  t->kind = TransactionKind::kSketches;
  t->counts_attempts = true;
  return t;
}

TEST(TransactionCodecTest, RoundTripWithoutApiKeysInClear) {
  const std::string key_a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  const std::string key_b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  TransactionCodec codec({key_b, key_a});
  auto t1 = makeTx(1, key_a, std::string("\x00\x01\xFE payload", 11));
  auto t2 = makeTx(2, key_b, "second", serializer::TransactionPriority::kHigh);
  const std::string bytes = codec.encode({t1.get(), t2.get()});
  EXPECT_EQ(bytes.find(key_a), std::string::npos);
  EXPECT_EQ(bytes.find(key_b), std::string::npos);
  // Placeholders use the index in the sorted key list: key_a is 0, key_b is 1.
  EXPECT_NE(bytes.find("\xFE" "API_KEY" "\xFE" "0" "\xFE"), std::string::npos);
  EXPECT_NE(bytes.find("\xFE" "API_KEY" "\xFE" "1" "\xFE"), std::string::npos);

  std::atomic<uint64_t> ids{100};
  auto decoded = codec.decode(bytes, "http://new-domain", ids);
  ASSERT_TRUE(decoded.isOk()) << decoded.status().toString();
  ASSERT_EQ(decoded->transactions.size(), 2u);
  EXPECT_EQ(decoded->unknown_api_key, 0);
  const Transaction* in[] = {t1.get(), t2.get()};
  for (size_t i = 0; i < 2; ++i) {
    const Transaction& got = *decoded->transactions[i];
    const Transaction& want = *in[i];
    SCOPED_TRACE(i);
    EXPECT_EQ(got.id, 100 + i);
    EXPECT_EQ(got.domain, "http://new-domain");  // re-resolved on load
    EXPECT_EQ(got.route, want.route);
    EXPECT_EQ(got.endpoint_name, want.endpoint_name);
    EXPECT_EQ(got.headers, want.headers);
    EXPECT_EQ(got.payload->bytes, want.payload->bytes);
    EXPECT_EQ(got.payload->point_count, 7);
    EXPECT_EQ(got.payload->item_count, 3);
    EXPECT_EQ(got.payload->uncompressed_size, 1234u);
    EXPECT_EQ(got.created_at, want.created_at);
    EXPECT_EQ(got.error_count, 4);
    EXPECT_EQ(got.priority, want.priority);
    EXPECT_EQ(got.kind, TransactionKind::kSketches);
    EXPECT_TRUE(got.counts_attempts);
    EXPECT_TRUE(got.retryable);
    EXPECT_TRUE(got.storable_on_disk);
  }
  auto summary = TransactionCodec::peekHeader(bytes);
  ASSERT_TRUE(summary.isOk());
  EXPECT_EQ(summary->transactions, 2u);
  EXPECT_EQ(summary->points, 14u);
}

// Spec §6.7: a placeholder no configured key matches fails that transaction only.
TEST(TransactionCodecTest, UnknownApiKeySkipsOnlyThatTransaction) {
  TransactionCodec writer({"k1", "k2"});
  auto t1 = makeTx(1, "k1", "one");
  auto t2 = makeTx(2, "k2", "two");
  const std::string bytes = writer.encode({t1.get(), t2.get()});
  TransactionCodec reader({"k1"});  // k2 was removed from the configuration
  std::atomic<uint64_t> ids{1};
  auto decoded = reader.decode(bytes, "d", ids);
  ASSERT_TRUE(decoded.isOk());
  ASSERT_EQ(decoded->transactions.size(), 1u);
  EXPECT_EQ(decoded->transactions[0]->payload->bytes, "one");
  EXPECT_EQ(decoded->unknown_api_key, 1);
}

// Bad input: every corruption is a DataLoss naming the problem, never a crash.
TEST(TransactionCodecTest, CorruptOrTruncatedFilesAreRejected) {
  TransactionCodec codec({"k"});
  auto t = makeTx(1, "k", std::string(500, 'p'));
  const std::string good = codec.encode({t.get()});
  struct Case {
    const char* name;
    std::string bytes;
    const char* message;
  };
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x40;
  std::string bad_magic = good;
  bad_magic[0] = 'X';
  std::string bad_version = good;
  bad_version[8] = 9;
  std::string more_records = good;
  more_records[16] = 2;  // the header claims 2 transactions: covered by the checksum
  const Case cases[] = {
      {"empty", "", "no complete header"},
      {"short header", good.substr(0, 20), "no complete header"},
      {"truncated body", good.substr(0, good.size() - 10), "checksum"},
      {"flipped byte", flipped, "checksum"},
      {"bad magic", bad_magic, "magic"},
      {"bad version", bad_version, "version"},
      {"count beyond records", more_records, "checksum"},
      {"trailing bytes", good + "x", "checksum"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::atomic<uint64_t> ids{1};
    auto r = codec.decode(c.bytes, "d", ids);
    ASSERT_FALSE(r.isOk());
    EXPECT_EQ(r.status().code(), common::StatusCode::kDataLoss);
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().message();
  }
}

TEST(TransactionCodecTest, KeysThatOverlapAreReplacedLeftToRight) {
  TransactionCodec codec({"abc", "ab"});  // sorted: "ab" (0), "abc" (1)
  EXPECT_EQ(codec.hideApiKeys("xabcx"), "x\xFE" "API_KEY" "\xFE" "0" "\xFE" "cx");
  auto restored = codec.restoreApiKeys(codec.hideApiKeys("xabcx"));
  ASSERT_TRUE(restored.isOk());
  EXPECT_EQ(*restored, "xabcx");
  EXPECT_FALSE(codec.restoreApiKeys("\xFE" "API_KEY" "\xFE" "7" "\xFE").isOk());
  EXPECT_FALSE(codec.restoreApiKeys("\xFE" "API_KEY" "\xFE" "x").isOk());
}

// Found by the retry_file fuzz target: text with a "\xFE" of its own just before a key used to
// read back as a broken placeholder, losing the transaction when the file was loaded again.
TEST(TransactionCodecTest, AnyRouteOrValueSurvivesTheRoundTrip) {
  const std::string key = "0123456789abcdef0123456789abcdef";
  TransactionCodec codec({key, "fuzz-key-2"});
  const std::string texts[] = {
      "\xFE" "API_KEY" + key,
      "\xFE" "API_KEY" "\xFE" + key,
      "\xFE" "API_KEY" "\xFE" "0" "\xFE",
      "\xFE\xFE" + key + "\xFE",
      "/api?k=" + key + "\xFE" "1" "\xFE",
  };
  for (const std::string& text : texts) {
    SCOPED_TRACE(text);
    auto restored = codec.restoreApiKeys(codec.hideApiKeys(text));
    ASSERT_TRUE(restored.isOk()) << restored.status().toString();
    EXPECT_EQ(*restored, text);
    auto t = makeTx(1, key, "body");
    t->route = text;
    t->headers = {{"X-Odd", text}};
    const std::string bytes = codec.encode({t.get()});
    EXPECT_EQ(bytes.find(key), std::string::npos);
    std::atomic<uint64_t> ids{1};
    auto decoded = codec.decode(bytes, "d", ids);
    ASSERT_TRUE(decoded.isOk()) << decoded.status().toString();
    ASSERT_EQ(decoded->transactions.size(), 1u);
    EXPECT_EQ(decoded->transactions[0]->route, text);
    EXPECT_EQ(decoded->transactions[0]->headers, t->headers);
  }
}

// Files written before the escape (format version 1) still load, with version 1's reading.
TEST(TransactionCodecTest, VersionOneFilesStillLoad) {
  TransactionCodec codec({"k"});
  auto t = makeTx(1, "k", "body");
  t->route = "/api/v2/series?a=\xFE";
  std::string bytes = codec.encode({t.get()});
  ASSERT_EQ(bytes[8], 2);
  // Re-write it as version 1 wrote it: the lone "\xFE" was not doubled (the checksum does not
  // cover the version field, only what follows the checksum).
  const std::string doubled = "?a=\xFE\xFE";
  const size_t at = bytes.find(doubled);
  ASSERT_NE(at, std::string::npos);
  std::string v1 = bytes;
  v1.erase(at + doubled.size() - 1, 1);
  v1[8] = 1;
  // Route length field sits just before the route; it shrinks by one.
  const size_t len_at = at - std::string("/api/v2/series").size() - 4;
  v1[len_at] = static_cast<char>(v1[len_at] - 1);
  // The checksum covers bytes 16.. (header tail and records): recompute it for the edit.
  const uint32_t crc = static_cast<uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(v1.data() + 16), static_cast<uInt>(v1.size() - 16)));
  for (int i = 0; i < 4; ++i) v1[12 + i] = static_cast<char>((crc >> (8 * i)) & 0xff);
  std::atomic<uint64_t> ids{1};
  auto decoded = codec.decode(v1, "d", ids);
  ASSERT_TRUE(decoded.isOk()) << decoded.status().toString();
  ASSERT_EQ(decoded->transactions.size(), 1u);
  EXPECT_EQ(decoded->transactions[0]->route, t->route);
  EXPECT_EQ(TransactionCodec::peekHeader(v1)->version, 1u);
}

}  // namespace
}  // namespace ddsim::forwarder
