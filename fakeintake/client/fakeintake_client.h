#pragma once
// A C++ client of the fakeintake's control API over real HTTP, for tests and tools. It fetches
// payloads incrementally (cursor=), keeps what it has decoded per route, and filters locally, so
// repeated queries only download what is new (the agent fakeintake's Go client re-downloads
// everything each time). Not thread-safe: one client per thread.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/status.h"
#include "fakeintake/client/metric_filter.h"
#include "fakeintake/decoders/decoded.h"
#include "fakeintake/faults/fault_engine.h"
#include "fakeintake/faults/fault_rule.h"

namespace httplib {
class Client;
}

namespace ddsim::fakeintake {

struct ClientOptions {
  std::chrono::milliseconds timeout{10'000};
  // Fail (FailedPrecondition) when the server's Fakeintake-ID changes between calls, i.e. the
  // server restarted and what was cached is gone. When false the caches are reset instead.
  bool strict_server_id = true;
  // Series routes filterMetrics() reads.
  std::vector<std::string> series_routes = {"/api/v2/series", "/api/v1/series"};
};

struct RouteStatInfo {
  std::string route;
  uint64_t count = 0;  // payloads stored now
  uint64_t requests = 0;
  uint64_t bytes_compressed = 0;
  uint64_t bytes_uncompressed = 0;
  uint64_t decode_errors = 0;
  uint64_t violations = 0;
  uint64_t faults = 0;
  std::map<int, uint64_t> status_counts;
};

struct RawPayload {
  uint64_t id = 0;
  std::string timestamp;  // RFC 3339
  std::string route;
  std::string encoding;
  std::string content_type;
  std::string data;       // decoded from base64: the body as sent
  int status = 0;
  std::string decode_error;
  uint64_t violations = 0;
};

struct ViolationInfo {
  uint64_t payload_id = 0;
  std::string route;
  std::string property;
  std::string message;
};

class FakeintakeClient {
 public:
  // `url` like "http://127.0.0.1:8080". InvalidArgument for other forms.
  static common::Result<std::unique_ptr<FakeintakeClient>> create(const std::string& url,
                                                                  ClientOptions options = {});
  ~FakeintakeClient();

  common::Status health();
  // Matching series across the series routes, in arrival order.
  common::Result<std::vector<DecodedSeries>> filterMetrics(const MetricFilter& filter);
  common::Result<std::vector<std::string>> metricNames();
  // Check runs / events / sketches, optionally only those with this check name / source /
  // metric name.
  common::Result<std::vector<DecodedCheckRun>> checkRuns(const std::string& name = "");
  common::Result<std::vector<DecodedEvent>> events(const std::string& source = "");
  common::Result<std::vector<DecodedSketch>> sketches(const std::string& name = "");
  // /api/v0.2/traces: every AgentPayload received, in arrival order (the agent fakeintake
  // client's GetTraces).
  common::Result<std::vector<DecodedAgentPayload>> traces();
  // /api/v0.2/stats: every StatsPayload received, in arrival order, read from the JSON form.
  common::Result<std::vector<DecodedStatsPayload>> stats();
  common::Result<std::map<std::string, RouteStatInfo>> routeStats();
  // Raw payloads of a route after `cursor` (0 = all); `next_cursor` gets the cursor to pass
  // next time.
  common::Result<std::vector<RawPayload>> payloads(const std::string& route, uint64_t cursor,
                                                   uint64_t* next_cursor = nullptr);
  common::Result<std::vector<ViolationInfo>> violations(const std::string& route = "",
                                                        const std::string& property = "");
  // Deletes everything on the server and the local caches.
  common::Status flush();
  common::Status setFaults(const std::vector<FaultRule>& rules, bool append = false);
  common::Status setFaultsJson(const std::string& json, bool append = false);
  common::Status clearFaults();
  common::Result<nlohmann::json> faultState();
  common::Status configureOverride(const ResponseOverride& o);
  common::Status setValidApiKeys(const std::vector<std::string>& keys, bool enforce_on_intake);

  // GET of any control path (e.g. "/fakeintake/stats"), parsed as JSON.
  common::Result<nlohmann::json> getControlJson(const std::string& path_and_query) { return getJson(path_and_query); }

  // The server's Fakeintake-ID seen so far ("" before the first call).
  const std::string& serverId() const { return server_id_; }

 private:
  FakeintakeClient(std::string host, int port, ClientOptions options);

  struct Response {
    int status = 0;
    std::string body;
  };
  common::Result<Response> request(const std::string& method, const std::string& path,
                                   const std::string& body = "",
                                   const std::string& content_type = "application/json");
  common::Result<nlohmann::json> getJson(const std::string& path);
  // Fetches decoded items of `route` newer than the cached cursor and appends them.
  template <typename T>
  common::Status refresh(const std::string& route, std::vector<T>& cache,
                         common::Result<T> (*from_json)(const nlohmann::json&));
  void resetCaches();

  std::unique_ptr<httplib::Client> http_;
  ClientOptions options_;
  std::string server_id_;
  std::map<std::string, uint64_t> cursors_;
  std::map<std::string, std::vector<DecodedSeries>> series_;
  std::vector<DecodedSketch> sketches_;
  std::vector<DecodedCheckRun> check_runs_;
  std::vector<DecodedEvent> events_;
  std::vector<DecodedAgentPayload> traces_;
  std::vector<DecodedStatsPayload> stats_;
};

}  // namespace ddsim::fakeintake
