#pragma once
// The dashboard's window: the control and fault panels on the left; tabs for the live charts
// (with the funnel and route table), the payload inspector and recorded runs. It wires the
// panels to the controller (gui/controller) and polls the controller's feed into the model at
// most 30 times a second; only the visible tab repaints.
#include <QMainWindow>

#include <optional>

#include "gui/controller/attach_source.h"
#include "gui/controller/sim_controller.h"
#include "gui/model/dashboard_model.h"

class QLabel;
class QTabWidget;
class QTimer;

namespace ddsim::gui {

class ChartGrid;
class ControlPanel;
class FaultPanel;
class InspectorView;
class RunsView;
class StatsView;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  MainWindow(const QString& scenarios_dir, const QString& runs_dir, QWidget* parent = nullptr);
  ~MainWindow() override;

  // Starts the scenario in the control panel; false (with the reason in the panel) when it is invalid.
  bool startRun();
  // Pause the next run when virtual time reaches t (tests and headless screenshots).
  void setPauseAt(std::optional<double> t) { pause_at_ = t; }
  // Follows a live pipeline instead of a simulation: a `ddsim agent`'s telemetry endpoint and/or
  // a fakeintake's control API (faults from the panel go to that fakeintake).
  void attach(const QString& agent_url, const QString& fakeintake_url);
  bool attached() const { return attach_ != nullptr; }
  // Drains the feed into the model and repaints what is visible (the timer calls it).
  void pump();
  // Repaints every chart of the live tab, visible or not (export).
  void redrawAll();

  SimController& controller() { return controller_; }
  const DashboardModel& model() const { return model_; }
  ControlPanel* controlPanel() { return control_; }
  FaultPanel* faultPanel() { return faults_; }
  ChartGrid* charts() { return charts_; }
  StatsView* stats() { return stats_; }
  InspectorView* inspector() { return inspector_; }
  RunsView* runs() { return runs_; }
  QTabWidget* tabs() { return tabs_; }
  bool running() const { return running_; }
  // Repaints since the window opened, and events the feed dropped (display only).
  int64_t repaints() const { return repaints_; }

 private:
  void updateStatus();
  void finished();

  QString runs_dir_;
  SimController controller_;
  DashboardModel model_;
  std::optional<double> pause_at_;
  std::unique_ptr<LiveFeed> attach_feed_;
  std::unique_ptr<AttachSource> attach_;
  bool running_ = false;
  int64_t repaints_ = 0;
  std::vector<LiveEvent> events_;
  ControlPanel* control_;
  FaultPanel* faults_;
  ChartGrid* charts_;
  StatsView* stats_;
  InspectorView* inspector_;
  RunsView* runs_;
  QTabWidget* tabs_;
  QLabel* status_;
  QTimer* timer_;
};

}  // namespace ddsim::gui
