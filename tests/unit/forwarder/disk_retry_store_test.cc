// Spec §6.7: on-disk retry storage — LIFO files, reload at start, capacity rules (max size,
// max disk ratio, oldest-file deletion), corrupt files skipped and counted, outdated files and
// unknown domains removed.
#include "core/forwarder/disk_retry_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "core/forwarder/file_removal_policy.h"
#include "tests/unit/forwarder/temp_dir.h"

namespace ddsim::forwarder {
namespace {

namespace fs = std::filesystem;
using fwdtest::TempDir;

TransactionPtr tx(uint64_t id, size_t bytes, int64_t points = 1, bool storable = true) {
  auto t = std::make_unique<Transaction>();
  t->id = id;
  t->domain = "http://d";
  t->route = "/api/v2/series";
  t->endpoint_name = "series_v2";
  t->headers = {{"Dd-Api-Key", "secret-key-12345"}};
  auto p = std::make_shared<serializer::Payload>();
  p->bytes = std::string(bytes, static_cast<char>('a' + id % 26));
  p->point_count = points;
  t->payload = p;
  t->storable_on_disk = storable;
  t->created_at = common::SystemTime(std::chrono::seconds(1'700'000'000 + static_cast<int64_t>(id)));
  return t;
}

std::vector<TransactionPtr> batch(std::initializer_list<uint64_t> ids, size_t bytes = 100) {
  std::vector<TransactionPtr> out;
  for (uint64_t id : ids) out.push_back(tx(id, bytes));
  return out;
}

struct Env {
  TempDir dir;
  common::ManualClock clock;
  ForwarderTelemetry tel;
  std::atomic<uint64_t> ids{1000};
  FixedDiskUsage disk;

  common::Result<std::unique_ptr<DiskRetryStore>> open(int64_t max_size = 1 << 20, double ratio = 0.8) {
    return DiskRetryStore::open(dir.path() + "/domain", "http://d", {"secret-key-12345"},
                                DiskUsageLimit(dir.path(), disk, max_size, ratio),
                                DiskRetryStore::Deps{clock, common::Random(5), tel, ids});
  }
};

std::vector<std::string> payloadsOf(const std::vector<TransactionPtr>& v) {
  std::vector<std::string> out;
  for (const auto& t : v) out.push_back(t->payload->bytes.substr(0, 1));
  return out;
}

TEST(DiskRetryStoreTest, StoresFilesAndExtractsNewestFirst) {
  Env env;
  auto store = env.open();
  ASSERT_TRUE(store.isOk()) << store.status().toString();
  ASSERT_TRUE((*store)->store(batch({1, 2})).isOk());
  env.clock.advance(std::chrono::seconds(1));
  ASSERT_TRUE((*store)->store(batch({3})).isOk());
  EXPECT_EQ((*store)->fileCount(), 2u);
  EXPECT_GT((*store)->diskSpaceUsed(), 300);

  // Folder is private; file names follow YYYY_MM_DD__HH_MM_SS_*.retry in UTC.
  struct stat st {};
  ASSERT_EQ(::stat((env.dir.path() + "/domain").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  auto files = listRetryFiles(env.dir.path() + "/domain");
  ASSERT_TRUE(files.isOk());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ(fs::path((*files)[0].path).filename().string().substr(0, 21), "2023_11_14__22_13_20_");
  // The API key is not written in clear.
  auto bytes = readWholeFile((*files)[0].path);
  ASSERT_TRUE(bytes.isOk());
  EXPECT_EQ(bytes->find("secret-key-12345"), std::string::npos);

  auto last = (*store)->extractLast();
  ASSERT_TRUE(last.isOk());
  EXPECT_EQ(payloadsOf(*last), std::vector<std::string>{"d"});
  EXPECT_EQ(headerValue((*last)[0]->headers, "Dd-Api-Key"), "secret-key-12345");
  auto first = (*store)->extractLast();
  ASSERT_TRUE(first.isOk());
  EXPECT_EQ(payloadsOf(*first), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ((*store)->fileCount(), 0u);
  EXPECT_EQ((*store)->diskSpaceUsed(), 0);
  auto none = (*store)->extractLast();
  ASSERT_TRUE(none.isOk());
  EXPECT_TRUE(none->empty());
}

// Spec §6.7 startup: existing files are reloaded, oldest first by modification time.
TEST(DiskRetryStoreTest, ReloadsExistingFilesInModificationOrder) {
  Env env;
  {
    auto store = env.open();
    ASSERT_TRUE(store.isOk());
    for (uint64_t i = 1; i <= 3; ++i) {
      ASSERT_TRUE((*store)->store(batch({i})).isOk());
      env.clock.advance(std::chrono::seconds(10));
    }
  }
  auto reopened = env.open();
  ASSERT_TRUE(reopened.isOk());
  EXPECT_EQ((*reopened)->fileCount(), 3u);
  std::vector<std::string> order;
  for (int i = 0; i < 3; ++i) {
    auto got = (*reopened)->extractLast();
    ASSERT_TRUE(got.isOk());
    order.push_back(payloadsOf(*got)[0]);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"d", "c", "b"}));
  EXPECT_EQ(env.tel.snapshot().at("forwarder.disk.reloaded_files"), 3);
}

// Spec §6.7 capacity: a batch larger than forwarder_storage_max_size_in_bytes is rejected; when
// full, the oldest files are deleted (their transactions counted) until the new one fits.
TEST(DiskRetryStoreTest, CapacityRules) {
  Env env;
  // One 3-transaction batch of 100-byte payloads is ~680 bytes: room for three of them.
  auto store = env.open(2100);
  ASSERT_TRUE(store.isOk());
  ASSERT_TRUE((*store)->store(batch({1, 2, 3})).isOk());
  const int64_t one_file = (*store)->diskSpaceUsed();
  ASSERT_GT(one_file, 500);
  ASSERT_LT(one_file * 3, 2100);
  ASSERT_GT(one_file * 4, 2100);
  ASSERT_TRUE((*store)->store(batch({4, 5, 6})).isOk());
  ASSERT_TRUE((*store)->store(batch({7, 8, 9})).isOk());
  EXPECT_EQ((*store)->fileCount(), 3u);
  ASSERT_TRUE((*store)->store(batch({10, 11, 12})).isOk());  // the oldest file makes room
  EXPECT_EQ((*store)->fileCount(), 3u);
  EXPECT_EQ(env.tel.droppedByReason(DropReason::kDiskEvicted), 3);
  EXPECT_EQ(env.tel.snapshot().at("forwarder.retry_queue.points_dropped"), 3);
  // The evicted file is not read: its transactions count under the endpoint "unknown".
  EXPECT_EQ(env.tel.snapshot().at("forwarder.transactions.dropped_by_endpoint_reason.unknown.disk_evicted"), 3);

  auto too_big = (*store)->store(batch({20}, 5000));
  ASSERT_FALSE(too_big.isOk());
  EXPECT_EQ(too_big.code(), common::StatusCode::kOutOfRange);
  EXPECT_EQ(env.tel.droppedByReason(DropReason::kDiskStoreFailed), 1);
  EXPECT_EQ((*store)->fileCount(), 3u);
  auto newest = (*store)->extractLast();
  ASSERT_TRUE(newest.isOk());
  EXPECT_EQ(newest->front()->id >= 1000, true);  // fresh ids on load
  EXPECT_EQ(payloadsOf(*newest), (std::vector<std::string>{"k", "l", "m"}));
}

// Spec §6.7: available = min(max, used + diskAvailable - ceil(diskTotal * (1 - ratio))).
TEST(DiskRetryStoreTest, MaxDiskRatioLimitsUsage) {
  struct Case {
    uint64_t total, available;
    double ratio;
    int64_t used;
    int64_t want;
  };
  const Case cases[] = {
      {10000, 5000, 0.8, 0, 3000},      // 5000 - 2000 reserved
      {10000, 5000, 0.8, 700, 3700},    // our own files count as available to us
      {10000, 1000, 0.8, 0, -1000},     // already beyond the ratio
      {10000, 9000, 1.0, 0, 4096},      // capped by the max size
      {10001, 5000, 0.5, 0, -1},        // ceil(5000.5) reserved
  };
  FixedDiskUsage disk;
  for (const Case& c : cases) {
    disk = FixedDiskUsage(DiskUsage{c.total, c.available});
    DiskUsageLimit limit("/", disk, 4096, c.ratio);
    auto got = limit.availableSpace(c.used);
    ASSERT_TRUE(got.isOk());
    EXPECT_EQ(*got, c.want) << c.total << "/" << c.available << "/" << c.ratio;
  }

  // A nearly full disk: every older file is deleted, then the batch is written anyway (agent).
  Env env;
  auto store = env.open();
  ASSERT_TRUE(store.isOk());
  ASSERT_TRUE((*store)->store(batch({1})).isOk());
  ASSERT_TRUE((*store)->store(batch({2})).isOk());
  env.disk = FixedDiskUsage(DiskUsage{100000, 1000});  // 1000 available, 20000 reserved
  ASSERT_TRUE((*store)->store(batch({3})).isOk());
  EXPECT_EQ((*store)->fileCount(), 1u);
  EXPECT_EQ(env.tel.droppedByReason(DropReason::kDiskEvicted), 2);
}

// Bad input: a corrupt or truncated file is skipped and counted, never fatal; the next file
// is still delivered.
TEST(DiskRetryStoreTest, CorruptAndTruncatedFilesAreSkippedAndCounted) {
  Env env;
  {
    auto store = env.open();
    ASSERT_TRUE(store.isOk());
    ASSERT_TRUE((*store)->store(batch({1, 2})).isOk());
    env.clock.advance(std::chrono::seconds(1));
    ASSERT_TRUE((*store)->store(batch({3})).isOk());
    env.clock.advance(std::chrono::seconds(1));
    ASSERT_TRUE((*store)->store(batch({4})).isOk());
  }
  auto files = listRetryFiles(env.dir.path() + "/domain");
  ASSERT_TRUE(files.isOk());
  ASSERT_EQ(files->size(), 3u);
  // Newest: truncate it. Middle: flip a byte. Oldest stays good.
  fs::resize_file((*files)[2].path, (*files)[2].size - 7);
  {
    std::fstream f((*files)[1].path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(60);
    f.put('\x55');
  }
  auto store = env.open();
  ASSERT_TRUE(store.isOk());
  ASSERT_EQ((*store)->fileCount(), 3u);
  auto truncated = (*store)->extractLast();
  ASSERT_FALSE(truncated.isOk());
  EXPECT_EQ(truncated.status().code(), common::StatusCode::kDataLoss);
  auto flipped = (*store)->extractLast();
  ASSERT_FALSE(flipped.isOk());
  auto good = (*store)->extractLast();
  ASSERT_TRUE(good.isOk());
  EXPECT_EQ(payloadsOf(*good), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ((*store)->fileCount(), 0u);
  const auto snap = env.tel.snapshot();
  EXPECT_EQ(snap.at("forwarder.disk.corrupt_files"), 2);
  EXPECT_EQ(env.tel.droppedByReason(DropReason::kDiskCorrupt), 2);  // 1 + 1 from the headers
}

TEST(DiskRetryStoreTest, NotStorableTransactionsAreDroppedAndCounted) {
  Env env;
  auto store = env.open();
  ASSERT_TRUE(store.isOk());
  std::vector<TransactionPtr> b;
  b.push_back(tx(1, 10));
  b.push_back(tx(2, 10, 1, /*storable=*/false));
  ASSERT_TRUE((*store)->store(std::move(b)).isOk());
  EXPECT_EQ(env.tel.droppedByReason(DropReason::kNotStorableOnDisk), 1);
  auto got = (*store)->extractLast();
  ASSERT_TRUE(got.isOk());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0]->payload->bytes, std::string(10, 'b'));
}

// Spec §6.7 startup: files older than forwarder_outdated_file_in_days and folders of domains
// that are no longer configured are removed (and counted).
TEST(FileRemovalPolicyTest, OutdatedFilesAndUnknownDomains) {
  TempDir dir;
  common::ManualClock day0;  // files written "11 days ago"
  common::ManualClock day2(day0.systemNow() + std::chrono::hours(24 * 2));  // "9 days ago"
  common::ManualClock day11(day0.systemNow() + std::chrono::hours(24 * 11));
  ForwarderTelemetry tel;
  std::atomic<uint64_t> ids{1};
  FixedDiskUsage disk;
  const std::string known = "http://known", unknown = "http://gone";
  const std::string known_folder = dir.path() + "/" + md5Hex(known);
  const std::string unknown_folder = dir.path() + "/" + md5Hex(unknown);
  for (const std::string& folder : {known_folder, unknown_folder}) {
    for (common::ManualClock* clock : {&day0, &day2}) {
      auto store = DiskRetryStore::open(folder, folder, {"k"}, DiskUsageLimit(dir.path(), disk, 1 << 20, 0.8),
                                        DiskRetryStore::Deps{*clock, common::Random(1), tel, ids});
      ASSERT_TRUE(store.isOk());
      ASSERT_TRUE((*store)->store(clock == &day0 ? batch({1, 2}) : batch({3})).isOk());
    }
  }
  auto policy = FileRemovalPolicy::create(dir.path(), 10, day11.systemNow(), tel);
  ASSERT_TRUE(policy.isOk());
  EXPECT_EQ(md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(policy->registerDomain(known), known_folder);
  EXPECT_EQ(policy->removeOutdatedFiles().size(), 2u);  // one per domain folder
  EXPECT_EQ(tel.droppedByReason(DropReason::kDiskOutdated), 4);
  EXPECT_EQ(policy->removeUnknownDomains().size(), 1u);
  EXPECT_EQ(tel.droppedByReason(DropReason::kDiskUnknownDomain), 1);
  EXPECT_FALSE(fs::exists(unknown_folder));
  auto left = listRetryFiles(known_folder);
  ASSERT_TRUE(left.isOk());
  EXPECT_EQ(left->size(), 1u);
}

}  // namespace
}  // namespace ddsim::forwarder
