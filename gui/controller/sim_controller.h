#pragma once
// Owns a simulation run for the dashboard: runs the scenario (simulator/runner) on its own
// thread with a live feed (run -> GUI, bounded, never blocking the run) and a live control
// (GUI -> run: pause, speed, faults, restarts, load changes, stop). Qt-free; the GUI polls the
// feed from a timer. Every run records into a run store, so it can be reopened.
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "core/common/status.h"
#include "gui/controller/live_feed.h"
#include "simulator/runner/live.h"
#include "simulator/scenario/scenario.h"

namespace ddsim::gui {

struct StartOptions {
  std::string store_path;              // where the run is recorded (required)
  double speed = 0;                    // virtual s per real s; 0 = as fast as possible
  std::optional<double> pause_at;      // pause when virtual time reaches this
  size_t feed_capacity = 200'000;
};

class SimController {
 public:
  SimController() = default;
  ~SimController();  // stops a running run and waits for it
  SimController(const SimController&) = delete;
  SimController& operator=(const SimController&) = delete;

  // Starts `scenario` on the run thread. Errors when a run is still going.
  common::Status start(const scenario::Scenario& scenario, const StartOptions& options);
  bool running() const;
  // Asks the run to stop (last flush, report, store finalized) and waits for the thread.
  void stopAndWait();
  // Waits for a run that ends by itself.
  void wait();

  runner::LiveControl* control() { return control_.get(); }
  LiveFeed* feed() { return feed_.get(); }
  const std::string& storePath() const { return store_path_; }

 private:
  std::unique_ptr<LiveFeed> feed_;
  std::unique_ptr<runner::LiveControl> control_;
  std::thread thread_;
  std::string store_path_;
  std::shared_ptr<std::atomic<bool>> done_;
};

}  // namespace ddsim::gui
