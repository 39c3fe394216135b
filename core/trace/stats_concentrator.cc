#include "core/trace/stats_concentrator.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <functional>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "core/trace/stats_sketch.h"

namespace ddsim::trace {

namespace {

// Keys as std::string once: the span maps take std::string keys, and building one per lookup
// (heap-allocated past 15 bytes) showed in the benchmark.
const std::string kMeasuredKey = "_dd.measured";             // traceutil.IsMeasured
const std::string kPartialVersionKey = "_dd.partial_version"; // traceutil.IsPartialSnapshot
const std::string kSampleRateKey = "_sample_rate";            // stats/weight.go
const std::string kStatusCodeKey = "http.status_code";
const std::string kSpanKindKey = "span.kind";
const std::string kTopLevel(kTopLevelKey);

const double* findMetric(const Span& s, const std::string& key) {
  auto it = s.metrics.find(key);
  return it == s.metrics.end() ? nullptr : &it->second;
}

std::string_view findMeta(const Span& s, const std::string& key) {
  auto it = s.meta.find(key);
  return it == s.meta.end() ? std::string_view{} : std::string_view(it->second);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// weight.go: 1 / the root's _sample_rate, when that is in (0, 1].
double chunkWeight(const Span& root) {
  const double* r = findMetric(root, kSampleRateKey);
  if (r == nullptr || *r <= 0 || *r > 1) return 1;
  return 1 / *r;
}

struct PayloadKey {
  std::string env, hostname, version, container_id, git_commit_sha, image_tag;
  auto tie() const { return std::tie(env, hostname, version, container_id, git_commit_sha, image_tag); }
  bool operator<(const PayloadKey& o) const { return tie() < o.tie(); }
};

// The bucket-level key, borrowed from the span while looking up.
struct GroupKeyView {
  const PayloadKey* payload;
  std::string_view service, name, resource, type, span_kind;
  uint32_t status_code;
  bool synthetics;
  uint64_t peer_tags_hash;
  TraceRootFlag is_trace_root;
};

struct GroupKey {
  const PayloadKey* payload;  // owned by the concentrator's payload key set, which only grows
  std::string service, name, resource, type, span_kind;
  uint32_t status_code;
  bool synthetics;
  uint64_t peer_tags_hash;
  TraceRootFlag is_trace_root;

  explicit GroupKey(const GroupKeyView& v)
      : payload(v.payload), service(v.service), name(v.name), resource(v.resource), type(v.type),
        span_kind(v.span_kind), status_code(v.status_code), synthetics(v.synthetics),
        peer_tags_hash(v.peer_tags_hash), is_trace_root(v.is_trace_root) {}
  GroupKeyView view() const {
    return {payload, service, name, resource, type, span_kind, status_code, synthetics, peer_tags_hash, is_trace_root};
  }
};

// One string into a running hash, eight bytes per step, inline (std::hash<string_view> was an
// out-of-line call per field, five per span). Only the groups' hash table sees it: the export
// order is sorted, not the table's.
uint64_t mixBytes(uint64_t h, std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 32;
  }
  uint64_t tail = static_cast<uint64_t>(s.size()) << 56;
  for (size_t i = 0; i < n; ++i) tail |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  h = (h ^ tail) * 0xbf58476d1ce4e5b9ULL;
  return h ^ (h >> 29);
}

struct GroupHash {
  using is_transparent = void;
  size_t operator()(const GroupKeyView& k) const {
    size_t x = std::hash<const void*>()(k.payload);
    for (std::string_view s : {k.service, k.name, k.resource, k.type, k.span_kind}) x = mixBytes(x, s);
    x = x * 1099511628211ULL ^ (static_cast<uint64_t>(k.status_code) << 3 | static_cast<uint64_t>(k.synthetics) << 2 |
                                static_cast<uint64_t>(k.is_trace_root));
    return x * 1099511628211ULL ^ k.peer_tags_hash;
  }
  size_t operator()(const GroupKey& k) const { return (*this)(k.view()); }
};

struct GroupEq {
  using is_transparent = void;
  static bool eq(const GroupKeyView& a, const GroupKeyView& b) {
    return a.payload == b.payload && a.status_code == b.status_code && a.synthetics == b.synthetics &&
           a.peer_tags_hash == b.peer_tags_hash && a.is_trace_root == b.is_trace_root && a.service == b.service &&
           a.name == b.name && a.resource == b.resource && a.type == b.type && a.span_kind == b.span_kind;
  }
  bool operator()(const GroupKey& a, const GroupKey& b) const { return eq(a.view(), b.view()); }
  bool operator()(const GroupKeyView& a, const GroupKey& b) const { return eq(a, b.view()); }
  bool operator()(const GroupKey& a, const GroupKeyView& b) const { return eq(a.view(), b); }
};

// statsraw.go groupedStats: counts as doubles (weights), sketches of truncated durations.
struct Group {
  double hits = 0, top_level_hits = 0, errors = 0, duration = 0;
  StatsSketch ok, err;
  std::vector<std::string> peer_tags;
};

const std::vector<std::string> kDefaultPeerTags = {
    "_dd.base_service", "amqp.destination", "amqp.exchange", "amqp.queue", "aws.queue.name", "bucketname",
    "cassandra.cluster", "db.cassandra.contact.points", "db.couchbase.seed.nodes", "db.hostname", "db.instance",
    "db.name", "db.system", "hazelcast.instance", "messaging.kafka.bootstrap.servers", "mongodb.db",
    "msmq.queue.path", "net.peer.name", "network.destination.name", "peer.hostname", "peer.service", "queuename",
    "rpc.service", "rulename", "server.address", "statemachinename", "streamname", "tablename", "topicname"};

std::string sketchBytes(const StatsSketch& s) {
  serializer::ByteBuffer b(64);
  s.encode(b);
  return b.toString();
}

}  // namespace

struct StatsConcentrator::Bucket {
  std::unordered_map<GroupKey, Group, GroupHash, GroupEq> groups;
};

struct StatsConcentrator::KeyStore {
  std::map<PayloadKey, std::unique_ptr<PayloadKey>> keys;
  const PayloadKey* intern(PayloadKey k) {
    auto it = keys.find(k);
    if (it != keys.end()) return it->second.get();
    auto owned = std::make_unique<PayloadKey>(k);
    const PayloadKey* p = owned.get();
    keys.emplace(std::move(k), std::move(owned));
    return p;
  }
};

const std::vector<std::string>& defaultPeerTagKeys() { return kDefaultPeerTags; }

uint64_t roundStochastic(double f, common::Random& random) {
  const auto i = static_cast<uint64_t>(f);
  return random.nextDouble() < f - static_cast<double>(i) ? i + 1 : i;
}

uint32_t statsStatusCode(const Span& span) {
  // 7.39+ tracers may send the code as a metric; it wins over the meta.
  if (const double* m = findMetric(span, kStatusCodeKey)) return static_cast<uint32_t>(static_cast<int64_t>(*m));
  const std::string_view s = findMeta(span, kStatusCodeKey);
  if (s.empty()) return 0;
  uint32_t code = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), code);
  return ec == std::errc() && end == s.data() + s.size() ? code : 0;
}

