// A tiny Lambda extension for the simulated Lambda's tests and benchmark. It registers, may
// subscribe to the Telemetry API, and loops on event/next until SHUTDOWN. Environment knobs:
//   TEST_EXT_TELEMETRY=1        subscribe and count the telemetry events it receives
//   TEST_EXT_FLUSH=1            POST "ticks=<n>" to $DD_DD_URL/api/v1/series on each INVOKE and at SHUTDOWN
//   TEST_EXT_POST_RUNTIME_MS=n  wait n ms after each INVOKE before calling event/next again
//   TEST_EXT_TICK_FILE=path     a 1 ms timer writes its tick count there (freeze tests)
//   TEST_EXT_HANG_ON_SHUTDOWN=1 never exit after SHUTDOWN (the deadline kill)
//   TEST_EXT_EXIT_AT_INIT=n     exit with code n before registering
//   TEST_EXT_AWAIT_RUNTIME_DONE=1  after each INVOKE, wait for its platform.runtimeDone telemetry
//                               before calling event/next (as the agent's flush-at-end does)
//   TEST_EXT_CRASH_AT=n         exit with code 9 on the n-th INVOKE (1-based), without calling event/next
//   TEST_EXT_READ_KEYS=1        at init, read DD_KMS_API_KEY (KMS Decrypt, with the function-name
//                               context) and DD_API_KEY_SECRET_ARN (GetSecretValue) from the
//                               AWS_ENDPOINT_URL_* fakes, with a SigV4-shaped (unsigned) header
// At SHUTDOWN it prints one line: "shutdown reason=<r> invokes=<n> telemetry=<n> types=<a,b>".
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "core/serverless/sigv4.h"

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

