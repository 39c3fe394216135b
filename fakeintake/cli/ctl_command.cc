#include "fakeintake/cli/ctl_command.h"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "fakeintake/client/fakeintake_client.h"
#include "fakeintake/core/http_message.h"
#include "fakeintake/decoders/decoded_json.h"

namespace ddsim::fakeintake {

using nlohmann::json;

CLI::App* addCtlCommand(CLI::App& app, CtlArgs& a) {
  CLI::App* ctl = app.add_subcommand("ctl", "Query and control a running fakeintake");
  ctl->add_option("--url", a.url, "fakeintake URL, e.g. http://127.0.0.1:8080")->envname("FAKEINTAKE_URL")->required();
  ctl->require_subcommand(1);
  // fakeintakectl (cobra) accepts its global flags anywhere: an option a subcommand does not
  // know falls through to its parent. Inherited by every subcommand added below.
  ctl->fallthrough();
  auto command = [&a](CLI::App* sub, const char* name) { sub->callback([&a, name] { a.command = name; }); };

  command(ctl->add_subcommand("route-stats", "Payload counts, requests and bytes per route"), "route-stats");
  command(ctl->add_subcommand("flush", "Delete every stored payload"), "flush");
  command(ctl->add_subcommand("health", "Check that the server answers"), "health");

  CLI::App* filter = ctl->add_subcommand("filter", "Filter decoded items");
  filter->require_subcommand(1);
  CLI::App* metrics = filter->add_subcommand("metrics", "Series matching every given condition");
  command(metrics, "filter-metrics");
  metrics->add_option("--name", a.name, "Exact metric name");
  metrics->add_option("--tags", a.tags, "Tags that must all be present (comma separated)")->delimiter(',');
  metrics->add_option("--tag-regex", a.tag_regexes, "Regexes that must each match a tag (repeatable)");
  metrics->add_option("--min", a.min_value, "Lowest value (inclusive)");
  metrics->add_option("--max", a.max_value, "Highest value (inclusive)");
  metrics->add_flag("--all-points", a.all_points, "Every point must be in range (default: any one point)");
  metrics->add_option("--type", a.type, "gauge, rate or count")->check(CLI::IsMember({"gauge", "rate", "count"}));
  metrics->add_option("--from", a.from_ts, "Points from this unix time (inclusive)");
  metrics->add_option("--to", a.to_ts, "Points before this unix time");

  CLI::App* get = ctl->add_subcommand("get", "Fetch stored items");
  get->require_subcommand(1);
  CLI::App* payloads = get->add_subcommand("payloads", "Stored payloads of a route");
  command(payloads, "get-payloads");
  payloads->add_option("--endpoint", a.endpoint, "Route, e.g. /api/v2/series")->required();
  payloads->add_option("--format", a.format, "json = decoded; default raw (base64)");
  payloads->add_option("--cursor", a.cursor, "Only payloads after this cursor");
  command(get->add_subcommand("metric-names", "Names of every stored series"), "get-metric-names");
  // fakeintakectl's spelling: `get metric names`.
  CLI::App* metric = get->add_subcommand("metric", "Stored series (fakeintakectl spelling)");
  metric->require_subcommand(1);
  command(metric->add_subcommand("names", "Names of every stored series"), "get-metric-names");
  CLI::App* runs = get->add_subcommand("check-runs", "Decoded check runs");
  runs->alias("check-run");  // fakeintakectl's spelling
  command(runs, "get-check-runs");
  runs->add_option("--name", a.name, "Only this check");
  CLI::App* events = get->add_subcommand("events", "Decoded events");
  command(events, "get-events");
  events->add_option("--source", a.name, "Only this source type");
  CLI::App* sketches = get->add_subcommand("sketches", "Decoded sketches");
  command(sketches, "get-sketches");
  sketches->add_option("--name", a.name, "Only this metric");

  CLI::App* faults = ctl->add_subcommand("faults", "Scripted faults");
  faults->require_subcommand(1);
  CLI::App* set = faults->add_subcommand("set", "Install rules from a JSON file ('-' = stdin)");
  command(set, "faults-set");
  set->add_option("file", a.file, "JSON file with {\"rules\":[...]}")->required();
  set->add_flag("--append", a.append, "Append instead of replacing");
  command(faults->add_subcommand("get", "Show rules and their state"), "faults-get");
  command(faults->add_subcommand("clear", "Remove every rule"), "faults-clear");

  CLI::App* violations = ctl->add_subcommand("violations", "Intake property violations");
  command(violations, "violations");
  violations->add_option("--route", a.route, "Only this route");
  violations->add_option("--property", a.property, "Only this property, e.g. Pyld10");
  return ctl;
}

namespace {

int fail(std::ostream& err, const common::Status& s) {
  err << "fakeintake ctl: " << s.message() << "\n";
  return 1;
}

std::string readAll(const std::string& file, bool& ok) {
  std::stringstream ss;
  if (file == "-") {
    ss << std::cin.rdbuf();
    ok = true;
  } else {
    std::ifstream in(file);
    ok = static_cast<bool>(in);
    ss << in.rdbuf();
  }
  return ss.str();
}

template <typename T>
int printItems(const common::Result<std::vector<T>>& items, std::ostream& out, std::ostream& err) {
  if (!items.isOk()) return fail(err, items.status());
  for (const auto& i : *items) out << toJson(i).dump() << "\n";
  return items->empty() ? 2 : 0;
}

int routeStats(FakeintakeClient& c, std::ostream& out, std::ostream& err) {
  auto stats = c.routeStats();
  if (!stats.isOk()) return fail(err, stats.status());
  out << std::left << std::setw(40) << "ROUTE" << std::right << std::setw(8) << "STORED" << std::setw(10)
      << "REQUESTS" << std::setw(14) << "BYTES" << std::setw(16) << "UNCOMPRESSED" << std::setw(8) << "ERRORS"
      << std::setw(11) << "VIOLATIONS" << "\n";
  for (const auto& [route, s] : *stats) {
    out << std::left << std::setw(40) << route << std::right << std::setw(8) << s.count << std::setw(10)
        << s.requests << std::setw(14) << s.bytes_compressed << std::setw(16) << s.bytes_uncompressed
        << std::setw(8) << s.decode_errors << std::setw(11) << s.violations << "\n";
  }
  return 0;
}

}  // namespace

int runCtl(const CtlArgs& a, std::ostream& out, std::ostream& err) {
  auto created = FakeintakeClient::create(a.url);
  if (!created.isOk()) return fail(err, created.status());
  FakeintakeClient& c = **created;
  const std::string& cmd = a.command;
  if (cmd == "route-stats") return routeStats(c, out, err);
  if (cmd == "flush") {
    auto s = c.flush();
    return s.isOk() ? 0 : fail(err, s);
  }
  if (cmd == "health") {
    auto s = c.health();
    if (!s.isOk()) return fail(err, s);
    out << "ok " << c.serverId() << "\n";
    return 0;
  }
  if (cmd == "filter-metrics") {
    MetricFilter f;
    f.name = a.name;
    f.tags = a.tags;
    f.tag_regexes = a.tag_regexes;
    f.min_value = a.min_value;
    f.max_value = a.max_value;
    f.value_match = a.all_points ? ValueMatch::kAllPoints : ValueMatch::kAnyPoint;
    if (!a.type.empty()) f.type = seriesTypeFromName(a.type);
    f.from_ts = a.from_ts;
    f.to_ts = a.to_ts;
    return printItems(c.filterMetrics(f), out, err);
  }
  if (cmd == "get-payloads") {
    if (a.format == "json") {
      auto doc = c.getControlJson("/fakeintake/payloads?format=json&endpoint=" + percentEncode(a.endpoint) +
                                  "&cursor=" + std::to_string(a.cursor));
      if (!doc.isOk()) return fail(err, doc.status());
      const json& list = (*doc)["payloads"];
      for (const auto& p : list) out << p.dump() << "\n";
      err << "next cursor: " << doc->value("next_cursor", a.cursor) << "\n";
      return list.empty() ? 2 : 0;
    }
    uint64_t next = 0;
    auto raw = c.payloads(a.endpoint, a.cursor, &next);
    if (!raw.isOk()) return fail(err, raw.status());
    for (const auto& p : *raw) {
      json j = {{"id", p.id},           {"timestamp", p.timestamp}, {"encoding", p.encoding},
                {"content_type", p.content_type}, {"size", p.data.size()}, {"status", p.status}};
      if (!p.decode_error.empty()) j["decode_error"] = p.decode_error;
      if (p.violations) j["violations"] = p.violations;
      out << j.dump() << "\n";
    }
    err << "next cursor: " << next << "\n";
    return raw->empty() ? 2 : 0;
  }
  if (cmd == "get-metric-names") {
    auto names = c.metricNames();
    if (!names.isOk()) return fail(err, names.status());
    for (const auto& n : *names) out << n << "\n";
    return names->empty() ? 2 : 0;
  }
  if (cmd == "get-check-runs") return printItems(c.checkRuns(a.name), out, err);
  if (cmd == "get-events") return printItems(c.events(a.name), out, err);
  if (cmd == "get-sketches") return printItems(c.sketches(a.name), out, err);
  if (cmd == "faults-set") {
    bool ok = false;
    std::string text = readAll(a.file, ok);
    if (!ok) return fail(err, common::ioError("cannot read " + a.file));
    auto s = c.setFaultsJson(text, a.append);
    return s.isOk() ? 0 : fail(err, s);
  }
  if (cmd == "faults-get") {
    auto state = c.faultState();
    if (!state.isOk()) return fail(err, state.status());
    out << state->dump(2) << "\n";
    return 0;
  }
  if (cmd == "faults-clear") {
    auto s = c.clearFaults();
    return s.isOk() ? 0 : fail(err, s);
  }
  if (cmd == "violations") {
    auto v = c.violations(a.route, a.property);
    if (!v.isOk()) return fail(err, v.status());
    for (const auto& x : *v) {
      out << x.property << "\t" << x.route << "\tpayload " << x.payload_id << "\t" << x.message << "\n";
    }
    return v->empty() ? 2 : 0;
  }
  err << "fakeintake ctl: no command\n";
  return 1;
}

}  // namespace ddsim::fakeintake
