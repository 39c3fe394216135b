#pragma once
// The agent's default forwarder (spec §6, default_forwarder.go): one DomainForwarder per
// destination, one transaction per payload x domain x API key, the retry/breaker/disk machinery
// per domain, API key validation, start/stop semantics and the transaction telemetry.
//
// Time: nothing here reads the system clock; every time comes from the injected Clock or from
// tick(now). Live mode owns threads (workers per domain, a driver thread calling tick(), a
// health-check thread). Virtual mode owns none: the caller drives everything with tick(now) at
// nextDeadline() (see domain_forwarder.h), and the same seed gives the same run.
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/common/clock.h"
#include "core/common/counters.h"
#include "core/common/random.h"
#include "core/common/status.h"
#include "core/forwarder/disk_usage.h"
#include "core/forwarder/domain_forwarder.h"
#include "core/forwarder/endpoints.h"
#include "core/forwarder/forwarder_health.h"
#include "core/forwarder/forwarder_options.h"
#include "core/forwarder/forwarder_telemetry.h"
#include "core/forwarder/queue_duration_capacity.h"
#include "core/forwarder/transaction_factory.h"
#include "core/forwarder/transport.h"
#include "core/serializer/forwarder_interface.h"

namespace ddsim::forwarder {

struct ForwarderDeps {
  Transport& transport;      // must outlive the forwarder
  common::Clock& clock;      // must outlive the forwarder
  common::Random& random;    // forked once per domain at construction (breaker, file names)
  const DiskUsageProvider* disk_usage = nullptr;  // default: statvfs
};

class DefaultForwarder final : public serializer::PayloadForwarder {
 public:
  // Resolves the domains (spec §6.1), prepares disk storage when enabled (removes outdated files
  // and folders of unknown domains, reloads retry files) and builds one domain forwarder per
  // domain. InvalidArgument for an invalid option or endpoint URL.
  static common::Result<std::unique_ptr<DefaultForwarder>> create(ForwarderOptions options, ForwarderDeps deps);
  // Stops (as stop()) when still started.
  ~DefaultForwarder() override;

  // Starts the domain forwarders and the health check. FailedPrecondition when already started
  // or stopped (a forwarder runs once, like the agent's).
  common::Status start();
  // The agent's Stop (spec §6.10): domain forwarders stop in parallel with purge, bounded by
  // forwarder_stop_timeout (virtual mode: of virtual time), then the retry queues are flushed to
  // disk. Idempotent. Blocks in live mode until the workers have exited.
  void stop();

  // Creates the transactions and hands each to its domain forwarder (never blocks on the
  // network). FailedPrecondition "the forwarder is not started" when not started;
  // InvalidArgument for a non-submission endpoint or null payloads (the valid payloads of the
  // submission are still sent). Thread-safe.
  common::Status submit(serializer::Submission&& submission) override;

  // Driver step (see the file comment). Live mode: called by the driver thread, or by the
  // caller when options.live_driver_thread is false. Virtual mode: called by the caller only.
  void tick(common::SteadyTime now);
  // When tick() must next run; nullopt when not started.
  std::optional<common::SteadyTime> nextDeadline() const;

  common::TelemetrySnapshot telemetry() const;
  const ForwarderTelemetry& counters() const { return telemetry_; }
  const ForwarderOptions& options() const { return options_; }
  // Domains in configuration order (main first).
  std::vector<std::string> domains() const;
  DomainForwarder* domainForwarder(const std::string& domain);
  ForwarderHealth* health() { return health_.get(); }
  bool started() const { return state_.load() == State::kStarted; }

 private:
  enum class State { kCreated, kStarted, kStopped };
  DefaultForwarder(ForwarderOptions options, ForwarderDeps deps);
  common::Status init();
  void driverLoop();
  void healthLoop();
  void wakeDriver();
  void stopDomainsLive();
  void stopDomainsVirtual();
  void updateCapacity(const std::vector<std::pair<std::string, size_t>>& sent);

  ForwarderOptions options_;
  Transport& transport_;
  common::Clock& clock_;
  common::Random& random_;
  const DiskUsageProvider* disk_usage_;
  ForwarderTelemetry telemetry_;
  std::atomic<uint64_t> transaction_ids_{1};
  std::unique_ptr<TransactionFactory> factory_;
  std::vector<std::unique_ptr<DomainForwarder>> domain_list_;
  std::map<std::string, DomainForwarder*> by_domain_;
  std::unique_ptr<ForwarderHealth> health_;
  std::optional<DiskUsageLimit> disk_limit_;

  // Retry-queue capacity telemetry (core agent only).
  mutable std::mutex capacity_mu_;
  std::unique_ptr<QueueDurationCapacity> capacity_;
  std::map<std::string, QueueCapacityStats> capacity_stats_;

  std::mutex lifecycle_mu_;        // start/stop
  std::shared_mutex submit_mu_;    // submits (shared) vs. state changes (exclusive)
  std::atomic<State> state_{State::kCreated};

  // Live-mode threads.
  std::mutex driver_mu_;
  std::condition_variable driver_cv_;
  bool driver_stop_ = false;
  bool driver_wake_ = false;
  std::thread driver_;
  std::thread health_thread_;
};

}  // namespace ddsim::forwarder
