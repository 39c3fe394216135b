#include "gui/charts/time_chart.h"

#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <QPainter>
#include <QTextStream>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ddsim::gui {
namespace {

// A fixed palette, picked by a stable hash of the name, so a line keeps its colour across
// refreshes, runs and exports.
QColor paletteColor(const std::string& name) {
  static const QColor kPalette[] = {QColor(31, 119, 180), QColor(44, 160, 44),  QColor(148, 103, 189),
                                    QColor(140, 86, 75),  QColor(23, 190, 207), QColor(188, 189, 34),
                                    QColor(127, 127, 127), QColor(227, 119, 194)};
  uint32_t h = 2166136261u;
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  return kPalette[h % (sizeof kPalette / sizeof kPalette[0])];
}

QChart* newChart(const QString& title) {
  auto* c = new QChart();
  c->setTitle(title);
  c->setAnimationOptions(QChart::NoAnimation);
  c->legend()->setAlignment(Qt::AlignBottom);
  c->setMargins(QMargins(4, 4, 4, 4));
  return c;
}

// Renders `view` (filling `w`) at `size`, then gives `w` back to its layout at its own size. The
// premultiplied format is what the raster engine paints natively (ARGB32 cost a conversion per
// frame, 18x slower at 100k points: bench/RESULTS.md).
QImage renderAt(QWidget& w, QChartView& view, QSize size) {
  const QSize shown = w.size();
  w.resize(size);
  QImage img(size, QImage::Format_ARGB32_Premultiplied);
  img.fill(Qt::white);
  {
    QPainter painter(&img);
    view.render(&painter);
  }
  w.resize(shown);
  return img;
}

}  // namespace

TimeChart::TimeChart(const QString& title, const QString& unit, QWidget* parent) : QWidget(parent) {
  chart_ = newChart(title);
  x_ = new QValueAxis();
  x_->setTitleText("seconds since start");
  x_->setLabelFormat("%.0f");
  y_ = new QValueAxis();
  y_->setTitleText(unit);
  y_->setLabelFormat("%.3g");
  chart_->addAxis(x_, Qt::AlignBottom);
  chart_->addAxis(y_, Qt::AlignLeft);
  view_ = new QChartView(chart_, this);
  view_->setRenderHint(QPainter::Antialiasing, false);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(view_);
  setMinimumSize(440, 320);
}

QColor TimeChart::lineColor(const std::string& name) const { return paletteColor(name); }

QColor TimeChart::markerColor(const std::string& kind) const {
  if (kind == "fault") return QColor(214, 39, 40);  // red
  if (kind == "restart") return QColor(255, 127, 14);  // orange
  if (kind == "load") return QColor(0, 0, 0);
  return QColor(90, 90, 90);
}

void TimeChart::setLine(const std::string& name, const std::vector<Point>& points) {
  auto it = lines_.find(name);
  if (it == lines_.end()) {
    auto* s = new QLineSeries();
    s->setName(QString::fromStdString(name));
    QPen pen(paletteColor(name));
    pen.setWidthF(1.5);
    s->setPen(pen);
    chart_->addSeries(s);
    s->attachAxis(x_);
    s->attachAxis(y_);
    it = lines_.emplace(name, s).first;
  }
  QList<QPointF> pts;
  pts.reserve(static_cast<qsizetype>(points.size()));
  for (const auto& p : points) pts.append(QPointF(p.t, p.v));
  it->second->replace(pts);
  data_[name] = points;
}

void TimeChart::keepOnly(const std::vector<std::string>& keep) {
  for (auto it = lines_.begin(); it != lines_.end();) {
    if (std::find(keep.begin(), keep.end(), it->first) == keep.end()) {
      chart_->removeSeries(it->second);
      delete it->second;
      data_.erase(it->first);
      it = lines_.erase(it);
    } else {
      ++it;
    }
  }
}

void TimeChart::setMarkers(const std::vector<Marker>& markers) {
  markers_ = markers;
  // Created as needed and reused; their y extent is set in fitY().
  while (marker_lines_.size() < markers_.size()) {
    auto* s = new QLineSeries();
    chart_->addSeries(s);
    s->attachAxis(x_);
    s->attachAxis(y_);
    marker_lines_.push_back(s);
  }
  for (size_t i = 0; i < marker_lines_.size(); ++i) {
    auto* s = marker_lines_[i];
    if (i < markers_.size()) {
      QPen pen(markerColor(markers_[i].kind));
      pen.setWidthF(2.0);
      s->setPen(pen);
      s->setName(QString::fromStdString(markers_[i].label));
    }
    s->setVisible(i < markers_.size());
  }
  for (auto* s : marker_lines_) {
    for (auto* m : chart_->legend()->markers(s)) m->setVisible(false);
  }
}

