// Spec §6.6: the retry queue's byte budget, drop order (normal first, oldest first), spill to
// disk in batches of max * forwarder_flush_to_disk_mem_ratio, and extraction order.
#include "core/forwarder/retry_queue.h"

#include <gtest/gtest.h>

namespace ddsim::forwarder {
namespace {

using P = serializer::TransactionPriority;

TransactionPtr tx(uint64_t id, size_t bytes, P prio = P::kNormal, int64_t created_s = 0) {
  auto t = std::make_unique<Transaction>();
  t->id = id;
  t->endpoint_name = "series_v2";
  auto p = std::make_shared<serializer::Payload>();
  p->bytes = std::string(bytes, 'x');
  p->point_count = 1;
  t->payload = p;
  t->priority = prio;
  t->created_at = common::SystemTime(std::chrono::seconds(created_s ? created_s : static_cast<int64_t>(id)));
  return t;
}

std::vector<uint64_t> ids(const std::vector<TransactionPtr>& v) {
  std::vector<uint64_t> out;
  for (const auto& t : v) out.push_back(t->id);
  std::sort(out.begin(), out.end());
  return out;
}

// A disk store double that keeps the batches in memory.
class MemoryStorage : public TransactionDiskStorage {
 public:
  common::Status store(std::vector<TransactionPtr> batch) override {
    batches.push_back(std::move(batch));
    return common::Status::ok();
  }
  common::Result<std::vector<TransactionPtr>> extractLast() override {
    if (batches.empty()) return std::vector<TransactionPtr>{};
    auto b = std::move(batches.back());
    batches.pop_back();
    return b;
  }
  int64_t diskSpaceUsed() const override { return 0; }
  size_t fileCount() const override { return batches.size(); }
  std::vector<std::vector<TransactionPtr>> batches;
};

// Spec §6.6 Add(): evict in drop order until at least the excess is freed, then append.
TEST(RetryQueueTest, EvictionOrderWithoutDisk) {
  ForwarderTelemetry tel;
  RetryQueue q(100, 0.5, nullptr, tel);
  struct Step {
    uint64_t id;
    size_t bytes;
    P prio;
    std::vector<uint64_t> evicted;
    int64_t bytes_after;
  };
  const Step steps[] = {
      {1, 40, P::kNormal, {}, 40},
      {2, 30, P::kHigh, {}, 70},
      {3, 30, P::kNormal, {}, 100},
      {4, 20, P::kNormal, {1}, 80},      // excess 20: oldest normal (40 bytes) goes
      {5, 50, P::kNormal, {3}, 100},     // excess 30: next oldest normal (30)
      {6, 60, P::kHigh, {4, 5}, 90},     // excess 60: 20 + 50 normal; high priority kept
      {7, 150, P::kNormal, {2, 6}, 150}, // larger than the budget: everything goes, it stays
  };
  for (const Step& s : steps) {
    SCOPED_TRACE(s.id);
    auto r = q.add(tx(s.id, s.bytes, s.prio));
    EXPECT_EQ(ids(r.evicted), s.evicted);
    EXPECT_EQ(q.currentBytes(), s.bytes_after);
  }
  auto all = q.extractTransactions();
  ASSERT_TRUE(all.isOk());
  EXPECT_EQ(ids(*all), std::vector<uint64_t>{7});
  EXPECT_EQ(q.currentBytes(), 0);
}

// Among the same priority, the oldest by creation time goes first (not the first added).
TEST(RetryQueueTest, EvictionUsesCreationTime) {
  ForwarderTelemetry tel;
  RetryQueue q(30, 0.5, nullptr, tel);
  ASSERT_TRUE(q.add(tx(1, 10, P::kNormal, 300)).evicted.empty());
  ASSERT_TRUE(q.add(tx(2, 10, P::kNormal, 100)).evicted.empty());
  ASSERT_TRUE(q.add(tx(3, 10, P::kNormal, 200)).evicted.empty());
  EXPECT_EQ(ids(q.add(tx(4, 10, P::kNormal, 400)).evicted), std::vector<uint64_t>{2});
  EXPECT_EQ(ids(q.add(tx(5, 10, P::kNormal, 500)).evicted), std::vector<uint64_t>{3});
}

// Spec §6.6 with disk: spill batches of >= max * ratio bytes (drop order) before evicting.
TEST(RetryQueueTest, SpillsToDiskInBatchesInsteadOfEvicting) {
  ForwarderTelemetry tel;
  auto storage = std::make_unique<MemoryStorage>();
  MemoryStorage* disk = storage.get();
  RetryQueue q(100, 0.5, std::move(storage), tel);
  for (uint64_t i = 1; i <= 5; ++i) ASSERT_TRUE(q.add(tx(i, 20)).evicted.empty());
  auto r = q.add(tx(6, 20));
  EXPECT_TRUE(r.evicted.empty());
  ASSERT_EQ(disk->batches.size(), 1u);
  EXPECT_EQ(ids(disk->batches[0]), (std::vector<uint64_t>{1, 2, 3}));  // 60 >= 50 bytes, oldest first
  EXPECT_EQ(q.currentBytes(), 60);

  // Memory first, then the newest file (LIFO).
  auto mem = q.extractTransactions();
  ASSERT_TRUE(mem.isOk());
  EXPECT_EQ(ids(*mem), (std::vector<uint64_t>{4, 5, 6}));
  auto from_disk = q.extractTransactions();
  ASSERT_TRUE(from_disk.isOk());
  EXPECT_EQ(ids(*from_disk), (std::vector<uint64_t>{1, 2, 3}));
  auto empty = q.extractTransactions();
  ASSERT_TRUE(empty.isOk());
  EXPECT_TRUE(empty->empty());
}

TEST(RetryQueueTest, FlushToDiskStoresUpToTheBudget) {
  ForwarderTelemetry tel;
  auto storage = std::make_unique<MemoryStorage>();
  MemoryStorage* disk = storage.get();
  RetryQueue q(100, 0.5, std::move(storage), tel);
  for (uint64_t i = 1; i <= 4; ++i) ASSERT_TRUE(q.add(tx(i, 25)).evicted.empty());
  ASSERT_TRUE(q.flushToDisk().status.isOk());
  ASSERT_EQ(disk->batches.size(), 1u);
  EXPECT_EQ(disk->batches[0].size(), 4u);
  EXPECT_EQ(q.transactionCount(), 0u);
  EXPECT_EQ(q.currentBytes(), 0);
}

TEST(RetryQueueTest, PointsOfEvictedTransactionsAreCounted) {
  ForwarderTelemetry tel;
  RetryQueue q(10, 0.5, nullptr, tel);
  ASSERT_TRUE(q.add(tx(1, 10)).evicted.empty());
  EXPECT_EQ(q.add(tx(2, 10)).evicted.size(), 1u);
  EXPECT_EQ(tel.snapshot().at("forwarder.retry_queue.points_dropped"), 1);
}

}  // namespace
}  // namespace ddsim::forwarder
