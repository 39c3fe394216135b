#include "core/trace/client_stats_aggregator.h"

#include <tuple>
#include <utility>

#include "core/trace/normalizer.h"
#include "core/trace/stats_concentrator.h"
#include "core/trace/tag_normalizer.h"

namespace ddsim::trace {

namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kBucketNs = 2 * kSec;         // bucketDuration
constexpr int64_t kClientBucketNs = 10 * kSec;  // clientBucketDuration
constexpr int64_t kOldestNs = 20 * kSec;        // oldestBucketStart

int64_t floorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

struct PayloadKey {
  std::string env, hostname, version, container_id, git_commit_sha, image_tag;
  auto tie() const { return std::tie(env, hostname, version, container_id, git_commit_sha, image_tag); }
  bool operator<(const PayloadKey& o) const { return tie() < o.tie(); }
};

struct GroupKey {
  std::string service, name, span_kind, resource, type;
  bool synthetics;
  uint32_t status_code;
  TraceRootFlag is_trace_root;
  uint64_t peer_tags_hash;
  auto tie() const {
    return std::tie(service, name, span_kind, resource, type, synthetics, status_code, is_trace_root, peer_tags_hash);
  }
  bool operator<(const GroupKey& o) const { return tie() < o.tie(); }
};

struct Counts {
  uint64_t hits = 0, errors = 0, duration = 0;
  std::vector<std::string> peer_tags;
};

// trimCounts: the payload goes on for its distributions only.
ClientStatsPayload trimCounts(ClientStatsPayload p) {
  p.agent_aggregation = "distributions";
  for (StatsBucket& b : p.stats) {
    for (GroupedStats& g : b.stats) g.hits = g.errors = g.duration = 0;
  }
  return p;
}

}  // namespace

int64_t alignClientStatsTs(int64_t ns) { return floorDiv(ns, kBucketNs) * kBucketNs + kSec; }

struct ClientStatsAggregator::Bucket {
  int64_t ts = 0;
  int n = 0;
  ClientStatsPayload first;
  std::map<PayloadKey, std::map<GroupKey, Counts>> agg;

  void aggregate(const ClientStatsPayload& p, bool peer_tags) {
    auto& groups = agg[PayloadKey{p.env, p.hostname, p.version, p.container_id, p.git_commit_sha, p.image_tag}];
    for (const StatsBucket& b : p.stats) {
      for (const GroupedStats& g : b.stats) {
        std::vector<std::string> tags = g.peer_tags;
        GroupKey k{g.service, g.name, g.span_kind, g.resource, g.type, g.synthetics, g.http_status_code,
                   g.is_trace_root, peer_tags ? peerTagsHash(tags) : 0};
        auto [it, added] = groups.try_emplace(std::move(k));
        if (added && peer_tags) it->second.peer_tags = g.peer_tags;
        it->second.hits += g.hits;
        it->second.errors += g.errors;
        it->second.duration += g.duration;
      }
    }
  }

  // bucket.add: the first payload is held; the second releases both, trimmed; later ones go out
  // trimmed at once. Counts are summed from the second on.
  std::vector<ClientStatsPayload> add(ClientStatsPayload p, bool peer_tags) {
    ++n;
    if (n == 1) {
      first = std::move(p);
      return {};
    }
    if (n == 2) {
      aggregate(first, peer_tags);
      aggregate(p, peer_tags);
      std::vector<ClientStatsPayload> out;
      out.push_back(trimCounts(std::move(first)));
      out.push_back(trimCounts(std::move(p)));
      first = {};
      return out;
    }
    aggregate(p, peer_tags);
    std::vector<ClientStatsPayload> out;
    out.push_back(trimCounts(std::move(p)));
    return out;
  }

  std::vector<ClientStatsPayload> flush() {
    std::vector<ClientStatsPayload> out;
    if (n == 1) {
      out.push_back(std::move(first));
      return out;
    }
    for (auto& [pk, groups] : agg) {
      ClientStatsPayload c;
      c.hostname = pk.hostname;
      c.env = pk.env;
      c.version = pk.version;
      c.image_tag = pk.image_tag;
      c.git_commit_sha = pk.git_commit_sha;
      c.agent_aggregation = "counts";
      StatsBucket b{static_cast<uint64_t>(ts), static_cast<uint64_t>(kClientBucketNs), {}, 0};
      for (auto& [k, counts] : groups) {
        GroupedStats g;
        g.service = k.service;
        g.name = k.name;
        g.span_kind = k.span_kind;
        g.resource = k.resource;
        g.http_status_code = k.status_code;
        g.type = k.type;
        g.synthetics = k.synthetics;
        g.is_trace_root = k.is_trace_root;
        g.peer_tags = counts.peer_tags;
        g.hits = counts.hits;
        g.errors = counts.errors;
        g.duration = counts.duration;
        b.stats.push_back(std::move(g));
      }
      c.stats.push_back(std::move(b));
      out.push_back(std::move(c));
    }
    return out;
  }
};

