#pragma once
// A real cpp-httplib server on 127.0.0.1:0 for the forwarder tests, scripted per request:
// answer a status, never answer, reset mid-body, or stream a huge body. Records every request.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/poll.h"

namespace ddsim::forwarder::fwdtest {

struct Recorded {
  std::string method;
  std::string path;  // with the query string when there is one
  httplib::Headers headers;
  std::string body;
  int remote_port = 0;
};

enum class Behaviour {
  kStatus,            // answer `status` with `body`
  kNeverAnswer,       // block until the server is destroyed
  kResetMidBody,      // announce a body, send part of it, close the connection
  kHugeContentLength, // announce 2 GiB and stream it (until the client gives up)
  kHugeChunked,       // stream 2 GiB chunked (until the client gives up)
};

struct Action {
  Behaviour behaviour = Behaviour::kStatus;
  int status = 200;
  std::string body = "{}";
  httplib::Headers headers;
};

class ScriptedServer {
 public:
  using Script = std::function<Action(const Recorded&)>;

  explicit ScriptedServer(Script script = nullptr) : script_(std::move(script)) {
    server_.set_tcp_nodelay(true);
    server_.set_keep_alive_max_count(1000);
    server_.set_keep_alive_timeout(1);  // bounds teardown if a client keeps a connection open
    const auto handler = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
    server_.Post(".*", handler);
    server_.Get(".*", handler);
    server_.Put(".*", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 2000 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  ~ScriptedServer() {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // Lets every kNeverAnswer request (held or still to come) answer 200.
  void release() {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void setScript(Script s) {
    std::lock_guard lock(mu_);
    script_ = std::move(s);
  }
  // Every request whose method is `method` ("" = all), in arrival order.
  std::vector<Recorded> requests(const std::string& method = "POST") const {
    std::lock_guard lock(mu_);
    std::vector<Recorded> out;
    for (const auto& r : requests_) {
      if (method.empty() || r.method == method) out.push_back(r);
    }
    return out;
  }
  size_t count(const std::string& method = "POST") const { return requests(method).size(); }
  // Polls (bounded) until at least n requests of `method` arrived.
  bool waitFor(size_t n, const std::string& method = "POST",
               std::chrono::milliseconds limit = ddsim::testing::kHangGuard) const {
    return ddsim::testing::pollUntil([&] { return count(method) >= n; }, limit);
  }
  // Total bytes the huge-body responses managed to write before the client hung up.
  uint64_t hugeBytesWritten() const { return huge_written_.load(); }

 private:
  void handle(const httplib::Request& req, httplib::Response& res) {
    Recorded r;
    r.method = req.method;
    r.path = req.path;
    if (!req.params.empty()) {
      std::string q;
      for (const auto& [k, v] : req.params) q += (q.empty() ? "?" : "&") + k + "=" + v;
      r.path += q;
    }
    r.headers = req.headers;
    r.body = req.body;
    r.remote_port = req.remote_port;
    Script script;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(r);
      script = script_;
    }
    const Action a = script ? script(r) : Action{};
    for (const auto& [k, v] : a.headers) res.set_header(k, v);
    constexpr uint64_t kHuge = 2ull * 1024 * 1024 * 1024;
    switch (a.behaviour) {
      case Behaviour::kStatus:
        res.status = a.status;
        if (a.status != 204 && a.status != 304) res.set_content(a.body, "application/json");
        return;
      case Behaviour::kNeverAnswer: {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return released_; });
        res.status = 200;
        return;
      }
      case Behaviour::kResetMidBody:
        res.status = a.status;
        res.set_content_provider(1000, "application/json", [](size_t offset, size_t, httplib::DataSink& sink) {
          if (offset > 0) return false;  // abort: the connection is closed mid-body
          const std::string part(100, 'x');
          sink.write(part.data(), part.size());
          return true;
        });
        return;
      case Behaviour::kHugeContentLength:
        res.status = a.status;
        res.set_content_provider(kHuge, "application/octet-stream",
                                 [this](size_t, size_t length, httplib::DataSink& sink) {
                                   static const std::string chunk(64 * 1024, 'z');
                                   const size_t n = std::min(length, chunk.size());
                                   if (!sink.write(chunk.data(), n)) return false;
                                   huge_written_ += n;
                                   return true;
                                 });
        return;
      case Behaviour::kHugeChunked:
        res.status = a.status;
        res.set_chunked_content_provider("application/octet-stream",
                                         [this, kHuge](size_t offset, httplib::DataSink& sink) {
                                           static const std::string chunk(64 * 1024, 'z');
                                           if (offset >= kHuge) {
                                             sink.done();
                                             return true;
                                           }
                                           if (!sink.write(chunk.data(), chunk.size())) return false;
                                           huge_written_ += chunk.size();
                                           return true;
                                         });
        return;
    }
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  Script script_;
  std::vector<Recorded> requests_;
  std::atomic<uint64_t> huge_written_{0};
};

}  // namespace ddsim::forwarder::fwdtest
