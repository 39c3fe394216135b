#pragma once
// The dashboard attached to a live pipeline instead of a simulation: polls a running
// `ddsim agent`'s telemetry endpoint (GET /telemetry.json, ddsim's own keys; the agent serves it
// with telemetry.enabled) and a fakeintake's control API (GET /fakeintake/payloads per route,
// with its cursor, and /fakeintake/routestats for the answers by status) about once a second, and turns what it reads into the model's events on a
// LiveFeed, times in seconds since attaching. Faults go to the fakeintake (POST
// /fakeintake/faults?mode=append) and show as markers. Either URL may be empty. Qt-free; its
// own thread; errors (an endpoint that does not answer) are counted and kept as text.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/common/status.h"
#include "gui/controller/live_feed.h"

namespace ddsim::gui {

struct AttachOptions {
  std::string agent_url;       // e.g. http://127.0.0.1:5000 (its /telemetry.json is read)
  std::string fakeintake_url;  // e.g. http://127.0.0.1:8080
  std::chrono::milliseconds interval{1000};
};

class AttachSource {
 public:
  AttachSource(AttachOptions options, LiveFeed& feed);
  ~AttachSource();  // stops polling
  AttachSource(const AttachSource&) = delete;
  AttachSource& operator=(const AttachSource&) = delete;

  void start();
  void stop();
  // Appends a fault rule on the fakeintake; the marker is on the feed when it was accepted.
  common::Status injectFault(const nlohmann::json& rule, const std::string& label);
  int64_t polls() const { return polls_.load(); }
  int64_t errors() const { return errors_.load(); }
  std::string lastError() const;

 private:
  void loop();
  void pollAgent(double t);
  void pollFakeintake(double t);
  void failed(const std::string& what);
  double now() const;

  AttachOptions o_;
  LiveFeed& feed_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> polls_{0}, errors_{0};
  mutable std::mutex mu_;
  std::string last_error_;
  std::map<std::string, int64_t> cursors_;   // fakeintake route -> last payload id read
  std::map<std::string, int64_t> answered_;  // "route status" -> answers counted so far
  std::chrono::steady_clock::time_point start_;
  double start_unix_ = 0;
};

}  // namespace ddsim::gui
