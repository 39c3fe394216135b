// IntakeOptions::decoded_in_memory = false (`fakeintake --store FILE`): the memory store keeps
// payloads as received and frees their decoded form once the checks and the run store write are
// done; /fakeintake/payloads?format=json decodes them again. A client must not see the
// difference: every answer is the same as from an intake that keeps the decoded form, and the
// answer's size bound cuts pages at the same payloads. Memory holds more payloads for its cap.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/store/run_store.h"
#include "fakeintake/handler/intake_handler.h"
#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using namespace std::chrono_literals;
using testing::everyKindOfIngest;
using testing::intakePost;
using testing::SeriesSpec;
using testing::seriesPayload;
using testing::testData;
using testing::zstdCompress;

IntakeRequest payloadsQuery(const std::string& endpoint, bool as_json, uint64_t after = 0) {
  IntakeRequest r;
  r.method = "GET";
  r.path = "/fakeintake/payloads";
  r.query = {{"endpoint", endpoint}};
  if (as_json) r.query.emplace_back("format", "json");
  if (after > 0) r.query.emplace_back("cursor", std::to_string(after));
  return r;
}

class DecodedInMemory : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"kept", "freed"}) {
      paths_.push_back((std::filesystem::temp_directory_path() /
                        ("ddsim_decoded_" + std::string(name) + "_" + std::to_string(::getpid()) + ".sqlite"))
                           .string());
      std::filesystem::remove(paths_.back());
    }
  }
  void TearDown() override {
    for (const auto& p : paths_) std::filesystem::remove(p);
  }
  std::vector<std::string> paths_;
};

TEST_F(DecodedInMemory, EveryQueryAnswersAsAnIntakeThatKeepsTheDecodedForm) {
  common::ManualClock clock;
  IntakeOptions kept, freed;
  freed.decoded_in_memory = false;
  kept.max_answer_bytes = freed.max_answer_bytes = 16 * 1024;  // pages of a few payloads
  IntakeHandler a(kept, clock), b(freed, clock);
  auto store_a = store::RunStore::open(paths_[0]).value();
  auto store_b = store::RunStore::open(paths_[1]).value();
  a.attachRunStore(store_a.get());
  b.attachRunStore(store_b.get());

  std::vector<IntakeRequest> requests = everyKindOfIngest();
  // The agent's own bytes (deflate), and a gzip JSON body: every decompression path is decoded again.
  requests.push_back(intakePost("/api/v2/series", testData("series_v2_zlib.bin"), "application/x-protobuf", "deflate"));
  requests.push_back(intakePost("/api/v1/series",
                                testing::gzipCompress(R"({"series":[{"metric":"app.gz","points":[[1700000000,3]],"type":"rate"}]})"),
                                "application/json", "gzip"));
  std::vector<SeriesSpec> many;
  for (int i = 0; i < 300; ++i) many.push_back({"app.wide", {"n:" + std::to_string(i)}, {{1700000000, 1.0 * i}}});
  requests.push_back(intakePost("/api/v2/series", zstdCompress(seriesPayload(many)), "application/x-protobuf", "zstd"));
  for (const auto& req : requests) {
    IntakeRequest for_a = req, for_b = req;
    ASSERT_EQ(a.handle(std::move(for_a)).status, b.handle(std::move(for_b)).status) << req.path;
    clock.advance(1s);
  }

  size_t decodable = 0;
  for (const auto& p : b.store().all(0, clock.systemNow())) {
    EXPECT_FALSE(p->decoded.has_value()) << p->id;
    if (p->decode_error.empty()) {
      ++decodable;
      EXPECT_GT(p->freed_decoded_bytes, 0u) << p->id;
    } else {
      EXPECT_EQ(p->freed_decoded_bytes, 0u) << p->id;
    }
  }
  EXPECT_GT(decodable, 30u);
  EXPECT_EQ(b.counters().snapshot().at("decoded_freed_after_ingest"), static_cast<int64_t>(decodable));
  EXPECT_EQ(a.counters().snapshot().count("decoded_freed_after_ingest"), 0u);

  for (const std::string endpoint : {"/api/v2/series", "/api/v1/series", "/api/v1/check_run"}) {
    for (bool as_json : {true, false}) {
      SCOPED_TRACE(endpoint + (as_json ? " json" : " raw"));
      // Page by page: the size bound must cut both intakes' answers at the same payload.
      uint64_t after = 0;
      int pages = 0;
      for (bool more = true; more && pages < 1000; ++pages) {
        IntakeResponse ra = a.handle(payloadsQuery(endpoint, as_json, after));
        IntakeResponse rb = b.handle(payloadsQuery(endpoint, as_json, after));
        ASSERT_EQ(ra.status, 200) << ra.body;
        ASSERT_EQ(ra.body, rb.body);
        auto j = nlohmann::json::parse(ra.body);
        more = j.value("truncated", false);
        after = j.at("next_cursor").get<uint64_t>();
        if (as_json && !j.at("payloads").empty() && j["payloads"][0].value("decode_error", "").empty()) {
          EXPECT_FALSE(j["payloads"][0].at("data").is_null());  // decoded, not left out
        }
      }
      if (endpoint == "/api/v2/series" && as_json) EXPECT_GT(pages, 2);  // the bound did cut
    }
  }
  // The run store was written before the decoded form was freed: both hold the same points.
  store::PointQuery q;
  q.name = "app.wide";
  EXPECT_EQ(store_a->seriesPoints(q).value().size(), 300u);
  EXPECT_EQ(store_b->seriesPoints(q).value().size(), 300u);
}

