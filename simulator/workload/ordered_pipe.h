#pragma once
// Hands items from a producer thread to the calling thread, in order, with a bound on what
// waits. A workload makes its items (packets, parsed sample batches) on a thread of its own
// while the calling thread consumes the ones already made, so the two overlap instead of
// running one after the other; what is consumed, and its order, is what the producer made.
// Consumed items go back to the producer (fresh()) so that their memory is reused.
// Two ways to use it: run() for one tick (returns when the producer is done), or start() a
// producer that runs ahead across ticks, next()/done() on the consumer side, and cancel()
// (or the destructor) to end it early. One producer at a time.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "core/common/process_stats.h"

namespace ddsim::workload {

template <typename Item>
class OrderedPipe {
 public:
  // What the producer is given: emit() hands an item on (waits while `max_waiting` wait; false
  // once the pipe is cancelled, the item is then dropped); fresh() returns an emptied item to
  // fill, one the consumer is done with when there is one.
  class Producer {
   public:
    explicit Producer(OrderedPipe& pipe) : pipe_(pipe) {}
    bool emit(Item&& item) { return pipe_.push(std::move(item)); }
    Item fresh() { return pipe_.takeSpare(); }
    bool cancelled() {
      std::lock_guard lock(pipe_.mu_);
      return pipe_.cancelled_;
    }

   private:
    OrderedPipe& pipe_;
  };

  explicit OrderedPipe(size_t max_waiting = 16) : max_waiting_(max_waiting < 1 ? 1 : max_waiting) {}
  ~OrderedPipe() { cancel(); }
  OrderedPipe(const OrderedPipe&) = delete;
  OrderedPipe& operator=(const OrderedPipe&) = delete;

  // Runs `produce` on a thread of its own and calls `consume` on the calling thread for every
  // item emitted, in order. Returns when both are done. `produce` must not throw.
  void run(const std::function<void(Producer&)>& produce, const std::function<void(Item&)>& consume) {
    start(produce);
    Item item;
    while (next(item)) {
      consume(item);
      done(std::move(item));
      item = Item();
    }
    join();
  }

  // Starts `produce` on a thread of its own (it must not throw; it must outlive the thread).
  void start(std::function<void(Producer&)> produce) {
    join();
    {
      std::lock_guard lock(mu_);
      waiting_.clear();
      closed_ = false;
      cancelled_ = false;
    }
    producer_ = std::thread([this, produce = std::move(produce)] {
      common::nameThisThread("ddsim-produce");
      Producer p(*this);
      produce(p);
      close();
    });
  }
  // The next item, in order; false once the producer has ended and nothing is left.
  bool next(Item& out) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return closed_ || !waiting_.empty(); });
    if (waiting_.empty()) return false;
    out = std::move(waiting_.front());
    waiting_.pop_front();
    lock.unlock();
    changed_.notify_all();
    return true;
  }
  // Gives a consumed item back for reuse (Item::clear() empties it).
  void done(Item&& item) {
    item.clear();
    std::lock_guard lock(mu_);
    spare_.push_back(std::move(item));
  }
  // Ends a producer early: what it emits from now on is dropped; waits for its thread.
  void cancel() {
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
    }
    changed_.notify_all();
    join();
  }
  // Ends the producer as cancel() does, then frees every item it made: those waiting and the
  // spares. For when nothing more will be consumed (the end of a run).
  void release() {
    cancel();
    std::lock_guard lock(mu_);
    std::deque<Item>().swap(waiting_);
    std::vector<Item>().swap(spare_);
  }

 private:
  void join() {
    if (producer_.joinable()) producer_.join();
  }
  bool push(Item&& item) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return cancelled_ || waiting_.size() < max_waiting_; });
    if (cancelled_) return false;
    waiting_.push_back(std::move(item));
    lock.unlock();
    changed_.notify_all();
    return true;
  }
  void close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    changed_.notify_all();
  }
  Item takeSpare() {
    std::lock_guard lock(mu_);
    if (spare_.empty()) return Item();
    Item item = std::move(spare_.back());
    spare_.pop_back();
    return item;
  }

  // Every consumed item is kept for reuse. The producer makes a new item only when no spare is
  // left, that is when every item is waiting or in someone's hands: so there are never more than
  // max_waiting_ + 2 items, the memory of a full queue, and a consumer that drains a full queue
  // at once (after a flush) does not make the producer allocate it all again.
  const size_t max_waiting_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Item> waiting_;
  std::vector<Item> spare_;
  bool closed_ = false;
  bool cancelled_ = false;
  std::thread producer_;
};

}  // namespace ddsim::workload
