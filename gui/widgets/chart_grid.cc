#include "gui/widgets/chart_grid.h"

#include <QDir>
#include <QFile>
#include <QGridLayout>
#include <QTextStream>

#include "gui/model/decimate.h"

namespace ddsim::gui {

ChartGrid::ChartGrid(QWidget* parent) : QWidget(parent) {
  auto* grid = new QGridLayout(this);
  int i = 0;
  for (ChartId c : kAllCharts) {
    auto* chart = new TimeChart(chartTitle(c), chartUnit(c), this);
    charts_[c] = chart;
    grid->addWidget(chart, i / 2, i % 2);
    ++i;
  }
  flush_hist_ = new HistogramChart("Flush duration histogram", "ms", this);
  payload_hist_ = new HistogramChart("Series payload size histogram (compressed)", "KiB", this);
  grid->addWidget(flush_hist_, i / 2, i % 2);
  ++i;
  grid->addWidget(payload_hist_, i / 2, i % 2);
}

void ChartGrid::refresh(const std::vector<Source>& sources, double t0, double t1, bool force) {
  decimated_away_ = 0;
  std::vector<Point> out;
  for (auto& [id, chart] : charts_) {
    if (!force && !chart->isVisible()) continue;  // hidden tabs and scrolled-away charts do not repaint
    std::vector<std::string> names;
    std::vector<Marker> markers;
    std::vector<LimitLine> limits;
    for (const auto& src : sources) {
      for (const auto& name : src.model->seriesNames(id)) {
        const auto* buf = src.model->series(id, name);
        const auto st = decimateMinMax(*buf, t0, t1, static_cast<size_t>(chart->plotColumns()), out);
        decimated_away_ += st.input - st.output;
        chart->setLine(src.prefix + name, out);
        names.push_back(src.prefix + name);
      }
      for (auto m : src.model->markers()) {
        m.label = src.prefix + m.label;
        markers.push_back(std::move(m));
      }
      if (limits.empty()) limits = src.model->limits(id);
    }
    chart->keepOnly(names);
    chart->setMarkers(markers);
    chart->setLimits(limits);
    chart->setTimeRange(t0, t1);
  }
  if (!sources.empty() && (force || flush_hist_->isVisible())) {
    auto bins = sources.front().model->flushHistogram(20);
    for (auto& b : bins) b.lo *= 1e3;  // seconds -> ms
    flush_hist_->setBins(bins);
    payload_hist_->setBins(sources.front().model->payloadHistogram("/api/v2/series", 20), 1.0 / 1024);
  }
}

QStringList ChartGrid::exportTo(const QString& dir, QSize size) {
  QStringList written;
  QDir().mkpath(dir);
  for (auto& [id, chart] : charts_) {
    const QString base = dir + "/" + chartSlug(id);
    if (chart->render(size).save(base + ".png")) written << base + ".png";
    QFile csv(base + ".csv");
    if (csv.open(QIODevice::WriteOnly | QIODevice::Text)) {
      QTextStream out(&csv);
      chart->writeCsv(out);
      written << base + ".csv";
    }
  }
  if (flush_hist_->render(size).save(dir + "/flush_histogram.png")) written << dir + "/flush_histogram.png";
  if (payload_hist_->render(size).save(dir + "/payload_histogram.png")) written << dir + "/payload_histogram.png";
  return written;
}

}  // namespace ddsim::gui
