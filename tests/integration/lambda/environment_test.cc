// One Lambda environment with a real extension process (tests/integration/lambda/test_extension.cc):
// init, INVOKE/event-next sequencing, post-runtime measurement, telemetry delivery, freeze between
// invocations, the timeout shutdown and the deadline kill.
#include "simulator/lambda/environment.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "simulator/lambda/lambda_runner.h"
#include "tests/support/poll.h"

namespace ddsim::lambda {
namespace {

using testing::kHangGuard;
using testing::pollUntil;

std::string tempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          (name + "-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name()))
      .string();
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

long readTicks(const std::string& path) { return std::atol(readFile(path).c_str()); }

EnvironmentOptions options(std::vector<std::string> env, const std::string& log) {
  EnvironmentOptions o;
  o.extension = {LAMBDA_TEST_EXTENSION};
  o.env = std::move(env);
  o.extension_log = log;
  o.function.timeout = std::chrono::milliseconds(kHangGuard);  // no deadline unless a test sets one
  o.init_limit = kHangGuard;
  o.shutdown_limit = kHangGuard;
  return o;
}

InvocationSpec spec(int64_t index, int duration_ms = 1) {
  InvocationSpec s;
  s.index = index;
  s.duration = std::chrono::milliseconds(duration_ms);
  return s;
}

TEST(LambdaEnvironment, InitInvokeAndShutdownDeliverEventsAndTelemetry) {
  const std::string log = tempPath("lambda-ext-log");
  std::filesystem::remove(log);
  IntakeRecorder intake;
  ASSERT_TRUE(intake.start().isOk());
  auto o = options({"TEST_EXT_TELEMETRY=1", "TEST_EXT_FLUSH=1", "TEST_EXT_POST_RUNTIME_MS=30"}, log);
  o.intake_url = intake.url();
  o.runtime.logs = {"log line {invocation} of {request_id}"};
  Environment env(o, &intake);
  ASSERT_TRUE(env.init()) << env.record().init_error;
  EXPECT_GT(env.record().init_ms, 0);
  EXPECT_TRUE(env.record().telemetry_subscribed);
  for (int i = 0; i < 3; ++i) {
    const InvocationRecord r = env.invoke(spec(i));
    EXPECT_EQ(r.status, "success");
    EXPECT_EQ(r.cold_start, i == 0);
    EXPECT_TRUE(r.extension_returned);
    EXPECT_TRUE(r.flushed);  // the test extension posts on each INVOKE
    EXPECT_EQ(r.intake.by_path.at("/api/v1/series"), 1);
    // It sleeps 30 ms after INVOKE; the function took 1 ms: most of that is post-runtime.
    EXPECT_GE(r.runtime_ms + r.post_runtime_ms, 30.0);
    EXPECT_EQ(r.log_lines, 1);
  }
  env.shutdown("spindown");
  const auto& rec = env.record();
  EXPECT_TRUE(rec.shutdown_clean);
  EXPECT_EQ(rec.exit_code, 0);
  EXPECT_EQ(rec.shutdown_reason, "spindown");
  EXPECT_EQ(rec.intake_at_shutdown.requests, 1);  // its final flush
  const std::string out = readFile(log);
  EXPECT_NE(out.find("shutdown reason=spindown invokes=3"), std::string::npos) << out;
  // initStart, initRuntimeDone, initReport + 3 x (start, function, runtimeDone, report).
  EXPECT_NE(out.find("telemetry=15 "), std::string::npos) << out;
  EXPECT_NE(out.find("types=function,platform.initReport,platform.initRuntimeDone,platform.initStart,"
                     "platform.report,platform.runtimeDone,platform.start"),
            std::string::npos)
      << out;
  EXPECT_EQ(rec.telemetry.events, 15);
  std::filesystem::remove(log);
}

// The agent's flush-at-end waits for platform.runtimeDone before it flushes and asks for the next
// event: the telemetry must reach a thawed extension during the invocation, not after the freeze.
TEST(LambdaEnvironment, RuntimeDoneReachesTheExtensionBeforeItsNextEventNext) {
  const std::string log = tempPath("lambda-await-done");
  std::filesystem::remove(log);
  Environment env(options({"TEST_EXT_TELEMETRY=1", "TEST_EXT_AWAIT_RUNTIME_DONE=1"}, log), nullptr);
  ASSERT_TRUE(env.init());
  for (int i = 0; i < 3; ++i) {
    const InvocationRecord r = env.invoke(spec(i, 5));
    EXPECT_EQ(r.status, "success");
    EXPECT_TRUE(r.extension_returned);
  }
  env.shutdown("spindown");
  EXPECT_EQ(readFile(log).find("no runtimeDone"), std::string::npos) << readFile(log);
  EXPECT_NE(readFile(log).find("invokes=3"), std::string::npos) << readFile(log);
  std::filesystem::remove(log);
}

TEST(LambdaEnvironment, AFrozenExtensionsTimersDoNotFire) {
  const std::string ticks = tempPath("lambda-ticks");
  std::filesystem::remove(ticks);
  Environment env(options({"TEST_EXT_TICK_FILE=" + ticks}, ""), nullptr);
  ASSERT_TRUE(env.init());
  ASSERT_TRUE(env.invoke(spec(0, 20)).extension_returned);  // frozen again once it waits in event/next
  // While frozen the tick count stands still, however long we look.
  const long frozen_at = readTicks(ticks);
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(readTicks(ticks), frozen_at);
  }
  // Invocations thaw it: its timer runs again while the function runs.
  int64_t index = 1;
  EXPECT_TRUE(pollUntil([&] {
    env.invoke(spec(index++, 20));
    return readTicks(ticks) > frozen_at;
  }));
  env.shutdown("spindown");
  std::filesystem::remove(ticks);
}

TEST(LambdaEnvironment, WithoutFreezeTheTimersKeepRunning) {
  const std::string ticks = tempPath("lambda-ticks-nofreeze");
  std::filesystem::remove(ticks);
  auto o = options({"TEST_EXT_TICK_FILE=" + ticks}, "");
  o.freeze = false;
  Environment env(o, nullptr);
  ASSERT_TRUE(env.init());
  env.invoke(spec(0));
  const long idle_at = readTicks(ticks);
  EXPECT_TRUE(pollUntil([&] { return readTicks(ticks) > idle_at + 5; }));
  env.shutdown("spindown");
  std::filesystem::remove(ticks);
}

TEST(LambdaEnvironment, AnExtensionThatOverrunsTheDeadlineTimesTheInvocationOut) {
  const std::string log = tempPath("lambda-ext-timeout");
  std::filesystem::remove(log);
  auto o = options({"TEST_EXT_POST_RUNTIME_MS=100000"}, log);
  o.function.timeout = std::chrono::milliseconds(300);
  o.shutdown_limit = std::chrono::milliseconds(300);
  Environment env(o, nullptr);
  ASSERT_TRUE(env.init());
  const InvocationRecord r = env.invoke(spec(0));
  EXPECT_EQ(r.status, "timeout");
  EXPECT_FALSE(r.extension_returned);
  // Lambda resets the environment: SHUTDOWN with reason timeout, then the kill at the deadline
  // (the extension is still sleeping and never asks for the event).
  env.shutdown("timeout");
  EXPECT_FALSE(env.record().shutdown_clean);
  EXPECT_EQ(env.record().exit_code, 128 + SIGKILL);
  std::filesystem::remove(log);
}

TEST(LambdaEnvironment, AFunctionTimeoutSendsShutdownTimeout) {
  const std::string log = tempPath("lambda-fn-timeout");
  std::filesystem::remove(log);
  auto o = options({}, log);
  o.function.timeout = std::chrono::milliseconds(100);
  Environment env(o, nullptr);
  ASSERT_TRUE(env.init());
  InvocationSpec s = spec(0, 5000);  // far past the 100 ms timeout: cut at the deadline
  const InvocationRecord r = env.invoke(s);
  EXPECT_EQ(r.status, "timeout");
  EXPECT_EQ(r.error_type, "Sandbox.Timedout");
  EXPECT_LT(r.runtime_ms, 5000);
  env.shutdown("timeout");
  EXPECT_TRUE(env.record().shutdown_clean);
  EXPECT_NE(readFile(log).find("shutdown reason=timeout invokes=1"), std::string::npos) << readFile(log);
  std::filesystem::remove(log);
}

TEST(LambdaEnvironment, AnExtensionThatHangsAtShutdownIsKilledAtTheDeadline) {
  auto o = options({"TEST_EXT_HANG_ON_SHUTDOWN=1"}, "/dev/null");
  o.shutdown_limit = std::chrono::milliseconds(200);
  Environment env(o, nullptr);
  ASSERT_TRUE(env.init());
  env.invoke(spec(0));
  env.shutdown("spindown");
  EXPECT_FALSE(env.record().shutdown_clean);
  EXPECT_EQ(env.record().exit_code, 128 + SIGKILL);
}

TEST(LambdaEnvironment, AnExtensionThatExitsDuringInitFailsInit) {
  Environment env(options({"TEST_EXT_EXIT_AT_INIT=4"}, ""), nullptr);
  EXPECT_FALSE(env.init());
  EXPECT_NE(env.record().init_error.find("exited during init (code 4)"), std::string::npos)
      << env.record().init_error;
}

TEST(LambdaRunner, TimeoutsAndOutOfMemoryResetTheEnvironmentAndTheNextStartIsCold) {
  Plan p;
  p.extension = {LAMBDA_TEST_EXTENSION};
  p.invocations.count = 5;
  p.invocations.duration_min_ms = p.invocations.duration_max_ms = 1;
  p.invocations.timeouts = {1};
  p.invocations.out_of_memory = {3};
  p.function.timeout = std::chrono::milliseconds(200);
  p.environments.shutdown_timeout_s = 60;
  p.expect["cold_starts"] = Bound{3, 3};
  p.expect["timeouts"] = Bound{1, 1};
  p.expect["out_of_memory"] = Bound{1, 1};
  const LambdaReport r = runPlan(p);
  ASSERT_EQ(r.invocations.size(), 5u);
  EXPECT_EQ(r.invocations[1].status, "timeout");
  EXPECT_TRUE(r.invocations[2].cold_start);
  EXPECT_EQ(r.invocations[3].error_type, "Runtime.OutOfMemory");
  EXPECT_TRUE(r.invocations[4].cold_start);
  ASSERT_EQ(r.environments.size(), 3u);
  EXPECT_EQ(r.environments[0].shutdown_reason, "timeout");
  EXPECT_EQ(r.environments[1].shutdown_reason, "failure");
  EXPECT_EQ(r.environments[2].shutdown_reason, "spindown");
  EXPECT_TRUE(r.passed()) << consoleSummary(r);
}

TEST(LambdaRunner, TheExtensionReadsItsKeyFromTheKmsAndSecretsManagerFakes) {
  const std::string log = tempPath("lambda-keys");
  std::filesystem::remove(log);
  Plan p;
  p.extension = {LAMBDA_TEST_EXTENSION};
  p.env = {"TEST_EXT_READ_KEYS=1"};
  p.extension_log = log;
  p.aws.kms_api_key = "kms-plain-key";
  p.aws.secret_api_key = "secret-plain-key";
  p.expect["kms_decrypts"] = Bound{1, 1};
  p.expect["secret_reads"] = Bound{1, 1};
  p.expect["aws_rejected"] = Bound{0, 0};
  const LambdaReport r = runPlan(p);
  EXPECT_TRUE(r.passed()) << consoleSummary(r);
  // "kms-plain-key" in base64, as KMS returns Plaintext.
  EXPECT_NE(readFile(log).find(" kms=a21zLXBsYWluLWtleQ== secret=secret-plain-key"), std::string::npos)
      << readFile(log);
  std::filesystem::remove(log);
}

TEST(LambdaRunner, AnExtensionThatDiesFailsItsInvocationAndTheNextStartsCold) {
  Plan p;
  p.extension = {LAMBDA_TEST_EXTENSION};
  p.env = {"TEST_EXT_CRASH_AT=2"};
  p.extension_log = "/dev/null";
  p.invocations.count = 3;
  p.function.timeout = std::chrono::milliseconds(kHangGuard);  // the crash, not a deadline, ends it
  const LambdaReport r = runPlan(p);
  ASSERT_EQ(r.invocations.size(), 3u);
  EXPECT_EQ(r.invocations[1].status, "failure");
  EXPECT_EQ(r.invocations[1].error_type, "Extension.Crash");
  EXPECT_TRUE(r.invocations[2].cold_start);
  EXPECT_EQ(r.invocations[2].status, "success");
  ASSERT_EQ(r.environments.size(), 2u);
  EXPECT_EQ(r.environments[0].shutdown_reason, "failure");
  EXPECT_EQ(r.environments[0].exit_code, 9);
  EXPECT_EQ(r.totals.at("failures"), 1);
}

TEST(LambdaRunner, ConcurrentArrivalsUseSeveralEnvironments) {
  Plan p;
  p.extension = {LAMBDA_TEST_EXTENSION};
  p.invocations.arrivals = {0, 0, 0, 0};
  p.invocations.count = 4;
  p.invocations.duration_min_ms = p.invocations.duration_max_ms = 200;
  p.environments.concurrency = 2;
  p.environments.port_stride = 10;
  const LambdaReport r = runPlan(p);
  ASSERT_EQ(r.invocations.size(), 4u);
  EXPECT_EQ(r.environments.size(), 2u);  // four simultaneous arrivals, at most two environments
  EXPECT_EQ(r.totals.at("cold_starts"), 2);
  for (const auto& e : r.environments) EXPECT_TRUE(e.shutdown_clean);
}

// The extension's stdout and stderr go through one pipe: every line reaches the line sink (what
// the environment scans, e.g. for the API-key path) and the log file, the last one without its
// newline too.
TEST(LambdaExtensionProcess, OutputLinesReachTheSinkAndTheLog) {
  const std::string log = (std::filesystem::temp_directory_path() /
                           ("ddsim-extout-" + std::to_string(::getpid()))).string();
  std::filesystem::remove(log);
  std::mutex mu;
  std::vector<std::string> lines;
  ExtensionProcess p;
  ASSERT_TRUE(p.start({"sh", "-c", "echo one; echo two >&2; printf three"}, {}, log,
                      [&](std::string_view line) {
                        std::lock_guard l(mu);
                        lines.emplace_back(line);
                      })
                  .isOk());
  ASSERT_EQ(p.waitExit(kHangGuard), 0);
  p.drainOutput();
  std::lock_guard l(mu);
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three"}));
  std::ifstream in(log);
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "one\ntwo\nthree");
  std::filesystem::remove(log);
}

}  // namespace
}  // namespace ddsim::lambda