void TimeChart::setLimits(const std::vector<LimitLine>& limits) {
  limits_ = limits;
  while (limit_lines_.size() < limits_.size()) {
    auto* s = new QLineSeries();
    QPen pen(QColor(214, 39, 40));
    pen.setStyle(Qt::DashLine);
    s->setPen(pen);
    chart_->addSeries(s);
    s->attachAxis(x_);
    s->attachAxis(y_);
    limit_lines_.push_back(s);
  }
  for (size_t i = 0; i < limit_lines_.size(); ++i) {
    limit_lines_[i]->setVisible(i < limits_.size());
    if (i < limits_.size()) limit_lines_[i]->setName(QString::fromStdString(limits_[i].label));
  }
}

void TimeChart::setTimeRange(double t0, double t1) {
  t0_ = t0;
  t1_ = std::max(t1, t0 + 1);
  x_->setRange(t0_, t1_);
  fitY();
}

void TimeChart::fitY() {
  double hi = 0, lo = 0;
  for (const auto& [name, pts] : data_) {
    for (const auto& p : pts) {
      if (p.t < t0_ || p.t > t1_) continue;
      hi = std::max(hi, p.v);
      lo = std::min(lo, p.v);
    }
  }
  // A limit far above the data would flatten it: limits widen the axis only up to 4x the data.
  for (const auto& l : limits_) {
    if (hi <= 0 || l.value <= 4 * hi) hi = std::max(hi, l.value);
  }
  if (hi <= lo) hi = lo + 1;
  hi *= 1.08;
  y_->setRange(lo, hi);
  for (size_t i = 0; i < markers_.size() && i < marker_lines_.size(); ++i) {
    marker_lines_[i]->replace(QList<QPointF>{{markers_[i].t, lo}, {markers_[i].t, hi}});
  }
  for (size_t i = 0; i < limits_.size() && i < limit_lines_.size(); ++i) {
    limit_lines_[i]->replace(QList<QPointF>{{t0_, limits_[i].value}, {t1_, limits_[i].value}});
  }
}

int TimeChart::plotColumns() const {
  const int w = static_cast<int>(chart_->plotArea().width());
  return std::max(w > 0 ? w : width() - 80, 100);
}

size_t TimeChart::pointCount() const {
  size_t n = 0;
  for (const auto& [name, s] : lines_) n += static_cast<size_t>(s->count());
  return n;
}

std::vector<std::string> TimeChart::lineNames() const {
  std::vector<std::string> out;
  for (const auto& [name, s] : lines_) out.push_back(name);
  return out;
}

int TimeChart::xForTime(double t) const {
  const QPointF p = chart_->mapToPosition(QPointF(t, y_->min()));
  return static_cast<int>(std::lround(view_->mapFromScene(p).x() + view_->x()));
}

QImage TimeChart::render(QSize size) {
  return renderAt(*this, *view_, size);
}

void TimeChart::writeCsv(QTextStream& out) const {
  out << "series,t_seconds,value\n";
  for (const auto& [name, pts] : data_) {
    for (const auto& p : pts) out << '"' << QString::fromStdString(name) << "\"," << p.t << ',' << p.v << '\n';
  }
}

HistogramChart::HistogramChart(const QString& title, const QString& unit, QWidget* parent)
    : QWidget(parent), unit_(unit) {
  chart_ = newChart(title);
  chart_->legend()->hide();
  view_ = new QChartView(chart_, this);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(view_);
  setMinimumSize(440, 320);
}

void HistogramChart::setBins(const std::vector<HistogramBin>& bins, double scale) {
  chart_->removeAllSeries();
  for (auto* a : chart_->axes()) {
    chart_->removeAxis(a);
    delete a;
  }
  auto* set = new QBarSet("count");
  set->setColor(QColor(31, 119, 180));
  QStringList labels;
  total_ = 0;
  double top = 1;
  for (const auto& b : bins) {
    *set << static_cast<double>(b.count);
    total_ += b.count;
    top = std::max(top, static_cast<double>(b.count));
    labels << QString::number(b.lo * scale, 'g', 3);
  }
  auto* series = new QBarSeries();
  series->append(set);
  series->setBarWidth(1.0);
  chart_->addSeries(series);
  auto* x = new QBarCategoryAxis();
  x->append(labels);
  x->setTitleText(unit_ + " (bin start)");
  auto* y = new QValueAxis();
  y->setRange(0, top * 1.1);
  y->setLabelFormat("%.0f");
  chart_->addAxis(x, Qt::AlignBottom);
  chart_->addAxis(y, Qt::AlignLeft);
  series->attachAxis(x);
  series->attachAxis(y);
}

QImage HistogramChart::render(QSize size) {
  return renderAt(*this, *view_, size);
}

}  // namespace ddsim::gui
