#include "core/forwarder/default_forwarder.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/forwarder/disk_retry_store.h"
#include "core/forwarder/file_removal_policy.h"

namespace ddsim::forwarder {
namespace {

// Live driver: wake at least this often so a ManualClock moved by a test is noticed.
constexpr common::Duration kMaxDriverSleep = std::chrono::seconds(1);

}  // namespace

DefaultForwarder::DefaultForwarder(ForwarderOptions options, ForwarderDeps deps)
    : options_(std::move(options)),
      transport_(deps.transport),
      clock_(deps.clock),
      random_(deps.random),
      disk_usage_(deps.disk_usage ? deps.disk_usage : &StatvfsDiskUsage::instance()) {}

common::Result<std::unique_ptr<DefaultForwarder>> DefaultForwarder::create(ForwarderOptions options,
                                                                          ForwarderDeps deps) {
  std::unique_ptr<DefaultForwarder> f(new DefaultForwarder(std::move(options), deps));
  if (auto st = f->init(); !st.isOk()) return st;
  return f;
}

common::Status DefaultForwarder::init() {
  if (auto st = options_.validate(); !st.isOk()) return st;
  if (options_.forwarder_retry_queue_max_size) {
    if (options_.forwarder_retry_queue_payloads_max_size) {
      spdlog::warn("forwarder: 'forwarder_retry_queue_max_size' is set, but as this setting is deprecated, "
                   "'forwarder_retry_queue_payloads_max_size' is used instead");
    } else {
      spdlog::warn("forwarder: 'forwarder_retry_queue_max_size = {}' is deprecated; {} bytes (N * 2 MiB) are used "
                   "as 'forwarder_retry_queue_payloads_max_size'",
                   *options_.forwarder_retry_queue_max_size, options_.retryQueueMaxBytes());
    }
  }
  auto domains = resolveDomains(options_);
  if (!domains.isOk()) return domains.status();
  if (domains->empty()) spdlog::error("forwarder: no domain has an API key; every payload will be dropped");
  factory_ = std::make_unique<TransactionFactory>(options_, *domains, clock_, transaction_ids_);

  std::optional<FileRemovalPolicy> removal;
  std::optional<DiskUsageLimit>& limit = disk_limit_;
  if (options_.forwarder_storage_max_size_in_bytes == 0) {
    spdlog::info("forwarder: retry queue storage on disk is disabled");
  } else if (!options_.core_features) {
    spdlog::info("forwarder: retry queue storage on disk is disabled because the feature is unavailable for this "
                 "process");
  } else {
    const std::string root = options_.storageRoot() + "/core";
    auto policy = FileRemovalPolicy::create(root, options_.forwarder_outdated_file_in_days, clock_.systemNow(),
                                            telemetry_);
    if (!policy.isOk()) {
      spdlog::error("forwarder: error when initializing the removal policy: {}", policy.status().message());
    } else {
      removal = std::move(policy).value();
      removal->removeOutdatedFiles();
    }
    limit.emplace(root, *disk_usage_, options_.forwarder_storage_max_size_in_bytes,
                  options_.forwarder_storage_max_disk_ratio);
  }

  for (const DomainConfig& d : *domains) {
    std::unique_ptr<TransactionDiskStorage> storage;
    if (removal) {
      const std::string folder = removal->registerDomain(d.domain);
      auto store = DiskRetryStore::open(folder, d.domain, d.api_keys, *limit,
                                        DiskRetryStore::Deps{clock_, random_.fork(), telemetry_, transaction_ids_});
      if (store.isOk()) {
        storage = std::move(store).value();
      } else {
        spdlog::error("forwarder: retry queue storage on disk disabled for '{}': {}", d.domain,
                      store.status().message());
      }
    }
    DomainForwarder::Deps deps{options_, transport_, clock_, telemetry_, random_.fork(), std::move(storage),
                               [this] { wakeDriver(); }};
    auto df = std::make_unique<DomainForwarder>(d.domain, std::move(deps));
    by_domain_[d.domain] = df.get();
    df->publishGauges();
    domain_list_.push_back(std::move(df));
  }
  if (removal) removal->removeUnknownDomains();

  if (options_.core_features) {
    capacity_ = std::make_unique<QueueDurationCapacity>(
        std::chrono::seconds(options_.forwarder_retry_queue_capacity_time_interval_sec), std::chrono::seconds(10),
        options_.retryQueueMaxBytes(), disk_limit_ ? &*disk_limit_ : nullptr);
  }
  health_ = std::make_unique<ForwarderHealth>(*domains, transport_, options_.agent_version,
                                              std::chrono::minutes(options_.forwarder_apikey_validation_interval));
  return common::Status::ok();
}

DefaultForwarder::~DefaultForwarder() { stop(); }

common::Status DefaultForwarder::start() {
  std::lock_guard lifecycle(lifecycle_mu_);
  if (state_ == State::kStarted) return common::failedPrecondition("the forwarder is already started");
  if (state_ == State::kStopped) return common::failedPrecondition("the forwarder was stopped; create a new one");
  const common::SteadyTime now = clock_.steadyNow();
  for (auto& df : domain_list_) df->start(now);
  std::string endpoints;
  for (const DomainConfig& d : factory_->domains()) {
    if (!endpoints.empty()) endpoints += " ; ";
    endpoints += "\"" + d.domain + "\" (" + std::to_string(d.api_keys.size()) + " api key(s))";
  }
  spdlog::info("forwarder: started, sending to {} endpoint(s) with {} worker(s) each: {}", domain_list_.size(),
               options_.forwarder_num_workers, endpoints);
  {
    std::unique_lock submit_lock(submit_mu_);
    state_ = State::kStarted;
  }
  if (options_.run_mode == RunMode::kLive) {
    driver_stop_ = false;
    if (options_.live_driver_thread) driver_ = std::thread([this] { driverLoop(); });
    if (!options_.disable_api_key_checking) health_thread_ = std::thread([this] { healthLoop(); });
  } else if (!options_.disable_api_key_checking) {
    health_->start(now);
  }
  return common::Status::ok();
}

void DefaultForwarder::stop() {
  std::lock_guard lifecycle(lifecycle_mu_);
  if (state_ != State::kStarted) {
    if (state_ == State::kCreated) state_ = State::kStopped;
    return;
  }
  spdlog::info("forwarder: stopping the forwarder");
  {
    std::unique_lock submit_lock(submit_mu_);  // waits for submits in progress
    state_ = State::kStopped;
  }
  {
    std::lock_guard lock(driver_mu_);
    driver_stop_ = true;
  }
  driver_cv_.notify_all();
  if (driver_.joinable()) driver_.join();
  if (health_thread_.joinable()) health_thread_.join();
  if (options_.run_mode == RunMode::kLive) {
    stopDomainsLive();
  } else {
    stopDomainsVirtual();
  }
  const StopTally t = telemetry_.stopTally();
  spdlog::info("forwarder: stopped ({} mode, forwarder_stop_timeout {} ms): {} cancelled in flight, {} purged, "
               "{} drained, {} written to disk, {} lost",
               stopModeName(options_.stop_mode),
               std::chrono::duration_cast<std::chrono::milliseconds>(options_.forwarder_stop_timeout).count(),
               t.cancelled_in_flight, t.purged, t.drained, t.written_to_disk, t.lost);
}

void DefaultForwarder::stopDomainsLive() {
  const bool drain = options_.stop_mode == StopMode::kDrain;
  if (options_.forwarder_stop_timeout <= common::Duration::zero() || drain) {
    // Drain: each domain drains until the deadline, then cancels what is still in flight and
    // keeps the rest in its retry queue (disk); nothing waits for the outer budget.
    const common::SteadyTime deadline = clock_.steadyNow() + options_.forwarder_stop_timeout;
    std::vector<std::thread> stoppers;
    for (auto& df : domain_list_) {
      stoppers.emplace_back([&df, deadline, drain] {
        DomainForwarder::StopControl c;
        c.purge = false;
        c.mode = drain ? StopMode::kDrain : StopMode::kAgent;
        c.drain_deadline = deadline;
        df->stop(c);
      });
    }
    for (auto& t : stoppers) t.join();
    return;
  }
  const size_t n = domain_list_.size();
  std::atomic<bool> exceeded{false};
  std::vector<CancelToken> purge_tokens(n);
  std::mutex mu;
  std::condition_variable cv;
  size_t done = 0;
  std::vector<std::thread> stoppers;
  for (size_t i = 0; i < n; ++i) {
    stoppers.emplace_back([&, i] {
      DomainForwarder::StopControl c;
      c.purge = true;
      c.purge_cancel = &purge_tokens[i];
      c.budget_exceeded = &exceeded;
      domain_list_[i]->stop(c);
      {
        std::lock_guard lock(mu);
        ++done;
      }
      cv.notify_all();
    });
  }
  {
    std::unique_lock lock(mu);
    if (!cv.wait_for(lock, options_.forwarder_stop_timeout, [&] { return done == n; })) {
      spdlog::warn("forwarder: timeout emptying new transactions before stopping the forwarder ({} ms)",
                   std::chrono::duration_cast<std::chrono::milliseconds>(options_.forwarder_stop_timeout).count());
      exceeded = true;
      for (auto& t : purge_tokens) t.cancel();
    }
  }
  for (auto& t : stoppers) t.join();
}

void DefaultForwarder::stopDomainsVirtual() {
  const common::SteadyTime now = clock_.steadyNow();
  for (auto& df : domain_list_) {
    DomainForwarder::StopControl c;
    c.purge = options_.forwarder_stop_timeout > common::Duration::zero();
    c.mode = options_.stop_mode;
    c.now = now;
    c.budget = options_.forwarder_stop_timeout;
    df->stop(c);
  }
}

common::Status DefaultForwarder::submit(serializer::Submission&& submission) {
  std::shared_lock submit_lock(submit_mu_);
  if (state_ != State::kStarted) return common::failedPrecondition("the forwarder is not started");
  auto created = factory_->create(submission);
  if (!created.isOk()) return created.status();
  if (domain_list_.empty()) {
    const size_t payloads = submission.payloads.size() - created->null_payloads;
    telemetry_.onDropped(serializer::endpointInfo(submission.endpoint).name, DropReason::kNoDestination,
                         static_cast<int64_t>(payloads));
  }
  std::vector<std::pair<std::string, size_t>> sent;
  for (TransactionPtr& t : created->transactions) {
    telemetry_.onInput(t->endpoint_name, t->payloadSize());
    sent.emplace_back(t->domain, t->payloadSize());
    by_domain_.at(t->domain)->submit(std::move(t));
  }
  updateCapacity(sent);
  if (created->null_payloads > 0) {
    return common::invalidArgument("submission to " + std::string(serializer::endpointInfo(submission.endpoint).route) +
                                   " had " + std::to_string(created->null_payloads) +
                                   " null payload(s); they were skipped");
  }
  return common::Status::ok();
}

void DefaultForwarder::updateCapacity(const std::vector<std::pair<std::string, size_t>>& sent) {
  if (!capacity_) return;
  std::lock_guard lock(capacity_mu_);
  const common::SystemTime now = clock_.systemNow();
  for (const auto& [domain, bytes] : sent) capacity_->onTransaction(domain, bytes, now);
  auto stats = capacity_->computeCapacity(now);
  if (!stats.isOk()) {
    spdlog::error("forwarder: cannot compute the capacity of the retry queues: {}", stats.status().message());
    return;
  }
  capacity_stats_ = std::move(stats).value();
}

void DefaultForwarder::tick(common::SteadyTime now) {
  if (state_ != State::kStarted) return;
  for (auto& df : domain_list_) df->tick(now);
  if (options_.run_mode == RunMode::kVirtual && !options_.disable_api_key_checking) health_->tick(now);
}

std::optional<common::SteadyTime> DefaultForwarder::nextDeadline() const {
  if (state_ != State::kStarted) return std::nullopt;
  std::optional<common::SteadyTime> best;
  const auto consider = [&](std::optional<common::SteadyTime> t) {
    if (t && (!best || *t < *best)) best = t;
  };
  for (const auto& df : domain_list_) consider(df->nextDeadline());
  if (options_.run_mode == RunMode::kVirtual && !options_.disable_api_key_checking) consider(health_->nextDeadline());
  return best;
}

void DefaultForwarder::wakeDriver() {
  {
    std::lock_guard lock(driver_mu_);
    driver_wake_ = true;
  }
  driver_cv_.notify_all();
}

void DefaultForwarder::driverLoop() {
  std::unique_lock lock(driver_mu_);
  while (!driver_stop_) {
    driver_wake_ = false;
    lock.unlock();
    tick(clock_.steadyNow());
    const auto next = nextDeadline();
    common::Duration wait = kMaxDriverSleep;
    if (next) wait = std::clamp(*next - clock_.steadyNow(), common::Duration::zero(), kMaxDriverSleep);
    lock.lock();
    if (wait > common::Duration::zero()) {
      driver_cv_.wait_for(lock, wait, [&] { return driver_stop_ || driver_wake_; });
    }
  }
}

void DefaultForwarder::healthLoop() {
  health_->checkValidApiKeys();
  std::unique_lock lock(driver_mu_);
  while (!driver_stop_) {
    if (driver_cv_.wait_for(lock, health_->interval(), [&] { return driver_stop_; })) break;
    lock.unlock();
    health_->checkValidApiKeys();
    lock.lock();
  }
}

common::TelemetrySnapshot DefaultForwarder::telemetry() const {
  for (const auto& df : domain_list_) df->publishGauges();
  common::TelemetrySnapshot s = telemetry_.snapshot();
  std::map<std::string, double> by_status;
  for (const auto& [key, status] : health_->apiKeyStatus()) {
    switch (status) {
      case ApiKeyStatus::kValid: by_status["valid"] += 1; break;
      case ApiKeyStatus::kInvalid: by_status["invalid"] += 1; break;
      case ApiKeyStatus::kUnreachable: by_status["unreachable"] += 1; break;
      case ApiKeyStatus::kUnexpectedStatus: by_status["unexpected_status"] += 1; break;
      case ApiKeyStatus::kFake: by_status["fake"] += 1; break;
    }
  }
  for (const auto& [name, n] : by_status) s["forwarder.api_keys." + name] = n;
  if (auto v = health_->lastVerdict()) s["forwarder.api_keys.verdict_valid"] = *v ? 1 : 0;
  std::lock_guard lock(capacity_mu_);
  for (const auto& [domain, c] : capacity_stats_) {
    const std::string prefix = "forwarder.retry_queue_duration.";
    s[prefix + "capacity_secs." + domain] = static_cast<double>(c.capacity_seconds);
    s[prefix + "bytes_per_sec." + domain] = c.bytes_per_second;
    s[prefix + "capacity_bytes." + domain] = static_cast<double>(c.available_bytes);
  }
  return s;
}

std::vector<std::string> DefaultForwarder::domains() const {
  std::vector<std::string> out;
  for (const auto& df : domain_list_) out.push_back(df->domain());
  return out;
}

DomainForwarder* DefaultForwarder::domainForwarder(const std::string& domain) {
  auto it = by_domain_.find(domain);
  return it == by_domain_.end() ? nullptr : it->second;
}

}  // namespace ddsim::forwarder
