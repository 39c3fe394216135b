#pragma once
// The fakeintake over real HTTP/1.1: its own small server around IntakeHandler::handle (the
// request framing is in http_request_reader.h). Built so that no client can freeze it:
//  - one reactor thread accepts (listen backlog = the system's, SOMAXCONN) and holds idle and
//    keep-alive connections in epoll: an idle connection costs no thread, and is closed after
//    keep_alive_timeout;
//  - the reactor also reads what connections send, without blocking, until a request is whole
//    (request_framing.h); only then does the connection go to a worker pool that grows on
//    demand up to max_workers, so a slow or trickling client holds a buffer (in the bodies
//    budget) but no thread; a request not whole within read_timeout per read and
//    request_timeout in all is closed. A request the strict reader must refuse goes to a
//    worker at once for its error answer;
//  - intake requests (decode + store) run under `threads` intake slots; control requests
//    (/fakeintake/*, /metrics) never wait for a slot, so the control API answers while every
//    intake slot is busy;
//  - fault actions hold no thread: a "latency" answer is written by the reactor when due, a
//    "never answer" connection is parked in the reactor (at most max_parked, then reset) until
//    never_answer_max or stop.
// It also runs the handler's tick() from a driver thread (retention).
// Thread-safe: start()/stop() from one owner thread.
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
  size_t threads = 8;                              // intake slots: concurrent decode + store
  size_t max_workers = 256;                        // threads reading requests (grow on demand)
  std::chrono::milliseconds read_timeout{5000};    // per read: a silent client is cut off
  std::chrono::milliseconds request_timeout{30000};  // a whole request (head + body)
  std::chrono::milliseconds write_timeout{5000};
  std::chrono::milliseconds keep_alive_timeout{5000};  // idle connection (new or between requests)
  size_t keep_alive_max_count = 1000;
  size_t max_header_bytes = 64 * 1024;             // all header names + values; more -> 431
  size_t max_connections = 16'384;                 // open connections; more are closed at accept
  int backlog = 0;                                 // listen backlog; 0 = SOMAXCONN
  std::chrono::milliseconds never_answer_max{std::chrono::minutes(10)};  // bound of that fault
  size_t max_parked = 1024;                        // "never answer" connections held at once
  // Request bodies held at once by all connections (declared Content-Length); a request that
  // would exceed it is answered 503 with Retry-After. 0 = no bound.
  size_t max_inflight_body_bytes = 0;
  std::chrono::milliseconds tick_interval{1000};   // driver thread period for handler.tick()
  bool trim_memory = true;                         // return freed heap memory at each tick
};

// Makes `total` bytes a ceiling for the whole fakeintake process: half for the store, an eighth
// for request bodies in flight, an eighth for decompression and decoding (the decompressed size
// cap per request and the number of concurrent decodes, `threads`, follow from it), and answers
// of at most total/16 (payload pages, /metrics, routestats). See docs/fakeintake-api.md.
struct IntakeOptions;
void splitMemoryCeiling(size_t total, IntakeOptions& intake, ServerOptions& server);

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
  // Connections currently parked by a "never answer" fault; worker threads started so far.
  size_t parkedConnections() const;
  size_t workerThreads() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ddsim::fakeintake
