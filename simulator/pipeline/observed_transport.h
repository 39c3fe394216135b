#pragma once
// A Transport decorator: reports every attempt (route, status or error, bytes, measured and
// simulated time) to the observer. Thread-safe if the inner transport and observer are.
#include "core/forwarder/transport.h"
#include "simulator/pipeline/observer.h"

namespace ddsim::pipeline {

class ObservedTransport final : public forwarder::Transport {
 public:
  ObservedTransport(forwarder::Transport& inner, PipelineObserver* observer) : inner_(inner), observer_(observer) {}
  forwarder::TransportResult send(const forwarder::TransportRequest& request) override;
  void resetConnections() override { inner_.resetConnections(); }

 private:
  forwarder::Transport& inner_;
  PipelineObserver* observer_;
};

// The path of an absolute URL ("http://h:1/api/v2/series?x" -> "/api/v2/series").
std::string urlPath(std::string_view url);

}  // namespace ddsim::pipeline
