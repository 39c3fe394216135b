#include "simulator/runner/intake_farm.h"

#include <thread>

#include "fakeintake/core/http_message.h"

namespace ddsim::runner {

IntakeFarm::IntakeFarm(IntakeFarmOptions options, common::Clock& clock) : options_(options), clock_(clock) {}

IntakeFarm::~IntakeFarm() { stop(); }

common::Result<IntakeFarm::Intake*> IntakeFarm::add(const std::string& configured_url) {
  auto in = std::make_unique<Intake>();
  in->configured_url = configured_url;
  fakeintake::IntakeOptions o;
  o.simulate_delays = options_.simulate_delays;
  o.fault_seed = options_.seed + intakes_.size();
  o.retention = options_.retention;
  o.max_memory_bytes = options_.max_memory_bytes;
  o.deferred_ingest_bytes = options_.deferred_ingest_bytes;
  in->handler = std::make_unique<fakeintake::IntakeHandler>(o, clock_);
  in->name = intakes_.empty() ? "main" : "intake-" + std::to_string(intakes_.size());
  if (options_.run_store) {
    using Writes = fakeintake::IntakeHandler::RunStoreWrites;
    in->handler->attachRunStore(options_.run_store, in->name,
                                options_.run_store_queue_bytes > 0 ? Writes::kQueued : Writes::kInline,
                                options_.run_store_queue_bytes);
  }
  if (options_.http) {
    fakeintake::ServerOptions so;
    so.host = "127.0.0.1";
    so.port = 0;
    // The server shares ddsim's heap: a malloc_trim every second would hand back the memory
    // every thread is about to reuse and page it in again (50k slice: 6.0-6.8 s -> 5.5-5.9 s).
    so.trim_memory = false;
    in->server = std::make_unique<fakeintake::HttpServer>(*in->handler, so);
    auto port = in->server->start();
    if (!port.isOk()) return port.status();
    in->url = in->server->url();
  } else {
    const std::string host = "intake-" + std::to_string(intakes_.size());
    in->url = "http://" + host;
    by_host_[host] = in.get();
  }
  intakes_.push_back(std::move(in));
  return intakes_.back().get();
}

common::Status IntakeFarm::setUp(config::AgentConfig& cfg) {
  std::string main_url = cfg.getString("dd_url");
  if (main_url.empty()) main_url = "https://app." + cfg.getString("site");
  auto main = add(main_url);
  if (!main.isOk()) return main.status();
  if (auto st = cfg.set("dd_url", (*main)->url, "simulator (embedded fakeintake)"); !st.isOk()) return st;

  nlohmann::json rewritten = nlohmann::json::object();
  const auto& extra = cfg.get("additional_endpoints");
  for (auto it = extra.begin(); it != extra.end(); ++it) {
    auto in = add(it.key());
    if (!in.isOk()) return in.status();
    rewritten[(*in)->url] = it.value();
  }
  if (!extra.empty()) {
    if (auto st = cfg.set("additional_endpoints", rewritten, "simulator (embedded fakeintake)"); !st.isOk()) return st;
  }

  if (options_.http) {
    transport_ = std::make_unique<forwarder::HttpTransport>(clock_);
  } else {
    transport_ = std::make_unique<forwarder::FunctionTransport>(
        [this](const forwarder::TransportRequest& r) { return handleInProcess(r); });
  }
  return common::Status::ok();
}

forwarder::TransportResult IntakeFarm::handleInProcess(const forwarder::TransportRequest& request) {
  // http://intake-N/path?query
  std::string_view url = request.url;
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    return forwarder::TransportResult::failure(forwarder::TransportError::kInvalidRequest, "bad URL");
  }
  auto rest = url.substr(scheme + 3);
  auto slash = rest.find('/');
  std::string host(rest.substr(0, slash));
  auto it = by_host_.find(host);
  if (it == by_host_.end()) {
    return forwarder::TransportResult::failure(forwarder::TransportError::kDns, "no in-process intake named " + host);
  }
  std::string_view target = slash == std::string_view::npos ? "/" : rest.substr(slash);
  fakeintake::IntakeRequest req;
  req.method = request.method;
  auto q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) req.query = fakeintake::parseQueryString(target.substr(q + 1));
  for (const auto& [k, v] : request.headers) req.headers.add(k, v);
  req.body = std::string(request.body);
  req.remote_addr = "inproc";
  fakeintake::IntakeResponse resp = it->second->handler->handle(std::move(req));
  // Realtime in-process faults: really wait, as the HTTP server would.
  if (resp.latency > common::Duration::zero()) std::this_thread::sleep_for(std::min(resp.latency, request.timeout));
  if (resp.connection == fakeintake::ConnectionAction::kReset) {
    return forwarder::TransportResult::failure(forwarder::TransportError::kRead, "connection reset by the intake (fault)");
  }
  if (resp.connection == fakeintake::ConnectionAction::kNeverAnswer) {
    std::this_thread::sleep_for(request.timeout);
    return forwarder::TransportResult::failure(forwarder::TransportError::kTimeout, "the intake never answered (fault)");
  }
  if (resp.latency > request.timeout) {
    return forwarder::TransportResult::failure(forwarder::TransportError::kTimeout, "the intake answered too late (fault)");
  }
  forwarder::TransportResult r;
  r.status = resp.status;
  for (const auto& [k, v] : resp.headers.entries()) r.headers.emplace_back(k, v);
  r.body = std::move(resp.body);
  forwarder::applySimulationHeaders(r);
  return r;
}

void IntakeFarm::tick(common::SystemTime now) {
  for (auto& in : intakes_) in->handler->tick(now);
}

void IntakeFarm::flushRunStore() {
  for (auto& in : intakes_) in->handler->flushRunStore();
}

void IntakeFarm::stop() {
  // Idle keep-alive connections would hold the servers' workers until their keep-alive timeout.
  if (transport_) transport_->resetConnections();
  for (auto& in : intakes_) {
    if (in->server) in->server->stop();
  }
}

}  // namespace ddsim::runner
