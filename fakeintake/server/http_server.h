#pragma once
// The fakeintake over real HTTP: a cpp-httplib 0.11 server that turns each request into an
// IntakeRequest, calls IntakeHandler::handle and writes the IntakeResponse back, applying its
// realtime fault actions (sleep, connection reset, never answer: bounded, and cut short by
// stop()). It also runs the handler's tick() from a driver thread (retention).
// Thread-safe: start()/stop() from one owner thread; requests are served by a thread pool.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/common/status.h"

namespace ddsim::fakeintake {

class IntakeHandler;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;                                    // 0 = an ephemeral port
  size_t threads = 8;                              // cpp-httplib's default on this machine
  std::chrono::milliseconds read_timeout{5000};    // per read: slow clients are cut off
  std::chrono::milliseconds write_timeout{5000};
  std::chrono::seconds keep_alive_timeout{5};
  size_t keep_alive_max_count = 1000;
  size_t max_header_bytes = 64 * 1024;             // all header names + values; more -> 431
  std::chrono::milliseconds never_answer_max{std::chrono::minutes(10)};  // bound of that fault
  std::chrono::milliseconds tick_interval{1000};   // driver thread period for handler.tick()
};

class HttpServer {
 public:
  // `handler` must outlive the server.
  HttpServer(IntakeHandler& handler, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving in background threads. Returns the bound port. Unavailable when
  // the address cannot be bound; FailedPrecondition when already started.
  common::Result<int> start();
  // Stops accepting, wakes delayed and never-answering requests, joins every thread.
  // Idempotent.
  void stop();
  bool running() const;
  int port() const;
  std::string url() const;  // "http://host:port"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ddsim::fakeintake
