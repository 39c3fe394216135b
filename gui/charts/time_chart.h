#pragma once
// The one chart widget of the dashboard: named lines on a shared time axis (seconds since the
// run started), labelled markers as vertical lines, configured limits as dashed lines. A thin
// layer over Qt Charts: the rest of the GUI talks to this interface only, so the chart library
// can change. Points come already decimated to the chart's width (gui/model/decimate.h).
#include <QWidget>

#include <map>
#include <vector>

#include "gui/model/dashboard_model.h"

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace ddsim::gui {

class TimeChart : public QWidget {
  Q_OBJECT
 public:
  explicit TimeChart(const QString& title, const QString& unit, QWidget* parent = nullptr);

  // Replaces the points of line `name` (created on first use, in a stable colour).
  void setLine(const std::string& name, const std::vector<Point>& points);
  // Removes lines not named in `keep`.
  void keepOnly(const std::vector<std::string>& keep);
  void setMarkers(const std::vector<Marker>& markers);
  void setLimits(const std::vector<LimitLine>& limits);
  // The visible time range; the y axis fits the visible data (and limits) on refresh.
  void setTimeRange(double t0, double t1);
  // Pixels across the plot area: how many columns decimation should produce.
  int plotColumns() const;
  // Points drawn by all lines (after decimation).
  size_t pointCount() const;
  std::vector<std::string> lineNames() const;
  // Where time t falls in widget pixels (x), for screenshot checks.
  int xForTime(double t) const;
  QColor markerColor(const std::string& kind) const;
  QColor lineColor(const std::string& name) const;
  // Renders the chart alone into an image of `size` (offscreen safe).
  QImage render(QSize size);
  void writeCsv(QTextStream& out) const;

 private:
  void fitY();

  QChart* chart_;
  QChartView* view_;
  QValueAxis* x_;
  QValueAxis* y_;
  std::map<std::string, QLineSeries*> lines_;
  std::vector<QLineSeries*> marker_lines_;
  std::vector<QLineSeries*> limit_lines_;
  std::vector<Marker> markers_;
  std::vector<LimitLine> limits_;
  std::map<std::string, std::vector<Point>> data_;
  double t0_ = 0, t1_ = 60;
};

// A histogram as bars (flush durations, payload sizes).
class HistogramChart : public QWidget {
  Q_OBJECT
 public:
  explicit HistogramChart(const QString& title, const QString& unit, QWidget* parent = nullptr);
  void setBins(const std::vector<HistogramBin>& bins, double scale = 1.0);
  int64_t total() const { return total_; }
  QImage render(QSize size);

 private:
  QChart* chart_;
  QChartView* view_;
  QString unit_;
  int64_t total_ = 0;
};

}  // namespace ddsim::gui
