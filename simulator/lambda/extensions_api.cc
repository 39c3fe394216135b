#include "simulator/lambda/extensions_api.h"

#include <httplib.h>

#include <cstdio>

namespace ddsim::lambda {

using nlohmann::json;

namespace {

constexpr const char* kIdHeader = "Lambda-Extension-Identifier";

void replyError(httplib::Response& res, int status, const std::string& type, const std::string& message) {
  res.status = status;
  res.set_content(json{{"errorMessage", message}, {"errorType", type}}.dump(), "application/json");
}

// A buffering field: absent keeps the default; otherwise an integer within AWS's bounds.
std::optional<std::string> readBound(const json& buffering, const char* key, int lo, int hi, int& out) {
  if (!buffering.contains(key)) return std::nullopt;
  const json& v = buffering[key];
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
    return std::string("buffering.") + key + ": expected an integer in [" + std::to_string(lo) + ", " +
           std::to_string(hi) + "], got " + v.dump();
  }
  out = v.get<int>();
  return std::nullopt;
}

}  // namespace

std::string makeUuid(common::Random& random) {
  const uint64_t a = random.nextU64(), b = random.nextU64();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

common::Result<TelemetrySubscription> parseSubscription(const std::string& body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return common::invalidArgument("the body is not a JSON object");
  TelemetrySubscription s;
  const json* dest = doc.contains("destination") ? &doc["destination"] : nullptr;
  if (!dest || !dest->is_object()) return common::invalidArgument("destination: expected an object");
  if (!dest->contains("protocol") || (*dest)["protocol"] != "HTTP") {
    return common::invalidArgument("destination.protocol: expected \"HTTP\" (TCP is not simulated)");
  }
  if (!dest->contains("URI") || !(*dest)["URI"].is_string() ||
      (*dest)["URI"].get<std::string>().rfind("http://", 0) != 0) {
    return common::invalidArgument("destination.URI: expected an http:// URI");
  }
  s.uri = (*dest)["URI"].get<std::string>();
  if (!doc.contains("types") || !doc["types"].is_array() || doc["types"].empty()) {
    return common::invalidArgument("types: expected a non-empty array of platform, function, extension");
  }
  for (const auto& t : doc["types"]) {
    if (!t.is_string() || (t != "platform" && t != "function" && t != "extension")) {
      return common::invalidArgument("types: expected platform, function or extension, got " + t.dump());
    }
    s.types.push_back(t.get<std::string>());
  }
  if (doc.contains("buffering")) {
    const json& b = doc["buffering"];
    if (!b.is_object()) return common::invalidArgument("buffering: expected an object");
    for (auto err : {readBound(b, "maxItems", 1000, 10000, s.max_items),
                     readBound(b, "maxBytes", 262144, 1048576, s.max_bytes),
                     readBound(b, "timeoutMs", 25, 30000, s.timeout_ms)}) {
      if (err) return common::invalidArgument(*err);
    }
  }
  return s;
}

ExtensionsApi::ExtensionsApi(ExtensionsApiOptions options, common::Clock& clock)
    : options_(std::move(options)), clock_(clock), random_(options_.seed) {
  installRoutes();
}

ExtensionsApi::~ExtensionsApi() { stop(); }

common::Result<int> ExtensionsApi::start(int port) { return server_.start(port); }

void ExtensionsApi::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  server_.stop();
}

size_t ExtensionsApi::registeredCount() const {
  std::lock_guard lock(mu_);
  return extensions_.size();
}

uint64_t ExtensionsApi::nextCalls() const {
  std::lock_guard lock(mu_);
  return next_calls_;
}

bool ExtensionsApi::allWaiting() const {
  std::lock_guard lock(mu_);
  if (extensions_.empty()) return false;
  for (const auto& [id, e] : extensions_) {
    if (!e.waiting || !e.queue.empty()) return false;
  }
  return true;
}

bool ExtensionsApi::waitAllWaiting(uint64_t min_calls, common::SteadyTime deadline) const {
  std::unique_lock lock(mu_);
  auto holds = [&] {
    if (extensions_.empty() || next_calls_ < min_calls) return false;
    for (const auto& [id, e] : extensions_) {
      if (!e.waiting || !e.queue.empty()) return false;
    }
    return true;
  };
  // The deadline is on the clock the caller reads; cv waits use the real steady clock, so poll
  // in short slices (a ManualClock deadline is checked at each wake-up).
  while (!holds()) {
    if (clock_.steadyNow() >= deadline) return false;
    cv_.wait_for(lock, std::chrono::milliseconds(5));
  }
  return true;
}

common::SteadyTime ExtensionsApi::lastNextCall() const {
  std::lock_guard lock(mu_);
  return last_next_;
}

