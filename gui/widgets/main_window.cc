#include "gui/widgets/main_window.h"

#include <QDateTime>
#include <QPushButton>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "gui/model/scenario_knobs.h"
#include "gui/widgets/chart_grid.h"
#include "gui/widgets/control_panel.h"
#include "gui/widgets/fault_panel.h"
#include "gui/widgets/inspector_view.h"
#include "gui/widgets/runs_view.h"
#include "gui/widgets/stats_view.h"
#include "simulator/scenario/scenario_loader.h"

namespace ddsim::gui {

MainWindow::MainWindow(const QString& scenarios_dir, const QString& runs_dir, QWidget* parent)
    : QMainWindow(parent), runs_dir_(runs_dir) {
  setWindowTitle("ddsim dashboard");
  auto* side = new QWidget(this);
  auto* side_layout = new QVBoxLayout(side);
  control_ = new ControlPanel(scenarios_dir, side);
  faults_ = new FaultPanel(side);
  side_layout->addWidget(control_);
  side_layout->addWidget(faults_);
  auto* side_scroll = new QScrollArea(this);
  side_scroll->setWidget(side);
  side_scroll->setWidgetResizable(true);
  auto* dock = new QDockWidget("Load and faults", this);
  dock->setWidget(side_scroll);
  dock->setFeatures(QDockWidget::NoDockWidgetFeatures);
  addDockWidget(Qt::LeftDockWidgetArea, dock);

  tabs_ = new QTabWidget(this);
  auto* live = new QSplitter(Qt::Vertical, this);
  auto* scroll = new QScrollArea(live);
  charts_ = new ChartGrid(scroll);
  scroll->setWidget(charts_);
  scroll->setWidgetResizable(true);
  stats_ = new StatsView(live);
  live->addWidget(scroll);
  live->addWidget(stats_);
  live->setStretchFactor(0, 4);
  tabs_->addTab(live, "Live");
  inspector_ = new InspectorView(this);
  tabs_->addTab(inspector_, "Payloads");
  runs_ = new RunsView(this);
  tabs_->addTab(runs_, "Runs");
  setCentralWidget(tabs_);
  auto* export_button = new QPushButton("Export charts (PNG + CSV)…", this);
  connect(export_button, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, "Export every chart into");
    if (dir.isEmpty()) return;
    ChartGrid* grid = tabs_->currentWidget() == runs_ ? runs_->charts() : charts_;
    if (grid == charts_) redrawAll();
    else runs_->redraw(/*force=*/true);
    const QStringList files = grid->exportTo(dir, QSize(900, 500));
    control_->setMessage(QString("%1 files written into %2").arg(files.size()).arg(dir));
  });
  tabs_->setCornerWidget(export_button);
  status_ = new QLabel(this);
  statusBar()->addWidget(status_, 1);

  connect(control_, &ControlPanel::startRequested, this, [this] { startRun(); });
  connect(control_, &ControlPanel::pauseRequested, this, [this] {
    if (auto* c = controller_.control()) c->pause();
    control_->setRunning(true, true);
  });
  connect(control_, &ControlPanel::resumeRequested, this, [this] {
    if (auto* c = controller_.control()) c->resume();
    control_->setRunning(true, false);
  });
  connect(control_, &ControlPanel::stopRequested, this, [this] {
    if (auto* c = controller_.control()) {
      c->stop();
      c->resume();
    }
  });
  connect(control_, &ControlPanel::speedChanged, this, [this](double s) {
    if (auto* c = controller_.control()) c->setSpeed(s > 0 ? s : 0);
  });
  connect(control_, &ControlPanel::loadChangeRequested, this, [this](double rate, double contexts) {
    if (auto* c = controller_.control()) {
      c->request({runner::LiveCommand::Kind::kRateScale, {}, "", rate});
      c->request({runner::LiveCommand::Kind::kContextScale, {}, "", contexts});
    }
  });
  connect(faults_, &FaultPanel::faultRequested, this, [this](const FaultForm& f) {
    if (attach_) {
      const auto st = attach_->injectFault(f.toRule(), f.label());
      control_->setMessage(st.isOk() ? "fault sent: " + QString::fromStdString(f.label())
                                     : QString::fromStdString(st.message()));
      return;
    }
    if (auto* c = controller_.control(); c && !c->request({runner::LiveCommand::Kind::kFault, f.toRule(), f.label(), 0})) {
      control_->setMessage("refused: 1024 changes are still waiting for the run");
    }
  });
  connect(faults_, &FaultPanel::restartRequested, this, [this](double downtime) {
    if (auto* c = controller_.control()) c->request({runner::LiveCommand::Kind::kRestart, {}, "", downtime});
  });
  connect(tabs_, &QTabWidget::currentChanged, this, [this](int i) {
    if (tabs_->widget(i) == inspector_) inspector_->refresh();
    if (tabs_->widget(i) == runs_) runs_->redraw();
    pump();
  });
  timer_ = new QTimer(this);
  timer_->setInterval(33);  // at most ~30 repaints a second
  connect(timer_, &QTimer::timeout, this, &MainWindow::pump);
  timer_->start();
  resize(1600, 1000);
  updateStatus();
}

