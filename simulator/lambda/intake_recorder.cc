#include "simulator/lambda/intake_recorder.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <variant>

#include "fakeintake/handler/intake_handler.h"

namespace ddsim::lambda {

namespace {

// The invocation a tag list names through kInvocationTag, or -1.
int64_t invocationOf(const std::vector<std::string>& tags) {
  const std::string prefix = std::string(kInvocationTag) + ":";
  for (const auto& t : tags) {
    if (t.rfind(prefix, 0) == 0) {
      try {
        return std::stoll(t.substr(prefix.size()));
      } catch (...) {
        return -1;
      }
    }
  }
  return -1;
}

// cpp-httplib's server inflates gzip and deflate bodies itself (when built with zlib) but keeps
// the Content-Encoding header; the fakeintake handler would inflate them again. True when
// `body` no longer starts as `encoding` says it should.
bool alreadyInflated(std::string_view encoding, const std::string& body) {
  const auto b0 = body.size() > 1 ? static_cast<unsigned char>(body[0]) : 0u;
  const auto b1 = body.size() > 1 ? static_cast<unsigned char>(body[1]) : 0u;
  if (encoding == "gzip" || encoding == "x-gzip") return !(b0 == 0x1f && b1 == 0x8b);
  if (encoding == "deflate") return !((b0 & 0x0f) == 8 && (b0 * 256 + b1) % 31 == 0);
  return false;
}

}  // namespace

void summarizePayload(const fakeintake::StoredPayload& p, IntakeRequest& r) {
  if (!p.decoded) return;
  const auto& items = p.decoded->items;
  if (const auto* series = std::get_if<std::vector<fakeintake::DecodedSeries>>(&items)) {
    for (const auto& s : *series) r.metrics.push_back({s.metric, invocationOf(s.tags)});
  } else if (const auto* sketches = std::get_if<std::vector<fakeintake::DecodedSketch>>(&items)) {
    for (const auto& s : *sketches) r.metrics.push_back({s.metric, invocationOf(s.tags)});
  } else if (const auto* traces = std::get_if<std::vector<fakeintake::DecodedAgentPayload>>(&items)) {
    for (const auto& t : *traces) {
      r.spans += static_cast<int64_t>(t.spanCount());
      for (const auto& tp : t.tracer_payloads) {
        for (const auto& c : tp.chunks) {
          for (const auto& s : c.spans) {
            if (auto it = s.meta.find("request_id"); it != s.meta.end()) ++r.spans_by_request[it->second];
            const auto src = s.meta.find("_inferred_span.tag_source");
            const auto status = s.meta.find("http.status_code");
            r.span_list.push_back({s.name, s.service, s.resource, s.trace_id, s.span_id, s.parent_id,
                                   src != s.meta.end() && src->second == "self",
                                   status == s.meta.end() ? "" : status->second});
          }
        }
      }
    }
  } else if (const auto* generic = std::get_if<fakeintake::DecodedGeneric>(&items);
             generic && p.kind == fakeintake::RouteKind::kLogs) {
    const auto logs = nlohmann::json::parse(generic->text, nullptr, false);
    if (logs.is_array()) {
      for (const auto& e : logs) {
        if (e.is_object() && e.contains("message") && e["message"].is_string()) r.logs.push_back(e["message"]);
      }
    }
  }
}

IntakeRecorder::IntakeRecorder(common::Clock& clock)
    : clock_(clock), handler_(std::make_unique<fakeintake::IntakeHandler>(fakeintake::IntakeOptions{}, clock)) {
  auto serve = [this](const httplib::Request& req, httplib::Response& res) {
    std::vector<std::pair<std::string, std::string>> headers(req.headers.begin(), req.headers.end());
    int status = 202;
    std::string answer;
    record(req.method, req.path, headers, req.body, status, answer);
    res.status = status;
    res.set_content(answer, "application/json");
  };
  server_.http().Post(".*", serve);
  server_.http().Put(".*", serve);
}

IntakeRecorder::~IntakeRecorder() { stop(); }

common::Result<int> IntakeRecorder::start() { return server_.start(); }

void IntakeRecorder::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    outage_ = false;
  }
  outage_cv_.notify_all();
  server_.stop();
}

void IntakeRecorder::setOutage(bool on) {
  {
    std::lock_guard lock(mu_);
    outage_ = on && !stopping_;
  }
  outage_cv_.notify_all();
}

void IntakeRecorder::record(const std::string& method, const std::string& path,
                            const std::vector<std::pair<std::string, std::string>>& headers, std::string body,
                            int& status, std::string& answer) {
  IntakeRequest r;
  r.at = clock_.steadyNow();
  r.path = path;
  r.bytes = static_cast<int64_t>(body.size());
  std::unique_lock lock(mu_);
  if (outage_) {
    // Held until the outage ends: the sender's timeout fires first, as against a dead intake.
    outage_cv_.wait(lock, [&] { return !outage_; });
    r.status = status = 503;
    answer = fakeintake::errorsJson("intake outage (simulated)");
    requests_.push_back(std::move(r));
    return;
  }
  // Handled one at a time, so the payloads the store gained belong to this request.
  fakeintake::IntakeRequest req;
  req.method = method;
  req.path = path;
  for (const auto& [name, value] : headers) {
    if (fakeintake::equalsIgnoreCase(name, "Content-Encoding") && alreadyInflated(value, body)) continue;
    req.headers.add(name, value);
  }
  req.body = std::move(body);
  const auto resp = handler_->handle(std::move(req));
  r.status = status = resp.status;
  answer = resp.body;
  for (const auto& p : handler_->store().all(last_id_, clock_.systemNow())) {
    last_id_ = std::max(last_id_, p->id);
    if (!p->decode_error.empty()) ++decode_errors_;
    summarizePayload(*p, r);
  }
  requests_.push_back(std::move(r));
}

IntakeWindow intakeWindow(const std::vector<IntakeRequest>& requests, common::SteadyTime from, common::SteadyTime to) {
  IntakeWindow w;
  for (const auto& r : requests) {
    if (r.at < from || r.at >= to) continue;
    ++w.requests;
    w.bytes += r.bytes;
    ++w.by_path[r.path];
  }
  return w;
}

IntakeWindow IntakeRecorder::window(common::SteadyTime from, common::SteadyTime to) const {
  std::lock_guard lock(mu_);
  return intakeWindow(requests_, from, to);
}

IntakeWindow IntakeRecorder::total() const {
  return window(common::SteadyTime::min(), common::SteadyTime::max());
}

std::vector<IntakeRequest> IntakeRecorder::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

int64_t IntakeRecorder::decodeErrors() const {
  std::lock_guard lock(mu_);
  return decode_errors_;
}

}  // namespace ddsim::lambda
