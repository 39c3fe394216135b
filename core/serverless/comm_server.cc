#include "core/serverless/comm_server.h"

#include <httplib.h>

#include <atomic>


namespace ddsim::serverless {
namespace {

std::map<std::string, std::string> headersOf(const httplib::Request& req) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : req.headers) out[k] = v;
  return out;
}

}  // namespace

CommServer::CommServer(CommHandlers handlers) : handlers_(std::move(handlers)) {}

CommServer::~CommServer() { stop(); }

common::Status CommServer::start(const std::string& host, int port) {
  server_ = std::make_unique<httplib::Server>();
  server_->set_tcp_nodelay(true);  // small answers must not wait for a delayed ACK (Nagle)
  auto& s = *server_;
  auto count = [this] { ++requests_; };
  auto hello = [this, count](const httplib::Request&, httplib::Response& res) {
    count();
    if (handlers_.hello) handlers_.hello();
    res.set_content("{}", "application/json");
  };
  s.Get("/lambda/hello", hello);
  s.Post("/lambda/hello", hello);
  auto flush = [count](const httplib::Request&, httplib::Response& res) {
    count();
    res.set_content("{}", "application/json");
  };
  s.Get("/lambda/flush", flush);
  s.Post("/lambda/flush", flush);
  s.Post("/lambda/start-invocation", [this, count](const httplib::Request& req, httplib::Response& res) {
    count();
    if (handlers_.start_invocation) {
      for (const auto& [k, v] : handlers_.start_invocation(headersOf(req), req.body)) res.set_header(k, v);
    }
    res.set_content("{}", "application/json");
  });
  s.Post("/lambda/end-invocation", [this, count](const httplib::Request& req, httplib::Response& res) {
    count();
    if (handlers_.end_invocation) handlers_.end_invocation(headersOf(req), req.body);
    res.set_content("{}", "application/json");
  });
  auto trace = [this, count](const httplib::Request&, httplib::Response& res) {
    count();
    if (handlers_.trace_context) {
      for (const auto& [k, v] : handlers_.trace_context()) res.set_header(k, v);
    }
    res.set_content("{}", "application/json");
  };
  s.Get("/trace-context", trace);
  s.Post("/trace-context", trace);
  s.Post("/lambda/logs", [this, count](const httplib::Request& req, httplib::Response& res) {
    count();
    const auto st = handlers_.telemetry ? handlers_.telemetry(req.body) : common::Status::ok();
    if (!st.isOk()) {
      res.status = 400;
      res.set_content(st.message(), "text/plain");
      return;
    }
    res.set_content("{}", "application/json");
  });
  port_ = port == 0 ? s.bind_to_any_port(host) : (s.bind_to_port(host, port) ? port : -1);
  if (port_ <= 0) {
    server_.reset();
    return common::unavailable("communication server: cannot bind " + host + ":" + std::to_string(port));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return common::Status::ok();
}

void CommServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ddsim::serverless
