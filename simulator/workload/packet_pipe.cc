#include "simulator/workload/packet_pipe.h"

#include <algorithm>

namespace ddsim::workload {

PacketPipe::PacketPipe(size_t batch_packets, size_t max_batches)
    : batch_packets_(std::max<size_t>(1, batch_packets)), pipe_(max_batches) {}

void PacketPipe::run(const std::function<void(const std::function<void(std::string_view)>&)>& produce,
                     const std::function<void(std::string_view)>& consume) {
  pipe_.run(
      [&](OrderedPipe<Batch>::Producer& out) {
        Batch batch = out.fresh();
        batch.reserve(batch_packets_);
        produce([&](std::string_view packet) {
          batch.emplace_back(packet);
          if (batch.size() == batch_packets_) {
            out.emit(std::move(batch));
            batch = out.fresh();
            batch.reserve(batch_packets_);
          }
        });
        if (!batch.empty()) out.emit(std::move(batch));
      },
      [&](Batch& batch) {
        for (const auto& p : batch) consume(p);
      });
}

}  // namespace ddsim::workload
