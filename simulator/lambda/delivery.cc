#include "simulator/lambda/delivery.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <utility>

namespace ddsim::lambda {

namespace {

bool accepted(const IntakeRequest& r) { return r.status >= 200 && r.status < 300; }

void classify(Delivery& d, const InvocationRecord& inv, const EnvironmentRecord* env, common::SteadyTime at) {
  if (at < inv.ended) {
    ++d.in_invocation;
  } else if (env && at >= env->shutdown_sent) {
    ++d.at_shutdown;
  } else {
    ++d.later;
  }
}

}  // namespace

void attributeDeliveries(std::vector<InvocationRecord>& invocations, const std::vector<EnvironmentRecord>& environments,
                         const std::vector<IntakeRequest>& requests) {
  // First arrival of (invocation, metric name); arrivals of each log message, oldest first.
  std::map<std::pair<int64_t, std::string>, common::SteadyTime> metric_seen;
  std::map<std::string, std::deque<common::SteadyTime>> log_seen;
  std::map<std::string, std::vector<common::SteadyTime>> spans_seen;  // by request id, one per span
  for (const auto& r : requests) {
    if (!accepted(r)) continue;
    for (const auto& m : r.metrics) {
      if (m.invocation >= 0) metric_seen.emplace(std::make_pair(m.invocation, m.name), r.at);
    }
    for (const auto& line : r.logs) log_seen[line].push_back(r.at);
    for (const auto& [id, n] : r.spans_by_request) spans_seen[id].insert(spans_seen[id].end(), n, r.at);
  }
  std::vector<InvocationRecord*> ordered;
  for (auto& inv : invocations) ordered.push_back(&inv);
  std::sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) { return a->index < b->index; });
  for (InvocationRecord* inv : ordered) {
    const EnvironmentRecord* env = nullptr;
    for (const auto& e : environments) {
      if (e.index == inv->environment) env = &e;
    }
    inv->metrics = {};
    inv->metrics.produced = static_cast<int64_t>(inv->metric_names.size());
    for (const auto& name : inv->metric_names) {
      auto it = metric_seen.find({inv->index, name});
      if (it == metric_seen.end()) {
        ++inv->metrics.left_behind;
      } else {
        classify(inv->metrics, *inv, env, it->second);
      }
    }
    inv->span_delivery = {};
    inv->span_delivery.produced = inv->spans;
    const auto& arrived = spans_seen[inv->request_id];
    for (int64_t i = 0; i < inv->spans; ++i) {
      if (i < static_cast<int64_t>(arrived.size())) {
        classify(inv->span_delivery, *inv, env, arrived[static_cast<size_t>(i)]);
      } else {
        ++inv->span_delivery.left_behind;
      }
    }
    inv->log_delivery = {};
    inv->log_delivery.produced = static_cast<int64_t>(inv->logs.size());
    for (const auto& line : inv->logs) {
      auto it = log_seen.find(line);
      if (it == log_seen.end() || it->second.empty()) {
        ++inv->log_delivery.left_behind;
        continue;
      }
      classify(inv->log_delivery, *inv, env, it->second.front());
      it->second.pop_front();
    }
  }
}

}  // namespace ddsim::lambda