uint64_t peerTagsHash(std::vector<std::string>& tags) {
  if (tags.empty()) return 0;
  std::sort(tags.begin(), tags.end());
  uint64_t h = 14695981039346656037ULL;
  auto feed = [&h](unsigned char c) {
    h ^= c;
    h *= 1099511628211ULL;
  };
  for (size_t i = 0; i < tags.size(); ++i) {
    if (i > 0) feed(0);
    for (char c : tags[i]) feed(static_cast<unsigned char>(c));
  }
  return h;
}

StatsConcentrator::StatsConcentrator(StatsConcentratorOptions options, int64_t now_ns)
    : options_(std::move(options)),
      keys_(std::make_unique<KeyStore>()),
      // concentrator.go: at start only the current bucket is open, so that stats sent before a
      // restart are not sent again.
      oldest_ts_(now_ns - now_ns % options_.bucket_ns),
      random_(options_.seed) {
  if (options_.peer_tags_aggregation) {
    peer_tag_keys_ = kDefaultPeerTags;
    peer_tag_keys_.insert(peer_tag_keys_.end(), options_.peer_tags.begin(), options_.peer_tags.end());
    std::sort(peer_tag_keys_.begin(), peer_tag_keys_.end());
    peer_tag_keys_.erase(std::unique(peer_tag_keys_.begin(), peer_tag_keys_.end()), peer_tag_keys_.end());
  }
}