TEST_F(DecodedInMemory, TheSameCapHoldsManyMorePayloads) {
  common::ManualClock clock;
  IntakeOptions kept, freed;
  kept.max_memory_bytes = freed.max_memory_bytes = 1 << 20;
  freed.decoded_in_memory = false;
  IntakeHandler a(kept, clock), b(freed, clock);
  for (int n = 0; n < 100; ++n) {
    std::vector<SeriesSpec> series;
    for (int i = 0; i < 200; ++i) {
      series.push_back({"app.requests.latency", {"env:prod", "pod_name:web-" + std::to_string(n * 1000 + i)}, {{1700000000, 1.0}}});
    }
    const std::string body = zstdCompress(seriesPayload(series));
    ASSERT_EQ(a.handle(intakePost("/api/v2/series", body, "application/x-protobuf", "zstd")).status, 202);
    ASSERT_EQ(b.handle(intakePost("/api/v2/series", body, "application/x-protobuf", "zstd")).status, 202);
  }
  const StoreStats sa = a.store().stats(), sb = b.store().stats();
  EXPECT_LE(sa.memory_bytes, kept.max_memory_bytes);
  EXPECT_LE(sb.memory_bytes, freed.max_memory_bytes);
  EXPECT_GT(sa.evicted_memory, 0u);
  EXPECT_GE(sb.payloads, 4 * sa.payloads) << sa.payloads << " kept decoded, " << sb.payloads << " as received";
}

TEST_F(DecodedInMemory, RestoredPayloadsAreKeptAsReceivedToo) {
  common::ManualClock clock;
  IntakeOptions o;
  o.decoded_in_memory = false;
  const std::string body = zstdCompress(seriesPayload({{"app.restored", {"env:prod"}, {{1700000000, 7.0}}}}));
  std::string before;
  {
    IntakeHandler h(o, clock);
    auto rs = store::RunStore::open(paths_[1]).value();
    h.attachRunStore(rs.get());
    ASSERT_EQ(h.handle(intakePost("/api/v2/series", body, "application/x-protobuf", "zstd")).status, 202);
    before = h.handle(payloadsQuery("/api/v2/series", true)).body;
  }
  IntakeHandler restarted(o, clock);
  auto rs = store::RunStore::open(paths_[1]).value();
  ASSERT_EQ(restarted.restoreFrom(*rs).value(), 1u);
  const auto kept = restarted.store().all(0, clock.systemNow());
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_FALSE(kept[0]->decoded.has_value());
  const std::string after = restarted.handle(payloadsQuery("/api/v2/series", true)).body;
  EXPECT_EQ(after, before);
  EXPECT_NE(after.find("app.restored"), std::string::npos) << after;
}

}  // namespace
}  // namespace ddsim::fakeintake
