#pragma once
// `fakeintake` (no subcommand): runs the server until SIGINT/SIGTERM.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace ddsim::fakeintake {

struct ServeArgs {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string retention = "15m";
  std::string max_memory = "1GiB";
  std::string max_decompressed = "64MiB";
  std::string log_level = "info";
  size_t threads = 8;
  bool simulate_delays = false;
  std::vector<std::string> valid_api_keys;
  bool enforce_api_keys = false;
  uint64_t fault_seed = 0;
  std::string faults_file;
  std::string store_file;             // --store: the run store (SQLite) every payload is written to
  std::string store_max_size = "10GiB";  // its bound on disk (oldest payloads evicted past it)
};

// Adds the server's options to `app`.
void addServeOptions(CLI::App& app, ServeArgs& args);
// Exit code of a command line fakeintake cannot use (a bad flag or flag value, an invalid
// --faults file), as ddsim's: 2.
inline constexpr int kServeExitUsage = 2;

// Runs the server; prints the bound port on stdout (one line) once listening. Returns the exit
// code (0 after a clean stop, kServeExitUsage for a bad flag value or --faults file, 1 when the
// server cannot start, e.g. the port is taken).
int runServe(const ServeArgs& args);

}  // namespace ddsim::fakeintake
