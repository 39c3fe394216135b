#include "fakeintake/cli/serve_command.h"

#include <malloc.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "core/common/logging.h"
#include "core/store/run_store.h"
#include "fakeintake/cli/units.h"
#include "fakeintake/handler/intake_handler.h"
#include "fakeintake/server/http_server.h"

namespace ddsim::fakeintake {

void addServeOptions(CLI::App& app, ServeArgs& a) {
  app.add_option("--host", a.host, "Address to listen on")->capture_default_str();
  app.add_option("--port", a.port, "Port to listen on; 0 picks a free port (printed on stdout)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--retention", a.retention, "How long payloads are kept (15m, 90s, 1h)")->capture_default_str();
  app.add_option("--max-memory", a.max_memory,
                 "Memory ceiling of the whole process (1GiB, 512MiB): half for stored payloads (oldest "
                 "evicted first), the rest for bodies in flight, decoding and answers")
      ->capture_default_str();
  app.add_option("--max-decompressed", a.max_decompressed, "Largest decompressed body accepted (413 above)")
      ->capture_default_str();
  app.add_option("--log-level", a.log_level, "trace, debug, info, warn, error, critical or off")->capture_default_str();
  app.add_option("--threads", a.threads, "HTTP worker threads")->capture_default_str()->check(CLI::Range(1, 256));
  app.add_flag("--simulate-delays", a.simulate_delays,
               "Virtual time: report latency/timeouts in X-Ddsim-Simulated-* headers instead of waiting");
  app.add_option("--valid-api-key", a.valid_api_keys, "A key /api/v1/validate accepts (repeatable; default: all)");
  app.add_flag("--enforce-api-keys", a.enforce_api_keys, "Answer 403 to intake POSTs with other keys");
  app.add_option("--fault-seed", a.fault_seed, "Seed of fault probabilities and latency distributions")
      ->capture_default_str();
  app.add_option("--faults", a.faults_file, "JSON file of fault rules to install at start");
  app.add_option("--store", a.store_file,
                 "Run store (SQLite file, docs/run-store.md): every payload is also written there, kept for "
                 "--retention within --store-max-size; a restart with the same file serves what it holds. Memory then "
                 "keeps payloads as received and format=json queries decode them again");
  app.add_option("--store-max-size", a.store_max_size, "Disk bound of --store (oldest payloads evicted past it)")
      ->capture_default_str();
}

int runServe(const ServeArgs& a) {
  common::initLogging(a.log_level);
  if (auto s = common::setLogLevel(a.log_level); !s.isOk()) {
    std::cerr << "fakeintake: " << s.message() << "\n";
    return kServeExitUsage;
  }
  IntakeOptions o;
  auto retention = parseDuration(a.retention);
  auto memory = parseByteSize(a.max_memory);
  auto decompressed = parseByteSize(a.max_decompressed);
  for (const common::Status* s : {&retention.status(), &memory.status(), &decompressed.status()}) {
    if (!s->isOk()) {
      std::cerr << "fakeintake: " << s->message() << "\n";
      return kServeExitUsage;
    }
  }
  o.retention = *retention;
  o.max_memory_bytes = *memory;
  o.max_decompressed_bytes = *decompressed;
  o.simulate_delays = a.simulate_delays;
  o.valid_api_keys = {a.valid_api_keys.begin(), a.valid_api_keys.end()};
  o.enforce_api_keys_on_intake = a.enforce_api_keys;
  o.fault_seed = a.fault_seed;
  // With a run store the decoded points live on disk: memory keeps payloads as received and
  // /fakeintake/payloads?format=json decodes them again (IntakeOptions::decoded_in_memory).
  o.decoded_in_memory = a.store_file.empty();

  // Signals are handled by sigwait below; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ServerOptions so;
  so.host = a.host;
  so.port = a.port;
  so.threads = a.threads;
  splitMemoryCeiling(*memory, o, so);
  // Fewer malloc arenas: freed memory is shared and trimmed instead of kept per thread.
  mallopt(M_ARENA_MAX, 2);
  IntakeHandler handler(o, common::SystemClock::instance());
  if (!a.faults_file.empty()) {
    std::ifstream in(a.faults_file);
    if (!in) {
      std::cerr << "fakeintake: cannot read --faults file " << a.faults_file << "\n";
      return kServeExitUsage;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto rules = parseFaultRules(ss.str());
    if (!rules.isOk()) {
      std::cerr << "fakeintake: " << a.faults_file << ": " << rules.status().message() << "\n";
      return kServeExitUsage;
    }
    handler.faults().setRules(std::move(rules).value(), common::SystemClock::instance().systemNow());
  }
  std::unique_ptr<store::RunStore> run_store;
  if (!a.store_file.empty()) {
    auto max_size = parseByteSize(a.store_max_size);
    if (!max_size.isOk()) {
      std::cerr << "fakeintake: --store-max-size: " << max_size.status().message() << "\n";
      return 1;
    }
    store::RunStoreOptions ro;
    ro.retention = o.retention;
    ro.max_disk_bytes = static_cast<int64_t>(*max_size);
    auto opened = store::RunStore::open(a.store_file, ro);
    if (!opened.isOk()) {
      std::cerr << "fakeintake: --store: " << opened.status().message() << "\n";
      return 1;
    }
    run_store = std::move(opened).value();
    if (auto st = run_store->setMeta("created_by", "fakeintake"); !st.isOk()) {
      std::cerr << "fakeintake: --store: " << st.message() << "\n";
      return 1;
    }
    auto restored = handler.restoreFrom(*run_store);
    if (!restored.isOk()) {
      std::cerr << "fakeintake: --store: " << restored.status().message() << "\n";
      return 1;
    }
    handler.attachRunStore(run_store.get());
    spdlog::info("fakeintake: run store {}: {} payloads restored from the last {}", a.store_file, *restored,
                 a.retention);
  }
  HttpServer server(handler, so);
  auto port = server.start();
  if (!port.isOk()) {
    std::cerr << "fakeintake: " << port.status().message() << "\n";
    return 1;
  }
  std::cout << *port << std::endl;
  spdlog::info("fakeintake {} listening on {} (retention {}, memory ceiling {} bytes: store {}, bodies in "
               "flight {}, {} concurrent decodes of at most {} bytes{})",
               handler.serverId(), server.url(), a.retention, *memory, o.max_memory_bytes, so.max_inflight_body_bytes,
               so.threads, o.max_decompressed_bytes, o.simulate_delays ? ", simulated delays" : "");
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("fakeintake: signal {}, stopping", sig);
  server.stop();
  if (run_store) {
    handler.attachRunStore(nullptr);
    if (auto st = run_store->finalize("stopped"); !st.isOk()) {
      spdlog::error("fakeintake: run store {}: {}", a.store_file, st.message());
      return 1;
    }
  }
  return 0;
}

}  // namespace ddsim::fakeintake
