#include "simulator/cli/agent_telemetry.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>
#include <vector>

#include "simulator/cli/commands.h"

namespace ddsim::cli {
namespace {

struct Named {
  std::string name;    // Prometheus metric name
  std::string labels;  // `k="v",...` without braces, may be empty
};

std::string sanitize(std::string_view s) {
  std::string out;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    out += ok ? c : '_';
  }
  return out;
}

std::string labelValue(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// The agent's telemetry names (pkg/telemetry: "<subsystem>__<name>"): the forwarder's
// transactions__* (comp/forwarder/defaultforwarder/transaction/telemetry), DogStatsD's
// dogstatsd__processed{message_type,state} (comp/dogstatsd/server/telemetry.go) and the
// aggregator's gauges. Everything else keeps ddsim's key as ddsim__<key>.
Named nameOf(const std::string& key) {
  static const std::map<std::string, std::string, std::less<>> kForwarder = {
      {"input_count", "transactions__input_count"},   {"input_bytes", "transactions__input_bytes"},
      {"success", "transactions__success"},           {"success_bytes", "transactions__success_bytes"},
      {"errors", "transactions__errors"},             {"http_errors", "transactions__http_errors"},
      {"dropped", "transactions__dropped"},           {"requeued", "transactions__requeued"},
      {"retried", "transactions__retries"},           {"retry_queue_size", "transactions__retry_queue_size"},
      {"high_priority_queue_full", "transactions__high_priority_queue_full"},
  };
  static const std::map<std::string, std::string, std::less<>> kForwarderByLabel = {
      {"input_count_by_endpoint", "transactions__input_count{endpoint"},
      {"input_bytes_by_endpoint", "transactions__input_bytes{endpoint"},
      {"success_by_endpoint", "transactions__success{endpoint"},
      {"success_bytes_by_endpoint", "transactions__success_bytes{endpoint"},
      {"dropped_by_endpoint", "transactions__dropped{endpoint"},
      {"requeued_by_endpoint", "transactions__requeued{endpoint"},
      {"retried_by_endpoint", "transactions__retries{endpoint"},
      {"http_errors_by_code", "transactions__http_errors{code"},
      {"errors_by_type", "transactions__errors{error_type"},
      {"dropped_by_reason", "ddsim__transactions__dropped_by_reason{reason"},
  };
  static const std::map<std::string, Named, std::less<>> kExact = {
      {"dogstatsd.MetricPackets", {"dogstatsd__processed", R"(message_type="metrics",state="ok")"}},
      {"dogstatsd.MetricParseErrors", {"dogstatsd__processed", R"(message_type="metrics",state="error")"}},
      {"dogstatsd.EventPackets", {"dogstatsd__processed", R"(message_type="events",state="ok")"}},
      {"dogstatsd.EventParseErrors", {"dogstatsd__processed", R"(message_type="events",state="error")"}},
      {"dogstatsd.ServiceCheckPackets", {"dogstatsd__processed", R"(message_type="service_checks",state="ok")"}},
      {"dogstatsd.ServiceCheckParseErrors",
       {"dogstatsd__processed", R"(message_type="service_checks",state="error")"}},
      {"aggregator.DogstatsdContexts", {"aggregator__dogstatsd_contexts", ""}},
      // Datagrams lost before parsing, by reason (issue 15).
      {"dogstatsd.dropped.queue_full_packets", {"ddsim__dogstatsd_dropped_packets", R"(reason="queue_full")"}},
      {"dogstatsd.dropped.queue_full_bytes", {"ddsim__dogstatsd_dropped_bytes", R"(reason="queue_full")"}},
      {"dogstatsd.dropped.kernel_drops", {"ddsim__dogstatsd_dropped_packets", R"(reason="kernel_drops")"}},
  };
  if (auto it = kExact.find(key); it != kExact.end()) return it->second;
  const std::string tx = "forwarder.transactions.";
  if (startsWith(key, tx)) {
    const std::string_view rest = std::string_view(key).substr(tx.size());
    if (auto it = kForwarder.find(rest); it != kForwarder.end()) return {it->second, ""};
    // dropped_by_endpoint_reason.<endpoint>.<reason>: two labels (neither name has a dot).
    constexpr std::string_view kByEndpointReason = "dropped_by_endpoint_reason.";
    if (startsWith(rest, kByEndpointReason)) {
      const std::string_view pair = rest.substr(kByEndpointReason.size());
      const auto sep = pair.find('.');
      if (sep != std::string_view::npos) {
        return {"ddsim__transactions__dropped_by_endpoint_reason",
                "endpoint=\"" + labelValue(pair.substr(0, sep)) + "\",reason=\"" + labelValue(pair.substr(sep + 1)) +
                    "\""};
      }
    }
    const auto dot = rest.find('.');
    if (dot != std::string_view::npos) {
      if (auto it = kForwarderByLabel.find(rest.substr(0, dot)); it != kForwarderByLabel.end()) {
        const auto brace = it->second.find('{');
        return {it->second.substr(0, brace),
                it->second.substr(brace + 1) + "=\"" + labelValue(rest.substr(dot + 1)) + "\""};
      }
    }
  }
  // The trace receiver's counters by service or reason: one metric with a label.
  static const std::map<std::string, Named, std::less<>> kTraceByLabel = {
      {"trace.receiver.traces_by_service.", {"ddsim__trace_receiver_traces", "service"}},
      {"trace.receiver.spans_by_service.", {"ddsim__trace_receiver_spans", "service"}},
      {"trace.receiver.traces_dropped.", {"ddsim__trace_receiver_traces_dropped", "reason"}},
      {"trace.receiver.payloads_refused.", {"ddsim__trace_receiver_payloads_refused", "reason"}},
      {"trace.receiver.payloads_by_endpoint.", {"ddsim__trace_receiver_payloads_accepted", "endpoint"}},
      {"trace.processor.traces_dropped.", {"ddsim__trace_processor_traces_dropped", "reason"}},
      {"trace.processor.traces_sampled_out.", {"ddsim__trace_processor_traces_sampled_out", "reason"}},
      {"trace.processor.spans_normalized.", {"ddsim__trace_processor_spans_normalized", "reason"}},
  };
  for (const auto& [prefix, named] : kTraceByLabel) {
    if (startsWith(key, prefix)) {
      return {named.name, named.labels + "=\"" + labelValue(std::string_view(key).substr(prefix.size())) + "\""};
    }
  }
  return {"ddsim__" + sanitize(key), ""};
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

std::string prometheusText(const common::TelemetrySnapshot& snapshot) {
  std::map<std::string, std::vector<std::pair<std::string, double>>> by_name;
  for (const auto& [key, value] : snapshot) {
    Named n = nameOf(key);
    by_name[n.name].emplace_back(std::move(n.labels), value);
  }
  std::string out;
  for (const auto& [name, samples] : by_name) {
    out += "# TYPE " + name + " untyped\n";
    for (const auto& [labels, value] : samples) {
      out += name;
      if (!labels.empty()) out += "{" + labels + "}";
      out += " " + number(value) + "\n";
    }
  }
  return out;
}

TelemetryEndpoint::~TelemetryEndpoint() { stop(); }

common::Result<int> TelemetryEndpoint::start(int port) {
  server_.Get("/telemetry", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(mu_);
    res.set_content(text_, "text/plain; version=0.0.4");
  });
  server_.Get("/telemetry.json", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(mu_);
    res.set_content(json_.empty() ? "{}" : json_, "application/json");
  });
  const int bound = port == 0 ? server_.bind_to_any_port("127.0.0.1") : (server_.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound <= 0) return common::ioError("cannot listen on 127.0.0.1:" + std::to_string(port) + " for telemetry");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // stop() only reaches a server that is listening: wait (bounded) until it is.
  for (int i = 0; i < 2000 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return bound;
}

void TelemetryEndpoint::update(const common::TelemetrySnapshot& snapshot) {
  std::string text = prometheusText(snapshot);
  std::string json = nlohmann::json(snapshot).dump();
  std::lock_guard lock(mu_);
  text_ = std::move(text);
  json_ = std::move(json);
}

void TelemetryEndpoint::stop() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

std::map<std::string, double> parsePrometheusText(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto sp = line.rfind(' ');
    if (sp == std::string::npos || sp == 0) continue;
    try {
      out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
    } catch (const std::exception&) {
      continue;  // a value that is not a number: skipped
    }
  }
  return out;
}

namespace {

// Sum of every sample of `name` (any labels), and the samples by one label's value.
struct Series {
  double total = 0;
  std::map<std::string, double> by_label;
};

Series series(const std::map<std::string, double>& m, const std::string& name) {
  // The unlabelled sample is the total when there is one (the forwarder exports both its total
  // and its per-endpoint counts under one name); otherwise the labelled samples add up.
  Series s;
  bool has_total = false;
  double labelled = 0;
  for (auto it = m.lower_bound(name); it != m.end() && startsWith(it->first, name); ++it) {
    const std::string& k = it->first;
    if (k.size() == name.size()) {
      s.total = it->second;
      has_total = true;
    } else if (k[name.size()] == '{') {
      labelled += it->second;
      const auto q1 = k.find('"');
      const auto q2 = k.find('"', q1 + 1);
      if (q1 != std::string::npos && q2 != std::string::npos) s.by_label[k.substr(q1 + 1, q2 - q1 - 1)] += it->second;
    }
  }
  if (!has_total) s.total = labelled;
  return s;
}

void section(const char* title) {
  std::printf("\n%s\n", std::string(std::string_view(title).size(), '=').c_str());
  std::printf("%s\n%s\n", title, std::string(std::string_view(title).size(), '=').c_str());
}

}  // namespace

int printAgentStatus(const std::string& url) {
  // url: http://host:port/path
  const auto scheme_end = url.find("://");
  const auto path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  const std::string origin = url.substr(0, path_start);
  const std::string path = path_start == std::string::npos ? "/telemetry" : url.substr(path_start);
  httplib::Client client(origin);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(5));
  auto res = client.Get(path);
  if (!res || res->status != 200) {
    std::fprintf(stderr,
                 "Could not reach the agent's telemetry at %s (%s). Is `ddsim agent` running with "
                 "telemetry.enabled: true, and is expvar_port right?\n",
                 url.c_str(), res ? ("HTTP " + std::to_string(res->status)).c_str() : httplib::to_string(res.error()).c_str());
    return kExitSetupError;
  }
  const auto m = parsePrometheusText(res->body);
  const auto v = [&](const std::string& name) { return series(m, name).total; };
  std::printf("Agent (ddsim) status, from %s\n", url.c_str());

