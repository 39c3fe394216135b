// The fakeintake cannot be frozen (issue 10): slow clients, idle connections and faults that
// hold a request never starve the control API or other clients; the listen backlog is the
// system's. Real sockets on 127.0.0.1; every wait is bounded by a generous deadline that only
// guards against hangs (no assertion on wall time).
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using testing::RawConnection;
using testing::statusOf;
using testing::TestServer;

const std::string kGood = testing::testData("series_v2_zlib.bin");

// Polls `done` until it holds or a generous deadline passes (a hang guard, not a timing claim).
template <typename F>
bool eventually(F done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

// A client whose answer must come while the slow ones still hold their connections: its read
// timeout (10 s) is far below what they may hold them for (read and request timeouts of 120 s
// in these tests), so only a server that keeps capacity for it answers in time.
std::unique_ptr<httplib::Client> impatientClient(const TestServer& s) { return s.client(10000); }

ServerOptions patientServer() {
  ServerOptions so;
  so.threads = 8;
  so.read_timeout = std::chrono::seconds(120);
  so.request_timeout = std::chrono::seconds(120);
  return so;
}

TEST(ServerRobustness, ControlApiAnswersWhileEightSlowClientsHoldEveryIntakeWorker) {
  TestServer s(IntakeOptions{}, patientServer());
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 8; ++i) {
    slow.push_back(std::make_unique<RawConnection>(s.port()));
    slow.back()->send("POST /api/v2/series HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nslow");
  }
  for (int i = 0; i < 16; ++i) {  // 8 more that send half a header
    slow.push_back(std::make_unique<RawConnection>(s.port()));
    slow.back()->send("POST /api/v2/series HTTP/1.1\r\nHost: x\r\nContent-Le");
  }
  auto c = impatientClient(s);
  auto del = c->Delete("/fakeintake/faults");
  ASSERT_TRUE(del) << httplib::to_string(del.error());
  EXPECT_EQ(del->status, 200);
  auto health = c->Get("/fakeintake/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  // Intake keeps working too.
  auto post = c->Post("/api/v2/series", {{"Content-Encoding", "deflate"}}, kGood, "application/x-protobuf");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 202);
}

// Slow clients beyond every worker thread: the reactor buffers their unfinished requests and a
// worker only ever gets a whole request, so none of them holds a thread. With the old design
// (a worker read each request to its end) the four workers were all held and the intake POST
// waited for the 120 s request timeout, far past the impatient client's 10 s.
TEST(ServerRobustness, TricklingClientsBeyondEveryWorkerHoldNoThread) {
  ServerOptions so = patientServer();
  so.max_workers = 4;
  TestServer s(IntakeOptions{}, so);
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 40; ++i) {
    slow.push_back(std::make_unique<RawConnection>(s.port()));
    slow.back()->send(i % 2 ? "POST /api/v2/series HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nslow"
                            : "POST /api/v2/series HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nab");
  }
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    while (!done) {
      for (auto& c : slow) c->send("x");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  auto c = impatientClient(s);
  for (int i = 0; i < 8; ++i) {
    auto post = c->Post("/api/v2/series", {{"Content-Encoding", "deflate"}}, kGood, "application/x-protobuf");
    ASSERT_TRUE(post) << "request " << i << ": " << httplib::to_string(post.error());
    EXPECT_EQ(post->status, 202);
  }
  EXPECT_LE(s.server().workerThreads(), 4u);
  done = true;
  trickle.join();
  for (auto& conn : slow) {  // still open, waiting for the rest of their requests
    char ch;
    EXPECT_EQ(recv(conn->fd(), &ch, 1, MSG_PEEK | MSG_DONTWAIT), -1);
    EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

// A request whose head asks "Expect: 100-continue" gets the interim answer from the reactor,
// once, and its final answer after the body.
TEST(ServerRobustness, ExpectContinueIsAnsweredOnceBeforeTheBody) {
  TestServer s(IntakeOptions{}, patientServer());
  RawConnection conn(s.port());
  conn.send("POST /api/v1/series HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 13\r\n\r\n");
  // What arrived up to the end of an answer's head.
  auto head = [&conn] {
    std::string got;
    eventually([&] {
      char buf[4096];
      ssize_t n = recv(conn.fd(), buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) got.append(buf, static_cast<size_t>(n));
      return got.find("\r\n\r\n") != std::string::npos;
    });
    return got;
  };
  EXPECT_EQ(head(), "HTTP/1.1 100 Continue\r\n\r\n");
  conn.send(R"({"series":[]})");
  const std::string answer = head();
  EXPECT_EQ(statusOf(answer), 202) << answer;
  EXPECT_EQ(answer.find("100 Continue"), std::string::npos) << answer;
}

TEST(ServerRobustness, NeverAnswerFaultsHoldNoWorkerAndCanBeCleared) {
  TestServer s(IntakeOptions{}, patientServer());
  auto c = impatientClient(s);
  ASSERT_EQ(c->Post("/fakeintake/faults", R"([{"route":"/api/v2/series","never_answer":true}])", "application/json")->status,
            200);
  std::vector<std::unique_ptr<RawConnection>> held;
  const std::string req = "POST /api/v2/series HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";
  for (int i = 0; i < 12; ++i) {
    held.push_back(std::make_unique<RawConnection>(s.port()));
    held.back()->send(req);
  }
  ASSERT_TRUE(eventually([&] { return s.server().parkedConnections() == 12; }));
  auto del = c->Delete("/fakeintake/faults");
  ASSERT_TRUE(del) << httplib::to_string(del.error());
  EXPECT_EQ(del->status, 200);
  auto post = c->Post("/api/v2/series", {{"Content-Encoding", "deflate"}}, kGood, "application/x-protobuf");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 202);
  EXPECT_EQ(s.handler().counters().get("faults.never_answer"), 12);
}

TEST(ServerRobustness, ParkedConnectionsAreBoundedAndResetPastTheLimit) {
  ServerOptions so;
  so.max_parked = 2;
  TestServer s(IntakeOptions{}, so);
  ASSERT_EQ(s.client()->Post("/fakeintake/faults", R"([{"never_answer":true}])", "application/json")->status, 200);
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawConnection>(s.port()));
    held.back()->send("POST /api/v1/series HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
  }
  ASSERT_TRUE(eventually([&] { return s.handler().counters().get("transport.parked_over_limit") == 1; }));
  EXPECT_EQ(s.server().parkedConnections(), 2u);
}

