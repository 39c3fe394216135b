#include "gui/widgets/inspector_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <functional>

#include "gui/model/payload_inspector.h"

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
  auto* bottom = new QWidget(this);
  auto* bl = new QVBoxLayout(bottom);
  bl->setContentsMargins(0, 0, 0, 0);
  search_ = new QLineEdit(bottom);
  search_->setPlaceholderText("search the decoded payload…");
  tree_ = new QTreeWidget(bottom);
  tree_->setHeaderLabels({"key", "value"});
  tree_->setSelectionMode(QAbstractItemView::MultiSelection);
  message_ = new QLabel(bottom);
  bl->addWidget(search_);
  bl->addWidget(tree_, 1);
  bl->addWidget(message_);
  split->addWidget(bottom);
  layout->addWidget(split, 1);

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
  return true;
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
