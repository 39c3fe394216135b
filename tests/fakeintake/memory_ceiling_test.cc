// --max-memory is a ceiling for the whole process (issue 10): splitMemoryCeiling divides it
// between the store, request bodies in flight, decoding and answers; over HTTP the store stays
// under its share with evictions counted, and bodies beyond the in-flight share get a 503.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using nlohmann::json;
using testing::RawConnection;
using testing::statusOf;
using testing::TestServer;

constexpr size_t kMiB = size_t{1} << 20;

TEST(MemoryCeiling, SplitsTheWholeProcessBudget) {
  IntakeOptions o;
  ServerOptions so;
  splitMemoryCeiling(256 * kMiB, o, so);
  EXPECT_EQ(o.max_memory_bytes, 128 * kMiB);
  EXPECT_EQ(so.max_inflight_body_bytes, 32 * kMiB);
  EXPECT_EQ(o.max_decompressed_bytes, 8 * kMiB);
  EXPECT_EQ(so.threads, 1u);  // 32 MiB of decoding / (4 x 8 MiB)
  EXPECT_EQ(o.max_answer_bytes, 16 * kMiB);
  // The parts add up to no more than the ceiling.
  EXPECT_LE(o.max_memory_bytes + so.max_inflight_body_bytes + so.threads * 4 * o.max_decompressed_bytes +
                o.max_answer_bytes,
            256 * kMiB);
  IntakeOptions big;
  ServerOptions big_so;
  splitMemoryCeiling(size_t{8} << 30, big, big_so);
  EXPECT_EQ(big_so.threads, 4u);  // 1 GiB of decoding / (4 x 64 MiB), never more than configured
  EXPECT_EQ(big.max_decompressed_bytes, 64 * kMiB);
}

TEST(MemoryCeiling, StoredBytesStayUnderTheStoreShareWithEvictionsCounted) {
  IntakeOptions o;
  ServerOptions so;
  splitMemoryCeiling(16 * kMiB, o, so);
  TestServer s(o, so);
  std::string body(100 * 1024, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>((i * 2654435761u) >> 13);
  auto c = s.client();
  for (int i = 0; i < 300; ++i) {
    body[0] = static_cast<char>(i);
    auto r = c->Post("/api/custom", body, "application/octet-stream");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    ASSERT_LE(s.handler().store().stats().memory_bytes, o.max_memory_bytes);
  }
  const StoreStats st = s.handler().store().stats();
  EXPECT_GT(st.evicted_memory, 0u);
  EXPECT_EQ(st.evicted_memory + st.payloads, 300u);
  auto m = c->Get("/metrics");
  EXPECT_NE(m->body.find("fakeintake_store_evictions_total{reason=\"memory\"} " + std::to_string(st.evicted_memory)),
            std::string::npos);
}

TEST(MemoryCeiling, BodiesBeyondTheInFlightShareGetA503) {
  ServerOptions so;
  so.max_inflight_body_bytes = 6 * kMiB;
  TestServer s(IntakeOptions{}, so);
  // Three requests of 5 MiB each, all still sending their bodies: only one can be held.
  std::vector<std::unique_ptr<RawConnection>> conns;
  for (int i = 0; i < 3; ++i) {
    conns.push_back(std::make_unique<RawConnection>(s.port()));
    conns.back()->send("POST /api/v2/series HTTP/1.1\r\nHost: x\r\nContent-Length: 5242880\r\n\r\npartial");
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (s.handler().counters().get("transport.inflight_bodies_over_limit") < 2 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(s.handler().counters().get("transport.inflight_bodies_over_limit"), 2);
  // The counter moves before the answer is written: wait for the answers themselves (the one
  // body still being held gets none).
  std::vector<std::string> answers(conns.size());
  int refused = 0;
  while (refused < 2 && std::chrono::steady_clock::now() < deadline) {
    for (size_t i = 0; i < conns.size(); ++i) {
      if (!answers[i].empty()) continue;
      char buf[4096];
      ssize_t n = recv(conns[i]->fd(), buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) continue;
      answers[i].assign(buf, static_cast<size_t>(n));
      EXPECT_EQ(statusOf(answers[i]), 503) << answers[i];
      EXPECT_NE(answers[i].find("Retry-After: 1"), std::string::npos) << answers[i];
      ++refused;
    }
    if (refused < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(refused, 2);
  // Small bodies still fit beside it.
  EXPECT_EQ(s.post("/api/v1/series", R"({"series":[]})", "", "application/json")->status, 202);
}

}  // namespace
}  // namespace ddsim::fakeintake
