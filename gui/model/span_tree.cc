#include "gui/model/span_tree.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <utility>

#include "fakeintake/decoders/decoded_json.h"

namespace ddsim::gui {
namespace {

using fakeintake::DecodedSpan;

std::string plural(size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

TraceTree buildChunk(const fakeintake::DecodedTraceChunk& chunk, const fakeintake::DecodedTracerPayload& tp) {
  TraceTree tree;
  tree.priority = chunk.priority;
  tree.env = tp.env;
  tree.language = tp.language_name;
  const auto& spans = chunk.spans;
  const size_t n = spans.size();
  if (n == 0) {
    tree.problems.push_back("the chunk has no spans");
    return tree;
  }

  // The first span with an id is the one its children hang under; later ones are duplicates.
  std::unordered_map<uint64_t, size_t> by_id;
  std::vector<std::string> flag(n);
  size_t duplicates = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!by_id.emplace(spans[i].span_id, i).second) {
      flag[i] = "duplicate";
      ++duplicates;
    }
  }
  std::vector<std::vector<size_t>> children(n);
  std::vector<size_t> roots;
  size_t orphans = 0;
  size_t self_parents = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t parent = spans[i].parent_id;
    if (parent == 0) {
      roots.push_back(i);
      continue;
    }
    auto it = by_id.find(parent);
    if (it == by_id.end()) {
      if (flag[i].empty()) flag[i] = "orphan";
      ++orphans;
      roots.push_back(i);
    } else if (it->second == i) {
      flag[i] = "cycle";  // its own parent
      ++self_parents;
      roots.push_back(i);
    } else {
      children[it->second].push_back(i);
    }
  }
  const auto by_start = [&](size_t a, size_t b) {
    return std::tie(spans[a].start, spans[a].span_id, a) < std::tie(spans[b].start, spans[b].span_id, b);
  };
  std::sort(roots.begin(), roots.end(), by_start);
  for (auto& c : children) std::sort(c.begin(), c.end(), by_start);

  int64_t first = spans[0].start, last = spans[0].start;
  for (const DecodedSpan& s : spans) {
    first = std::min(first, s.start);
    last = std::max(last, s.start + std::max<int64_t>(s.duration, 0));
  }
  tree.start_ns = first;
  tree.duration_ns = last - first;
  const double total = static_cast<double>(tree.duration_ns);

  std::vector<bool> seen(n, false);
  const auto walk = [&](size_t root) {
    std::vector<std::pair<size_t, int>> stack{{root, 0}};
    while (!stack.empty()) {
      const auto [i, depth] = stack.back();
      stack.pop_back();
      if (seen[i]) continue;
      seen[i] = true;
      SpanRow row;
      row.span = spans[i];
      row.depth = depth;
      row.offset_ns = spans[i].start - first;
      const double end = static_cast<double>(row.offset_ns + std::max<int64_t>(spans[i].duration, 0));
      row.from = total > 0 ? static_cast<double>(row.offset_ns) / total : 0.0;
      row.to = total > 0 ? end / total : 1.0;
      row.flag = flag[i];
      row.children = children[i].size();
      if (spans[i].error != 0) ++tree.errors;
      tree.rows.push_back(std::move(row));
      for (auto c = children[i].rbegin(); c != children[i].rend(); ++c) stack.emplace_back(*c, depth + 1);
    }
  };
  for (size_t r : roots) walk(r);
  const size_t in_cycles = self_parents + (n - tree.rows.size());
  for (size_t i = 0; i < n; ++i) {  // not reachable from a root: a parent cycle
    if (seen[i]) continue;
    flag[i] = "cycle";  // set before walk() copies it into the row
    walk(i);
  }

  tree.trace_id = spans[0].trace_id;
  tree.service = tree.rows.front().span.service;
  tree.name = tree.rows.front().span.name;
  size_t mixed = 0;
  for (const DecodedSpan& s : spans) mixed += s.trace_id != tree.trace_id ? 1 : 0;
  if (mixed > 0) tree.problems.push_back(plural(mixed, "span") + " with another trace id than the first span's");
  if (orphans > 0) tree.problems.push_back(plural(orphans, "span") + " whose parent is not in the chunk");
  if (duplicates > 0) tree.problems.push_back(plural(duplicates, "span id") + " seen more than once");
  if (in_cycles > 0) tree.problems.push_back(plural(in_cycles, "span") + " in a parent cycle");
  const size_t rooted = static_cast<size_t>(std::count_if(tree.rows.begin(), tree.rows.end(),
                                                          [](const SpanRow& r) { return r.depth == 0; }));
  if (rooted > 1 && orphans == 0 && in_cycles == 0) tree.problems.push_back(plural(rooted, "root") + " in one chunk");
  return tree;
}

}  // namespace

std::vector<TraceTree> buildSpanTrees(const fakeintake::DecodedAgentPayload& payload) {
  std::vector<TraceTree> out;
  for (const auto& tp : payload.tracer_payloads) {
    for (const auto& chunk : tp.chunks) out.push_back(buildChunk(chunk, tp));
  }
  return out;
}

common::Result<std::vector<TraceTree>> spanTreesFromDecoded(const nlohmann::json& decoded) {
  const std::string route = decoded.value("route", "");
  if (route.find("/api/v0.2/traces") == std::string::npos) {
    return common::invalidArgument("payload on " + route + " is not a trace payload (/api/v0.2/traces)");
  }
  auto items = decoded.find("items");
  if (items == decoded.end() || !items->is_array()) return common::invalidArgument("decoded payload has no items");
  std::vector<TraceTree> out;
  for (const auto& item : *items) {
    auto payload = fakeintake::agentPayloadFromJson(item);
    if (!payload.isOk()) return payload.status();
    auto trees = buildSpanTrees(*payload);
    std::move(trees.begin(), trees.end(), std::back_inserter(out));
  }
  return out;
}

std::string waterfallBar(const SpanRow& row, size_t width) {
  if (width == 0) return {};
  const double w = static_cast<double>(width);
  size_t a = static_cast<size_t>(std::clamp(std::floor(row.from * w), 0.0, w - 1));
  size_t b = static_cast<size_t>(std::clamp(std::ceil(row.to * w), 0.0, w));
  if (b <= a) b = a + 1;
  return std::string(a, ' ') + std::string(b - a, '#') + std::string(width - b, ' ');
}

}  // namespace ddsim::gui