StatsConcentrator::~StatsConcentrator() = default;

void StatsConcentrator::add(const TraceChunk& chunk, size_t root, const StatsChunkContext& ctx) {
  const Span& root_span = chunk.spans[root];
  const double weight = chunkWeight(root_span);
  const bool synthetics = chunk.origin.rfind("synthetics", 0) == 0;
  const std::string& env = ctx.tracer_env.empty() ? options_.agent_env : ctx.tracer_env;
  const std::string& host = ctx.tracer_hostname.empty() ? options_.agent_hostname : ctx.tracer_hostname;
  std::lock_guard lock(mu_);
  ++counters_.chunks;
  counters_.spans_seen += chunk.spans.size();
  // Consecutive chunks mostly share their payload key: compare before building one.
  const auto* payload = static_cast<const PayloadKey*>(last_payload_);
  if (payload == nullptr || payload->env != env || payload->hostname != host ||
      payload->version != ctx.app_version || payload->container_id != ctx.container_id ||
      payload->git_commit_sha != ctx.git_commit_sha || payload->image_tag != ctx.image_tag) {
    payload = keys_->intern(
        PayloadKey{env, host, ctx.app_version, ctx.container_id, ctx.git_commit_sha, ctx.image_tag});
    last_payload_ = payload;
  }
  std::vector<std::string> peer_tags;
  for (const Span& s : chunk.spans) {
    const double* top_metric = findMetric(s, kTopLevel);
    const bool top = top_metric != nullptr && *top_metric == 1;
    const std::string_view kind = findMeta(s, kSpanKindKey);
    bool eligible = top;
    if (!eligible) {
      const double* measured = findMetric(s, kMeasuredKey);
      eligible = measured != nullptr && *measured == 1;
    }
    std::string kind_lower;
    if (!eligible && options_.compute_stats_by_span_kind && !kind.empty()) {
      kind_lower = lower(kind);
      eligible = kind_lower == "server" || kind_lower == "consumer" || kind_lower == "client" || kind_lower == "producer";
    }
    if (!eligible) continue;
    if (const double* pv = findMetric(s, kPartialVersionKey); pv != nullptr && *pv >= 0) {
      ++counters_.spans_partial_skipped;
      continue;
    }
    ++counters_.spans_counted;
    // The bucket of the span's end time; one that is already flushed → the oldest open one.
    const int64_t end = s.start + s.duration;
    int64_t btime = end - end % options_.bucket_ns;
    if (btime < oldest_ts_) {
      btime = oldest_ts_;
      ++counters_.spans_late;
    }
    auto& bucket = buckets_[btime];
    if (!bucket) bucket = std::make_unique<Bucket>();
    // aggregation.go NewAggregationFromSpan: peer tags only for client/producer spans.
    peer_tags.clear();
    uint64_t peer_hash = 0;
    if (!peer_tag_keys_.empty() && !kind.empty()) {
      if (kind_lower.empty()) kind_lower = lower(kind);
      if (kind_lower == "client" || kind_lower == "producer") {
        for (const std::string& k : peer_tag_keys_) {
          if (auto it = s.meta.find(k); it != s.meta.end() && !it->second.empty()) peer_tags.push_back(k + ":" + it->second);
        }
        peer_hash = peerTagsHash(peer_tags);
      }
    }
    const GroupKeyView key{payload,  s.service,  s.name,    s.resource,
                           s.type,   kind,       statsStatusCode(s), synthetics,
                           peer_hash, s.parent_id == 0 ? TraceRootFlag::kTrue : TraceRootFlag::kFalse};
    auto it = bucket->groups.find(key);
    if (it == bucket->groups.end()) {
      it = bucket->groups.emplace(GroupKey(key), Group{}).first;
      it->second.peer_tags = peer_tags;
    }
    Group& g = it->second;
    if (top) g.top_level_hits += weight;
    g.hits += weight;
    if (s.error != 0) g.errors += weight;
    g.duration += static_cast<double>(s.duration) * weight;
    // The sketches take each span once, unweighted (statsraw.go add).
    (s.error != 0 ? g.err : g.ok).add(truncateDuration(s.duration));
  }
}

