#pragma once
// Hands generated DogStatsD packets from a generator thread to the driver thread, in order, with
// a bound on what is in flight. A tick of a DogStatsD workload generates its packets on a
// producer thread while the driver thread parses the ones already made, so generation and
// parsing overlap instead of running one after the other; the packets and their order are the
// same as without the pipe (a test compares them byte for byte).
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ddsim::workload {

class PacketPipe {
 public:
  // At most `max_batches` batches of `batch_packets` packets wait at once (the producer waits).
  explicit PacketPipe(size_t batch_packets = 64, size_t max_batches = 16);

  // Runs `produce` on a thread of its own, giving it an emit function, and calls `consume` on
  // the calling thread for every packet emitted, in order. Returns when both are done.
  // `produce` must not throw.
  void run(const std::function<void(const std::function<void(std::string_view)>&)>& produce,
           const std::function<void(std::string_view)>& consume);

 private:
  using Batch = std::vector<std::string>;
  void push(Batch&& b);
  bool pop(Batch& out);  // false once the producer has closed and nothing is left
  void close();

  const size_t batch_packets_;
  const size_t max_batches_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Batch> batches_;
  bool closed_ = false;
};

}  // namespace ddsim::workload
