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
  if (!after_submit_ || submission.payloads.size() <= 1) return forward(std::move(submission));
  // One payload at a time, with the hook in between: the same transactions, but the workers
  // see them arrive one by one, as they would while the serializer is still producing.
  common::Status first_error;
  for (auto& p : submission.payloads) {
    serializer::Submission one;
    one.endpoint = submission.endpoint;
    one.payloads.push_back(std::move(p));
    one.headers = submission.headers;
    one.priority = submission.priority;
    one.storable_on_disk = submission.storable_on_disk;
    if (auto st = forward(std::move(one)); !st.isOk() && first_error.isOk()) first_error = st;
  }
  return first_error;
}

common::Status ObservedForwarder::forward(serializer::Submission&& submission) {
  auto st = inner_.submit(std::move(submission));
  if (!st.isOk()) {
    submit_errors_.fetch_add(1);
    spdlog::warn("forwarder refused a submission: {}", st.message());
  } else if (after_submit_) {
    after_submit_();
  }
  return st;
}

}  // namespace ddsim::pipeline
