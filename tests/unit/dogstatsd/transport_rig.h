#pragma once
// A DogStatsD server with one listener of a chosen transport (UDP, Unix datagram, Unix stream),
// the kernel's default receive buffer, and a client connected to it: for tests that must hold
// for every listener kind.
#include <sys/socket.h>

#include <memory>
#include <string>

#include "core/dogstatsd/server.h"
#include "tests/unit/dogstatsd/test_sockets.h"

namespace ddsim::dogstatsd::testing {

enum class Kind { kUdp, kUnixDatagram, kUnixStream };

inline const char* kindName(Kind k) {
  switch (k) {
    case Kind::kUdp: return "Udp";
    case Kind::kUnixDatagram: return "UnixDatagram";
    case Kind::kUnixStream: return "UnixStream";
  }
  return "?";
}

struct Rig {
  Rig(Kind kind, metrics::SampleSink& sink, ServerOptions o,
      const common::Clock& clock = common::SystemClock::instance())
      : kind(kind) {
    o.port = 0;
    o.bind_host = "127.0.0.1";
    o.socket_path = "";
    o.so_rcvbuf = 0;
    if (kind == Kind::kUdp) o.port = ServerOptions::kRandomPort;
    if (kind == Kind::kUnixDatagram) o.socket_path = dir.file("dsd.socket");
    if (kind == Kind::kUnixStream) o.stream_socket_path = dir.file("dsd-stream.socket");
    server = std::make_unique<DogStatsdServer>(o, sink, clock);
    started = server->start().isOk();
    if (!started) return;
    if (kind == Kind::kUdp) client = connectUdpSocket("127.0.0.1", server->udpPort()).value();
    if (kind == Kind::kUnixDatagram) client = connectUnixSocket(o.socket_path, SOCK_DGRAM).value();
    if (kind == Kind::kUnixStream) client = connectUnixSocket(o.stream_socket_path, SOCK_STREAM).value();
  }
  void send(const std::string& payload) {
    sendAll(client.get(), kind == Kind::kUnixStream ? frame(payload) : payload);
  }
  // Datagrams (or stream frames) the listener has read.
  uint64_t received() const {
    const auto& st = server->stats();
    return kind == Kind::kUdp ? st.get(NetStat::kUdpPackets) : st.get(NetStat::kUdsPackets);
  }

  Kind kind;
  TempDir dir;
  std::unique_ptr<DogStatsdServer> server;
  bool started = false;
  Fd client;
};

}  // namespace ddsim::dogstatsd::testing
