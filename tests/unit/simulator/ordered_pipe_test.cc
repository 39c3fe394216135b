// The OrderedPipe between a producer thread and its consumer (simulator/workload/ordered_pipe.h):
// items come out in order, and consumed items go back to the producer for reuse, all of them,
// so a consumer that drains a full queue at once does not make the producer allocate again.
#include "simulator/workload/ordered_pipe.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace ddsim::workload {
namespace {

struct Buffer {
  std::vector<int> data;
  void clear() { data.clear(); }  // keeps the capacity, as SampleBatch keeps its blocks
};

TEST(OrderedPipeTest, DrainingAFullQueueLeavesEveryItemForReuse) {
  constexpr size_t kWaiting = 32;
  constexpr int kRounds = 6;
  OrderedPipe<Buffer> pipe(kWaiting);
  std::atomic<int> emitted{0};
  std::atomic<int> drained{0};    // rounds the consumer has drained
  std::atomic<int> allocated{0};  // items the producer had to make (no spare was left)
  pipe.start([&](OrderedPipe<Buffer>::Producer& out) {
    for (int round = 1; round <= kRounds; ++round) {
      for (size_t i = 0; i < kWaiting; ++i) {
        Buffer b = out.fresh();
        if (b.data.capacity() == 0) {
          ++allocated;
          b.data.reserve(64);
        }
        b.data.push_back(emitted.load());
        if (!out.emit(std::move(b))) return;
        ++emitted;
      }
      // The queue is full: pause until the consumer has drained it (as the run thread drains
      // the generator's queue after a flush), so every consumed item is a spare at once.
      while (drained.load() < round && !out.cancelled()) std::this_thread::yield();
    }
  });
  int want = 0;
  Buffer b;
  for (int round = 1; round <= kRounds; ++round) {
    while (emitted.load() < round * static_cast<int>(kWaiting)) std::this_thread::yield();
    for (size_t i = 0; i < kWaiting; ++i) {
      ASSERT_TRUE(pipe.next(b));
      ASSERT_EQ(b.data.size(), 1u);
      EXPECT_EQ(b.data[0], want++);
      pipe.done(std::move(b));
    }
    drained.store(round);
  }
  EXPECT_FALSE(pipe.next(b));
  // The first round made the items; every later round reused them all.
  EXPECT_EQ(allocated.load(), static_cast<int>(kWaiting));
}

// An item that counts its live copies through the token it shares.
struct Counted {
  std::shared_ptr<int> token;
  void clear() {}
};

TEST(OrderedPipeTest, ReleaseEndsTheProducerAndFreesEveryItemItMade) {
  auto token = std::make_shared<int>(0);
  OrderedPipe<Counted> pipe(8);
  pipe.start([&](OrderedPipe<Counted>::Producer& out) {
    while (!out.cancelled()) {
      Counted c = out.fresh();
      if (!c.token) c.token = token;
      if (!out.emit(std::move(c))) return;
    }
  });
  Counted c;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(pipe.next(c));
    pipe.done(std::move(c));
    c = Counted();
  }
  EXPECT_GT(token.use_count(), 1);  // items wait in the queue or as spares
  pipe.release();
  EXPECT_EQ(token.use_count(), 1);  // the producer has ended and no item is left
  EXPECT_FALSE(pipe.next(c));
}

}  // namespace
}  // namespace ddsim::workload