StatsPayload StatsConcentrator::flush(int64_t now_ns, bool force) {
  StatsPayload out;
  out.agent_hostname = options_.agent_hostname;
  out.agent_env = options_.agent_env;
  out.agent_version = options_.agent_version;
  std::lock_guard lock(mu_);
  std::map<const PayloadKey*, size_t> index;  // payload key -> position in out.stats
  std::vector<const PayloadKey*> order;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const int64_t ts = it->first;
    // Keep the buffer_len most recent buckets unless forced (on stop).
    if (!force && ts > now_ns - static_cast<int64_t>(options_.buffer_len) * options_.bucket_ns) {
      ++it;
      continue;
    }
    // Export in a stable order (the agent's is Go map order): by key fields.
    std::vector<std::pair<const GroupKey*, Group*>> groups;
    groups.reserve(it->second->groups.size());
    for (auto& [k, g] : it->second->groups) groups.emplace_back(&k, &g);
    std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
      const GroupKey& x = *a.first;
      const GroupKey& y = *b.first;
      return std::tie(*x.payload, x.service, x.name, x.resource, x.type, x.span_kind, x.status_code, x.synthetics,
                      x.peer_tags_hash, x.is_trace_root) < std::tie(*y.payload, y.service, y.name, y.resource, y.type,
                                                                     y.span_kind, y.status_code, y.synthetics,
                                                                     y.peer_tags_hash, y.is_trace_root);
    });
    std::map<const PayloadKey*, StatsBucket*> bucket_of;
    for (auto& [k, g] : groups) {
      auto pos = index.find(k->payload);
      if (pos == index.end()) {
        pos = index.emplace(k->payload, out.stats.size()).first;
        ClientStatsPayload c;
        c.env = k->payload->env;
        c.hostname = k->payload->hostname;
        c.version = k->payload->version;
        c.container_id = k->payload->container_id;
        c.git_commit_sha = k->payload->git_commit_sha;
        c.image_tag = k->payload->image_tag;
        out.stats.push_back(std::move(c));
      }
      StatsBucket*& b = bucket_of[k->payload];
      if (b == nullptr) {
        auto& buckets = out.stats[pos->second].stats;
        buckets.push_back(StatsBucket{static_cast<uint64_t>(ts), static_cast<uint64_t>(options_.bucket_ns), {}, 0});
        b = &buckets.back();
      }
      GroupedStats s;
      s.service = k->service;
      s.name = k->name;
      s.resource = k->resource;
      s.type = k->type;
      s.span_kind = k->span_kind;
      s.http_status_code = k->status_code;
      s.synthetics = k->synthetics;
      s.is_trace_root = k->is_trace_root;
      s.peer_tags = g->peer_tags;
      s.hits = roundStochastic(g->hits, random_);
      s.errors = roundStochastic(g->errors, random_);
      s.duration = roundStochastic(g->duration, random_);
      s.top_level_hits = roundStochastic(g->top_level_hits, random_);
      s.ok_summary = sketchBytes(g->ok);
      s.error_summary = sketchBytes(g->err);
      b->stats.push_back(std::move(s));
      ++counters_.groups_flushed;
    }
    ++counters_.buckets_flushed;
    it = buckets_.erase(it);
  }
  // No stats for a bucket already flushed: move the oldest open bucket forward.
  const int64_t new_oldest = now_ns - now_ns % options_.bucket_ns -
                             static_cast<int64_t>(options_.buffer_len - 1) * options_.bucket_ns;
  if (new_oldest > oldest_ts_) oldest_ts_ = new_oldest;
  return out;
}

StatsConcentratorCounters StatsConcentrator::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

size_t StatsConcentrator::openBuckets() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

common::TelemetrySnapshot StatsConcentrator::telemetry() const {
  const StatsConcentratorCounters c = counters();
  auto d = [](uint64_t v) { return static_cast<double>(v); };
  return {{"trace.stats.chunks", d(c.chunks)},
          {"trace.stats.spans_seen", d(c.spans_seen)},
          {"trace.stats.spans_counted", d(c.spans_counted)},
          {"trace.stats.spans_partial_skipped", d(c.spans_partial_skipped)},
          {"trace.stats.spans_late", d(c.spans_late)},
          {"trace.stats.buckets_flushed", d(c.buckets_flushed)},
          {"trace.stats.groups_flushed", d(c.groups_flushed)}};
}

}  // namespace ddsim::trace
