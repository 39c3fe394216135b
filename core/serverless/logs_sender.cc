#include "core/serverless/logs_sender.h"

#include <nlohmann/json.hpp>

namespace ddsim::serverless {

LogsSender::LogsSender(LogsSenderOptions options, forwarder::Transport& transport)
    : options_(std::move(options)), transport_(transport) {
  while (!options_.url.empty() && options_.url.back() == '/') options_.url.pop_back();
}

void LogsSender::add(common::SystemTime t, std::string message, const std::string& arn,
                     const std::vector<std::string>& tags) {
  std::string joined;
  for (const auto& tag : tags) joined += (joined.empty() ? "" : ",") + tag;
  const nlohmann::json j = {
      {"message", std::move(message)},
      {"timestamp", std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count()},
      {"hostname", arn},
      {"service", options_.service},
      {"ddsource", "lambda"},
      {"ddtags", joined},
      {"status", "info"}};
  std::lock_guard l(mu_);
  if (pending_.size() >= options_.max_buffered) {
    drops_.add("buffer_full");
    return;
  }
  pending_.push_back(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

size_t LogsSender::buffered() const {
  std::lock_guard l(mu_);
  return pending_.size();
}

size_t LogsSender::flush() {
  std::vector<std::string> lines;
  {
    std::lock_guard l(mu_);
    lines.swap(pending_);
  }
  size_t delivered = 0;
  for (size_t start = 0; start < lines.size(); start += options_.max_batch) {
    const size_t end = std::min(lines.size(), start + options_.max_batch);
    std::string body = "[";
    for (size_t i = start; i < end; ++i) body += (i == start ? "" : ",") + lines[i];
    body += "]";
    forwarder::TransportRequest req;
    req.url = options_.url + "/api/v2/logs";
    req.headers = {{"Content-Type", "application/json"}, {"DD-API-KEY", options_.api_key}};
    req.body = body;
    req.timeout = std::chrono::seconds(5);
    const auto res = transport_.send(req);
    if (res.hasResponse() && res.status / 100 == 2) {
      delivered += end - start;
    } else {
      drops_.add("send_failed", static_cast<int64_t>(end - start));
    }
  }
  return delivered;
}

}  // namespace ddsim::serverless
