#pragma once
// The transport-independent request/response pair of the fakeintake. The HTTP server converts
// cpp-httplib requests into these; the simulator builds them directly and calls the handler
// in-process. Plain values: no thread-safety of their own.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/clock.h"

namespace ddsim::fakeintake {

// An ordered header list with case-insensitive lookups (HTTP field names are case-insensitive).
class HeaderList {
 public:
  using Entry = std::pair<std::string, std::string>;

  HeaderList() = default;
  HeaderList(std::initializer_list<Entry> entries) : entries_(entries) {}

  // Appends a header (duplicates allowed, as on the wire).
  void add(std::string name, std::string value);
  // Replaces every header called `name` with one entry.
  void set(std::string_view name, std::string value);
  // The first value of `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  // The first value of `name`, or "" when absent.
  std::string_view value(std::string_view name) const { return get(name).value_or(""); }
  bool has(std::string_view name) const { return get(name).has_value(); }

  const std::vector<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // Bytes of names and values (for size limits and memory accounting).
  size_t byteSize() const;

 private:
  std::vector<Entry> entries_;
};

bool equalsIgnoreCase(std::string_view a, std::string_view b);

// Query parameters in order of appearance, already percent-decoded.
using QueryParams = std::vector<std::pair<std::string, std::string>>;
// The first value of `name`, or nullopt.
std::optional<std::string_view> queryParam(const QueryParams& q, std::string_view name);
// Parses "a=1&b=x%20y" (no leading '?').
QueryParams parseQueryString(std::string_view query);
std::string percentDecode(std::string_view s);
std::string percentEncode(std::string_view s);
// {"errors":["<message>"]}, the message JSON-escaped (the intake's error shape).
std::string errorsJson(std::string_view message);

struct IntakeRequest {
  std::string method = "POST";  // upper case
  std::string path = "/";       // without the query string
  QueryParams query;
  HeaderList headers;
  std::string body;             // the bytes as received (still compressed)
  std::string remote_addr;      // "ip:port" when known; informational
};

// What the transport must do with the connection besides (or instead of) answering.
enum class ConnectionAction {
  kAnswer,       // write the response (after `latency`)
  kReset,        // reset the TCP connection without answering (fault)
  kNeverAnswer,  // keep the connection open and never answer (fault; bounded by server stop)
};

struct IntakeResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
  // Real delay the transport applies before acting (realtime latency faults). Always zero in
  // simulate_delays mode, where the delay travels in X-Ddsim-Simulated-Latency-Ms instead.
  common::Duration latency{0};
  ConnectionAction connection = ConnectionAction::kAnswer;
  // Held by the response until the transport is done with it (the answer written): what the
  // handler frees off the client's path, e.g. the payloads a new one evicted from the store.
  std::shared_ptr<const void> release_after_answer;
};

// Headers the fakeintake adds in simulate_delays mode (read by the forwarder's transports).
inline constexpr std::string_view kSimulatedLatencyHeader = "X-Ddsim-Simulated-Latency-Ms";
inline constexpr std::string_view kSimulatedTimeoutHeader = "X-Ddsim-Simulated-Timeout";
// Set on an in-process response whose connection action is kReset (informational).
inline constexpr std::string_view kSimulatedResetHeader = "X-Ddsim-Simulated-Reset";
// Sent on every response; changes each time a handler is created (the agent fakeintake's header).
inline constexpr std::string_view kFakeintakeIdHeader = "Fakeintake-ID";

}  // namespace ddsim::fakeintake
