#include "gui/widgets/stats_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QTableWidget>
#include <QTreeWidget>

namespace ddsim::gui {

StatsView::StatsView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QHBoxLayout(this);
  funnel_ = new QTreeWidget(this);
  funnel_->setHeaderLabels({"accounting funnel", "count"});
  routes_ = new QTableWidget(0, 6, this);
  routes_->setHorizontalHeaderLabels({"route", "payloads", "compressed B", "uncompressed B", "items", "attempts by status"});
  routes_->horizontalHeader()->setStretchLastSection(true);
  routes_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  layout->addWidget(funnel_, 1);
  layout->addWidget(routes_, 2);
}

void StatsView::refresh(const DashboardModel& m) {
  if (!isVisible()) return;
  const Funnel f = m.funnel();
  funnel_->clear();
  for (const auto& s : f.stages) {
    new QTreeWidgetItem(funnel_, {QString::fromStdString(s.name), QString::number(s.value, 'f', 0)});
  }
  if (!f.drops.empty()) {
    auto* drops = new QTreeWidgetItem(funnel_, {"dropped (loss)", ""});
    for (const auto& [k, v] : f.drops) new QTreeWidgetItem(drops, {QString::fromStdString(k), QString::number(v, 'f', 0)});
    drops->setExpanded(true);
  }
  if (!f.skips.empty()) {
    auto* skips = new QTreeWidgetItem(funnel_, {"skipped by design", ""});
    for (const auto& [k, v] : f.skips) new QTreeWidgetItem(skips, {QString::fromStdString(k), QString::number(v, 'f', 0)});
  }
  routes_->setRowCount(static_cast<int>(m.routes().size()));
  int row = 0;
  for (const auto& [route, r] : m.routes()) {
    QString statuses;
    for (const auto& [st, n] : r.attempts_by_status) statuses += QString("%1: %2  ").arg(QString::fromStdString(st)).arg(n);
    const QStringList cells = {QString::fromStdString(route), QString::number(r.payloads),
                               QString::number(r.compressed_bytes), QString::number(r.uncompressed_bytes),
                               QString::number(r.items), statuses.trimmed()};
    for (int c = 0; c < cells.size(); ++c) routes_->setItem(row, c, new QTableWidgetItem(cells[c]));
    ++row;
  }
}

}  // namespace ddsim::gui