ClientStatsAggregator::ClientStatsAggregator(ClientStatsAggregatorOptions options, int64_t now_ns, Output out)
    : options_(std::move(options)), out_(std::move(out)), oldest_ts_(alignClientStatsTs(now_ns + kBucketNs - kOldestNs)) {}

ClientStatsAggregator::~ClientStatsAggregator() = default;

void ClientStatsAggregator::emit(std::vector<ClientStatsPayload>&& payloads) {
  if (payloads.empty()) return;
  StatsPayload p;
  p.agent_env = options_.agent_env;
  p.agent_hostname = options_.agent_hostname;
  p.agent_version = options_.agent_version;
  p.client_computed = true;
  p.stats = std::move(payloads);
  counters_.payloads_out += p.stats.size();
  if (out_) out_(std::move(p));
}

void ClientStatsAggregator::add(int64_t now_ns, ClientStatsPayload payload) {
  std::lock_guard lock(mu_);
  ++counters_.payloads;
  std::vector<StatsBucket> buckets = std::move(payload.stats);
  for (StatsBucket& cb : buckets) {
    ++counters_.buckets;
    const auto start = static_cast<int64_t>(cb.start);
    // getAggregationBucketTime: too old → the oldest bucket; in the future → now's bucket.
    int64_t ts = alignClientStatsTs(start);
    bool shifted = false;
    if (start < oldest_ts_) {
      ts = oldest_ts_;
      shifted = true;
    } else if (start > now_ns) {
      ts = alignClientStatsTs(now_ns);
      shifted = true;
    }
    if (shifted) {
      ++counters_.buckets_time_shifted;
      cb.agent_time_shift = ts - start;
      cb.start = static_cast<uint64_t>(ts);
    }
    auto& b = buckets_[ts];
    if (!b) {
      b = std::make_unique<Bucket>();
      b->ts = ts;
    }
    ClientStatsPayload one = payload;  // the payload with this one bucket
    one.stats.push_back(std::move(cb));
    emit(b->add(std::move(one), options_.peer_tags_aggregation));
  }
}

void ClientStatsAggregator::tick(int64_t now_ns) {
  std::lock_guard lock(mu_);
  const int64_t flush_ts = alignClientStatsTs(now_ns + kBucketNs - kOldestNs);
  for (auto it = buckets_.begin(); it != buckets_.end() && it->first < flush_ts;) {
    // The agent walks from oldestTs up; a bucket below it cannot exist (starts are moved up).
    emit(it->second->flush());
    it = buckets_.erase(it);
  }
  if (flush_ts > oldest_ts_) oldest_ts_ = flush_ts;
}

void ClientStatsAggregator::flushAll() {
  std::lock_guard lock(mu_);
  for (auto& [ts, b] : buckets_) emit(b->flush());
  buckets_.clear();
}

ClientStatsCounters ClientStatsAggregator::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

common::TelemetrySnapshot ClientStatsAggregator::telemetry() const {
  const ClientStatsCounters c = counters();
  auto d = [](uint64_t v) { return static_cast<double>(v); };
  return {{"trace.client_stats.payloads", d(c.payloads)},
          {"trace.client_stats.buckets", d(c.buckets)},
          {"trace.client_stats.buckets_time_shifted", d(c.buckets_time_shifted)},
          {"trace.client_stats.payloads_out", d(c.payloads_out)}};
}

void processClientStats(ClientStatsPayload& p, const std::string& lang, const std::string& tracer_version,
                        const std::string& agent_env) {
  // No enable_cid_stats: the container dimension is dropped.
  p.container_id.clear();
  p.tags.clear();
  if (p.env.empty()) p.env = agent_env;
  p.env = normalizeTag(p.env);  // traceutil.NormalizeTag in the agent.go read
  if (p.tracer_version.empty()) p.tracer_version = tracer_version;
  if (p.lang.empty()) p.lang = lang;
  for (StatsBucket& b : p.stats) {
    for (GroupedStats& g : b.stats) {
      g.name = normalizeName(g.name).value;
      g.service = normalizeService(g.service, lang).value;
      if (g.resource.empty()) g.resource = g.name;
    }
    // mergeDuplicates: groups with the same key (NewAggregationFromGroup: no type in it) add
    // their counts to the first; the later ones keep their sketches with counts zeroed.
    std::map<GroupKey, size_t> first;
    for (size_t i = 0; i < b.stats.size(); ++i) {
      GroupedStats& g = b.stats[i];
      std::vector<std::string> tags = g.peer_tags;
      GroupKey k{g.service, g.name, g.span_kind, g.resource, "", g.synthetics, g.http_status_code,
                 g.is_trace_root, peerTagsHash(tags)};
      auto [it, added] = first.try_emplace(std::move(k), i);
      if (added) continue;
      GroupedStats& into = b.stats[it->second];
      into.hits += g.hits;
      into.errors += g.errors;
      into.duration += g.duration;
      g.hits = g.errors = g.duration = 0;
    }
  }
}

}  // namespace ddsim::trace
