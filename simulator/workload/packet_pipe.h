#pragma once
// Hands generated DogStatsD packets from a generator thread to the driver thread, in order, with
// a bound on what is in flight (an OrderedPipe of packet batches). A tick of a DogStatsD
// workload generates its packets on a producer thread while the driver thread parses the ones
// already made; the packets and their order are the same as without the pipe (a test compares
// them byte for byte).
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/workload/ordered_pipe.h"

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
  const size_t batch_packets_;
  OrderedPipe<Batch> pipe_;
};

}  // namespace ddsim::workload
