#include "simulator/pipeline/observed_transport.h"

#include "simulator/pipeline/stopwatch.h"

namespace ddsim::pipeline {

std::string urlPath(std::string_view url) {
  auto scheme = url.find("://");
  size_t start = scheme == std::string_view::npos ? 0 : url.find('/', scheme + 3);
  if (start == std::string_view::npos) return "/";
  auto q = url.find('?', start);
  return std::string(url.substr(start, q == std::string_view::npos ? std::string_view::npos : q - start));
}

forwarder::TransportResult ObservedTransport::send(const forwarder::TransportRequest& request) {
  Stopwatch sw;
  forwarder::TransportResult r = inner_.send(request);
  if (observer_) {
    AttemptRecord a;
    a.method = request.method;
    a.route = urlPath(request.url);
    a.status = r.status;
    if (r.error != forwarder::TransportError::kNone) a.error = std::string(forwarder::transportErrorName(r.error));
    else if (r.simulated_timeout) a.error = "timeout";
    a.bytes = static_cast<int64_t>(request.body.size());
    a.seconds = sw.seconds();
    if (r.simulated_latency) a.simulated_seconds = common::toSeconds(*r.simulated_latency);
    observer_->onAttempt(a);
  }
  return r;
}

}  // namespace ddsim::pipeline
