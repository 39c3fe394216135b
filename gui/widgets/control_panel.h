#pragma once
// Drive load: pick or open a scenario, edit its main knobs (ScenarioKnobs), choose the speed,
// Start / Pause / Resume / Stop, and change the rate and contexts while it runs. Thin: the
// knobs live in gui/model/scenario_knobs.h; this only shows them and emits what the user asks.
#include <QWidget>

#include <nlohmann/json.hpp>

#include "gui/model/scenario_knobs.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace ddsim::gui {

class ControlPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ControlPanel(const QString& scenarios_dir, QWidget* parent = nullptr);

  // Loads a scenario file into the form; false (and a message in the panel) when unreadable.
  bool loadScenario(const QString& path);
  // The scenario with the form's knobs applied, and the file it came from.
  nlohmann::json scenarioJson() const;
  QString scenarioPath() const { return path_; }
  // 0 = as fast as possible; < 0 = real time (the scenario runs in realtime mode).
  double speed() const;
  void setRunning(bool running, bool paused);
  void setMessage(const QString& text);

  QPushButton* startButton() { return start_; }
  QPushButton* pauseButton() { return pause_; }
  QPushButton* stopButton() { return stop_; }
  QComboBox* speedBox() { return speed_; }

 signals:
  void startRequested();
  void pauseRequested();
  void resumeRequested();
  void stopRequested();
  void speedChanged(double speed);
  void loadChangeRequested(double rate_factor, double context_fraction);

 private:
  void showKnobs(const ScenarioKnobs& k);
  ScenarioKnobs readKnobs() const;

  QString path_;
  nlohmann::json scenario_;
  ScenarioKnobs knobs_;
  QComboBox* picker_;
  QSpinBox* contexts_;
  QDoubleSpinBox* rate_;
  QSpinBox* tags_min_;
  QSpinBox* tags_max_;
  std::map<std::string, QDoubleSpinBox*> weights_;
  QComboBox* compressor_;
  QSpinBox* level_;
  QCheckBox* series_v2_;
  QSpinBox* workers_;
  QSpinBox* max_payload_;
  QSpinBox* max_uncompressed_;
  QDoubleSpinBox* flush_interval_;
  QDoubleSpinBox* duration_;
  QComboBox* speed_;
  QPushButton* start_;
  QPushButton* pause_;
  QPushButton* stop_;
  QDoubleSpinBox* rate_factor_;
  QDoubleSpinBox* context_fraction_;
  QPushButton* apply_load_;
  QLabel* message_;
  bool paused_ = false;
};

}  // namespace ddsim::gui