  section("Forwarder");
  std::printf("  Transactions\n");
  std::printf("    Input: %.0f (%.0f bytes)\n", v("transactions__input_count"), v("transactions__input_bytes"));
  std::printf("    Success: %.0f (%.0f bytes)\n", v("transactions__success"), v("transactions__success_bytes"));
  for (const auto& [ep, n] : series(m, "transactions__success").by_label) std::printf("      %s: %.0f\n", ep.c_str(), n);
  std::printf("    Errors: %.0f\n", v("transactions__errors"));
  std::printf("    HTTP errors: %.0f\n", v("transactions__http_errors"));
  for (const auto& [code, n] : series(m, "transactions__http_errors").by_label) {
    std::printf("      %s: %.0f\n", code.c_str(), n);
  }
  std::printf("    Retried: %.0f\n", v("transactions__retries"));
  std::printf("    Requeued: %.0f\n", v("transactions__requeued"));
  std::printf("    RetryQueueSize: %.0f (%.0f bytes)\n", v("transactions__retry_queue_size"),
              v("ddsim__forwarder_retry_queue_bytes"));
  std::printf("    HighPriorityQueueFull: %.0f\n", v("transactions__high_priority_queue_full"));
  const Series lost = series(m, "ddsim__transactions__dropped_by_reason");
  std::printf("    Dropped: %.0f (agent's count: %.0f)\n", lost.total, v("transactions__dropped"));
  for (const auto& [reason, n] : lost.by_label) std::printf("      %s: %.0f\n", reason.c_str(), n);
  std::printf("  On-disk storage\n");
  std::printf("    Files: %.0f (%.0f bytes); written %.0f, read %.0f\n", v("ddsim__forwarder_disk_files"),
              v("ddsim__forwarder_disk_bytes"), v("ddsim__forwarder_disk_files_written"),
              v("ddsim__forwarder_disk_files_read"));

