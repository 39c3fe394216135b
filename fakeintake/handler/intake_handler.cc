#include "fakeintake/handler/intake_handler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <utility>

#include "fakeintake/core/decompress.h"
#include "fakeintake/core/routes.h"
#include "fakeintake/decoders/decoder.h"
#include "fakeintake/handler/control_api.h"
#include "fakeintake/store/run_store_writer.h"
#include "proto/process.pb.h"

namespace ddsim::fakeintake {

using common::StatusCode;

namespace {

IntakeResponse jsonResponse(int status, std::string body) {
  IntakeResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers.set("Content-Type", "application/json");
  return r;
}

// The real intake answers metric submissions with 202 Accepted; everything else gets the agent
// fakeintake's 200.
int acceptedStatus(RouteKind kind) {
  switch (kind) {
    case RouteKind::kSeriesV1:
    case RouteKind::kSeriesV2:
    case RouteKind::kSketches:
    case RouteKind::kCheckRuns: return 202;
    default: return 200;
  }
}

std::string_view apiKeyOf(const IntakeRequest& req) {
  if (auto k = req.headers.get("DD-API-KEY")) return *k;
  if (auto k = queryParam(req.query, "api_key")) return *k;
  return {};
}

// agent fakeintake behaviour (test/fakeintake/server/body.go): /api/v1/connections is answered
// with the collector's status, a ResCollector message (type 23) in a v3 header with protobuf
// encoding, org 503, subscription 2, so that the process agent reads its check interval.
const std::string& connectionsAnswer() {
  static const std::string body = [] {
    datadog::process_agent::ResCollector res;
    res.set_message("");
    res.mutable_status()->set_activeclients(1);
    res.mutable_status()->set_interval(30);
    std::string out(16, '\0');
    out[0] = 3;   // header version
    out[1] = 0;   // encoding: protobuf
    out[2] = 23;  // type: ResCollector
    out[3] = 2;   // subscription id
    const int32_t org = 503;
    std::memcpy(out.data() + 4, &org, sizeof org);  // little-endian; timestamp (8..15) stays 0
    return out + res.SerializeAsString();
  }();
  return body;
}

bool isControlPath(std::string_view path) {
  return path == "/metrics" || path == "/fakeintake" || path.rfind("/fakeintake/", 0) == 0;
}

}  // namespace

std::string randomUuid() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t hi = gen(), lo = gen();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(hi >> 32), static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                static_cast<unsigned long long>(hi & 0xFFFF), static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

IntakeHandler::IntakeHandler(IntakeOptions options, const common::Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      server_id_(options_.server_id.empty() ? randomUuid() : options_.server_id),
      store_(StoreOptions{options_.retention, options_.max_memory_bytes, options_.deferred_ingest_bytes > 0}),
      route_stats_(options_.max_routes),
      faults_(options_.fault_seed),
      properties_(options_),
      valid_keys_(options_.valid_api_keys),
      enforce_keys_(options_.enforce_api_keys_on_intake) {
  if (options_.deferred_ingest_bytes > 0) {
    deferred_ = std::make_unique<OrderedWorker>("intake-store", options_.deferred_ingest_bytes);
  }
}

IntakeHandler::~IntakeHandler() { deferred_.reset(); }  // stores what was answered, first

void IntakeHandler::finish(IntakeResponse& resp) const {
  resp.headers.set(kFakeintakeIdHeader, server_id_);
}

IntakeResponse IntakeHandler::handle(IntakeRequest req) {
  const common::SystemTime now = clock_.systemNow();
  IntakeResponse resp;
  if (isControlPath(req.path)) {
    counters_.add("requests.control");
    drainIngest();  // a client that was answered finds its payload in the next query
    resp = handleControl(*this, req, now);
  } else {
    counters_.add("requests.intake");
    const size_t body_size = req.body.size();
    resp = handleIntake(req, now);
    // The agent fakeintake logs every intake request; here it is debug level (one line each).
    spdlog::debug("fakeintake: {} {} ({} bytes, {}) -> {}", req.method, req.path, body_size,
                  req.headers.value("Content-Encoding"), resp.status);
  }
  finish(resp);
  return resp;
}

void IntakeHandler::tick(common::SystemTime now) {
  store_.expire(now);
  if (run_store_) {
    auto st = run_store_->expire(std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count());
    if (!st.isOk()) spdlog::warn("fakeintake: run store retention: {}", st.message());
  }
}

void IntakeHandler::attachRunStore(store::RunStore* rs, std::string name, RunStoreWrites writes,
                                   size_t max_queued_bytes) {
  drainIngest();              // stores what was answered before into the store attached before
  run_store_queue_.reset();  // writes what is queued for the store attached before
  run_store_ = rs;
  run_store_name_ = std::move(name);
  if (rs && writes == RunStoreWrites::kQueued) {
    run_store_queue_ = std::make_unique<RunStoreQueue>(*rs, run_store_name_, counters_, max_queued_bytes);
  }
}

void IntakeHandler::drainIngest() {
  if (deferred_) deferred_->drain();
}

void IntakeHandler::flushRunStore() {
  drainIngest();
  if (run_store_queue_) run_store_queue_->drain();
}

common::Result<size_t> IntakeHandler::restoreFrom(store::RunStore& rs) {
  const common::SystemTime now = clock_.systemNow();
  int64_t since = std::numeric_limits<int64_t>::min();
  if (options_.retention.count() > 0) {
    since = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch() - options_.retention).count();
  }
  size_t n = 0;
  auto st = rs.forEachPayload(since, [&](int64_t, const store::IntakePayloadRow& row) {
    IntakeRequest req;
    req.method = row.method;
    req.path = row.route;
    if (row.encoding != row.content_type) req.headers.set("Content-Encoding", row.encoding);
    if (!row.content_type.empty()) req.headers.set("Content-Type", row.content_type);
    if (!row.api_key.empty()) req.headers.set("DD-API-KEY", row.api_key);
    req.body = std::string(row.body);
    const common::SystemTime received{std::chrono::duration_cast<common::SystemTime::duration>(
        std::chrono::nanoseconds(row.received_ns))};
    FaultDecision none;
    ingest(req, received, none, true);
    ++n;
  });
  if (!st.isOk()) return st;
  return n;
}

std::optional<common::SystemTime> IntakeHandler::nextDeadline() const { return store_.nextExpiry(); }

void IntakeHandler::flush() {
  drainIngest();  // what was answered before the flush is flushed too
  store_.clear();
  route_stats_.clear();
}

void IntakeHandler::setValidApiKeys(std::set<std::string> keys, bool enforce_on_intake) {
  std::lock_guard lock(keys_mu_);
  valid_keys_ = std::move(keys);
  enforce_keys_ = enforce_on_intake;
}

bool IntakeHandler::isValidApiKey(std::string_view key) const {
  std::lock_guard lock(keys_mu_);
  return valid_keys_.empty() || valid_keys_.count(std::string(key)) > 0;
}

std::pair<size_t, bool> IntakeHandler::apiKeyPolicy() const {
  std::lock_guard lock(keys_mu_);
  return {valid_keys_.size(), enforce_keys_};
}

IntakeResponse IntakeHandler::validate(const IntakeRequest& req) {
  // Real intake: 200 {"valid":true} for a valid key, 403 otherwise (spec §6.8).
  std::string_view key = apiKeyOf(req);
  if (!key.empty() && isValidApiKey(key)) {
    counters_.add("validate.valid");
    return jsonResponse(200, "{\"valid\":true}");
  }
  counters_.add("validate.invalid");
  return jsonResponse(403, "{\"errors\":[\"Forbidden\"]}");
}

IntakeResponse IntakeHandler::handleIntake(IntakeRequest& req, common::SystemTime now) {
  if (req.path.size() > options_.max_route_bytes) {
    counters_.add("rejected.route_too_long");
    return jsonResponse(414, errorsJson("request path of " + std::to_string(req.path.size()) +
                                        " bytes, over the limit of " + std::to_string(options_.max_route_bytes) +
                                        "; not stored"));
  }
  const FaultDecision fault = faults_.evaluate(req.method, req.path, now);
  if (fault.applies) counters_.add("faults.applied");

  IntakeResponse resp;
  if (fault.reset) {
    counters_.add("faults.reset");
    resp.status = 0;
    resp.connection = ConnectionAction::kReset;
    resp.headers.set(kSimulatedResetHeader, "1");
    resp.latency = options_.simulate_delays ? common::Duration(0) : fault.latency;
    if (route_stats_.admit(req.path)) {
      route_stats_.record(req.path, 0, req.body.size(), 0, false, false, 0, true);
    }
    return resp;
  }
  if (fault.never_answer) {
    counters_.add("faults.never_answer");
    if (route_stats_.admit(req.path)) {
      route_stats_.record(req.path, options_.simulate_delays ? 504 : 0, req.body.size(), 0, false,
                          false, 0, true);
    }
    if (options_.simulate_delays) {
      resp = jsonResponse(504, errorsJson("simulated timeout: the intake never answered"));
      resp.headers.set(kSimulatedTimeoutHeader, "1");
    } else {
      resp.status = 0;
      resp.connection = ConnectionAction::kNeverAnswer;
    }
    return resp;
  }

  const RouteKind kind = routeKind(req.path);
  if (req.method == "GET" && kind == RouteKind::kValidate) {
    resp = validate(req);
  } else if (req.method == "GET" || (req.method == "HEAD" && req.path == "/support/flare")) {
    // agent fakeintake behaviour: GET on any intake path answers 200 with an empty body; HEAD
    // on /support/flare too (the agent probes before sending a flare).
    resp.status = 200;
  } else if (req.method == "POST" || req.method == "PUT") {
    resp = ingest(req, now, fault);
  } else if (!fault.status) {
    counters_.add("rejected.method");
    resp = jsonResponse(400, errorsJson("invalid request with route " + req.path + " and method " +
                                        req.method));
  }

  if (fault.status) {
    counters_.add("faults.status");
    IntakeResponse f;
    f.status = *fault.status;
    f.body = fault.body;
    if (!fault.content_type.empty()) f.headers.set("Content-Type", fault.content_type);
    resp = std::move(f);
  }
  if (fault.retry_after_s) resp.headers.set("Retry-After", std::to_string(*fault.retry_after_s));
  if (fault.latency.count() > 0) {
    counters_.add("faults.latency");
    if (options_.simulate_delays) {
      auto ms = std::llround(std::chrono::duration<double, std::milli>(fault.latency).count());
      resp.headers.set(kSimulatedLatencyHeader, std::to_string(ms));
    } else {
      resp.latency = fault.latency;
    }
  }
  if (fault.applies && !fault.rule_id.empty()) resp.headers.set("X-Ddsim-Fault", fault.rule_id);
  return resp;
}

IntakeResponse IntakeHandler::ingest(IntakeRequest& req, common::SystemTime now, const FaultDecision& fault,
                                     bool restoring) {
  const bool store_body = fault.store;
  if (!route_stats_.admit(req.path)) {
    counters_.add("rejected.route_limit");
    return jsonResponse(400, errorsJson("too many distinct routes: the fakeintake tracks at most " +
                                        std::to_string(options_.max_routes) + "; " + req.path +
                                        " was not stored"));
  }
  const RouteKind kind = routeKind(req.path);
  const std::string_view key = apiKeyOf(req);
  bool enforce = false;
  {
    std::lock_guard lock(keys_mu_);
    enforce = enforce_keys_ && !valid_keys_.empty();
  }
  if (enforce && !isValidApiKey(key)) {
    counters_.add("rejected.invalid_api_key");
    route_stats_.record(req.path, 403, req.body.size(), 0, false, false, 0, false);
    return jsonResponse(403, errorsJson("Forbidden: invalid API key"));
  }
  if (req.body.size() > options_.max_body_bytes) {
    counters_.add("rejected.body_too_large");
    route_stats_.record(req.path, 413, req.body.size(), 0, false, false, 0, false);
    return jsonResponse(413, errorsJson("request body is " + std::to_string(req.body.size()) +
                                        " bytes, over the limit of " +
                                        std::to_string(options_.max_body_bytes)));
  }

  auto in = std::make_shared<Ingest>();
  StoredPayload& p = in->payload;
  p.received = now;
  p.route = req.path;
  p.kind = kind;
  p.method = req.method;
  p.headers = redactHeaders(req.headers);
  p.api_key = key.empty() ? std::string() : redactSecret(key);
  std::string_view ce = req.headers.value("Content-Encoding");
  std::string_view ct = req.headers.value("Content-Type");
  p.encoding = std::string(ce.empty() || req.path == "/support/flare" ? ct : ce);
  p.content_type = std::string(ct);
  const bool deferring = deferred_ && !restoring;

  int status = acceptedStatus(kind);
  std::string error;
  const ContentEncoding enc = parseContentEncoding(ce);
  bool decompressed = false;
  std::vector<Violation>& violations = in->violations;
  if (enc == ContentEncoding::kUnsupported) {
    status = 415;
    error = "unsupported Content-Encoding \"" + std::string(ce) +
            "\" (supported: deflate, gzip, zstd, identity)";
    counters_.add("rejected.unsupported_encoding");
  } else {
    auto body = decompress(enc, req.body, options_.max_decompressed_bytes);
    if (!body.isOk()) {
      if (body.status().code() == StatusCode::kOutOfRange) {
        status = 413;
        counters_.add("rejected.decompressed_too_large");
        violations.push_back({"DdDecompressedCap", body.status().message()});
      } else {
        status = 400;
        counters_.add("rejected.bad_compression");
      }
      error = std::string(contentEncodingName(enc)) + " body: " + body.status().message();
    } else {
      decompressed = true;
      p.uncompressed_size = body->size();
      if (deferring && decodesCleanly(kind, ct, *body)) {
        in->undecoded = std::move(body).value();  // certain to decode: after the answer
        in->decode_later = true;
      } else {
        std::vector<DecodedSeries> spare;
        const bool reuse = !options_.decoded_in_memory && kind == RouteKind::kSeriesV2;
        if (reuse) {
          std::lock_guard lock(spare_mu_);
          spare = std::exchange(spare_series_, {});
        }
        auto decoded = decodeBody(kind, ct, std::move(body).value(), options_.max_decompressed_bytes,
                                  reuse ? &spare : nullptr);
        if (!decoded.isOk()) {
          status = decoded.status().code() == StatusCode::kOutOfRange ? 413 : 400;
          error = decoded.status().message();
          counters_.add("decode_errors");
          violations.push_back({"Pyld07", error});
        } else {
          p.decoded = std::move(decoded).value();
        }
      }
    }
  }
  properties_.checkEnvelope(kind, req, p.uncompressed_size, decompressed, violations);
  p.decode_error = error;
  p.response_status = status;
  p.raw = std::move(req.body);
  in->store_body = store_body;
  in->fault_status = fault.status;
  in->fault_applies = fault.applies;
  in->restoring = restoring;

  if (deferring) {
    // Answered now; decoded, checked and stored after, in arrival order (see IntakeOptions).
    const size_t bytes = p.estimateMemory() + in->undecoded.capacity();
    if (deferred_->push([this, in] { finishIngest(*in, nullptr); }, bytes)) counters_.add("deferred.queue_waits");
    return answerIngest(req.path, status, error);
  }
  // Freed once the answer is written: a client waits for the answer, not for the free.
  std::vector<StoredPayloadPtr> evicted;
  const auto [answer_status, answer_error] = finishIngest(*in, &evicted);
  IntakeResponse r = answerIngest(req.path, answer_status, answer_error);
  holdEvictedUntilAnswered(std::move(evicted), r);
  return r;
}

std::pair<int, std::string> IntakeHandler::finishIngest(Ingest& in, std::vector<StoredPayloadPtr>* evicted) {
  StoredPayload& p = in.payload;
  const common::SystemTime now = p.received;
  std::vector<Violation>& violations = in.violations;
  if (in.decode_later) {
    counters_.add("deferred.decoded_after_answer");
    auto decoded = decodeBody(p.kind, p.content_type, std::move(in.undecoded), options_.max_decompressed_bytes);
    if (decoded.isOk()) {
      p.decoded = std::move(decoded).value();
    } else {  // decodesCleanly promised otherwise: keep the evidence rather than lose the payload
      p.decode_error = "decoded after the answer: " + decoded.status().message();
      counters_.add("decode_errors");
      violations.push_back({"Pyld07", p.decode_error});
    }
  }
  int status = p.response_status;
  std::string error = p.decode_error;
  if (p.decoded) properties_.checkDecoded(p.kind, *p.decoded, now, violations);
  for (const auto& v : violations) counters_.add("violations." + v.property);
  p.violation_count = violations.size();
  if (violations.size() > options_.max_violations_per_payload) {
    violations.resize(options_.max_violations_per_payload);
  }
  p.violations = std::move(violations);

  const size_t compressed = p.raw.size();
  const size_t uncompressed = p.uncompressed_size;
  const size_t violation_count = p.violation_count;
  const bool decoded_ok = p.decoded.has_value();
  const std::string route = p.route;
  auto shared = std::make_shared<StoredPayload>(std::move(p));
  const int answered = in.fault_status.value_or(status);
  const bool to_run_store = in.store_body && run_store_ && !in.restoring;
  if (to_run_store && !run_store_queue_) {
    writeToRunStoreCounted(*run_store_, run_store_name_, *shared, answered, counters_);
  }
  if (!options_.decoded_in_memory && !run_store_queue_ && shared->decoded) {
    shared->freed_decoded_bytes = std::max<size_t>(estimateMemory(*shared->decoded), 1);
    auto* series = std::get_if<std::vector<DecodedSeries>>(&shared->decoded->items);
    if (series && shared->freed_decoded_bytes <= maxSpareSeriesBytes()) {
      std::lock_guard lock(spare_mu_);
      if (spare_series_.empty()) spare_series_ = std::move(*series);  // for the next decode
    }
    shared->decoded.reset();  // freed while still in cache; decoded again on query
    counters_.add("decoded_freed_after_ingest");
  }
  if (in.store_body) {
    auto id = store_.add(shared, now, evicted);
    if (!id.isOk()) {
      status = 413;
      error = id.status().message();
      counters_.add("rejected.store_too_large");
    } else {
      counters_.add(in.restoring ? "restored" : "stored");
    }
  }
  // Queued after the memory store set its id and size: the writer thread only reads it.
  if (to_run_store && run_store_queue_) run_store_queue_->push(std::move(shared), answered);
  // Route stats count the status actually answered (a fault's when one applies).
  route_stats_.record(route, in.fault_status.value_or(status), compressed, uncompressed, decoded_ok,
                      !error.empty(), violation_count, in.fault_applies);
  return {status, std::move(error)};
}

// A quarter of the decompressed cap, at most 16 MiB: the spare stays small beside the memory
// ceiling's share for decompression and decoding (fakeintake/server/memory_ceiling.cc).
size_t IntakeHandler::maxSpareSeriesBytes() const {
  return std::min<size_t>(options_.max_decompressed_bytes / 4, size_t{16} << 20);
}

void IntakeHandler::holdEvictedUntilAnswered(std::vector<StoredPayloadPtr>&& evicted, IntakeResponse& r) {
  if (evicted.empty()) return;
  if (evicted_holders_->fetch_add(1) > 0) {
    evicted_holders_->fetch_sub(1);
    return;  // another answer holds some: these are freed here, with `evicted`
  }
  struct Held {
    std::vector<StoredPayloadPtr> payloads;
    std::shared_ptr<std::atomic<int>> holders;
    ~Held() {
      if (holders) holders->fetch_sub(1);
    }
  };
  auto held = std::make_shared<Held>();
  held->payloads = std::move(evicted);
  held->holders = evicted_holders_;
  r.release_after_answer = std::move(held);
}

IntakeResponse IntakeHandler::answerIngest(const std::string& path, int status, const std::string& error) const {
  if (!error.empty()) return jsonResponse(status, errorsJson(error));
  if (path == "/api/v1/connections") {
    IntakeResponse r;
    r.status = 200;
    r.body = connectionsAnswer();
    r.headers.set("Content-Type", "application/x-protobuf");
    return r;
  }
  // agent fakeintake behaviour: the flare's answer is the flare helper's JSON, with no case id.
  if (path == "/support/flare") return jsonResponse(status, "{}");
  return jsonResponse(status, "{\"errors\":[]}");
}

common::TelemetrySnapshot IntakeHandler::telemetry() const {
  common::TelemetrySnapshot t;
  for (const auto& [name, value] : counters_.snapshot()) {
    t["fakeintake." + name] = static_cast<double>(value);
  }
  StoreStats s = store_.stats();
  t["fakeintake.store.payloads"] = static_cast<double>(s.payloads);
  t["fakeintake.store.memory_bytes"] = static_cast<double>(s.memory_bytes);
  t["fakeintake.store.stored_total"] = static_cast<double>(s.stored_total);
  t["fakeintake.store.evicted.retention"] = static_cast<double>(s.evicted_retention);
  t["fakeintake.store.evicted.memory"] = static_cast<double>(s.evicted_memory);
  t["fakeintake.store.rejected_too_large"] = static_cast<double>(s.rejected_too_large);
  t["fakeintake.routes"] = static_cast<double>(route_stats_.routeCount());
  return t;
}

}  // namespace ddsim::fakeintake
