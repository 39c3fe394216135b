#pragma once
// Hands items from a producer thread to the calling thread, in order, with a bound on what
// waits. A tick of a workload makes its items (packets, parsed sample batches) on a thread of
// its own while the calling thread consumes the ones already made, so the two overlap instead
// of running one after the other; what is consumed, and its order, is what the producer made.
// Consumed items go back to the producer (fresh()) so that their memory is reused.
// One run() at a time; the pipe may be reused for the next tick.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace ddsim::workload {

template <typename Item>
class OrderedPipe {
 public:
  // What the producer is given: emit() hands an item on (waits while `max_waiting` wait);
  // fresh() returns an emptied item to fill, one the consumer is done with when there is one.
  class Producer {
   public:
    explicit Producer(OrderedPipe& pipe) : pipe_(pipe) {}
    void emit(Item&& item) { pipe_.push(std::move(item)); }
    Item fresh() { return pipe_.takeSpare(); }

   private:
    OrderedPipe& pipe_;
  };

  explicit OrderedPipe(size_t max_waiting = 16) : max_waiting_(max_waiting < 1 ? 1 : max_waiting) {}

  // Runs `produce` on a thread of its own and calls `consume` on the calling thread for every
  // item emitted, in order. Returns when both are done. `produce` must not throw.
  void run(const std::function<void(Producer&)>& produce, const std::function<void(Item&)>& consume) {
    {
      std::lock_guard lock(mu_);
      waiting_.clear();
      closed_ = false;
    }
    std::thread producer([&] {
      Producer p(*this);
      produce(p);
      close();
    });
    Item item;
    while (pop(item)) {
      consume(item);
      giveBack(std::move(item));
      item = Item();
    }
    producer.join();
  }

 private:
  void push(Item&& item) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return waiting_.size() < max_waiting_; });
    waiting_.push_back(std::move(item));
    lock.unlock();
    changed_.notify_all();
  }
  bool pop(Item& out) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return closed_ || !waiting_.empty(); });
    if (waiting_.empty()) return false;
    out = std::move(waiting_.front());
    waiting_.pop_front();
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
  void giveBack(Item&& item) {
    item.clear();
    std::lock_guard lock(mu_);
    if (spare_.size() < max_waiting_ + 2) spare_.push_back(std::move(item));
  }
  Item takeSpare() {
    std::lock_guard lock(mu_);
    if (spare_.empty()) return Item();
    Item item = std::move(spare_.back());
    spare_.pop_back();
    return item;
  }

  const size_t max_waiting_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Item> waiting_;
  std::vector<Item> spare_;
  bool closed_ = false;
};

}  // namespace ddsim::workload
