#include "core/dogstatsd/packet_processor.h"

#include <spdlog/spdlog.h>

#include <cstring>
#include <string>

#include "core/metrics/context_key.h"

namespace ddsim::dogstatsd {
namespace {

// A printable, bounded rendering of bad input for log lines.
std::string printable(std::string_view s) {
  constexpr size_t kMax = 160;
  std::string out;
  for (size_t i = 0; i < s.size() && i < kMax; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  if (s.size() > kMax) out += "...(" + std::to_string(s.size()) + " bytes)";
  return out;
}

}  // namespace

PacketProcessor::PacketProcessor(const ProcessorOptions& options, metrics::SampleSink& sink)
    : sink_(sink),
      parser_(options.parser),
      enricher_(options.enrich),
      interner_(options.string_interner_size),
      cache_(options.context_cache_bytes),
      cache_max_age_(options.context_cache_max_age_seconds),
      batch_size_(options.sample_batch_size == 0 ? 1 : options.sample_batch_size) {
  for (const auto& t : options.eol_required) {
    if (t == "udp") eol_required_[static_cast<size_t>(Transport::kUdp)] = true;
    else if (t == "uds") {
      eol_required_[static_cast<size_t>(Transport::kUds)] = true;
      eol_required_[static_cast<size_t>(Transport::kUdsStream)] = true;
    } else if (t == "named_pipe") eol_required_[static_cast<size_t>(Transport::kNamedPipe)] = true;
    else spdlog::error("dogstatsd: invalid dogstatsd_eol_required value \"{}\" ignored", t);
  }
  samples_.reserve(batch_size_);
  samples_with_ts_.reserve(batch_size_);
}

void PacketProcessor::process(std::string_view packet, Transport transport, double now) {
  counters_.add(Stat::kPackets);
  counters_.add(Stat::kBytes, packet.size());
  if (now != now_ && !samples_.empty()) flushSamples();
  now_ = now;
  const bool eol = eolRequired(transport);
  size_t line_no = 0;
  // With a large cache each lookup is two cache misses: guess the next line's lookup while this
  // one is processed, so that its slot and entry are loaded by the time it is looked up.
  const bool guess = cache_.size() >= kGuessFromEntries && cache_.enabled();
  guess_.valid = next_guess_.valid = false;
  if (guess) guessNextLine(packet);
  while (!packet.empty()) {
    std::string_view line;
    // (guessNextLine has already found where this line ends.)
    const void* nl = guess ? next_guess_.newline : std::memchr(packet.data(), '\n', packet.size());
    if (nl != nullptr) {
      size_t i = static_cast<size_t>(static_cast<const char*>(nl) - packet.data());
      line = packet.substr(0, i);
      packet.remove_prefix(i + 1);
    } else {
      if (eol) {
        // agent behaviour: the unterminated tail is discarded, once per packet (spec §8.1).
        counters_.add(Stat::kUnterminatedMetricErrors);
        break;
      }
      line = packet;
      packet = {};
    }
    ++line_no;
    if (guess) {
      guess_ = next_guess_;
      if (guess_.valid) cache_.prefetchEntry(guess_.hash);
      guessNextLine(packet);
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    counters_.add(Stat::kMessages);
    switch (messageKind(line)) {
      case MessageKind::kMetric: processMetric(line, transport, line_no); break;
      case MessageKind::kEvent: processEvent(line, transport, line_no); break;
      case MessageKind::kServiceCheck: processServiceCheck(line, transport, line_no); break;
    }
  }
}

void PacketProcessor::guessNextLine(std::string_view rest) {
  // parseMetricFields' name (before the first ':' of the first '|' field) and raw tags (the
  // last field that starts with '#'), found without validating anything: a wrong guess only
  // costs a useless prefetch, and processMetric uses the hash only if the views match.
  next_guess_.valid = false;
  next_guess_.newline = nullptr;
  if (rest.empty()) return;  // (an empty view's data() may be null, which memchr must not get)
  next_guess_.newline = std::memchr(rest.data(), '\n', rest.size());
  const std::string_view line =
      next_guess_.newline == nullptr
          ? rest
          : rest.substr(0, static_cast<size_t>(static_cast<const char*>(next_guess_.newline) - rest.data()));
  const size_t bar = line.find('|');
  if (bar == std::string_view::npos) return;
  const size_t colon = line.substr(0, bar).find(':');
  if (colon == std::string_view::npos || colon == 0) return;
  std::string_view tags;
  const size_t hash_field = line.rfind("|#");
  if (hash_field != std::string_view::npos && hash_field >= bar) {
    tags = line.substr(hash_field + 2);
    tags = tags.substr(0, tags.find('|'));
  }
  const std::string_view name = line.substr(0, colon);
  next_guess_.name = name;
  next_guess_.tags = tags;
  next_guess_.hash = ContextCache::hashOf(name, tags);
  next_guess_.valid = true;
  cache_.prefetchSlot(next_guess_.hash);
}

void PacketProcessor::makeTagRoom(size_t need) {
  // Everything referencing the arena goes to the sink first.
  flushSamples();
  flushSamplesWithTimestamp();
  arena_.reset();
  arena_.ensureCapacity(need);
}

void PacketProcessor::processMetric(std::string_view line, Transport transport, size_t line_no) {
  ParsedMetric& m = parsed_metric_;  // reused: constructing one per line costs a memset
  ParseError err = parser_.parseMetricFields(line, m);
  if (err != ParseError::kNone) {
    counters_.add(Stat::kMetricParseErrors);
    reject(err, line, transport, line_no);
    return;
  }
  if (m.absurd_sample_rate) counters_.add(Stat::kObservedAbsurdSampleRate);
  if (m.absurd_timestamp) counters_.add(Stat::kObservedAbsurdTimestamp);
  if (m.invalid_utf8) counters_.add(Stat::kObservedInvalidUtf8);

  // Origin detection fields could give the same bytes another context: those lines bypass it.
  const bool cacheable = cache_.enabled() && m.container_id.empty() && m.external_data.empty();
  uint64_t hash = 0;
  if (cacheable) {
    const auto same = [](std::string_view a, std::string_view b) {
      return a.data() == b.data() && a.size() == b.size();
    };
    hash = guess_.valid && same(guess_.name, m.name) && same(guess_.tags, m.raw_tags)
               ? guess_.hash
               : ContextCache::hashOf(m.name, m.raw_tags);
    if (const CachedContext* c = cache_.find(hash, m.name, m.raw_tags)) {
      emitSamples(m, *c, true);
      return;
    }
  }

  ensureTagRoom(line.size());
  const size_t arena_mark = arena_.used();
  // Never short of slots: ensureTagRoom reserved one more than the line has bytes.
  const int split = splitTags(m.raw_tags, arena_.cursor(), arena_.remaining());
  if (split < 0) {
    counters_.add(Stat::kMetricParseErrors);
    reject(ParseError::kTooManyTags, line, transport, line_no);
    return;
  }
  m.tags = arena_.commit(static_cast<size_t>(split));
  TagMetadata meta;
  const size_t kept = enricher_.extractTagsMetadata(m.tags, meta);
  std::string_view name = enricher_.metricName(m.name, interner_);
  if (enricher_.blocked(name)) {
    counters_.add(Stat::kMetricsBlocklisted);
    arena_.truncate(arena_mark);
    return;
  }
  // dogstatsd_tags go right after the kept tags; ensureTagRoom reserved the slots.
  auto extra = enricher_.extraTags();
  const size_t total = kept + extra.size();
  if (total > m.tags.size()) arena_.commit(total - m.tags.size());
  std::string_view* tags = arena_.slotsFrom(arena_mark);
  for (size_t i = 0; i < extra.size(); ++i) tags[kept + i] = extra[i];

  CachedContext c;
  c.name = name;
  c.host = enricher_.sampleHost(meta);
  c.tags = std::span<const std::string_view>(tags, total);
  c.source = meta.source;
  if (cacheable) {
    // The key the aggregator would compute; with it the cache also spares the aggregator.
    metrics::KeyGenerator::fastKey(c.name, c.host, {}, c.tags, &c.context_key);
    if (!cache_.insert(hash, m.name, m.raw_tags, c, now_)) counters_.add(Stat::kContextCacheFull);
  }
  emitSamples(m, c, false);
}

void PacketProcessor::emitSamples(const ParsedMetric& m, const CachedContext& c, bool from_cache) {
  const metrics::MetricType mtype = Enricher::metricType(m.type);
  const double* values = m.values.empty() ? &m.value : m.values.data();
  const size_t count = m.values.empty() ? 1 : m.values.size();
  for (size_t i = 0; i < count; ++i) {
    // Built in place: copying a freshly written sample costs store-forwarding stalls.
    metrics::MetricSample& s = nextSample(m.timestamp > 0);
    s.name = c.name;
    s.value = values[i];
    s.raw_value = m.raw_value;
    s.mtype = mtype;
    s.tags = c.tags;
    s.host = c.host;
    s.sample_rate = m.sample_rate;
    s.timestamp = static_cast<double>(m.timestamp);
    s.source = c.source;
    s.context_key = c.context_key;
    s.text_pinned = from_cache;
    if (mtype == metrics::MetricType::kHistogram && enricher_.copyHistogramsToDistributions()) {
      copyToDistribution(s);
    }
  }
}

metrics::MetricSample& PacketProcessor::nextSample(bool timestamped) {
  counters_.add(Stat::kMetricPackets);
  if (timestamped) {
    counters_.add(Stat::kSamplesWithTimestamp);
    if (samples_with_ts_.size() >= batch_size_) flushSamplesWithTimestamp();
    return samples_with_ts_.emplace_back();
  }
  if (samples_.size() >= batch_size_) flushSamples();
  return samples_.emplace_back();
}

void PacketProcessor::copyToDistribution(const metrics::MetricSample& s) {
  // agent behaviour: the copy always goes to the time samplers, timestamp or not.
  metrics::MetricSample copy = s;
  std::string_view prefix = enricher_.histogramCopyPrefix();
  copy.name = prefix.empty() ? s.name : interner_.intern(prefix, s.name);
  copy.mtype = metrics::MetricType::kDistribution;
  copy.context_key = 0;  // another name: the aggregator computes its key
  copy.text_pinned = s.text_pinned && prefix.empty();  // an interned name is not the cache's
  if (samples_.size() >= batch_size_) flushSamples();
  samples_.push_back(copy);
  counters_.add(Stat::kHistogramCopies);
}

// Events and service checks are copied into owned objects at once, so their tag slots are
// given back right away.
template <typename Parsed, typename Make>
bool PacketProcessor::processOwned(std::string_view line, Transport transport, size_t line_no,
                                   ParseError (Parser::*parse)(std::string_view, TagArena&, Parsed&),
                                   Stat parse_errors, Stat invalid_fields, Make&& make) {
  ensureTagRoom(line.size());
  const size_t arena_mark = arena_.used();
  Parsed parsed;
  ParseError err = (parser_.*parse)(line, arena_, parsed);
  if (err != ParseError::kNone) {
    counters_.add(parse_errors);
    reject(err, line, transport, line_no);
    return false;
  }
  if (parsed.invalid_fields > 0) counters_.add(invalid_fields, static_cast<uint64_t>(parsed.invalid_fields));
  if (parsed.invalid_utf8) counters_.add(Stat::kObservedInvalidUtf8);
  make(parsed);
  arena_.truncate(arena_mark);
  return true;
}

void PacketProcessor::processEvent(std::string_view line, Transport transport, size_t line_no) {
  if (processOwned(line, transport, line_no, &Parser::parseEvent, Stat::kEventParseErrors,
                   Stat::kEventInvalidFields,
                   [&](ParsedEvent& e) { events_.push_back(enricher_.makeEvent(e)); })) {
    counters_.add(Stat::kEventPackets);
  }
}

void PacketProcessor::processServiceCheck(std::string_view line, Transport transport,
                                          size_t line_no) {
  if (processOwned(line, transport, line_no, &Parser::parseServiceCheck,
                   Stat::kServiceCheckParseErrors, Stat::kServiceCheckInvalidFields,
                   [&](ParsedServiceCheck& sc) {
                     service_checks_.push_back(enricher_.makeServiceCheck(sc));
                   })) {
    counters_.add(Stat::kServiceCheckPackets);
  }
}

void PacketProcessor::reject(ParseError e, std::string_view line, Transport transport,
                             size_t line_no) {
  counters_.reject(e);
  // Throttled: the first 10 rejections of a worker, then one in 10,000.
  ++rejections_logged_;
  if (rejections_logged_ <= 10 || rejections_logged_ % 10000 == 0) {
    spdlog::warn("dogstatsd: dropped message {} of a {} packet ({}: {}; {} dropped so far): \"{}\"",
                 line_no, transportName(transport), parseErrorName(e), parseErrorDescription(e),
                 rejections_logged_, printable(line));
  }
}

void PacketProcessor::flushSamples() {
  if (samples_.empty()) return;
  sink_.addSamples(samples_, now_);
  samples_.clear();
}

void PacketProcessor::flushSamplesWithTimestamp() {
  if (samples_with_ts_.empty()) return;
  sink_.addSamplesWithoutAggregation(samples_with_ts_);
  samples_with_ts_.clear();
}

void PacketProcessor::flush() {
  flushSamples();
  flushSamplesWithTimestamp();
  if (!events_.empty()) {
    sink_.addEvents(std::move(events_));
    events_ = {};
  }
  if (!service_checks_.empty()) {
    sink_.addServiceChecks(std::move(service_checks_));
    service_checks_ = {};
  }
  arena_.reset();
  // Forgotten once per context expiry: a long run with changing contexts keeps no stale entry.
  if (cache_.size() > 0 && now_ - cache_.born() >= cache_max_age_) {
    cache_.clear();
    counters_.add(Stat::kContextCacheResets);
  }
  if (interner_.full()) {
    interner_.clear();
    counters_.add(Stat::kInternerResets);
  }
}

}  // namespace ddsim::dogstatsd