void ExtensionsApi::publish(const json& event) {
  {
    std::lock_guard lock(mu_);
    const std::string type = event.value("eventType", "");
    for (auto& [id, e] : extensions_) {
      for (const auto& wanted : e.events) {
        if (wanted == type) {
          e.queue.push_back(event);
          break;
        }
      }
    }
  }
  cv_.notify_all();
}

std::optional<TelemetrySubscription> ExtensionsApi::subscription() const {
  std::lock_guard lock(mu_);
  return subscription_;
}

std::vector<ReportedError> ExtensionsApi::reportedErrors() const {
  std::lock_guard lock(mu_);
  return errors_;
}

std::map<std::string, int64_t> ExtensionsApi::rejected() const {
  std::lock_guard lock(mu_);
  return rejected_;
}

void ExtensionsApi::installRoutes() {
  server_.http().Post("/2020-01-01/extension/register", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.get_header_value("Lambda-Extension-Name");
    std::lock_guard lock(mu_);
    if (name.empty()) {
      ++rejected_["register.missing_name"];
      return replyError(res, 400, "InvalidRequest", "the Lambda-Extension-Name header is required");
    }
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("events") || !body["events"].is_array()) {
      ++rejected_["register.bad_body"];
      return replyError(res, 400, "InvalidRequest", "the body must be {\"events\": [\"INVOKE\", \"SHUTDOWN\"]}");
    }
    Extension ext;
    ext.name = name;
    for (const auto& e : body["events"]) {
      if (!e.is_string() || (e != "INVOKE" && e != "SHUTDOWN")) {
        ++rejected_["register.bad_event"];
        return replyError(res, 400, "InvalidRequest", "events: expected INVOKE or SHUTDOWN, got " + e.dump());
      }
      ext.events.push_back(e.get<std::string>());
    }
    const std::string id = makeUuid(random_);
    extensions_.emplace(id, std::move(ext));
    res.set_header(kIdHeader, id);
    json answer{{"functionName", options_.function_name},
                {"functionVersion", options_.function_version},
                {"handler", options_.handler}};
    if (req.get_header_value("Lambda-Extension-Accept-Feature").find("accountId") != std::string::npos) {
      answer["accountId"] = options_.account_id;
    }
    res.set_content(answer.dump(), "application/json");
  });

  server_.http().Get("/2020-01-01/extension/event/next", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.get_header_value(kIdHeader);
    std::unique_lock lock(mu_);
    auto it = extensions_.find(id);
    if (it == extensions_.end()) {
      ++rejected_["next.unknown_identifier"];
      return replyError(res, 403, "Extension.UnknownExtensionIdentifier",
                        "event/next needs the Lambda-Extension-Identifier that register returned");
    }
    Extension& ext = it->second;
    ext.waiting = true;
    ++next_calls_;
    last_next_ = clock_.steadyNow();
    cv_.notify_all();
    cv_.wait(lock, [&] { return stopping_ || !ext.queue.empty(); });
    ext.waiting = false;
    if (ext.queue.empty()) return replyError(res, 503, "Runtime.Unavailable", "the environment is stopping");
    json event = std::move(ext.queue.front());
    ext.queue.erase(ext.queue.begin());
    res.set_header("Lambda-Extension-Event-Identifier", makeUuid(random_));
    res.set_content(event.dump(), "application/json");
  });

  auto reportError = [this](const char* route) {
    return [this, route](const httplib::Request& req, httplib::Response& res) {
      const std::string id = req.get_header_value(kIdHeader);
      std::lock_guard lock(mu_);
      if (!extensions_.count(id)) {
        ++rejected_[std::string(route) + "_error.unknown_identifier"];
        return replyError(res, 403, "Extension.UnknownExtensionIdentifier", "unknown Lambda-Extension-Identifier");
      }
      errors_.push_back({route, req.get_header_value("Lambda-Extension-Function-Error-Type"), req.body});
      res.status = 202;
      res.set_content(R"({"status":"OK"})", "application/json");
    };
  };
  server_.http().Post("/2020-01-01/extension/init/error", reportError("init"));
  server_.http().Post("/2020-01-01/extension/exit/error", reportError("exit"));

  server_.http().Put("/2022-07-01/telemetry", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.get_header_value(kIdHeader);
    std::lock_guard lock(mu_);
    if (!extensions_.count(id)) {
      ++rejected_["telemetry.unknown_identifier"];
      return replyError(res, 403, "Extension.UnknownExtensionIdentifier", "unknown Lambda-Extension-Identifier");
    }
    auto sub = parseSubscription(req.body);
    if (!sub.isOk()) {
      ++rejected_["telemetry.bad_subscription"];
      return replyError(res, 400, "ValidationError", sub.status().message());
    }
    sub->extension_id = id;
    subscription_ = *sub;
    cv_.notify_all();
    res.set_content("OK", "text/plain");
  });
}

}  // namespace ddsim::lambda
