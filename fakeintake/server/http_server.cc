#include "fakeintake/server/http_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "fakeintake/handler/intake_handler.h"
#include "fakeintake/server/socket_reset.h"

namespace ddsim::fakeintake {

namespace {
// cpp-httplib decompresses gzip/deflate/br request bodies before handlers see them, without a
// size bound. The pre-routing hook moves Content-Encoding here so the raw bytes reach the
// handler, which decompresses them itself under its cap (and stores them as sent).
constexpr const char* kHiddenEncoding = "X-Ddsim-Original-Content-Encoding";
}  // namespace

struct HttpServer::Impl {
  Impl(IntakeHandler& h, ServerOptions o) : handler(h), options(std::move(o)) {}

  IntakeHandler& handler;
  const ServerOptions options;
  httplib::Server server;
  std::thread listener;
  std::thread ticker;
  std::atomic<bool> started{false};
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::condition_variable cv;
  int port = 0;

  // Waits up to `d`, returning early (false) when the server is stopping.
  bool waitFor(std::chrono::nanoseconds d) {
    std::unique_lock lock(mu);
    return !cv.wait_for(lock, d, [&] { return stopping.load(); });
  }

  httplib::Server::HandlerResponse preRouting(const httplib::Request& creq, httplib::Response& res) {
    size_t bytes = 0;
    for (const auto& [k, v] : creq.headers) bytes += k.size() + v.size();
    if (bytes > options.max_header_bytes) {
      res.status = 431;
      res.set_header("Connection", "close");
      res.set_content("{\"errors\":[\"request headers total " + std::to_string(bytes) +
                          " bytes, over the limit of " + std::to_string(options.max_header_bytes) + "\"]}",
                      "application/json");
      return httplib::Server::HandlerResponse::Handled;
    }
    // The request object is not const inside cpp-httplib; only the hook's signature is.
    auto& req = const_cast<httplib::Request&>(creq);
    auto range = req.headers.equal_range("Content-Encoding");
    std::vector<std::string> values;
    for (auto it = range.first; it != range.second; ++it) values.push_back(it->second);
    if (!values.empty()) {
      req.headers.erase(range.first, range.second);
      for (auto& v : values) req.headers.emplace(kHiddenEncoding, std::move(v));
    }
    return httplib::Server::HandlerResponse::Unhandled;
  }

