#include "gui/widgets/runs_view.h"

#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>

#include <sstream>

#include "simulator/compare/run_compare.h"
#include "gui/widgets/chart_grid.h"

namespace ddsim::gui {
namespace {

common::Result<RecordedRun> loadRun(const QString& path) {
  auto s = store::RunStore::open(path.toStdString(), {.read_only = true});
  if (!s.isOk()) return s.status();
  return RecordedRun::load(**s);
}

}  // namespace

RunsView::RunsView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* bar = new QHBoxLayout();
  auto* open_a = new QPushButton("Open run…", this);
  auto* open_b = new QPushButton("Overlay run B…", this);
  scrubber_ = new QSlider(Qt::Horizontal, this);
  scrubber_->setRange(0, 1000);
  label_ = new QLabel("no run open", this);
  bar->addWidget(open_a);
  bar->addWidget(open_b);
  bar->addWidget(scrubber_, 1);
  bar->addWidget(label_);
  layout->addLayout(bar);
  auto* split = new QSplitter(Qt::Horizontal, this);
  auto* scroll = new QScrollArea(this);
  charts_ = new ChartGrid(scroll);
  scroll->setWidget(charts_);
  scroll->setWidgetResizable(true);
  verdicts_ = new QPlainTextEdit(this);
  verdicts_->setReadOnly(true);
  verdicts_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  verdicts_->setLineWrapMode(QPlainTextEdit::NoWrap);
  verdicts_->setPlaceholderText("Overlay a second run to see the compare verdicts (ddsim compare A B).");
  split->addWidget(scroll);
  split->addWidget(verdicts_);
  split->setStretchFactor(0, 3);
  layout->addWidget(split, 1);

  connect(open_a, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, "Open a recorded run", "runs", "Run stores (*.sqlite)");
    if (!f.isEmpty()) openRun(f);
  });
  connect(open_b, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, "Overlay run B", "runs", "Run stores (*.sqlite)");
    if (!f.isEmpty()) openCompare(f);
  });
  connect(scrubber_, &QSlider::valueChanged, this, [this](int v) { scrubTo(duration() * v / 1000.0); });
}

double RunsView::duration() const {
  double d = run_a_ ? run_a_->duration : 0;
  if (run_b_) d = std::max(d, run_b_->duration);
  return d;
}

bool RunsView::openRun(const QString& path) {
  auto r = loadRun(path);
  if (!r.isOk()) {
    label_->setText(QString::fromStdString(r.status().message()));
    return false;
  }
  run_a_ = std::move(r).value();
  path_a_ = path;
  run_b_.reset();
  b_.clear();
  verdicts_->clear();
  scrubber_->setValue(1000);
  scrubTo(duration());
  return true;
}

bool RunsView::openCompare(const QString& path) {
  if (!run_a_) {
    label_->setText("open run A first");
    return false;
  }
  auto r = loadRun(path);
  if (!r.isOk()) {
    label_->setText(QString::fromStdString(r.status().message()));
    return false;
  }
  run_b_ = std::move(r).value();
  // The verdicts of `ddsim compare A B` (SMP rule; two different scenarios are allowed here
  // and the comparison says so).
  compare::CompareArgs args;
  args.base = path_a_.toStdString();
  args.candidate = path.toStdString();
  args.allow_different = true;
  std::ostringstream out, err;
  const int code = compare::runCompare(args, out, err);
  verdicts_->setPlainText(QString::fromStdString(out.str() + err.str()) +
                          QString("\nexit %1 (%2)").arg(code).arg(code == compare::kCompareNoRegression ? "no regression"
                                                                  : code == compare::kCompareRegression ? "regression"
                                                                                                          : "error"));
  scrubTo(duration());
  return true;
}

void RunsView::scrubTo(double t) {
  t_ = t;
  if (run_a_) run_a_->replayUntil(a_, t);
  if (run_b_) run_b_->replayUntil(b_, t);
  label_->setText(QString("%1 s of %2 s").arg(t, 0, 'f', 0).arg(duration(), 0, 'f', 0));
  redraw();
}

void RunsView::redraw(bool force) {
  std::vector<ChartGrid::Source> sources;
  if (run_a_) sources.push_back({run_b_ ? "A: " : "", &a_});
  if (run_b_) sources.push_back({"B: ", &b_});
  charts_->refresh(sources, 0, std::max(duration(), 1.0), force);
}

}  // namespace ddsim::gui
