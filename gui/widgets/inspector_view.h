#pragma once
// Inspect payloads: the table of what the intake received (time, route, status, sizes, items),
// filtered by route and status; the selected one decoded (gui/model/payload_inspector.h) as a
// tree, with a search that selects every matching key or value; a trace payload also as span
// trees with a waterfall (gui/model/span_tree.h) in the "Spans" tab.
#include <QWidget>

#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/store/run_store.h"

class QLineEdit;
class QTableWidget;
class QTreeWidget;
class QTreeWidgetItem;
class QLabel;
class QTabWidget;

namespace ddsim::gui {

class InspectorView : public QWidget {
  Q_OBJECT
 public:
  explicit InspectorView(QWidget* parent = nullptr);
  // Reads the table from the run store at `path` (opened read-only for each refresh).
  void setStore(const QString& path);
  void refresh();
  // Decodes row `row` of the table into the tree; false with a message when it cannot.
  bool showPayload(int row);
  // Selects and expands every tree node matching `text`; returns how many.
  int search(const QString& text);

  QTableWidget* table() { return table_; }
  QTreeWidget* tree() { return tree_; }
  // One top-level item per trace chunk, its spans nested under their parents.
  QTreeWidget* spans() { return spans_; }
  QTabWidget* detailTabs() { return detail_; }
  QLineEdit* routeFilter() { return route_; }
  QLineEdit* statusFilter() { return status_; }

 private:
  QString path_;
  std::vector<store::PayloadSummary> rows_;
  QLineEdit* route_;
  QLineEdit* status_;
  QLineEdit* search_;
  QTableWidget* table_;
  QTreeWidget* tree_;
  QTreeWidget* spans_;
  QTabWidget* detail_;
  QLabel* message_;
  double run_start_ns_ = 0;

  void showSpans(const nlohmann::json& decoded);
};

}  // namespace ddsim::gui
