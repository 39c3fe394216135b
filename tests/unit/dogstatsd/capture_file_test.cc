// The .dog capture format (spec §8.5) against the agent's own test capture
// (comp/dogstatsd/replay/impl/resources/test/datadog-capture.dog and its zstd twin).
#include "core/dogstatsd/capture_file.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "tests/unit/dogstatsd/test_sockets.h"

namespace ddsim::dogstatsd {
namespace {

const std::string kFixture = std::string(DDSIM_TEST_DATA_DIR) + "/datadog-capture.dog";
const std::string kFixtureZstd = kFixture + ".zstd";

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<CaptureRecord> readAll(CaptureReader& r) {
  std::vector<CaptureRecord> out;
  CaptureRecord rec;
  while (true) {
    auto more = r.next(rec);
    EXPECT_TRUE(more.isOk()) << more.status().toString();
    if (!more.isOk() || !*more) break;
    out.push_back(rec);
  }
  return out;
}

// Spec §8.5, "Test file ... (inspected)".
TEST(DsdCaptureFileTest, ReadsTheAgentsTestCapture) {
  for (const auto& path : {kFixture, kFixtureZstd}) {
    SCOPED_TRACE(path);
    auto r = CaptureReader::open(path);
    ASSERT_TRUE(r.isOk()) << r.status().toString();
    EXPECT_EQ(r->version(), 2);
    EXPECT_EQ(r->wasCompressed(), path == kFixtureZstd);
    EXPECT_EQ(r->size(), 174125u);  // the zstd twin decompresses to the same bytes
    EXPECT_EQ(r->timestampUnit(), std::chrono::seconds(1));
    auto records = readAll(*r);
    ASSERT_EQ(records.size(), 21u);
    std::vector<int32_t> pids;
    for (size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(records[i].payload, "jaime.uds.test:8|g|#shell:test");
      EXPECT_EQ(records[i].ancillary.size(), 32u);
      pids.push_back(records[i].pid);
    }
    EXPECT_EQ(pids, (std::vector<int32_t>{2809, 2812, 2815, 2818, 2821, 2824, 2827, 2830, 2833,
                                          2836, 2839, 2842, 2845, 2848, 2851, 2854, 2857, 2867,
                                          2870, 2873, 2876}));
    EXPECT_EQ(records.front().timestamp, 1621285674);
    EXPECT_EQ(records.back().timestamp, 1621285687);
    // The ancillary data is an SCM_CREDENTIALS message carrying the same pid.
    const auto& anc = records.front().ancillary;
    int32_t pid = 0;
    std::memcpy(&pid, anc.data() + 16, 4);
    EXPECT_EQ(pid, records.front().pid);

    auto state = r->readState();
    ASSERT_TRUE(state.isOk()) << state.status().toString();
    const std::string id =
        "container_id://c1371eaf97a11f43ac700fd8524b4ea316d83a7259282a9e9eeac8d071406b22";
    ASSERT_EQ(state->entities.size(), 1u);
    const auto& e = state->entities.at(id);
    EXPECT_EQ(e.prefix, "container_id");
    EXPECT_EQ(e.uid, "c1371eaf97a11f43ac700fd8524b4ea316d83a7259282a9e9eeac8d071406b22");
    EXPECT_EQ(e.high_cardinality_tags,
              (std::vector<std::string>{"container_name:awesome_elbakyan",
                                        "container_id:c1371eaf97a11f43ac700fd8524b4ea316d83a7259282a9e9eeac8d071406b22"}));
    EXPECT_EQ(e.low_cardinality_tags, (std::vector<std::string>{"docker_image:ubuntu", "image_name:ubuntu",
                                                                 "short_image:ubuntu"}));
    std::vector<int32_t> mapped;
    for (const auto& [p, eid] : state->pid_map) {
      mapped.push_back(p);
      EXPECT_EQ(eid, id);
    }
    EXPECT_EQ(mapped, (std::vector<int32_t>{2815, 2818, 2821, 2824, 2836, 2851, 2854}));
  }
}

TEST(DsdCaptureFileTest, RewindReadsAgain) {
  auto r = CaptureReader::open(kFixture);
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(readAll(*r).size(), 21u);
  r->rewind();
  EXPECT_EQ(readAll(*r).size(), 21u);
}

struct RoundTripCase {
  int version;
  bool zstd;
};

TEST(DsdCaptureFileTest, WriteThenReadRoundTrips) {
  const RoundTripCase cases[] = {{3, false}, {3, true}, {2, false}, {2, true}, {1, false}};
  testing::TempDir dir;
  auto fixture = CaptureReader::open(kFixture);
  ASSERT_TRUE(fixture.isOk());
  auto state = fixture->readState();
  ASSERT_TRUE(state.isOk());
  for (const auto& c : cases) {
    SCOPED_TRACE("version " + std::to_string(c.version) + (c.zstd ? " zstd" : ""));
    const std::string path = dir.file("out-" + std::to_string(c.version) + (c.zstd ? ".zst" : ""));
    CaptureWriterOptions wo;
    wo.version = c.version;
    wo.zstd = c.zstd;
    auto w = CaptureWriter::create(path, wo);
    ASSERT_TRUE(w.isOk()) << w.status().toString();
    std::vector<CaptureRecord> written;
    for (int i = 0; i < 100; ++i) {
      CaptureRecord rec;
      rec.timestamp = 1700000000000000000 + i * 1000000;
      rec.payload = "m" + std::to_string(i) + ":1|c\n_sc|x|0";
      rec.pid = i;
      if (i % 2) rec.ancillary = std::string(32, static_cast<char>(i));
      ASSERT_TRUE((*w)->write(rec).isOk());
      written.push_back(rec);
    }
    ASSERT_TRUE((*w)->close(*state).isOk());
    EXPECT_EQ((*w)->records(), 100u);

    const std::string bytes = slurp(path);
    EXPECT_EQ(isZstdFrame(bytes), c.zstd);
    auto r = CaptureReader::open(path);
    ASSERT_TRUE(r.isOk()) << r.status().toString();
    EXPECT_EQ(r->version(), c.version);
    auto got = readAll(*r);
    ASSERT_EQ(got.size(), written.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].timestamp, written[i].timestamp);
      EXPECT_EQ(got[i].payload, written[i].payload);
      EXPECT_EQ(got[i].pid, written[i].pid);
      EXPECT_EQ(got[i].ancillary, written[i].ancillary);
    }
    auto st = r->readState();
    if (c.version >= 2) {
      ASSERT_TRUE(st.isOk()) << st.status().toString();
      EXPECT_EQ(st->pid_map, state->pid_map);
      EXPECT_EQ(st->entities.size(), 1u);
    } else {
      EXPECT_FALSE(st.isOk());
    }
  }
}

