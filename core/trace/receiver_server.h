#pragma once
// The trace receiver's listener (docs/trace-agent.md §1.1): an HTTP server on 127.0.0.1 that
// hands every request, whatever its route and method, to TraceReceiver::handle(), and counts
// what it accepted (spans and traces, by service) for the agent's telemetry snapshot.
// Thread-safe: requests are answered by a small bound pool, one decode at a time. Also the
// agent's DogStatsD-over-HTTP proxy routes, relayed to the DogStatsD UDP listener.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/common/counters.h"
#include "core/common/status.h"
#include "core/trace/receiver.h"

namespace ddsim::trace {

struct ReceiverServerOptions {
  ReceiverOptions receiver;
  // apm_config.receiver_port: 0 turns the TCP listener off (the agent's rule); ddsim: -1 binds
  // any free port (the bound one is returned by start()), as dogstatsd_port does.
  int port = 8126;
  int threads = 2;  // the pool answering requests
  // /dogstatsd/v1/proxy and /dogstatsd/v2/proxy forward their body as UDP datagrams (at most
  // this many bytes, cut at newlines) to the DogStatsD listener on 127.0.0.1:dogstatsd_port;
  // 0: DogStatsD is off and they answer 405, as the agent does.
  int dogstatsd_port = 0;
  size_t dogstatsd_buffer_size = 8192;
  // Where accepted payloads go after they are counted (the trace processor); called on the
  // answering thread, one payload at a time, before the answer is sent. Empty: discarded.
  TraceReceiver::Sink forward;
  // Client-computed stats from /v0.6/stats (the client stats aggregator); empty: the route is
  // not served and /info does not list it.
  TraceReceiver::StatsSink forward_stats;
  // Sees every request before it is handled (a trace capture records it); called on the
  // answering thread, outside the receiver's lock. Empty: nothing recorded.
  std::function<void(const ReceiverRequest&)> record;
};

class ReceiverServer {
 public:
  static constexpr int kRandomPort = -1;

  explicit ReceiverServer(ReceiverServerOptions options);
  ~ReceiverServer();
  ReceiverServer(const ReceiverServer&) = delete;
  ReceiverServer& operator=(const ReceiverServer&) = delete;

  // Binds 127.0.0.1 and serves from a thread of its own; returns the bound port (0 when the
  // port is 0: the listener is off).
  common::Result<int> start();
  // Stops accepting, lets requests in flight finish, joins. Idempotent.
  void stop();

  // trace.receiver.* counters: payloads accepted (also by endpoint, "v0.4"/"v0.5") and refused by reason, traces and spans received,
  // traces and spans by service (the root span's service for traces), traces dropped by reason.
  common::TelemetrySnapshot telemetry() const;
  // The rates by service the trace answers carry from now on (TraceReceiver::setRates).
  void setRates(std::map<std::string, double> rates, std::string version);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ddsim::trace
