// The stats writer and the msgpack StatsPayload (docs/trace-agent.md §8.3; the agent's
// pkg/trace/writer/stats.go and pkg/proto/pbgo/trace/stats_gen.go). The bytes are read back with
// msgpack-cxx directly (key names, types), independently of ddsim's decoder.
#include "core/trace/stats_writer.h"

#include <gtest/gtest.h>

#include <msgpack.hpp>

#include "tests/unit/serializer/serializer_test_support.h"

namespace ddsim::trace {
namespace {

GroupedStats group(std::string resource, uint64_t hits) {
  GroupedStats g;
  g.service = "web";
  g.name = "http.request";
  g.resource = std::move(resource);
  g.hits = hits;
  g.top_level_hits = hits;
  g.duration = 100 * hits;
  g.ok_summary = std::string("\x0a\x09\x09\x00\x00\x00\x00\x00\x00\xf0\x3f", 11);
  g.is_trace_root = TraceRootFlag::kTrue;
  return g;
}

ClientStatsPayload client(std::string env, int buckets, int per_bucket) {
  ClientStatsPayload c;
  c.env = std::move(env);
  c.hostname = "h";
  c.version = "1.0";
  c.git_commit_sha = "abc";
  c.tags = {"kube:x"};
  for (int b = 0; b < buckets; ++b) {
    StatsBucket bucket{static_cast<uint64_t>(b) * 10'000'000'000, 10'000'000'000, {}, 0};
    for (int i = 0; i < per_bucket; ++i) bucket.stats.push_back(group("r" + std::to_string(b * 1000 + i), 1));
    c.stats.push_back(std::move(bucket));
  }
  return c;
}

StatsPayload payload(std::vector<ClientStatsPayload> clients) {
  StatsPayload p;
  p.agent_hostname = "agent-host";
  p.agent_env = "none";
  p.agent_version = "7.99.0";
  p.stats = std::move(clients);
  return p;
}

std::map<std::string, msgpack::object> asMap(const msgpack::object& o) {
  std::map<std::string, msgpack::object> m;
  EXPECT_EQ(o.type, msgpack::type::MAP);
  for (uint32_t i = 0; i < o.via.map.size; ++i) m[o.via.map.ptr[i].key.as<std::string>()] = o.via.map.ptr[i].val;
  return m;
}

TEST(StatsPayloadMsgpack, KeysAndTypesAsTheAgentsMsgpCode) {
  const StatsPayload p = payload({client("prod", 1, 1)});
  const std::string bytes = encodeStatsPayloadMsgpack(p);
  msgpack::object_handle oh = msgpack::unpack(bytes.data(), bytes.size());
  auto top = asMap(oh.get());
  EXPECT_EQ(top.size(), 6u);
  EXPECT_EQ(top.at("AgentHostname").as<std::string>(), "agent-host");
  EXPECT_EQ(top.at("AgentEnv").as<std::string>(), "none");
  EXPECT_EQ(top.at("AgentVersion").as<std::string>(), "7.99.0");
  EXPECT_EQ(top.at("ClientComputed").type, msgpack::type::BOOLEAN);
  EXPECT_EQ(top.at("SplitPayload").type, msgpack::type::BOOLEAN);
  auto c = asMap(top.at("Stats").via.array.ptr[0]);
  EXPECT_EQ(c.size(), 14u);
  for (const char* k : {"Hostname", "Env", "Version", "Lang", "TracerVersion", "RuntimeID", "AgentAggregation",
                        "Service", "ContainerID", "GitCommitSha", "ImageTag"}) {
    EXPECT_EQ(c.at(k).type, msgpack::type::STR) << k;
  }
  EXPECT_EQ(c.at("Sequence").type, msgpack::type::POSITIVE_INTEGER);
  auto b = asMap(c.at("Stats").via.array.ptr[0]);
  EXPECT_EQ(b.size(), 4u);
  EXPECT_EQ(b.at("Duration").as<uint64_t>(), 10'000'000'000u);
  auto g = asMap(b.at("Stats").via.array.ptr[0]);
  EXPECT_EQ(g.size(), 16u);
  EXPECT_EQ(g.at("Resource").as<std::string>(), "r0");
  EXPECT_EQ(g.at("Hits").as<uint64_t>(), 1u);
  EXPECT_EQ(g.at("OkSummary").type, msgpack::type::BIN);
  EXPECT_EQ(g.at("PeerTags").type, msgpack::type::ARRAY);
  EXPECT_EQ(g.at("IsTraceRoot").as<int>(), 1);
  // And ddsim's decoder gives the same payload back.
  auto back = decodeStatsPayloadMsgpack(bytes);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_EQ(*back, p);
}

TEST(StatsPayloadMsgpack, EmptyStatsAreLeftOutAndBadInputIsNamed) {
  const std::string bytes = encodeStatsPayloadMsgpack(payload({}));
  msgpack::object_handle oh = msgpack::unpack(bytes.data(), bytes.size());
  EXPECT_EQ(asMap(oh.get()).count("Stats"), 0u);
  struct Row {
    std::string body;
    const char* want;
  };
  msgpack::sbuffer bad_hits;
  msgpack::packer<msgpack::sbuffer> pk(bad_hits);
  pk.pack_map(1);
  pk.pack(std::string("Stats"));
  pk.pack_array(1);
  pk.pack_map(1);
  pk.pack(std::string("Stats"));
  pk.pack_array(1);
  pk.pack_map(1);
  pk.pack(std::string("Stats"));
  pk.pack_array(1);
  pk.pack_map(1);
  pk.pack(std::string("Hits"));
  pk.pack(std::string("many"));
  const Row rows[] = {
      {std::string(bad_hits.data(), bad_hits.size()), "Stats[0].Stats[0].Stats[0].Hits: expected uint64"},
      {bytes.substr(0, bytes.size() - 1), "unexpected end"},
      {bytes + "x", "1 bytes after the payload"},
      {"\x91\x01", "payload: expected map"},
  };
  for (const Row& r : rows) {
    auto res = decodeStatsPayloadMsgpack(r.body);
    ASSERT_FALSE(res.isOk()) << r.want;
    EXPECT_NE(res.status().message().find(r.want), std::string::npos) << res.status().message();
  }
}

// stats.go buildPayloads / splitPayload with maxEntriesPerPayload.
TEST(StatsWriterSplit, AsTheAgentSplitsAndGroups) {
  struct Row {
    const char* why;
    std::vector<ClientStatsPayload> clients;
    size_t max;
    std::vector<size_t> want_entries;  // per StatsPayload
  };
  const Row rows[] = {
      {"nothing to send", {}, 4, {}},
      {"under the limit: one payload", {client("a", 1, 3)}, 4, {3}},
      {"two clients fit together", {client("a", 1, 2), client("b", 1, 2)}, 4, {4}},
      {"the second client overflows: new payload", {client("a", 1, 3), client("b", 1, 2)}, 4, {3, 2}},
      {"exactly max entries in one client is cut in one piece", {client("a", 2, 2)}, 4, {4}},
      {"9 entries, max 4: three pieces of 3", {client("a", 3, 3)}, 4, {3, 3, 3}},
  };
  for (const Row& r : rows) {
    const auto out = buildStatsPayloads(payload(r.clients), r.max);
    ASSERT_EQ(out.size(), r.want_entries.size()) << r.why;
    for (size_t i = 0; i < out.size(); ++i) {
      EXPECT_EQ(statsEntries(out[i]), r.want_entries[i]) << r.why;
      EXPECT_EQ(out[i].split_payload, out.size() > 1) << r.why;
      EXPECT_EQ(out[i].agent_version, "7.99.0") << r.why;
    }
  }
  // Round-robin pieces: one bucket per time window in each, metadata kept but not the git sha.
  const auto pieces = buildStatsPayloads(payload({client("a", 3, 3)}), 4);
  const ClientStatsPayload& first = pieces[0].stats.at(0);
  EXPECT_EQ(first.env, "a");
  EXPECT_EQ(first.version, "1.0");
  EXPECT_EQ(first.git_commit_sha, "") << "agent quirk: splitPayload does not copy it";
  EXPECT_EQ(first.stats.size(), 3u);
  EXPECT_EQ(first.stats[0].stats.at(0).resource, "r0");
  EXPECT_EQ(first.stats[1].stats.at(0).resource, "r1000");
  // No container id: the tags are dropped (resolveContainerTags).
  EXPECT_TRUE(buildStatsPayloads(payload({client("a", 1, 1)}), 4).at(0).stats.at(0).tags.empty());
}

TEST(StatsWriter, SubmitsGzippedMsgpackToStatsWithTheAgentsHeaders) {
  serializer::testing::RecordingForwarder fwd;
  StatsWriterOptions o;
  o.max_entries_per_payload = 4;
  StatsWriter w(o, fwd);
  w.write(payload({client("a", 3, 3)}), "nodejs|python");
  w.write(payload({}), "");
  ASSERT_EQ(fwd.submissions.size(), 3u);
  auto gzip = serializer::makeCompressor(serializer::CompressorKind::kGzip);
  size_t hits = 0;
  for (const auto& s : fwd.submissions) {
    EXPECT_EQ(s.endpoint, serializer::Endpoint::kStats);
    const serializer::Headers want = {{"Content-Type", "application/msgpack"},
                                      {"Content-Encoding", "gzip"},
                                      {"X-Datadog-Reported-Languages", "nodejs|python"}};
    EXPECT_EQ(s.headers, want);
    auto back = decodeStatsPayloadMsgpack(serializer::testing::decompress(*gzip, s.payloads.at(0)->bytes));
    ASSERT_TRUE(back.isOk()) << back.status().toString();
    EXPECT_TRUE(back->split_payload);
    for (const auto& c : back->stats) {
      for (const auto& b : c.stats) {
        for (const auto& g : b.stats) hits += g.hits;
      }
    }
  }
  EXPECT_EQ(hits, 9u);
  const auto c = w.counters();
  EXPECT_EQ(c.payloads, 3u);
  EXPECT_EQ(c.splits, 1u);
  EXPECT_EQ(c.stats_entries, 9u);
  fwd.refuse = true;
  w.write(payload({client("a", 1, 2)}));
  EXPECT_EQ(w.counters().payloads_dropped_forwarder, 1u);
  EXPECT_EQ(w.counters().entries_dropped_forwarder, 2u);
  EXPECT_EQ(w.telemetry().at("trace.stats_writer.entries_dropped.forwarder"), 2);
}

// apm_config.stats_writer.{connection_limit,queue_size} (§8.3.1, writer/stats.go and sender.go):
// the forwarder here is a slow intake that holds every payload until the test releases it.
TEST(StatsWriterSender, AQueueOfNHoldsNAndTheOldestWaitingPayloadsAreDropped) {
  serializer::testing::RecordingForwarder fwd;
  StatsWriterOptions o;
  o.sender = statsWriterSenderOptions(1, 2);
  StatsWriter w(o, fwd);
  auto resourceOf = [](const serializer::Submission& s) {
    auto gzip = serializer::makeCompressor(serializer::CompressorKind::kGzip);
    auto back = decodeStatsPayloadMsgpack(serializer::testing::decompress(*gzip, s.payloads.at(0)->bytes));
    EXPECT_TRUE(back.isOk());
    return back.isOk() ? back->stats.at(0).stats.at(0).stats.at(0).resource : std::string("?");
  };
  // Four writes of one group each (resources r0, r1000... by bucket index): one out, two waiting,
  // the oldest waiting (the second write) dropped to make room for the fourth.
  for (int i = 0; i < 4; ++i) {
    ClientStatsPayload c = client("e", 1, 1);
    c.stats[0].stats[0].resource = "w" + std::to_string(i);
    w.write(payload({c}));
  }
  ASSERT_EQ(fwd.submissions.size(), 1u);
  EXPECT_EQ(resourceOf(fwd.submissions[0]), "w0");
  StatsWriterCounters c = w.counters();
  EXPECT_EQ(c.payloads, 1u);
  EXPECT_EQ(c.payloads_waiting, 2u);
  EXPECT_EQ(c.payloads_dropped_queue_full, 1u);
  EXPECT_EQ(c.entries_dropped_queue_full, 1u);
  EXPECT_EQ(w.pending(), 3);  // one out, two waiting
  EXPECT_EQ(w.telemetry().at("trace.stats_writer.entries_dropped.sender_queue_full"), 1);
  // Nothing answered: pumping hands nothing over.
  w.pump();
  EXPECT_EQ(fwd.submissions.size(), 1u);
  // The intake answers the first: its connection goes to the oldest waiting payload.
  fwd.submissions.clear();
  EXPECT_EQ(w.pending(), 2);
  w.pump();
  ASSERT_EQ(fwd.submissions.size(), 1u);
  EXPECT_EQ(resourceOf(fwd.submissions[0]), "w2");
  // Stop: every waiting payload is handed over, whatever is out; pending counts them until the
  // forwarder lets go.
  w.drain();
  ASSERT_EQ(fwd.submissions.size(), 2u);
  EXPECT_EQ(resourceOf(fwd.submissions[1]), "w3");
  EXPECT_EQ(w.pending(), 2);
  fwd.submissions.clear();
  EXPECT_EQ(w.pending(), 0);
  c = w.counters();
  EXPECT_EQ(c.payloads, 3u);
  EXPECT_EQ(c.stats_entries, 3u);
  EXPECT_EQ(c.payloads_waiting, 0u);
}

TEST(StatsWriterSender, DefaultsAreTheAgents) {
  const WriterSenderOptions d = statsWriterSenderOptions(0, 0);
  EXPECT_EQ(d.connection_limit, 5u);
  EXPECT_EQ(d.queue_size, 174u);  // 250 MiB / (4000 entries x 375 bytes)
  const WriterSenderOptions set = statsWriterSenderOptions(2, 7);
  EXPECT_EQ(set.connection_limit, 2u);
  EXPECT_EQ(set.queue_size, 7u);
}

}  // namespace
}  // namespace ddsim::trace
