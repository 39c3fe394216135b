#include "core/serverless/telemetry_events.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace ddsim::serverless {
namespace {

constexpr double kBaseInvocationPrice = 0.0000002;  // USD, AWS's published Lambda price
constexpr double kX86PricePerGbSecond = 0.0000166667;
constexpr double kArmPricePerGbSecond = 0.0000133334;

std::optional<double> number(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string text(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double unix(common::SystemTime t) { return common::toUnixSeconds(t); }

int64_t millisBetween(common::SystemTime a, common::SystemTime b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

}  // namespace

std::optional<common::SystemTime> parseRfc3339(std::string_view s) {
  int y, mo, d, h, mi;
  double sec;
  char tail[8] = {};
  const std::string str(s);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%7s", &y, &mo, &d, &h, &mi, &sec, tail) < 6) {
    return std::nullopt;
  }
  if (tail[0] != '\0' && std::string_view(tail) != "Z") return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = 0;
  const std::time_t whole = timegm(&tm);
  const double frac = sec - std::floor(sec);
  return common::SystemTime(std::chrono::seconds(whole + static_cast<int64_t>(std::floor(sec)))) +
         std::chrono::duration_cast<common::SystemTime::duration>(
             std::chrono::nanoseconds(std::llround(frac * 1e9)));
}

common::Result<std::vector<TelemetryEvent>> parseTelemetryBatch(std::string_view body) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    return common::invalidArgument(std::string("telemetry batch is not JSON: ") + e.what());
  }
  if (!j.is_array()) return common::invalidArgument("telemetry batch is not a JSON array");
  std::vector<TelemetryEvent> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const auto& item = j[i];
    if (!item.is_object() || !item.contains("type") || !item["type"].is_string()) {
      return common::invalidArgument("telemetry batch entry " + std::to_string(i) + " has no string \"type\"");
    }
    TelemetryEvent e;
    e.type = item["type"].get<std::string>();
    if (auto t = parseRfc3339(text(item, "time"))) e.time = *t;
    const auto record = item.contains("record") ? item["record"] : nlohmann::json();
    if (record.is_string()) {
      e.log_line = record.get<std::string>();
    } else if (record.is_object()) {
      e.request_id = text(record, "requestId");
      e.status = text(record, "status");
      e.error_type = text(record, "errorType");
      const auto m = record.contains("metrics") ? record["metrics"] : nlohmann::json();
      e.duration_ms = number(m, "durationMs");
      e.billed_duration_ms = number(m, "billedDurationMs");
      e.memory_size_mb = number(m, "memorySizeMB");
      e.max_memory_used_mb = number(m, "maxMemoryUsedMB");
      e.init_duration_ms = number(m, "initDurationMs");
      e.produced_bytes = number(m, "producedBytes");
      if (record.contains("spans") && record["spans"].is_array()) {
        for (const auto& span : record["spans"]) {
          const std::string name = text(span, "name");
          if (name == "responseLatency") e.response_latency_ms = number(span, "durationMs");
          if (name == "responseDuration") e.response_duration_ms = number(span, "durationMs");
        }
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

double EnhancedMetricsTracker::estimatedCost(double billed_duration_ms, double memory_size_mb, bool arm64) {
  const double gb_seconds = (billed_duration_ms / 1000.0) * (memory_size_mb / 1024.0);
  const double price = arm64 ? kArmPricePerGbSecond : kX86PricePerGbSecond;
  return std::round((kBaseInvocationPrice + gb_seconds * price) * 10e12) / 10e12;
}

bool EnhancedMetricsTracker::isOutOfMemoryLog(std::string_view line) {
  // The runtimes' own out-of-memory messages (Go, Java, Node, Python, Ruby, .NET).
  for (std::string_view s : {"fatal error: runtime: out of memory", "java.lang.OutOfMemoryError",
                             "JavaScript heap out of memory", "Runtime exited with error: signal: killed",
                             "MemoryError", "failed to allocate memory (NoMemoryError)", "OutOfMemoryException"}) {
    if (line.find(s) != std::string_view::npos) return true;
  }
  return false;
}

std::vector<EnhancedPoint> EnhancedMetricsTracker::onEvent(const TelemetryEvent& e) {
  std::vector<EnhancedPoint> out;
  const std::string p(kEnhancedPrefix);
  const double ts = unix(e.time);
  if (e.type == "platform.start") {
    request_id_ = e.request_id;
    runtime_start_ = e.time;
    runtime_end_ = {};
  } else if (e.type == "platform.runtimeDone") {
    runtime_end_ = e.time;
    if (runtime_start_ != common::SystemTime{} && e.request_id == request_id_) {
      out.push_back({p + "runtime_duration", static_cast<double>(millisBetween(runtime_start_, runtime_end_)), ts});
    }
    if (e.response_latency_ms) out.push_back({p + "response_latency", *e.response_latency_ms, ts});
    if (e.response_duration_ms) out.push_back({p + "response_duration", *e.response_duration_ms, ts});
    if (e.produced_bytes) out.push_back({p + "produced_bytes", *e.produced_bytes, ts});
  } else if (e.type == "platform.report") {
    const double billed = e.billed_duration_ms.value_or(0);
    const double memory = e.memory_size_mb.value_or(0);
    const double duration = e.duration_ms.value_or(0);
    out.push_back({p + "max_memory_used", e.max_memory_used_mb.value_or(0), ts});
    out.push_back({p + "memorysize", memory, ts});
    out.push_back({p + "billed_duration", billed * 0.001, ts});
    out.push_back({p + "duration", duration * 0.001, ts});
    out.push_back({p + "estimated_cost", estimatedCost(billed, memory, arm64_), ts});
    if (runtime_end_ != common::SystemTime{} && e.request_id == request_id_) {
      out.push_back({p + "post_runtime_duration",
                     duration - static_cast<double>(millisBetween(runtime_start_, runtime_end_)), ts});
    }
    if (e.init_duration_ms && *e.init_duration_ms > 0) {
      out.push_back({p + "init_duration", *e.init_duration_ms * 0.001, ts});
    }
    if (e.status == "timeout") out.push_back({p + "timeouts", 1, ts});
    if (e.error_type == "Runtime.OutOfMemory") out.push_back({p + "out_of_memory", 1, ts});
    if (!e.status.empty() && e.status != "success") out.push_back({p + "errors", 1, ts});
  } else if (e.type == "function" && isOutOfMemoryLog(e.log_line)) {
    out.push_back({p + "out_of_memory", 1, ts});
    out.push_back({p + "errors", 1, ts});
  }
  return out;
}

}  // namespace ddsim::serverless