MainWindow::~MainWindow() {
  if (attach_) attach_->stop();
  controller_.stopAndWait();
}

void MainWindow::attach(const QString& agent_url, const QString& fakeintake_url) {
  if (attach_) attach_->stop();
  model_.clear();
  attach_feed_ = std::make_unique<LiveFeed>();
  attach_ = std::make_unique<AttachSource>(AttachOptions{agent_url.toStdString(), fakeintake_url.toStdString()},
                                           *attach_feed_);
  attach_->start();
  control_->startButton()->setEnabled(false);
  faults_->setRunning(!fakeintake_url.isEmpty());
  faults_->restartButton()->setEnabled(false);  // a live agent is restarted by its owner
  control_->setMessage("attached to " + (agent_url.isEmpty() ? QString() : "agent " + agent_url + " ") +
                       (fakeintake_url.isEmpty() ? QString() : "fakeintake " + fakeintake_url));
}

bool MainWindow::startRun() {
  if (running_) return false;
  const nlohmann::json doc = control_->scenarioJson();
  auto scenario = scenario::parseScenario(doc, control_->scenarioPath().toStdString());
  if (!scenario.isOk()) {
    control_->setMessage("scenario refused: " + QString::fromStdString(scenario.status().message()));
    return false;
  }
  QDir().mkpath(runs_dir_);
  const QString name = QString::fromStdString(scenario->name.empty() ? "run" : scenario->name);
  const QString store =
      QDir(runs_dir_).filePath(name + "-" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss") + ".sqlite");
  StartOptions o;
  o.store_path = store.toStdString();
  o.speed = control_->speed() > 0 ? control_->speed() : 0;
  o.pause_at = pause_at_;
  model_.clear();
  model_.setLimits(ChartId::kPayloadSizes, payloadLimits(doc.value("agent", nlohmann::json::object())));
  if (auto st = controller_.start(*scenario, o); !st.isOk()) {
    control_->setMessage(QString::fromStdString(st.message()));
    return false;
  }
  running_ = true;
  control_->setRunning(true, false);
  faults_->setRunning(true);
  control_->setMessage("recording into " + store);
  inspector_->setStore(store);
  return true;
}

void MainWindow::finished() {
  running_ = false;
  controller_.wait();
  control_->setRunning(false, false);
  faults_->setRunning(false);
  control_->setMessage(QString::fromStdString(model_.verdict()) + "\nrecorded in " +
                       QString::fromStdString(controller_.storePath()));
  inspector_->refresh();
  runs_->openRun(QString::fromStdString(controller_.storePath()));
}

void MainWindow::pump() {
  if (auto* feed = attach_feed_ ? attach_feed_.get() : controller_.feed()) {
    events_.clear();
    feed->drain(events_);
    for (const auto& e : events_) model_.apply(e);
    if (running_ && controller_.control()) control_->setRunning(true, controller_.control()->paused());
    if (running_ && model_.finished()) finished();
    if (attach_ && attach_->errors() > 0) control_->setMessage(QString::fromStdString("attach: " + attach_->lastError()));
    if (events_.empty() && repaints_ > 0) {
      updateStatus();
      return;
    }
  }
  const double end = std::max({model_.duration(), model_.now(), 1.0});
  charts_->refresh({{"", &model_}}, 0, end);
  stats_->refresh(model_);
  ++repaints_;
  updateStatus();
}

void MainWindow::redrawAll() {
  const double end = std::max({model_.duration(), model_.now(), 1.0});
  charts_->refresh({{"", &model_}}, 0, end, /*force=*/true);
}

void MainWindow::updateStatus() {
  const uint64_t dropped = controller_.feed() ? controller_.feed()->dropped() : 0;
  status_->setText(QString("t = %1 s of %2 s  |  real %3 s  |  %4 flushes  |  display: %5 events dropped, %6 points "
                           "overwritten, %7 decimated (the run store keeps all)")
                       .arg(model_.now(), 0, 'f', 1)
                       .arg(model_.duration(), 0, 'f', 0)
                       .arg(model_.realSeconds(), 0, 'f', 1)
                       .arg(model_.flushes())
                       .arg(dropped)
                       .arg(model_.overwrittenPoints())
                       .arg(charts_->decimatedAway()));
}

}  // namespace ddsim::gui
