#include "simulator/pipeline/observed_forwarder.h"

#include <spdlog/spdlog.h>

namespace ddsim::pipeline {

common::Status ObservedForwarder::submit(serializer::Submission&& submission) {
  if (observer_) {
    const auto route = std::string(serializer::endpointInfo(submission.endpoint).route);
    for (const auto& p : submission.payloads) {
      if (!p) continue;
      PayloadRecord r;
      r.flush_index = flush_index_.load(std::memory_order_relaxed);
      r.route = route;
      r.compressed_bytes = static_cast<int64_t>(p->bytes.size());
      r.uncompressed_bytes = static_cast<int64_t>(p->uncompressed_size);
      r.items = p->item_count;
      r.points = p->point_count;
      observer_->onPayload(r);
    }
  }
  auto st = inner_.submit(std::move(submission));
  if (!st.isOk()) {
    submit_errors_.fetch_add(1);
    spdlog::warn("forwarder refused a submission: {}", st.message());
  }
  return st;
}

}  // namespace ddsim::pipeline