  section("Aggregator");
  std::printf("  Flushes: %.0f\n", v("ddsim__aggregator_NumberOfFlush"));
  std::printf("  Series flushed: %.0f\n", v("ddsim__aggregator_SeriesFlushed"));
  std::printf("  Sketches flushed: %.0f\n", v("ddsim__aggregator_SketchesFlushed"));
  std::printf("  DogStatsD metric samples: %.0f\n", v("ddsim__aggregator_DogstatsdMetricSample"));
  std::printf("  DogStatsD contexts: %.0f\n", v("aggregator__dogstatsd_contexts"));
  for (auto it = m.lower_bound("ddsim__aggregator_dropped_"); it != m.end() && startsWith(it->first, "ddsim__aggregator_dropped_"); ++it) {
    std::printf("  Dropped %s: %.0f\n", it->first.substr(26).c_str(), it->second);
  }

  section("DogStatsD");
  std::printf("  Packets: %.0f (%.0f bytes)\n", v("ddsim__dogstatsd_packets"), v("ddsim__dogstatsd_bytes"));
  const Series lost_packets = series(m, "ddsim__dogstatsd_dropped_packets");
  std::printf("  Packets dropped: %.0f\n", lost_packets.total);
  for (const auto& [reason, n] : lost_packets.by_label) std::printf("    %s: %.0f\n", reason.c_str(), n);
  std::printf("  Packet queue: %.0f bytes (peak %.0f, ceiling %.0f)\n", v("ddsim__dogstatsd_queue_bytes"),
              v("ddsim__dogstatsd_queue_peak_bytes"), v("ddsim__dogstatsd_queue_max_bytes"));
  const std::string processed = "dogstatsd__processed{";
  for (auto it = m.lower_bound(processed); it != m.end() && startsWith(it->first, processed); ++it) {
    std::printf("  Processed %s: %.0f\n", it->first.substr(processed.size() - 1).c_str(), it->second);
  }