  void serve(const httplib::Request& hreq, httplib::Response& res, const httplib::ContentReader* reader) {
    IntakeRequest req;
    req.method = hreq.method;
    req.path = hreq.path;
    for (const auto& [k, v] : hreq.params) req.query.emplace_back(k, v);
    for (const auto& [k, v] : hreq.headers) {
      // cpp-httplib adds these pseudo-headers to every request; they were not sent.
      if (k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" || k == "LOCAL_PORT") continue;
      if (equalsIgnoreCase(k, kHiddenEncoding)) {
        req.headers.add("Content-Encoding", v);
      } else {
        req.headers.add(k, v);
      }
    }
    req.remote_addr = hreq.remote_addr + ":" + std::to_string(hreq.remote_port);
    if (reader) {
      const size_t limit = handler.options().max_body_bytes;
      bool too_large = false;
      bool ok = (*reader)([&](const char* data, size_t len) {
        if (req.body.size() + len > limit) {
          too_large = true;
          return false;
        }
        req.body.append(data, len);
        return true;
      });
      if (!ok) {
        // cpp-httplib sets 413 itself when Content-Length is over set_payload_max_length.
        too_large = too_large || res.status == 413;
        res.status = too_large ? 413 : 400;
        res.set_header("Connection", "close");
        res.set_header(std::string(kFakeintakeIdHeader), handler.serverId());
        res.set_content(too_large ? "{\"errors\":[\"request body over the limit of " + std::to_string(limit) + " bytes\"]}"
                                  : std::string("{\"errors\":[\"could not read the request body\"]}"),
                        "application/json");
        return;
      }
    }
    IntakeResponse resp = handler.handle(std::move(req));
    if (resp.latency.count() > 0 && !waitFor(resp.latency)) {
      resetConnection(hreq.local_port, hreq.remote_addr, hreq.remote_port);
      return;
    }
    switch (resp.connection) {
      case ConnectionAction::kReset:
        if (!resetConnection(hreq.local_port, hreq.remote_addr, hreq.remote_port)) {
          spdlog::warn("fakeintake: connection to reset not found ({}:{})", hreq.remote_addr, hreq.remote_port);
        }
        res.set_header("Connection", "close");
        return;
      case ConnectionAction::kNeverAnswer:
        waitFor(options.never_answer_max);
        resetConnection(hreq.local_port, hreq.remote_addr, hreq.remote_port);
        res.set_header("Connection", "close");
        return;
      case ConnectionAction::kAnswer: break;
    }
    res.status = resp.status;
    std::string content_type;
    for (const auto& [k, v] : resp.headers.entries()) {
      if (equalsIgnoreCase(k, "Content-Type")) {
        content_type = v;
      } else {
        res.set_header(k, v);
      }
    }
    if (!resp.body.empty() || !content_type.empty()) {
      res.set_content(std::move(resp.body), content_type.empty() ? "text/plain" : content_type.c_str());
    }
  }
};

HttpServer::HttpServer(IntakeHandler& handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(handler, std::move(options))) {}

HttpServer::~HttpServer() { stop(); }

common::Result<int> HttpServer::start() {
  Impl& im = *impl_;
  if (im.started.exchange(true)) return common::failedPrecondition("fakeintake server already started");
  auto& svr = im.server;
  const size_t threads = std::max<size_t>(1, im.options.threads);
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr.set_read_timeout(im.options.read_timeout.count() / 1000, (im.options.read_timeout.count() % 1000) * 1000);
  svr.set_write_timeout(im.options.write_timeout.count() / 1000, (im.options.write_timeout.count() % 1000) * 1000);
  svr.set_keep_alive_timeout(im.options.keep_alive_timeout.count());
  svr.set_keep_alive_max_count(im.options.keep_alive_max_count);
  svr.set_payload_max_length(im.handler.options().max_body_bytes);
  svr.set_tcp_nodelay(true);
  svr.set_pre_routing_handler([&im](const httplib::Request& req, httplib::Response& res) {
    return im.preRouting(req, res);
  });
  auto with_body = [&im](const httplib::Request& req, httplib::Response& res,
                         const httplib::ContentReader& reader) { im.serve(req, res, &reader); };
  auto without_body = [&im](const httplib::Request& req, httplib::Response& res) {
    im.serve(req, res, nullptr);
  };
  svr.Post(".*", with_body);
  svr.Put(".*", with_body);
  svr.Patch(".*", with_body);
  svr.Delete(".*", with_body);
  svr.Get(".*", without_body);
  svr.Options(".*", without_body);
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content("{\"errors\":[\"internal error\"]}", "application/json");
    spdlog::error("fakeintake: exception while serving a request: {}", what);
  });

  int port = 0;
  if (im.options.port == 0) {
    port = svr.bind_to_any_port(im.options.host);
  } else {
    port = svr.bind_to_port(im.options.host, im.options.port) ? im.options.port : -1;
  }
  if (port <= 0) {
    im.started = false;
    return common::unavailable("cannot bind " + im.options.host + ":" + std::to_string(im.options.port));
  }
  im.port = port;
  im.listener = std::thread([&im] { im.server.listen_after_bind(); });
  im.ticker = std::thread([&im] {
    while (im.waitFor(im.options.tick_interval)) im.handler.tick(im.handler.clock().systemNow());
  });
  return port;
}

void HttpServer::stop() {
  Impl& im = *impl_;
  if (!im.started) return;
  {
    std::lock_guard lock(im.mu);
    if (im.stopping.exchange(true)) return;
  }
  im.cv.notify_all();
  im.server.stop();
  if (im.listener.joinable()) im.listener.join();
  if (im.ticker.joinable()) im.ticker.join();
}

bool HttpServer::running() const { return impl_->started && !impl_->stopping && impl_->server.is_running(); }

int HttpServer::port() const { return impl_->port; }

std::string HttpServer::url() const {
  return "http://" + impl_->options.host + ":" + std::to_string(impl_->port);
}

}  // namespace ddsim::fakeintake