TEST(DsdCaptureFileTest, PlainAndZstdFilesHoldTheSameStream) {
  // The agent's zstd twin is the whole plain file compressed: check our writer does the same.
  testing::TempDir dir;
  for (bool z : {false, true}) {
    CaptureWriterOptions wo;
    wo.zstd = z;
    auto w = CaptureWriter::create(dir.file(z ? "z" : "p"), wo);
    ASSERT_TRUE(w.isOk());
    CaptureRecord rec;
    rec.timestamp = 42;
    rec.payload = "a:1|g";
    ASSERT_TRUE((*w)->write(rec).isOk());
    ASSERT_TRUE((*w)->close().isOk());
  }
  auto plain = CaptureReader::fromBytes(slurp(dir.file("p")));
  auto zstd = CaptureReader::fromBytes(slurp(dir.file("z")));
  ASSERT_TRUE(plain.isOk());
  ASSERT_TRUE(zstd.isOk());
  EXPECT_EQ(plain->size(), zstd->size());
  EXPECT_EQ(slurp(dir.file("p")).substr(0, 8), std::string("\xD4\x74\xD0\x60\xF3\xFF\x00\x00", 8));
}

struct BadFileCase {
  const char* what;
  std::string bytes;
  bool open_ok;        // header accepted
  const char* error;   // substring of the open or next() error
};

