#include "gui/widgets/inspector_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QFontDatabase>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <functional>

#include "gui/model/payload_inspector.h"
#include "gui/model/span_tree.h"

namespace ddsim::gui {
namespace {

// Builds the tree of a JSON value under `parent`; arrays and objects are folded.
void addJson(QTreeWidgetItem* parent, const QString& key, const nlohmann::json& j) {
  auto* item = new QTreeWidgetItem(parent);
  item->setText(0, key);
  if (j.is_object() || j.is_array()) {
    item->setText(1, j.is_object() ? QString("{%1}").arg(j.size()) : QString("[%1]").arg(j.size()));
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) addJson(item, QString::fromStdString(k), v);
    } else {
      for (size_t i = 0; i < j.size(); ++i) addJson(item, QString::number(i), j[i]);
    }
  } else {
    item->setText(1, QString::fromStdString(j.is_string() ? j.get<std::string>() : j.dump()));
  }
}

constexpr size_t kWaterfallCells = 40;

QString ms(int64_t ns) { return QString::number(static_cast<double>(ns) / 1e6, 'f', 3); }

}  // namespace

InspectorView::InspectorView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* filters = new QHBoxLayout();
  route_ = new QLineEdit(this);
  route_->setPlaceholderText("route contains…");
  status_ = new QLineEdit(this);
  status_->setPlaceholderText("status");
  auto* reload = new QPushButton("Refresh", this);
  filters->addWidget(route_, 2);
  filters->addWidget(status_, 1);
  filters->addWidget(reload);
  layout->addLayout(filters);
  auto* split = new QSplitter(Qt::Vertical, this);
  table_ = new QTableWidget(0, 7, this);
  table_->setHorizontalHeaderLabels({"id", "t (s)", "route", "status", "compressed", "decoded", "items"});
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->horizontalHeader()->setStretchLastSection(true);
  split->addWidget(table_);
  detail_ = new QTabWidget(this);
  auto* bottom = new QWidget(detail_);
  auto* bl = new QVBoxLayout(bottom);
  bl->setContentsMargins(0, 0, 0, 0);
  search_ = new QLineEdit(bottom);
  search_->setPlaceholderText("search the decoded payload…");
  tree_ = new QTreeWidget(bottom);
  tree_->setHeaderLabels({"key", "value"});
  tree_->setSelectionMode(QAbstractItemView::MultiSelection);
  message_ = new QLabel(this);
  bl->addWidget(search_);
  bl->addWidget(tree_, 1);
  detail_->addTab(bottom, "Decoded");
  spans_ = new QTreeWidget(detail_);
  spans_->setHeaderLabels({"span", "service", "resource", "ms", "at ms", "error", "waterfall", "note"});
  spans_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  detail_->addTab(spans_, "Spans");
  split->addWidget(detail_);
  layout->addWidget(split, 1);
  layout->addWidget(message_);

  connect(reload, &QPushButton::clicked, this, &InspectorView::refresh);
  connect(route_, &QLineEdit::returnPressed, this, &InspectorView::refresh);
  connect(status_, &QLineEdit::returnPressed, this, &InspectorView::refresh);
  connect(table_, &QTableWidget::currentCellChanged, this, [this](int row) { showPayload(row); });
  connect(search_, &QLineEdit::returnPressed, this, [this] { search(search_->text()); });
}

void InspectorView::setStore(const QString& path) {
  path_ = path;
  refresh();
}

void InspectorView::refresh() {
  table_->setRowCount(0);
  rows_.clear();
  if (path_.isEmpty()) return;
  auto s = store::RunStore::open(path_.toStdString(), {.read_only = true});
  if (!s.isOk()) {
    message_->setText(QString::fromStdString(s.status().message()));
    return;
  }
  run_start_ns_ = std::stod((*s)->meta("run_start_unix").value_or("0")) * 1e9;
  PayloadFilter f;
  f.route = route_->text().trimmed().toStdString();
  f.status = status_->text().trimmed().toInt();
  auto rows = inspectPayloads(**s, f);
  if (!rows.isOk()) {
    message_->setText(QString::fromStdString(rows.status().message()));
    return;
  }
  rows_ = std::move(rows).value();
  table_->setRowCount(static_cast<int>(rows_.size()));
  for (int i = 0; i < static_cast<int>(rows_.size()); ++i) {
    const auto& r = rows_[static_cast<size_t>(i)];
    const double t = (static_cast<double>(r.row.received_ns) - run_start_ns_) / 1e9;
    const QStringList cells = {QString::number(r.id),           QString::number(t, 'f', 1),
                               QString::fromStdString(r.row.route), QString::number(r.row.status),
                               QString::number(r.row.compressed_bytes), QString::number(r.row.decoded_bytes),
                               QString::number(r.row.items)};
    for (int c = 0; c < cells.size(); ++c) table_->setItem(i, c, new QTableWidgetItem(cells[c]));
  }
  message_->setText(QString("%1 payloads").arg(rows_.size()));
}

