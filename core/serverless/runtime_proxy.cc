#include "core/serverless/runtime_proxy.h"

#include "core/serverless/invocation_lifecycle.h"

#include <httplib.h>
#include <spdlog/spdlog.h>


namespace ddsim::serverless {
namespace {

bool endsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Hop-by-hop and framing headers the client library sets itself.
bool forwardable(const std::string& name) {
  for (const char* h : {"Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive",
                        "REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR", "LOCAL_PORT"}) {
    if (sameHeaderName(name, h)) return false;
  }
  return true;
}

}  // namespace

RuntimeProxy::RuntimeProxy(RuntimeProxyOptions options, RuntimeProxyHooks hooks)
    : options_(std::move(options)), hooks_(std::move(hooks)) {}

RuntimeProxy::~RuntimeProxy() { stop(); }

common::Result<int> RuntimeProxy::start() {
  server_ = std::make_unique<httplib::Server>();
  server_->set_tcp_nodelay(true);
  auto relay = [this](const httplib::Request& req, httplib::Response& res) {
    const bool post = req.method == "POST";
    // agent behaviour: the end of an invocation is seen on the request, before it is forwarded.
    if (post && hooks_.on_end && (endsWith(req.path, "/response") || endsWith(req.path, "/error"))) {
      hooks_.on_end(req.body, endsWith(req.path, "/error"));
    }
    httplib::Client upstream("http://" + options_.target);
    upstream.set_tcp_nodelay(true);
    upstream.set_read_timeout(std::chrono::minutes(15));  // /next is a long poll (up to Lambda's 900 s)
    httplib::Headers headers;
    for (const auto& [k, v] : req.headers) {
      if (forwardable(k)) headers.emplace(k, v);
    }
    std::string target = req.path;
    if (!req.params.empty()) target = httplib::append_query_params(req.path, req.params);
    const std::string type = req.get_header_value("Content-Type");
    auto answer = post ? upstream.Post(target, headers, req.body, type.empty() ? "application/json" : type)
                       : upstream.Get(target, headers);
    if (!answer) {
      ++failed_;
      spdlog::error("runtime api proxy: could not forward {} {}: {}", req.method, req.path,
                    httplib::to_string(answer.error()));
      res.status = 502;
      res.set_content("runtime api proxy: the Runtime API at " + options_.target + " is unreachable", "text/plain");
      return;
    }
    ++forwarded_;
    if (!post && endsWith(req.path, "/next") && answer->status / 100 == 2 && hooks_.on_start) {
      hooks_.on_start(answer->body);
    }
    res.status = answer->status;
    for (const auto& [k, v] : answer->headers) {
      if (forwardable(k) && !sameHeaderName(k, "Content-Type")) res.set_header(k, v);
    }
    res.set_content(answer->body, answer->get_header_value("Content-Type").empty()
                                      ? "application/json"
                                      : answer->get_header_value("Content-Type"));
  };
  server_->Get(".*", relay);
  server_->Post(".*", relay);
  const int port = options_.port == 0 ? server_->bind_to_any_port(options_.host)
                                      : (server_->bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port <= 0) {
    server_.reset();
    return common::unavailable("runtime api proxy: cannot bind " + options_.host + ":" + std::to_string(options_.port));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return port;
}

void RuntimeProxy::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ddsim::serverless
