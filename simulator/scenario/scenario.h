#pragma once
// A scenario: what to run, for how long, with which agent settings, which load, which faults,
// and what must hold at the end. Loaded from scenarios/*.json (docs/scenarios.md, schema.json).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "simulator/scenario/rate_profile.h"

namespace ddsim::scenario {

enum class Mode { kVirtual, kRealtime };
// How the forwarder reaches the embedded fakeintake.
enum class IntakeTransport { kHttp, kInProcess };
// How generated DogStatsD traffic reaches the listeners.
enum class SampleTransport { kInProcess, kUdp, kUds, kUdsStream };

using Range = std::pair<double, double>;

// Traffic shaped like lading's dogstatsd payload generator (anchors.md §2.1).
struct DogStatsDWorkload {
  std::string name = "dogstatsd";
  SampleTransport transport = SampleTransport::kInProcess;
  int64_t contexts = 1000;        // distinct name+tags combinations, each used at least once
  int64_t metric_names = 0;       // distinct names (0 = contexts / 10, at least 1)
  std::vector<std::string> names;  // explicit metric names (used in order; overrides metric_names)
  Range name_length{8, 32};
  Range tags_per_metric{2, 5};
  Range tag_length{4, 24};
  double unique_tag_ratio = 0.11;  // share of tags that are fresh rather than from the shared pool
  // Relative weights of the metric types (lading's defaults: 34/34/5/1/1/25).
  double weight_count = 34, weight_gauge = 34, weight_timer = 5, weight_distribution = 1, weight_set = 1,
         weight_histogram = 25;
  double multivalue_probability = 0;  // a message carries several values (protocol 1.1)
  Range multivalue_count{2, 8};
  double sampling_probability = 0;    // a message carries @rate ...
  Range sampling_range{0.1, 1.0};     // ... drawn from here
  double timestamp_probability = 0;   // a gauge/count message carries |T<now> (no-aggregation path)
  Range value_range{0, 100};
  double float_probability = 0.5;     // values are floats rather than integers
  std::vector<std::string> static_tags;  // appended to every message
  int64_t packet_size = 8192;            // lines are packed into packets up to this many bytes
  RateProfile rate;                      // lines per second
  double start = 0;
  std::optional<double> stop;            // default: the scenario's end
};

// Metrics submitted by checks through senders, committed every `interval`.
struct CheckWorkload {
  std::string name = "checks";
  int64_t checks = 1;
  int64_t metrics_per_check = 10;
  Range tags_per_metric{1, 4};
  double weight_gauge = 1, weight_rate = 0, weight_count = 0, weight_monotonic_count = 0, weight_histogram = 0,
         weight_historate = 0, weight_distribution = 0;
  Range value_range{0, 100};
  double interval = 15;  // seconds between runs (commits)
  double start = 0;
  std::optional<double> stop;
};

struct EventWorkload {
  std::string name = "events";
  RateProfile rate;           // events per second
  int64_t source_types = 1;   // distinct source_type_name values (grouping on /intake/)
  Range title_length{10, 40};
  Range text_length{20, 200};
  Range tags_per_event{0, 4};
  double start = 0;
  std::optional<double> stop;
};

struct ServiceCheckWorkload {
  std::string name = "service_checks";
  RateProfile rate;       // checks per second
  int64_t check_names = 5;
  double weight_ok = 90, weight_warning = 5, weight_critical = 4, weight_unknown = 1;
  Range message_length{0, 40};
  Range tags_per_check{0, 3};
  double start = 0;
  std::optional<double> stop;
};

struct OrchestratorWorkload {
  std::string name = "orchestrator";
  double interval = 10;         // seconds between collections
  int64_t resources = 10;       // resources per metadata message
  bool manifests = true;        // also send manifests (buffered until the flush)
  std::string cluster_id = "ddsim-cluster";
  double start = 0;
  std::optional<double> stop;
};

struct ReplayWorkload {
  std::string name = "replay";
  std::string file;          // .dog capture (plain or zstd), relative to the scenario file
  double speed = 1;          // 0 = as fast as possible
  int64_t loops = 1;
  SampleTransport transport = SampleTransport::kInProcess;
  double start = 0;
};

enum class TraceProtocol { kV04, kV05 };

// Tracers sending to the simulated trace agent's receiver (docs/scenarios.md "traces"), with the
// knobs of lading's trace-agent payload generator where they fit.
struct TraceWorkload {
  std::string name = "traces";
  TraceProtocol protocol = TraceProtocol::kV04;  // /v0.4/traces or /v0.5/traces
  RateProfile rate;                              // traces per second
  Range traces_per_payload{1, 10};               // each request carries this many traces
  Range spans_per_trace{1, 20};
  int64_t depth = 3;                             // levels of the span tree below the root (>= 0)
  int64_t services = 5;                          // distinct service names (each trace's spans use one or two)
  int64_t operations = 20;                       // distinct span names
  int64_t resources = 50;                        // distinct resources
  Range tags_per_span{0, 5};                     // meta entries besides env
  Range metrics_per_span{0, 3};                  // numeric tags besides the sampling ones
  Range duration_ms{1, 500};                     // root span duration; children fit inside
  double error_ratio = 0;                        // probability that a span has error = 1
  // Probability that a trace carries a span with span_id 0: the agent's normalizer refuses the
  // whole trace (reason span_id_zero), a counted loss.
  double invalid_ratio = 0;
  // Relative weights of the traces' sampling decision: "auto" = the tracer samples with the
  // rate the agent answered for its service (priority 1 or 0, as tracers do); "none" = no
  // priority; -1, 0, 1, 2 = that priority set by the tracer.
  double weight_auto = 1, weight_none = 0, weight_user_reject = 0, weight_auto_reject = 0, weight_auto_keep = 0,
         weight_user_keep = 0;
  std::string env = "sim";
  std::string language = "cpp";  // Datadog-Meta-Lang
  // The tracer computes stats itself (client-side stats): it sends them to /v0.6/stats, marks
  // its trace requests Datadog-Client-Computed-Stats/-Top-Level and, when the agent's /info says
  // client_drop_p0s, drops priority <= 0 traces itself, telling the agent how many in
  // Datadog-Client-Dropped-P0-Traces/-Spans (docs/scenarios.md "traces").
  bool client_stats = false;
  double start = 0;
  std::optional<double> stop;
};

using Workload = std::variant<DogStatsDWorkload, CheckWorkload, EventWorkload, ServiceCheckWorkload,
                              OrchestratorWorkload, ReplayWorkload, TraceWorkload>;

// A fakeintake fault rule active from `at` to `until` on `route` ("*" = every route); `rule`
// is the fakeintake's fault-rule JSON (docs/fakeintake-api.md).
struct IntakeFault {
  double at = 0;
  std::optional<double> until;
  std::string route = "*";
  nlohmann::json rule;
};

// The agent process restarts at `at`: it stops (forwarder writes its retry queue to disk if
// disk spill is on, in-flight aggregation is flushed) and starts again after `downtime`.
struct RestartFault {
  double at = 0;
  double downtime = 0;
};

using Fault = std::variant<IntakeFault, RestartFault>;

// What must hold at the end.
struct MetricExpectation {
  std::string name;
  std::vector<std::string> tags;  // the series must carry all of these
  std::string aggregate = "sum";  // over every matching point: sum, count, avg, min, max, last
  double value = 0;
  double tolerance = 0;           // relative (0.01 = 1 %); |actual - value| <= max(tol*|value|, abs_tolerance)
  double abs_tolerance = 0;
  std::optional<std::string> type;  // gauge, count, rate
  // Multiply each point by the series interval before aggregating (turns DogStatsD counter
  // rates back into counts).
  bool times_interval = false;
};

struct DropsExpectation {
  std::string reason = "*";  // a drop reason from the report, or "*" for all
  int64_t max = 0;
  std::optional<int64_t> min;
};

struct ViolationsExpectation {
  int64_t max = 0;
  std::vector<std::string> ignore;  // property ids not counted (e.g. "DdEventTitle")
};

struct PayloadSizeExpectation {
  std::string endpoint = "*";
  std::optional<int64_t> max_compressed;
  std::optional<int64_t> max_uncompressed;
  std::optional<int64_t> min_payloads;
};

struct FlushDurationExpectation {
  double max_seconds = 0;  // every flush's aggregate+serialize time must stay below this
};

// Decoded items the intake stored on a route (series, sketches, check runs, events,
// orchestrator messages), all intakes summed.
struct IntakeItemsExpectation {
  std::string route;
  std::optional<int64_t> min;
  std::optional<int64_t> max;
};

// A telemetry counter of the run (report "telemetry" section), e.g.
// "serializer.serializer.SendEventsErrItemTooBigs".
struct TelemetryExpectation {
  std::string key;
  std::optional<double> min;
  std::optional<double> max;
};

// A number of the report's "summary" section, e.g. "max_contexts".
struct SummaryExpectation {
  std::string key;
  std::optional<double> min;
  std::optional<double> max;
};

// A statistic of the DDSketches the main intake decoded for a distribution (all intervals and
// hosts of the matching sketches merged, as DDSketch merge does).
struct DistributionStatistic {
  enum class Kind { kCount, kSum, kMin, kMax, kAvg, kQuantile };
  Kind kind = Kind::kCount;
  double quantile = 0;  // kQuantile: in (0, 1), e.g. 0.999 for "p99.9"
  std::string name;     // as written: "count", "p99.9"
};

struct DistributionExpectation {
  std::string name;
  std::vector<std::string> tags;  // the sketch must carry all of these
  DistributionStatistic statistic;
  double value = 0;
  // Relative (0.01 = 1 %). Quantiles pass within the sketch's relative accuracy (~0.78 %) when
  // this is smaller; count, sum, min, max and avg are compared as the sketch stores them.
  double tolerance = 0;
};

struct DeliveryExpectation {
  bool no_loss = true;   // every generated sample reached the intake (drops == 0)
  std::optional<int64_t> min_retries;
};

// What the trace path must show at the end (docs/scenarios.md "traces").
struct TraceExpectation {
  enum class Check {
    kSpansDelivered,  // spans decoded at the intake: `value` exactly, or (no value) every span the writer sent
    kSampledOut,      // traces the samplers dropped for `reason` ("*" = all) within [min, max]
    kKeptRate,        // traces the intake received per second (by when they finished, from `after` to the load's end)
                      // within `tolerance` (relative) of `value`
    kStats,           // stats totals (the stats concentrator's; fails as unavailable until it is wired)
  };
  Check check = Check::kSpansDelivered;
  std::optional<int64_t> value_count;
  std::string reason = "*";
  std::optional<int64_t> min;
  std::optional<int64_t> max;
  double value = 0;
  double tolerance = 0.1;
  double after = 0;
};

using Expectation = std::variant<MetricExpectation, DropsExpectation, ViolationsExpectation,
                                 PayloadSizeExpectation, FlushDurationExpectation, DeliveryExpectation,
                                 IntakeItemsExpectation, TelemetryExpectation, SummaryExpectation,
                                 DistributionExpectation, TraceExpectation>;

struct Scenario {
  std::string name;
  std::string description;
  uint64_t seed = 1;
  double duration = 60;  // seconds
  Mode mode = Mode::kVirtual;
  IntakeTransport intake = IntakeTransport::kHttp;
  double drain = 120;    // after `duration`, keep running (no new load) up to this long for retries to finish
  nlohmann::json agent = nlohmann::json::object();  // agent config overrides (spec §10 keys)
  std::vector<Workload> workloads;
  std::vector<Fault> faults;
  std::vector<Expectation> expectations;
  std::string source_path;  // the file it came from (for errors and relative paths)
};

}  // namespace ddsim::scenario