TEST(ServerRobustness, IdleAndTricklingConnectionsAreClosed) {
  ServerOptions so;
  so.keep_alive_timeout = std::chrono::milliseconds(100);
  so.request_timeout = std::chrono::milliseconds(300);
  so.read_timeout = std::chrono::milliseconds(200);
  TestServer s(IntakeOptions{}, so);
  RawConnection idle(s.port());  // sends nothing
  RawConnection trickle(s.port());
  trickle.send("G");
  // The trickler keeps sending a byte at a time, never finishing its head.
  std::atomic<bool> closed_trickle{false};
  std::thread t([&] {
    for (int i = 0; i < 2000 && !closed_trickle; ++i) {
      trickle.send("E");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  EXPECT_EQ(idle.readAll(), "");
  EXPECT_TRUE(idle.peerClosed());
  EXPECT_EQ(trickle.readAll(), "");
  EXPECT_TRUE(trickle.peerClosed());
  closed_trickle = true;
  t.join();
  EXPECT_EQ(s.client()->Get("/fakeintake/health")->status, 200);
}

TEST(ServerRobustness, TwoThousandConcurrentConnectsAreAllServed) {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < 5000 && rl.rlim_max >= 5000) {
    rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, 8192);
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (rl.rlim_cur < 4200) GTEST_SKIP() << "needs 4,200 file descriptors";
  ServerOptions so;
  so.keep_alive_timeout = std::chrono::seconds(60);  // a slow test machine must not see idle closes
  TestServer s(IntakeOptions{}, so);
  constexpr int kClients = 2000;
  std::vector<int> fds;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(s.port()));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // All connects are started before any completes (non-blocking), as 2,000 agents at once.
  for (int i = 0; i < kClients; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ASSERT_GE(fd, 0);
    connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    fds.push_back(fd);
  }
  const std::string req = "GET /fakeintake/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::vector<std::string> answers(kClients);
  std::vector<bool> sent(kClients, false), done(kClients, false);
  int finished = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (finished < kClients && std::chrono::steady_clock::now() < deadline) {
    std::vector<pollfd> p;
    std::vector<int> idx;
    for (int i = 0; i < kClients; ++i) {
      if (done[i]) continue;
      p.push_back({fds[i], static_cast<short>(sent[i] ? POLLIN : POLLOUT), 0});
      idx.push_back(i);
    }
    if (poll(p.data(), p.size(), 1000) <= 0) continue;
    for (size_t k = 0; k < p.size(); ++k) {
      const int i = idx[k];
      if (!p[k].revents) continue;
      if (!sent[i]) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0 || send(fds[i], req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
          done[i] = true;  // refused or reset: counted as not served below
          ++finished;
          continue;
        }
        sent[i] = true;
        continue;
      }
      char buf[4096];
      ssize_t n = recv(fds[i], buf, sizeof buf, 0);
      if (n > 0) {
        answers[i].append(buf, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
        done[i] = true;
        ++finished;
      }
    }
  }
  int served = 0;
  for (int i = 0; i < kClients; ++i) {
    served += statusOf(answers[i]) == 200;
    close(fds[i]);
  }
  EXPECT_EQ(served, kClients);
  EXPECT_EQ(s.handler().counters().get("transport.connections_over_limit"), 0);
}

// Strict framing (issue 10: lax Content-Length handling). Each answer is a 4xx with a message.
TEST(ServerRobustness, ContentLengthIsParsedStrictly) {
  TestServer s;
  struct Case {
    const char* name;
    std::string request;
    int want;
    const char* message;
  } cases[] = {
      {"two different lengths", "POST /api/v1/series HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x", 400,
       "conflicting Content-Length"},
      {"not a number", "POST /api/v1/series HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}", 400, "invalid Content-Length"},
      {"negative", "POST /api/v1/series HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}", 400, "invalid Content-Length"},
      {"signed", "POST /api/v1/series HTTP/1.1\r\nHost: x\r\nContent-Length: +2\r\n\r\n{}", 400, "invalid Content-Length"},
      {"with a transfer encoding", "POST /api/v1/series HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}", 400,
       "both Content-Length and Transfer-Encoding"},
      {"unknown transfer encoding", "POST /api/v1/series HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "only chunked"},
      {"space before the colon", "POST /api/v1/series HTTP/1.1\r\nHost: x\r\nContent-Length : 2\r\n\r\n{}", 400, "malformed header name"},
      {"folded header", "POST /api/v1/series HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  2\r\n\r\n", 400, "folding"},
      {"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, "not supported"},
  };
  for (const auto& c : cases) {
    RawConnection conn(s.port());
    conn.send(c.request);
    std::string answer = conn.readAll();
    EXPECT_EQ(statusOf(answer), c.want) << c.name << ": " << answer;
    EXPECT_NE(answer.find(c.message), std::string::npos) << c.name << ": " << answer;
  }
  EXPECT_EQ(s.handler().store().stats().payloads, 0u);
  EXPECT_EQ(s.handler().counters().get("transport.http_400"), 7);
  // Identical repeated lengths, chunked bodies and Expect: 100-continue are fine.
  {
    RawConnection conn(s.port());
    conn.send("POST /api/v1/series HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n"
              "Content-Type: application/json\r\nConnection: close\r\n\r\n{}");
    EXPECT_EQ(statusOf(conn.readAll()), 202);
  }
  {
    RawConnection conn(s.port());
    conn.send("POST /api/v1/series HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n"
              "Connection: close\r\n\r\n1\r\n{\r\n1;ext=1\r\n}\r\n0\r\n\r\n");
    EXPECT_EQ(statusOf(conn.readAll()), 202);
  }
  {
    RawConnection conn(s.port());
    conn.send("POST /api/v1/series HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n"
              "Content-Type: application/json\r\nConnection: close\r\n\r\n");
    std::string interim;
    char buf[64];
    ssize_t n = recv(conn.fd(), buf, sizeof buf, 0);
    if (n > 0) interim.assign(buf, static_cast<size_t>(n));
    EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
    conn.send("{}");
    EXPECT_EQ(statusOf(conn.readAll()), 202);
  }
  EXPECT_EQ(s.handler().store().stats().payloads, 3u);
}

TEST(ServerRobustness, RandomBytesToCheckRunAreA400DecodeFailure) {
  TestServer s;
  std::string garbage;
  for (int i = 0; i < 512; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) % 256));
  auto r = s.post("/api/v1/check_run", garbage, "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("check_run payload"), std::string::npos) << r->body;
  EXPECT_EQ(s.handler().counters().get("decode_errors"), 1);
}

}  // namespace
}  // namespace ddsim::fakeintake
