#include "core/trace/receiver_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <string_view>
#include <utility>

#include "core/trace/trace_chunk.h"

namespace ddsim::trace {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string serviceKey(const std::string& service) { return service.empty() ? "none" : service; }

// Sends `body` to 127.0.0.1:port as datagrams of at most `max` bytes, each cut after a newline
// when one fits (a line longer than `max` goes alone and the listener truncates it). Returns the
// datagrams sent, or -1 when no socket could be made.
int64_t relayDatagrams(std::string_view body, int port, size_t max) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int64_t sent = 0;
  while (!body.empty()) {
    size_t n = std::min(body.size(), max);
    if (n < body.size()) {
      const size_t nl = body.substr(0, n).rfind('\n');
      if (nl != std::string_view::npos) n = nl + 1;
    }
    std::string_view packet = body.substr(0, n);
    body.remove_prefix(n);
    while (!packet.empty() && packet.back() == '\n') packet.remove_suffix(1);
    if (packet.empty()) continue;
    if (::sendto(fd, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) >= 0) ++sent;
  }
  ::close(fd);
  return sent;
}

}  // namespace

struct ReceiverServer::Impl {
  explicit Impl(ReceiverServerOptions o) : options(std::move(o)) {}

  // The receiver, made once the port is known so that /info's receiver_port is the bound one.
  void makeReceiver(int bound_port) {
    ReceiverOptions ro = options.receiver;
    ro.receiver_port = bound_port;
    ro.client_stats = static_cast<bool>(options.forward_stats);
    receiver.emplace(
        std::move(ro),
        [this](ReceivedPayload&& p) {
          count(p);
          if (options.forward) options.forward(std::move(p));
        },
        options.forward_stats);
  }

  // Called by the receiver under mu, after a payload was accepted.
  void count(const ReceivedPayload& p) {
    ++payloads_by_endpoint[p.endpoint];
    for (const Trace& trace : p.traces) {
      if (trace.empty()) continue;
      ++traces_by_service[serviceKey(trace[rootSpanIndex(trace)].service)];
      spans_received += trace.size();
      for (const Span& s : trace) ++spans_by_service[serviceKey(s.service)];
    }
  }

  void serve(const httplib::Request& req, httplib::Response& res) {
    ReceiverRequest r;
    r.path = req.path;
    for (const auto& [k, v] : req.headers) r.headers.emplace(lower(k), v);
    r.body = req.body;
    if (options.record) options.record(r);
    ReceiverResponse out;
    {
      std::lock_guard lock(mu);
      out = receiver->handle(r);
    }
    res.status = out.status;
    for (const auto& [k, v] : out.headers) res.set_header(k, v);
    res.set_content(std::move(out.body), out.content_type.empty() ? "text/plain" : out.content_type);
  }

  // pkg/trace/api/dogstatsd.go: the body goes to DogStatsD over UDP; 405 when DogStatsD is off.
  void proxyDogStatsd(const httplib::Request& req, httplib::Response& res) {
    if (options.dogstatsd_port <= 0) {
      res.status = 405;
      res.set_content("405 Method Not Allowed\n", "text/plain; charset=utf-8");
      return;
    }
    const int64_t sent = relayDatagrams(req.body, options.dogstatsd_port, std::max<size_t>(options.dogstatsd_buffer_size, 1));
    std::lock_guard lock(mu);
    if (sent < 0) {
      res.status = 500;
      res.set_content("500 Internal Server Error\n", "text/plain; charset=utf-8");
      return;
    }
    ++dogstatsd_proxy_requests;
    dogstatsd_proxy_packets += static_cast<uint64_t>(sent);
  }

  ReceiverServerOptions options;
  httplib::Server server;
  std::thread thread;
  mutable std::mutex mu;
  std::optional<TraceReceiver> receiver;
  uint64_t spans_received = 0;
  uint64_t dogstatsd_proxy_requests = 0;
  uint64_t dogstatsd_proxy_packets = 0;
  std::map<std::string, uint64_t> payloads_by_endpoint;
  std::map<std::string, uint64_t> traces_by_service;
  std::map<std::string, uint64_t> spans_by_service;
};

