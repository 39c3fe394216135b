#pragma once
// Every standard chart of the dashboard in one scrollable grid on one time axis: one TimeChart
// per ChartId plus the flush-duration and payload-size histograms. refresh() decimates each
// model series to the chart's width (per-pixel min/max) and skips charts that are not visible.
// Given two models (A/B), each line is drawn twice, prefixed "A: " and "B: ".
#include <QWidget>

#include <map>
#include <string>
#include <vector>

#include "gui/charts/time_chart.h"
#include "gui/model/dashboard_model.h"

namespace ddsim::gui {

class ChartGrid : public QWidget {
  Q_OBJECT
 public:
  explicit ChartGrid(QWidget* parent = nullptr);

  struct Source {
    std::string prefix;  // "" for one run; "A: ", "B: " for an overlay
    const DashboardModel* model;
  };
  // Redraws from `sources` over [t0, t1]. `force` also redraws charts that are hidden (export).
  void refresh(const std::vector<Source>& sources, double t0, double t1, bool force = false);
  TimeChart* chart(ChartId c) { return charts_.at(c); }
  HistogramChart* flushHistogram() { return flush_hist_; }
  HistogramChart* payloadHistogram() { return payload_hist_; }
  // Writes every chart as <slug>.png (and .csv) into `dir`; returns the files written.
  QStringList exportTo(const QString& dir, QSize size);
  // Points the display did not get: decimated away this refresh (not lost: the store has them).
  size_t decimatedAway() const { return decimated_away_; }

 private:
  std::map<ChartId, TimeChart*> charts_;
  HistogramChart* flush_hist_;
  HistogramChart* payload_hist_;
  size_t decimated_away_ = 0;
};

}  // namespace ddsim::gui
