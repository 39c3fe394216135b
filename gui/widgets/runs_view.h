#pragma once
// Recorded runs: open a run store and scrub through it (the charts as they stood at the slider's
// time), or open a second one to overlay A and B aligned at their start, with the compare
// verdicts (`ddsim compare A B`) beside.
#include <QWidget>

#include <optional>

#include "gui/model/dashboard_model.h"
#include "gui/model/run_replay.h"

class QLabel;
class QPlainTextEdit;
class QSlider;

namespace ddsim::gui {

class ChartGrid;

class RunsView : public QWidget {
  Q_OBJECT
 public:
  explicit RunsView(QWidget* parent = nullptr);
  // Opens run A (and clears B); false with a message when the file is not a run store.
  bool openRun(const QString& path);
  // Opens run B for the overlay and fills the compare verdicts.
  bool openCompare(const QString& path);
  // Shows the run(s) up to `t` seconds (the scrubber).
  void scrubTo(double t);
  void redraw(bool force = false);
  ChartGrid* charts() { return charts_; }
  QSlider* scrubber() { return scrubber_; }
  QPlainTextEdit* verdicts() { return verdicts_; }
  const DashboardModel& modelA() const { return a_; }
  double duration() const;

 private:
  std::optional<RecordedRun> run_a_, run_b_;
  QString path_a_;
  DashboardModel a_, b_;
  double t_ = 0;
  ChartGrid* charts_;
  QSlider* scrubber_;
  QLabel* label_;
  QPlainTextEdit* verdicts_;
};

}  // namespace ddsim::gui