ReceiverServer::ReceiverServer(ReceiverServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

ReceiverServer::~ReceiverServer() { stop(); }

common::Result<int> ReceiverServer::start() {
  Impl& im = *impl_;
  if (im.options.port == 0) {  // the agent's rule: port 0, no TCP listener
    im.makeReceiver(0);
    return 0;
  }
  const int threads = im.options.threads > 0 ? im.options.threads : 1;
  im.server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  // Every route and method goes to the receiver, which answers 404 for what it does not serve.
  // Bodies are read whole; the receiver applies max_request_bytes (413 payload-too-large).
  im.server.Post(R"(/dogstatsd/v[12]/proxy)",
                 [&im](const httplib::Request& req, httplib::Response& res) { im.proxyDogStatsd(req, res); });
  auto handler = [&im](const httplib::Request& req, httplib::Response& res) { im.serve(req, res); };
  im.server.Get(".*", handler);
  im.server.Post(".*", handler);
  im.server.Put(".*", handler);
  const int port = im.options.port;
  const int bound = port == kRandomPort ? im.server.bind_to_any_port("127.0.0.1")
                                        : (im.server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound <= 0) return common::ioError("cannot listen on 127.0.0.1:" + std::to_string(port) + " for traces");
  im.makeReceiver(bound);
  im.thread = std::thread([&im] { im.server.listen_after_bind(); });
  // stop() only reaches a server that is listening: wait (bounded) until it is.
  for (int i = 0; i < 2000 && !im.server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return bound;
}

void ReceiverServer::stop() {
  if (!impl_) return;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void ReceiverServer::setRates(std::map<std::string, double> rates, std::string version) {
  std::lock_guard lock(impl_->mu);
  if (impl_->receiver) impl_->receiver->setRates(std::move(rates), std::move(version));
}

common::TelemetrySnapshot ReceiverServer::telemetry() const {
  const Impl& im = *impl_;
  std::lock_guard lock(im.mu);
  const ReceiverCounters c = im.receiver ? im.receiver->counters() : ReceiverCounters{};
  common::TelemetrySnapshot s;
  const std::string p = "trace.receiver.";
  s[p + "payloads_accepted"] = static_cast<double>(c.payloads_accepted);
  s[p + "payloads_refused.payload_too_large"] = static_cast<double>(c.payloads_too_large);
  s[p + "payloads_refused.decoding_error"] = static_cast<double>(c.decoding_errors);
  s[p + "stats_payloads"] = static_cast<double>(c.stats_payloads);
  s[p + "stats_payloads_refused"] = static_cast<double>(c.stats_payloads_refused);
  s[p + "traces_received"] = static_cast<double>(c.traces_received);
  s[p + "spans_received"] = static_cast<double>(im.spans_received);
  s[p + "bytes_received"] = static_cast<double>(c.bytes_received);
  s[p + "traces_dropped.payload_too_large"] = static_cast<double>(c.traces_dropped_too_large);
  s[p + "traces_dropped.decoding_error"] = static_cast<double>(c.traces_dropped_decoding);
  s[p + "client_sampled_out_p0_traces"] = static_cast<double>(c.client_dropped_p0_traces);
  s[p + "not_found"] = static_cast<double>(c.not_found);
  s[p + "dogstatsd_proxy.requests"] = static_cast<double>(im.dogstatsd_proxy_requests);
  s[p + "dogstatsd_proxy.packets"] = static_cast<double>(im.dogstatsd_proxy_packets);
  for (const auto& [ep, n] : im.payloads_by_endpoint) s[p + "payloads_by_endpoint." + ep] = static_cast<double>(n);
  for (const auto& [svc, n] : im.traces_by_service) s[p + "traces_by_service." + svc] = static_cast<double>(n);
  for (const auto& [svc, n] : im.spans_by_service) s[p + "spans_by_service." + svc] = static_cast<double>(n);
  return s;
}

}  // namespace ddsim::trace