  // The trace receiver, when apm_config.enabled (the agent's "APM Agent" section).
  if (m.count("ddsim__trace_receiver_traces_received") != 0) {
    section("APM Agent");
    std::printf("  Receiver\n");
    const Series accepted = series(m, "ddsim__trace_receiver_payloads_accepted");
    std::printf("    Payloads accepted: %.0f\n", accepted.total);
    for (const auto& [ep, n] : accepted.by_label) std::printf("      %s: %.0f\n", ep.c_str(), n);
    std::printf("    Traces received: %.0f\n", v("ddsim__trace_receiver_traces_received"));
    for (const auto& [svc, n] : series(m, "ddsim__trace_receiver_traces").by_label) {
      std::printf("      service:%s: %.0f\n", svc.c_str(), n);
    }
    std::printf("    Spans received: %.0f\n", v("ddsim__trace_receiver_spans_received"));
    const Series refused = series(m, "ddsim__trace_receiver_payloads_refused");
    std::printf("    Payloads refused: %.0f\n", refused.total);
    for (const auto& [reason, n] : refused.by_label) std::printf("      %s: %.0f\n", reason.c_str(), n);
    const Series dropped = series(m, "ddsim__trace_receiver_traces_dropped");
    std::printf("    Traces dropped: %.0f\n", dropped.total);
    for (const auto& [reason, n] : dropped.by_label) std::printf("      %s: %.0f\n", reason.c_str(), n);
    const Series refused_traces = series(m, "ddsim__trace_processor_traces_dropped");
    std::printf("  Processing\n    Traces refused by the normalizer: %.0f\n", refused_traces.total);
    for (const auto& [reason, n] : refused_traces.by_label) std::printf("      %s: %.0f\n", reason.c_str(), n);
    const Series sampled_out = series(m, "ddsim__trace_processor_traces_sampled_out");
    std::printf("    Traces sampled out: %.0f\n", sampled_out.total);
    for (const auto& [reason, n] : sampled_out.by_label) std::printf("      %s: %.0f\n", reason.c_str(), n);
    std::printf("  Writer (/api/v0.2/traces)\n");
    std::printf("    Payloads: %.0f\n", v("ddsim__trace_writer_payloads"));
    std::printf("    Traces: %.0f\n", v("ddsim__trace_writer_traces"));
    std::printf("    Spans: %.0f\n", v("ddsim__trace_writer_spans"));
    std::printf("    Bytes: %.0f (uncompressed %.0f)\n", v("ddsim__trace_writer_bytes"),
                v("ddsim__trace_writer_bytes_uncompressed"));
  }
  return kExitOk;
}

}  // namespace ddsim::cli
