#include "simulator/workload/text_generators.h"

#include <cmath>

namespace ddsim::workload {
namespace {

constexpr char kWords[] = "abcdefghijklmnopqrstuvwxyz";

std::string randomWord(common::Random& rng, int64_t len) {
  std::string s;
  s.reserve(static_cast<size_t>(len));
  for (int64_t i = 0; i < len; ++i) {
    // Mostly letters with a space every so often, like prose.
    s += (i > 0 && i + 1 < len && rng.bernoulli(0.15)) ? ' ' : kWords[rng.uniformInt(0, 25)];
  }
  return s;
}

int64_t draw(common::Random& rng, const scenario::Range& r) {
  return rng.uniformInt(static_cast<int64_t>(std::llround(r.first)), static_cast<int64_t>(std::llround(r.second)));
}

void appendTags(std::string& out, common::Random& rng, const scenario::Range& count, const char* prefix) {
  const int64_t n = draw(rng, count);
  if (n <= 0) return;
  out += "|#";
  for (int64_t i = 0; i < n; ++i) {
    if (i) out += ',';
    out += prefix;
    out += std::to_string(i);
    out += ':';
    out += std::to_string(rng.uniformInt(0, 9));
  }
}

}  // namespace

EventGenerator::EventGenerator(const scenario::EventWorkload& workload, uint64_t seed) : w_(workload), rng_(seed) {
  for (int64_t i = 0; i < w_.source_types; ++i) source_types_.push_back("source" + std::to_string(i));
}

std::string EventGenerator::text(const scenario::Range& len) { return randomWord(rng_, draw(rng_, len)); }

std::string EventGenerator::next(int64_t now_unix) {
  std::string title = text(w_.title_length);
  if (title.empty()) title.push_back('t');
  std::string body = text(w_.text_length);
  std::string out = "_e{";
  out += std::to_string(title.size());
  out += ',';
  out += std::to_string(body.size());
  out += "}:";
  out += title;
  out += '|';
  out += body;
  out += "|d:";
  out += std::to_string(now_unix);
  static constexpr const char* kAlerts[] = {"info", "warning", "error", "success"};
  out += "|t:";
  out += kAlerts[rng_.uniformInt(0, 3)];
  out += "|s:";
  out += source_types_[static_cast<size_t>(rng_.uniformInt(0, static_cast<int64_t>(source_types_.size()) - 1))];
  appendTags(out, rng_, w_.tags_per_event, "evtag");
  ++generated_;
  return out;
}

ServiceCheckGenerator::ServiceCheckGenerator(const scenario::ServiceCheckWorkload& workload, uint64_t seed)
    : w_(workload), rng_(seed) {
  for (int64_t i = 0; i < w_.check_names; ++i) names_.push_back("ddsim.check." + std::to_string(i));
}

std::string ServiceCheckGenerator::next(int64_t now_unix) {
  const double weights[] = {w_.weight_ok, w_.weight_warning, w_.weight_critical, w_.weight_unknown};
  double total = weights[0] + weights[1] + weights[2] + weights[3];
  int status = 0;
  if (total > 0) {
    double pick = rng_.uniform(0, total);
    while (status < 3 && pick >= weights[status]) pick -= weights[status++];
  }
  std::string out = "_sc|";
  out += names_[static_cast<size_t>(rng_.uniformInt(0, static_cast<int64_t>(names_.size()) - 1))];
  out += '|';
  out += std::to_string(status);
  out += "|d:";
  out += std::to_string(now_unix);
  appendTags(out, rng_, w_.tags_per_check, "sctag");
  const int64_t mlen = draw(rng_, w_.message_length);
  if (mlen > 0) {
    out += "|m:";
    out += randomWord(rng_, mlen);
  }
  ++generated_;
  return out;
}

}  // namespace ddsim::workload
