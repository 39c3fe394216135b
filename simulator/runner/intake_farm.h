#pragma once
// The embedded fake intakes a run sends to: one fakeintake handler per destination domain
// (the main dd_url and each additional endpoint), reached over real HTTP on loopback or
// in-process. The farm rewrites the agent's endpoints to point at them and provides the
// forwarder's Transport.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/config/agent_config.h"
#include "core/forwarder/function_transport.h"
#include "core/forwarder/http_transport.h"
#include "core/store/run_store.h"
#include "fakeintake/handler/intake_handler.h"
#include "fakeintake/server/http_server.h"

namespace ddsim::runner {

struct IntakeFarmOptions {
  bool http = true;             // false: in-process (no sockets)
  bool simulate_delays = true;  // virtual time: latency and "never answer" as headers
  uint64_t seed = 1;
  std::chrono::nanoseconds retention = std::chrono::hours(24);  // keep everything for the checks
  // Every intake writes what it stores here (intake names "main", "intake-1", ...): the checks
  // read the run store, so the memory store only serves the control API and can stay small.
  store::RunStore* run_store = nullptr;
  size_t max_memory_bytes = size_t{16} << 20;  // per intake
  // Payloads waiting for the run store's writer thread, per intake (the intake answers without
  // waiting for SQLite; pushes wait when this much is queued). 0: write inline. 64 MiB holds a
  // whole first flush of 50,000 new contexts, whose rows are the slowest to write: with 8 MiB
  // the intake, and so the run thread, waited about 0.8 s for it (50k slice 5.0-6.3 -> 4.9-5.8 s).
  size_t run_store_queue_bytes = size_t{64} << 20;
  // Answered payloads waiting to be decoded and stored, per intake (IntakeOptions::
  // deferred_ingest_bytes: an intake answers the agent's series once they are validated, and
  // decodes them while the run thread goes on). 0: decode, store, then answer.
  size_t deferred_ingest_bytes = size_t{32} << 20;
};

class IntakeFarm {
 public:
  IntakeFarm(IntakeFarmOptions options, common::Clock& clock);
  ~IntakeFarm();

  // Creates one intake per destination of `cfg` (dd_url or the site, plus every
  // additional_endpoints URL) and rewrites those settings to the intakes' URLs.
  common::Status setUp(config::AgentConfig& cfg);
  forwarder::Transport& transport() { return *transport_; }

  struct Intake {
    std::string configured_url;  // what the scenario or config named
    std::string url;             // where it really is
    std::string name;            // its name in the run store
    std::unique_ptr<fakeintake::IntakeHandler> handler;
    std::unique_ptr<fakeintake::HttpServer> server;
  };
  const std::vector<std::unique_ptr<Intake>>& intakes() const { return intakes_; }
  fakeintake::IntakeHandler& main() { return *intakes_.front()->handler; }
  // Runs every handler's periodic work (retention).
  void tick(common::SystemTime now);
  void stop();
  // Returns once every payload any intake stored is in the run store (before verdicts read it).
  void flushRunStore();

 private:
  common::Result<Intake*> add(const std::string& configured_url);
  forwarder::TransportResult handleInProcess(const forwarder::TransportRequest& request);

  IntakeFarmOptions options_;
  common::Clock& clock_;
  std::vector<std::unique_ptr<Intake>> intakes_;
  std::map<std::string, Intake*> by_host_;  // in-process: "intake-N" -> intake
  std::unique_ptr<forwarder::Transport> transport_;
};

}  // namespace ddsim::runner
