#include "gui/controller/attach_source.h"

#include <httplib.h>

#include <algorithm>
#include <cstdlib>

namespace ddsim::gui {
namespace {

// "http://host:port" -> a client with short timeouts (a stalled endpoint must not stall polling).
std::unique_ptr<httplib::Client> client(const std::string& url) {
  auto c = std::make_unique<httplib::Client>(url);
  c->set_connection_timeout(2, 0);
  c->set_read_timeout(5, 0);
  return c;
}

double unixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

AttachSource::AttachSource(AttachOptions options, LiveFeed& feed) : o_(std::move(options)), feed_(feed) {}

AttachSource::~AttachSource() { stop(); }

void AttachSource::start() {
  start_ = std::chrono::steady_clock::now();
  start_unix_ = unixNow();
  feed_.onStarted(0);
  thread_ = std::thread([this] { loop(); });
}

void AttachSource::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

double AttachSource::now() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

std::string AttachSource::lastError() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

void AttachSource::failed(const std::string& what) {
  errors_.fetch_add(1);
  std::lock_guard lock(mu_);
  last_error_ = what;
}

void AttachSource::loop() {
  while (!stop_.load()) {
    const double t = now();
    if (!o_.agent_url.empty()) pollAgent(t);
    if (!o_.fakeintake_url.empty()) pollFakeintake(t);
    polls_.fetch_add(1);
    feed_.onProgress(t, t);
    // Sleeps in short steps so that stop() is prompt.
    const auto until = std::chrono::steady_clock::now() + o_.interval;
    while (!stop_.load() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void AttachSource::pollAgent(double t) {
  auto res = client(o_.agent_url)->Get("/telemetry.json");
  if (!res || res->status != 200) {
    failed(o_.agent_url + "/telemetry.json: " + (res ? "status " + std::to_string(res->status) : httplib::to_string(res.error())));
    return;
  }
  const auto j = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    failed(o_.agent_url + "/telemetry.json: not a JSON object");
    return;
  }
  std::map<std::string, double> m;
  for (const auto& [k, v] : j.items()) {
    if (v.is_number()) m[k] = v.get<double>();
  }
  feed_.onTelemetry(t, m);
}

void AttachSource::pollFakeintake(double t) {
  auto c = client(o_.fakeintake_url);
  auto stats = c->Get("/fakeintake/routestats");
  if (!stats || stats->status != 200) {
    failed(o_.fakeintake_url + "/fakeintake/routestats: " +
           (stats ? "status " + std::to_string(stats->status) : httplib::to_string(stats.error())));
    return;
  }
  const auto routes = nlohmann::json::parse(stats->body, nullptr, false);
  if (!routes.is_object() || !routes.contains("routes")) return failed("routestats: unexpected answer");
  for (const auto& [route, stats_of_route] : routes["routes"].items()) {
    // Answers by status, from the counts' growth since the last poll: the payload list only
    // holds what was stored (a 503 is answered but not stored).
    if (stats_of_route.contains("status_counts") && stats_of_route["status_counts"].is_object()) {
      for (const auto& [status, count] : stats_of_route["status_counts"].items()) {
        if (!count.is_number_integer()) continue;
        int64_t& seen = answered_[route + " " + status];
        // At most 10,000 answers a poll per route and status; the rest follow at the next polls,
        // so a burst is drawn late but never left out of the counts.
        const int64_t emit = std::min<int64_t>(count.get<int64_t>() - seen, 10'000);
        for (int64_t i = 0; i < emit; ++i) {
          pipeline::AttemptRecord a;
          a.route = route;
          a.status = std::atoi(status.c_str());
          feed_.onAttempt(t, a);
        }
        if (emit > 0) seen += emit;
      }
    }
    const std::string path = "/fakeintake/payloads?endpoint=" + route + "&limit=1000&cursor=" + std::to_string(cursors_[route]);
    auto res = c->Get(path);
    if (!res || res->status != 200) {
      failed(o_.fakeintake_url + path + ": " + (res ? "status " + std::to_string(res->status) : httplib::to_string(res.error())));
      continue;
    }
    const auto j = nlohmann::json::parse(res->body, nullptr, false);
    if (!j.is_object() || !j.contains("payloads")) continue;
    for (const auto& p : j["payloads"]) {
      // A payload the intake stored, with its sizes.
      pipeline::PayloadRecord pr;
      pr.route = route;
      pr.compressed_bytes = p.value("size", int64_t{0});
      pr.uncompressed_bytes = p.value("uncompressed_size", int64_t{0});
      pr.flush_index = -1;
      feed_.onPayload(t, pr);
    }
    if (j.contains("next_cursor") && j["next_cursor"].is_number_integer()) cursors_[route] = j["next_cursor"].get<int64_t>();
  }
}

common::Status AttachSource::injectFault(const nlohmann::json& rule, const std::string& label) {
  if (o_.fakeintake_url.empty()) return common::Status(common::StatusCode::kFailedPrecondition, "not attached to a fakeintake");
  auto res = client(o_.fakeintake_url)->Post("/fakeintake/faults?mode=append", rule.dump(), "application/json");
  if (!res) return common::Status(common::StatusCode::kUnavailable, o_.fakeintake_url + ": " + httplib::to_string(res.error()));
  if (res->status != 200) {
    return common::Status(common::StatusCode::kInvalidArgument, "the fakeintake refused the fault (" +
                                                                    std::to_string(res->status) + "): " + res->body);
  }
  feed_.onMarker(now(), "fault", label + " starts");
  return common::Status::ok();
}

}  // namespace ddsim::gui
