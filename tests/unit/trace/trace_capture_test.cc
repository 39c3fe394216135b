// Recorded tracer traffic (core/trace/trace_capture.h): what is written reads back the same,
// in order and again after rewind(); the size bound drops and counts; every kind of damage is
// an error naming the record and its byte offset.
#include "core/trace/trace_capture.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>

namespace ddsim::trace {
namespace {

class TraceCaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ddsim_trace_capture_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  static ReceiverRequest request(std::string path, std::string body) {
    ReceiverRequest r;
    r.path = std::move(path);
    r.headers = {{"content-type", "application/msgpack"}, {"x-datadog-trace-count", "3"}};
    r.body = body_store_.emplace_back(std::move(body));
    return r;
  }
  // Writes three records and returns the file's bytes.
  std::string writeThree(const std::string& path) {
    auto w = TraceCaptureWriter::create(path, 1 << 20).value();
    w->write(request("/v0.4/traces", std::string("\x93\x01\x02\x03", 4)), 1'700'000'000'000'000'000);
    w->write(request("/v0.5/traces", std::string(1000, '\xc0')), 1'700'000'000'500'000'000);
    w->write(request("/v0.6/stats", ""), 1'700'000'001'000'000'000);
    EXPECT_TRUE(w->close().isOk());
    EXPECT_EQ(w->records(), 3u);
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  std::filesystem::path dir_;
  static inline std::vector<std::string> body_store_;
};

TEST_F(TraceCaptureTest, RecordsReadBackInOrderAndAgainAfterRewind) {
  writeThree(file("a.ddtrace"));
  EXPECT_TRUE(TraceCaptureReader::isTraceCapture(file("a.ddtrace")));
  auto r = TraceCaptureReader::open(file("a.ddtrace")).value();
  for (int pass = 0; pass < 2; ++pass) {
    SCOPED_TRACE(pass);
    auto a = r.next().value();
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->path, "/v0.4/traces");
    EXPECT_EQ(a->unix_ns, 1'700'000'000'000'000'000);
    EXPECT_EQ(a->headers.at("x-datadog-trace-count"), "3");
    EXPECT_EQ(a->body, std::string("\x93\x01\x02\x03", 4));
    auto b = r.next().value();
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->path, "/v0.5/traces");
    EXPECT_EQ(b->body.size(), 1000u);
    auto c = r.next().value();
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->path, "/v0.6/stats");
    EXPECT_TRUE(c->body.empty());
    EXPECT_FALSE(r.next().value().has_value());  // a clean end
    ASSERT_TRUE(r.rewind().isOk());
  }
}

TEST_F(TraceCaptureTest, PastItsBoundRecordsAreCountedNotWritten) {
  auto w = TraceCaptureWriter::create(file("small.ddtrace"), 200).value();
  for (int i = 0; i < 10; ++i) w->write(request("/v0.4/traces", std::string(50, 'x')), i);
  ASSERT_TRUE(w->close().isOk());
  EXPECT_EQ(w->records() + w->dropped(), 10u);
  EXPECT_GT(w->dropped(), 0u);
  EXPECT_LE(w->bytes(), 200u);
  EXPECT_EQ(std::filesystem::file_size(file("small.ddtrace")), w->bytes());
  auto r = TraceCaptureReader::open(file("small.ddtrace")).value();
  uint64_t n = 0;
  while (r.next().value().has_value()) ++n;
  EXPECT_EQ(n, w->records());
}

TEST_F(TraceCaptureTest, DamageIsAnErrorThatSaysWhere) {
  const std::string good = writeThree(file("good.ddtrace"));
  // The second record starts after the header (16) and the first record (4 + its length).
  const uint32_t first_len = static_cast<unsigned char>(good[16]) | (static_cast<unsigned char>(good[17]) << 8);
  const size_t second = 16 + 4 + first_len;
  std::string flipped = good;
  flipped[second + 40] ^= 0x01;
  std::string huge = good;
  huge[second + 3] = '\x7f';
  std::string bad_version = good;
  bad_version[8] = 2;
  struct Case {
    const char* name;
    std::string bytes;
    const char* message;
    bool names_record_1;  // the error names record 1 and its offset
  };
  const Case cases[] = {
      {"cut in the middle of record 1", good.substr(0, second + 30), "is cut short", true},
      {"cut inside a length", good.substr(0, second + 2), "no complete length", true},
      {"a flipped byte", flipped, "fails its checksum", true},
      {"an impossible length", huge, "impossible length", true},
      {"another version", bad_version, "version 2", false},
      {"not a capture", "hello world, not a capture", "no DDSIMTRC magic", false},
      {"empty", "", "shorter than its 16-byte header", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    {
      std::ofstream out(file("bad.ddtrace"), std::ios::binary | std::ios::trunc);
      out << c.bytes;
    }
    auto r = TraceCaptureReader::open(file("bad.ddtrace"));
    common::Status error;
    if (!r.isOk()) {
      error = r.status();
    } else {
      while (true) {
        auto rec = r->next();
        if (!rec.isOk()) {
          error = rec.status();
          break;
        }
        if (!rec->has_value()) break;
      }
    }
    ASSERT_FALSE(error.isOk()) << "read without an error";
    EXPECT_EQ(error.code(), common::StatusCode::kDataLoss);
    EXPECT_NE(error.message().find(c.message), std::string::npos) << error.message();
    if (c.names_record_1) {
      EXPECT_NE(error.message().find("record 1 at byte " + std::to_string(second)), std::string::npos)
          << error.message();
    }
  }
}

// The receiver's answering threads record concurrently: every record stays whole.
TEST_F(TraceCaptureTest, ConcurrentWritersKeepEveryRecordWhole) {
  auto w = TraceCaptureWriter::create(file("threads.ddtrace"), 1 << 26).value();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      ReceiverRequest r;
      r.path = "/v0.4/traces";
      const std::string body(100 + t * 37, static_cast<char>('a' + t));
      r.body = body;
      for (int i = 0; i < 250; ++i) w->write(r, i);
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(w->close().isOk());
  auto r = TraceCaptureReader::open(file("threads.ddtrace")).value();
  std::map<char, int> by_writer;
  while (true) {
    auto rec = r.next();
    ASSERT_TRUE(rec.isOk()) << rec.status().toString();
    if (!rec->has_value()) break;
    const std::string& body = (*rec)->body;
    ASSERT_FALSE(body.empty());
    EXPECT_EQ(body, std::string(body.size(), body[0]));
    ++by_writer[body[0]];
  }
  EXPECT_EQ(by_writer, (std::map<char, int>{{'a', 250}, {'b', 250}, {'c', 250}, {'d', 250}}));
}

TEST_F(TraceCaptureTest, MissingFilesAndUnwritablePathsAreClearErrors) {
  auto r = TraceCaptureReader::open(file("missing.ddtrace"));
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("missing.ddtrace"), std::string::npos);
  EXPECT_FALSE(TraceCaptureReader::isTraceCapture(file("missing.ddtrace")));
  auto w = TraceCaptureWriter::create(file("no/such/dir/x.ddtrace"), 1000);
  ASSERT_FALSE(w.isOk());
  EXPECT_NE(w.status().message().find("x.ddtrace"), std::string::npos);
}

}  // namespace
}  // namespace ddsim::trace