int main() {
  if (!env("TEST_EXT_EXIT_AT_INIT").empty()) return std::atoi(env("TEST_EXT_EXIT_AT_INIT").c_str());
  const std::string api = env("AWS_LAMBDA_RUNTIME_API");
  const auto colon = api.rfind(':');
  if (api.empty() || colon == std::string::npos) {
    std::cerr << "AWS_LAMBDA_RUNTIME_API is not set\n";
    return 2;
  }
  httplib::Client client(api.substr(0, colon), std::atoi(api.substr(colon + 1).c_str()));
  client.set_read_timeout(std::chrono::hours(1));

  std::atomic<long> ticks{0};
  std::atomic<bool> done{false};
  std::thread ticker;
  if (const std::string path = env("TEST_EXT_TICK_FILE"); !path.empty()) {
    ticker = std::thread([&, path] {
      while (!done) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        // Written aside and renamed: a reader (or a freeze) never sees a half-written count.
        std::ofstream(path + ".tmp", std::ios::trunc) << ++ticks << "\n";
        std::rename((path + ".tmp").c_str(), path.c_str());
      }
    });
  }

  auto reg = client.Post("/2020-01-01/extension/register", {{"Lambda-Extension-Name", "test-extension"}},
                         R"({"events":["INVOKE","SHUTDOWN"]})", "application/json");
  if (!reg || reg->status != 200) {
    std::cerr << "register failed\n";
    return 3;
  }
  const std::string id = reg->get_header_value("Lambda-Extension-Identifier");

  std::string keys;  // what the key sources answered, printed at shutdown
  if (!env("TEST_EXT_READ_KEYS").empty()) {
    auto aws = [&](const std::string& url, const std::string& service, const std::string& target,
                   const nlohmann::json& body) {
      // Signed as the AWS SDKs sign (core/serverless/sigv4.h), with the credentials Lambda gives.
      ddsim::serverless::SigV4Request q;
      q.headers = {{"Host", url.substr(url.find("://") + 3)}, {"X-Amz-Target", target}};
      q.body = body.dump();
      ddsim::serverless::signRequestInPlace(
          q, {env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN")}, "20261202T000000Z",
          env("AWS_REGION"), service);
      httplib::Headers h;
      for (const auto& [name, value] : q.headers) {
        if (name != "Host") h.emplace(name, value);
      }
      httplib::Client c(url);
      auto res = c.Post("/", h, q.body, "application/x-amz-json-1.1");
      return res && res->status == 200 ? nlohmann::json::parse(res->body) : nlohmann::json::object();
    };
    if (!env("DD_KMS_API_KEY").empty()) {
      auto answer = aws(env("AWS_ENDPOINT_URL_KMS"), "kms", "TrentService.Decrypt",
                        {{"CiphertextBlob", env("DD_KMS_API_KEY")},
                         {"EncryptionContext", {{"LambdaFunctionName", env("AWS_LAMBDA_FUNCTION_NAME")}}}});
      keys += " kms=" + answer.value("Plaintext", std::string("none"));  // base64
    }
    if (!env("DD_API_KEY_SECRET_ARN").empty()) {
      auto answer = aws(env("AWS_ENDPOINT_URL_SECRETS_MANAGER"), "secretsmanager", "secretsmanager.GetSecretValue",
                        {{"SecretId", env("DD_API_KEY_SECRET_ARN")}});
      keys += " secret=" + answer.value("SecretString", std::string("none"));
    }
  }
  const httplib::Headers id_header{{"Lambda-Extension-Identifier", id}};

  std::mutex mu;
  long telemetry_events = 0;
  std::set<std::string> types;
  std::set<std::string> done_ids;  // requestIds whose platform.runtimeDone arrived
  std::condition_variable done_cv;
  httplib::Server telemetry;
  std::thread telemetry_thread;
  if (!env("TEST_EXT_TELEMETRY").empty()) {
    telemetry.Post("/telemetry", [&](const httplib::Request& req, httplib::Response& res) {
      auto batch = nlohmann::json::parse(req.body, nullptr, false);
      std::lock_guard lock(mu);
      if (batch.is_array()) {
        for (const auto& e : batch) {
          ++telemetry_events;
          types.insert(e.value("type", "?"));
          if (e.value("type", "") == "platform.runtimeDone") done_ids.insert(e["record"].value("requestId", ""));
        }
      }
      done_cv.notify_all();
      res.set_content("", "text/plain");
    });
    const int port = telemetry.bind_to_any_port("127.0.0.1");
    telemetry_thread = std::thread([&] { telemetry.listen_after_bind(); });
    const std::string body = R"({"schemaVersion":"2022-12-13","types":["platform","function"],)"
                             R"("buffering":{"maxItems":1000,"maxBytes":262144,"timeoutMs":25},)"
                             R"("destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:)" +
                             std::to_string(port) + R"(/telemetry"}})";
    auto sub = client.Put("/2022-07-01/telemetry", id_header, body, "application/json");
    if (!sub || sub->status != 200) std::cerr << "telemetry subscription failed\n";
  }

  const std::string intake = env("DD_DD_URL");
  auto flush = [&] {
    if (env("TEST_EXT_FLUSH").empty() || intake.empty()) return;
    httplib::Client out(intake);
    out.Post("/api/v1/series", "ticks=" + std::to_string(ticks.load()), "text/plain");
  };
  const int post_runtime_ms = std::atoi(env("TEST_EXT_POST_RUNTIME_MS").c_str());
  long invokes = 0;
  std::string reason = "none";
  for (;;) {
    auto next = client.Get("/2020-01-01/extension/event/next", id_header);
    if (!next || next->status != 200) {
      std::cerr << "event/next failed\n";
      break;
    }
    auto event = nlohmann::json::parse(next->body, nullptr, false);
    if (event.value("eventType", "") == "SHUTDOWN") {
      reason = event.value("shutdownReason", "?");
      flush();
      break;
    }
    ++invokes;
    if (!env("TEST_EXT_AWAIT_RUNTIME_DONE").empty()) {
      const std::string request = event.value("requestId", "");
      std::unique_lock lock(mu);
      if (!done_cv.wait_for(lock, std::chrono::seconds(60), [&] { return done_ids.count(request) > 0; })) {
        std::fprintf(stderr, "no runtimeDone for %s\n", request.c_str());
      }
    }
    if (std::to_string(invokes) == env("TEST_EXT_CRASH_AT")) return 9;
    flush();
    if (post_runtime_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(post_runtime_ms));
  }
  // Telemetry still in flight is counted if it arrives within a moment.
  if (!env("TEST_EXT_TELEMETRY").empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  {
    std::lock_guard lock(mu);
    std::string list;
    for (const auto& t : types) list += (list.empty() ? "" : ",") + t;
    std::printf("shutdown reason=%s invokes=%ld telemetry=%ld types=%s%s\n", reason.c_str(), invokes, telemetry_events,
                list.c_str(), keys.c_str());
    std::fflush(stdout);
  }
  while (!env("TEST_EXT_HANG_ON_SHUTDOWN").empty()) std::this_thread::sleep_for(std::chrono::seconds(1));
  done = true;
  if (ticker.joinable()) ticker.join();
  telemetry.stop();
  if (telemetry_thread.joinable()) telemetry_thread.join();
  return 0;
}
