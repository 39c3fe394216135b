#include "core/trace/receiver.h"

#include <charconv>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/trace/msgpack_decoder.h"
#include "core/trace/receiver_json.h"

namespace ddsim::trace {
namespace {

// The routes ddsim answers and lists in /info, in the agent's order (endpoints.go; the agent
// serves more, spec §1).
constexpr const char* kEndpoints[] = {"/v0.3/traces", "/v0.3/services", "/v0.4/traces", "/v0.4/services",
                                      "/v0.5/traces", "/v0.7/traces"};

// The trace routes and their protocol version.
const char* traceVersion(const std::string& path) {
  if (path == "/v0.3/traces") return "v0.3";
  if (path == "/v0.4/traces") return "v0.4";
  if (path == "/v0.5/traces") return "v0.5";
  if (path == "/v0.7/traces") return "v0.7";
  return nullptr;
}

// api.go decodeRequest (v0.2-v0.4): the Content-Type picks JSON or msgpack; "do our best" tries
// JSON, then msgpack (the agent's second try reads what JSON left of the body; ddsim re-reads it
// whole) and reports the msgpack error.
common::Result<Traces> decodeByMediaType(const ReceiverRequest& r, std::string_view body) {
  const auto ct = r.headers.find("content-type");
  switch (bodyFormatFor(ct == r.headers.end() ? std::string_view() : std::string_view(ct->second))) {
    case BodyFormat::kMsgpack: return decodeV04(body);
    case BodyFormat::kJson: return decodeTracesJson(body);
    case BodyFormat::kJsonThenMsgpack: break;
  }
  common::Result<Traces> json = decodeTracesJson(body);
  return json.isOk() ? std::move(json) : decodeV04(body);
}

std::string header(const ReceiverRequest& r, const char* name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

// Go's http.Error: plain text with a newline.
ReceiverResponse textError(int status, std::string message) {
  return {status, "text/plain; charset=utf-8", std::move(message) + "\n", {}};
}

std::optional<int64_t> parseInt(const std::string& s) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string buildInfo(const ReceiverOptions& o) {
  nlohmann::ordered_json j;
  j["version"] = o.agent_version;
  j["git_commit"] = "";
  nlohmann::json endpoints = kEndpoints;
  if (o.client_stats) endpoints.push_back("/v0.6/stats");
  if (o.dogstatsd_proxy) {
    endpoints.push_back("/dogstatsd/v1/proxy");
    endpoints.push_back("/dogstatsd/v2/proxy");
  }
  j["endpoints"] = endpoints;
  // info.go: true when the probabilistic sampler is off (ddsim has none) and /v0.6/stats is served.
  j["client_drop_p0s"] = o.client_stats;
  j["span_meta_structs"] = false;
  j["long_running_spans"] = false;
  j["span_events"] = false;
  j["evp_proxy_allowed_headers"] = nlohmann::json::array();
  j["config"] = {{"default_env", o.default_env},       {"target_tps", o.target_tps},
                 {"max_eps", o.max_eps},               {"receiver_port", o.receiver_port},
                 {"receiver_socket", o.receiver_socket}, {"connection_limit", 0},
                 {"receiver_timeout", 0},              {"max_request_bytes", o.max_request_bytes},
                 {"statsd_port", 8125},                {"max_memory", 0},
                 {"max_cpu", 0},                       {"analyzed_spans_by_service", nlohmann::json::object()}};
  j["peer_tags"] = nlohmann::json::array();
  j["span_kinds_stats_computed"] = nlohmann::json::array();
  j["obfuscation_version"] = 1;
  return j.dump(1, '\t');
}

// A v0.7 body names its tracer itself; the agent uses the payload as sent (api.go,
// decodeTracerPayload), the headers only tag the receiver stats.
void applyV07(V07Payload& p, ReceivedPayload& out) {
  if (!p.language_name.empty()) out.lang = std::move(p.language_name);
  if (!p.language_version.empty()) out.lang_version = std::move(p.language_version);
  if (!p.tracer_version.empty()) out.tracer_version = std::move(p.tracer_version);
  out.v07 = V07Attributes{std::move(p.container_id), std::move(p.runtime_id), std::move(p.env), std::move(p.hostname),
                          std::move(p.app_version), std::move(p.tags), std::move(p.chunks)};
}

}  // namespace

TraceReceiver::TraceReceiver(ReceiverOptions options, Sink sink, StatsSink stats)
    : options_(std::move(options)), sink_(std::move(sink)), stats_sink_(std::move(stats)) {
  options_.client_stats = options_.client_stats && stats_sink_ != nullptr;
  info_ = buildInfo(options_);
}

void TraceReceiver::setRates(std::map<std::string, double> rates, std::string version) {
  rates_ = std::move(rates);
  rates_version_ = std::move(version);
}

ReceiverResponse TraceReceiver::handle(const ReceiverRequest& request) {
  const std::string& path = request.path;
  if (path == "/info") return {200, "application/json", info_, {}};
  const char* version = traceVersion(path);
  const bool stats = path == "/v0.6/stats" && options_.client_stats;
  const bool services = path == "/v0.3/services" || path == "/v0.4/services";
  if (version == nullptr && !stats && !services) {
    ++counters_.not_found;
    return textError(404, "404 page not found");
  }
  // Agent behaviour (api.go, handleWithVersion): browsers' cross-site requests are refused.
  if (header(request, "sec-fetch-site") == "cross-site") return textError(403, "cross-site request rejected");
  if (stats) return handleStats(request);
  if (services) return {200, "text/plain; charset=utf-8", "OK\n", {}};  // services: ignored
  return handleTraces(request, version);
}

ReceiverResponse TraceReceiver::handleTraces(const ReceiverRequest& request, std::string_view version) {
  const int64_t announced = parseInt(header(request, "x-datadog-trace-count")).value_or(0);
  if (request.body.size() > options_.max_request_bytes) {
    ++counters_.payloads_too_large;
    counters_.traces_dropped_too_large += static_cast<uint64_t>(announced);
    return textError(413, "payload-too-large");
  }
  ReceivedPayload payload;
  payload.lang = header(request, "datadog-meta-lang");
  payload.lang_version = header(request, "datadog-meta-lang-version");
  payload.tracer_version = header(request, "datadog-meta-tracer-version");
  payload.endpoint = std::string(version);
  common::Result<Traces> traces = common::invalidArgument("unreached");
  if (version == "v0.7") {
    common::Result<V07Payload> p = decodeV07(request.body);
    if (p.isOk()) {
      traces = std::move(p->traces);
      applyV07(*p, payload);
    } else {
      traces = p.status();
    }
  } else {
    traces = version == "v0.5" ? decodeV05(request.body) : decodeByMediaType(request, request.body);
  }
  if (!traces.isOk()) {
    ++counters_.decoding_errors;
    counters_.traces_dropped_decoding += static_cast<uint64_t>(announced);
    return textError(400, traces.status().message());
  }
  payload.client_computed_top_level = !header(request, "datadog-client-computed-top-level").empty();
  payload.client_computed_stats = !header(request, "datadog-client-computed-stats").empty();
  payload.client_dropped_p0_traces = parseInt(header(request, "datadog-client-dropped-p0-traces")).value_or(0);
  payload.traces = std::move(traces).value();
  ++counters_.payloads_accepted;
  counters_.traces_received += payload.traces.size();
  counters_.bytes_received += request.body.size();
  counters_.client_dropped_p0_traces += static_cast<uint64_t>(payload.client_dropped_p0_traces);
  // api.go replyOK: v0.1-v0.3 answer "OK", later versions the rates.
  ReceiverResponse response = version == "v0.3" ? ReceiverResponse{200, "text/plain; charset=utf-8", "OK\n", {}}
                                                : rateByService(request);
  if (sink_) sink_(std::move(payload));
  return response;
}

// api.go handleStats: a msgpack ClientStatsPayload; decoding errors answered as for traces
// (413 payload-too-large, 400 with the decoder's message); success is a 200 with no body.
ReceiverResponse TraceReceiver::handleStats(const ReceiverRequest& request) {
  if (request.body.size() > options_.max_request_bytes) {
    ++counters_.stats_payloads_refused;
    return textError(413, "payload-too-large");
  }
  common::Result<ClientStatsPayload> p = decodeClientStatsPayloadMsgpack(request.body);
  if (!p.isOk()) {
    ++counters_.stats_payloads_refused;
    return textError(400, p.status().message());
  }
  ++counters_.stats_payloads;
  counters_.bytes_received += request.body.size();
  stats_sink_(std::move(p).value(), header(request, "datadog-meta-lang"), header(request, "datadog-meta-tracer-version"));
  return {200, "", "", {}};
}

// responses.go, httpRateByService: the rates as JSON; "{}" when the tracer has them already.
ReceiverResponse TraceReceiver::rateByService(const ReceiverRequest& request) const {
  ReceiverResponse r{200, "application/json", "", {}};
  const std::string known = header(request, "datadog-rates-payload-version");
  if (!known.empty()) {
    r.headers["Datadog-Rates-Payload-Version"] = rates_version_;
    if (known == rates_version_) {
      r.body = "{}";
      return r;
    }
  }
  nlohmann::json j;
  j["rate_by_service"] = nlohmann::json::object();
  for (const auto& [k, v] : rates_) j["rate_by_service"][k] = v;
  r.body = j.dump() + "\n";
  return r;
}

}  // namespace ddsim::trace
