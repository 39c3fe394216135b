#pragma once
// The accounting funnel (generated to delivered, with drops by reason branching off and
// by-design skips apart) and the per-route table (payloads, bytes, attempts by status).
#include <QWidget>

#include "gui/model/dashboard_model.h"

class QTreeWidget;
class QTableWidget;

namespace ddsim::gui {

class StatsView : public QWidget {
  Q_OBJECT
 public:
  explicit StatsView(QWidget* parent = nullptr);
  void refresh(const DashboardModel& m);
  QTableWidget* routes() { return routes_; }
  QTreeWidget* funnel() { return funnel_; }

 private:
  QTreeWidget* funnel_;
  QTableWidget* routes_;
};

}  // namespace ddsim::gui