bool InspectorView::showPayload(int row) {
  tree_->clear();
  spans_->clear();
  if (row < 0 || row >= static_cast<int>(rows_.size())) return false;
  auto s = store::RunStore::open(path_.toStdString(), {.read_only = true});
  if (!s.isOk()) {
    message_->setText(QString::fromStdString(s.status().message()));
    return false;
  }
  auto j = decodePayload(**s, rows_[static_cast<size_t>(row)]);
  if (!j.isOk()) {
    message_->setText(QString::fromStdString(j.status().message()));
    return false;
  }
  auto* root = tree_->invisibleRootItem();
  for (const auto& [k, v] : j->items()) addJson(root, QString::fromStdString(k), v);
  message_->setText(QString("payload %1 decoded").arg(rows_[static_cast<size_t>(row)].id));
  showSpans(*j);
  return true;
}

void InspectorView::showSpans(const nlohmann::json& decoded) {
  auto trees = spanTreesFromDecoded(decoded);
  detail_->setTabEnabled(1, trees.isOk());
  if (!trees.isOk()) return;  // not a trace payload: the tab stays empty
  for (const TraceTree& t : *trees) {
    auto* top = new QTreeWidgetItem(spans_);
    top->setText(0, QString("trace %1 (%2 spans, priority %3)").arg(t.trace_id).arg(t.rows.size()).arg(t.priority));
    top->setText(1, QString::fromStdString(t.service));
    top->setText(2, QString::fromStdString(t.name));
    top->setText(3, ms(t.duration_ns));
    top->setText(5, QString::number(t.errors));
    QStringList problems;
    for (const auto& p : t.problems) problems << QString::fromStdString(p);
    top->setText(7, problems.join("; "));
    std::vector<QTreeWidgetItem*> path{top};  // path[d] holds the parent of a row at depth d
    for (const SpanRow& r : t.rows) {
      path.resize(static_cast<size_t>(r.depth) + 1);
      auto* item = new QTreeWidgetItem(path.back());
      item->setText(0, QString::fromStdString(r.span.name));
      item->setText(1, QString::fromStdString(r.span.service));
      item->setText(2, QString::fromStdString(r.span.resource));
      item->setText(3, ms(r.span.duration));
      item->setText(4, ms(r.offset_ns));
      item->setText(5, r.span.error != 0 ? "error" : "");
      item->setText(6, QString::fromStdString(waterfallBar(r, kWaterfallCells)));
      item->setText(7, QString::fromStdString(r.flag));
      path.push_back(item);
    }
  }
  if (spans_->topLevelItemCount() > 0) spans_->topLevelItem(0)->setExpanded(true);
  message_->setText(message_->text() + QString(", %1 traces").arg(trees->size()));
}

int InspectorView::search(const QString& text) {
  tree_->clearSelection();
  if (text.isEmpty()) return 0;
  int n = 0;
  std::function<void(QTreeWidgetItem*)> walk = [&](QTreeWidgetItem* item) {
    for (int i = 0; i < item->childCount(); ++i) {
      auto* c = item->child(i);
      if (c->text(0).contains(text, Qt::CaseInsensitive) || c->text(1).contains(text, Qt::CaseInsensitive)) {
        c->setSelected(true);
        for (auto* p = c->parent(); p; p = p->parent()) p->setExpanded(true);
        ++n;
      }
      walk(c);
    }
  };
  walk(tree_->invisibleRootItem());
  message_->setText(QString("%1 matches").arg(n));
  return n;
}

}  // namespace ddsim::gui