TEST(DsdCaptureFileTest, CorruptFilesAreClearErrors) {
  const std::string header("\xD4\x74\xD0\x60\xF3\xFF\x00\x00", 8);
  const std::string fixture = slurp(kFixture);
  const BadFileCase cases[] = {
      {"empty", "", false, "shorter than its 8-byte header"},
      {"not a capture", "hello world, not a capture", false, "bad header byte 0"},
      {"bad version nibble", std::string("\xD4\x74\xD0\x60\x03\xFF\x00\x00", 8), false,
       "bad header byte 4"},
      {"future version", std::string("\xD4\x74\xD0\x60\xF4\xFF\x00\x00", 8), false,
       "unsupported capture file version 4"},
      {"truncated zstd", std::string("\x28\xB5\x2F\xFD\x04\x00", 6), false, "zstd"},
      {"garbage record", header + std::string("\x05\x00\x00\x00\xff\xff\xff\xff\xff", 9), true,
       "capture record 0 at offset 8: not a valid UnixDogstatsdMsg"},
      // payloadSize 50 with a 2-byte payload: field 2 = 50, field 3 = "ab".
      {"payload size lie", header + std::string("\x06\x00\x00\x00\x10\x32\x1a\x02\x61\x62", 10),
       true, "payloadSize 50 does not fit its 2-byte payload"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto r = CaptureReader::fromBytes(c.bytes);
    ASSERT_EQ(r.isOk(), c.open_ok) << r.status().toString();
    if (!r.isOk()) {
      EXPECT_NE(r.status().message().find(c.error), std::string::npos) << r.status().message();
      continue;
    }
    CaptureRecord rec;
    auto n = r->next(rec);
    ASSERT_FALSE(n.isOk());
    EXPECT_NE(n.status().message().find(c.error), std::string::npos) << n.status().message();
  }
  // A truncated file simply ends its records early (the agent's EOF rule).
  auto cut = CaptureReader::fromBytes(fixture.substr(0, 100000));
  ASSERT_TRUE(cut.isOk());
  EXPECT_EQ(readAll(*cut).size(), 12u);
  EXPECT_FALSE(CaptureReader::open("/nonexistent/x.dog").isOk());
}

// Issue 11: a cut or header-only file is named, with the byte offset where it ends, instead of
// replaying "0 records". Offsets of the fixture: 21 records of 4 + 8242 bytes from byte 8, the
// end-of-records marker at 173,174, then 943 bytes of tagger state and its 4-byte size.
TEST(DsdCaptureFileTest, CheckCompleteNamesWhereAFileIsCutOrEmpty) {
  const std::string fixture = slurp(kFixture);
  testing::TempDir dir;
  auto written = [&](int version, int records) {
    CaptureWriterOptions wo;
    wo.version = version;
    const std::string path = dir.file("v" + std::to_string(version) + "-" + std::to_string(records));
    auto w = CaptureWriter::create(path, wo);
    EXPECT_TRUE(w.isOk());
    CaptureRecord rec;
    rec.payload = "a:1|g";
    for (int i = 0; i < records; ++i) EXPECT_TRUE((*w)->write(rec).isOk());
    EXPECT_TRUE((*w)->close().isOk());
    return slurp(path);
  };
  struct Case {
    const char* what;
    std::string bytes;
    const char* error;  // "" = complete
  } cases[] = {
      {"the agent's capture", fixture, ""},
      {"a version 0 file ends at its last record", written(0, 2), ""},
      {"a version 3 file from our writer", written(3, 2), ""},
      {"header only", fixture.substr(0, 8),
       "capture has no records: they end at byte offset 8, right after the 8-byte header"},
      {"header only, version 0", written(0, 0), "capture has no records: they end at byte offset 8"},
      {"no records but a trailer", written(3, 0), "capture has no records: they end at byte offset 8"},
      {"cut inside a record", fixture.substr(0, 100000),
       "capture is truncated at byte offset 98960 after 12 complete records: record 12 declares 8242 bytes but "
       "only 1036 remain"},
      {"cut inside a record length", fixture.substr(0, 98962),
       "truncated at byte offset 98960 after 12 complete records: only 2 of the 4 bytes"},
      {"cut after the last record", fixture.substr(0, 173174),
       "truncated at byte offset 173174 after 21 complete records: the end-of-records marker and the tagger state "
       "are missing"},
      {"cut inside the tagger state", fixture.substr(0, 173174 + 4 + 100),
       "truncated at byte offset 173174 after 21 complete records: the tagger state after the end-of-records "
       "marker is cut (100 bytes follow the marker)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto r = CaptureReader::fromBytes(c.bytes);
    ASSERT_TRUE(r.isOk()) << r.status().toString();
    const auto st = r->checkComplete();
    if (std::string(c.error).empty()) {
      EXPECT_TRUE(st.isOk()) << st.toString();
      continue;
    }
    ASSERT_FALSE(st.isOk());
    EXPECT_EQ(st.code(), common::StatusCode::kDataLoss);
    EXPECT_NE(st.message().find(c.error), std::string::npos) << st.message();
  }
  // The zstd twin is whole too (offsets are counted in its decompressed stream).
  auto z = CaptureReader::open(kFixtureZstd);
  ASSERT_TRUE(z.isOk());
  EXPECT_TRUE(z->checkComplete().isOk());
}

}  // namespace
}  // namespace ddsim::dogstatsd
