// The dashboard's widgets under Qt's offscreen platform (issue 12): a scenario run to 60 s of
// virtual time fills the charts; faults from the panel show in the route table, the
// transactions and drops charts and as markers (checked on the rendered pixels); the inspector
// decodes a series payload; two recorded runs overlay as A and B; the headless command writes
// the pictures; a trace payload shows as span trees. No sleeps on the real clock: the run pauses at a virtual time, the test waits
// (bounded) for that.
#include <QProcess>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QtTest/QtTest>

#include <fstream>
#include <functional>

#include "gui/model/fault_form.h"
#include "gui/widgets/chart_grid.h"
#include "gui/widgets/control_panel.h"
#include "gui/widgets/fault_panel.h"
#include "gui/widgets/inspector_view.h"
#include "gui/widgets/main_window.h"
#include "gui/widgets/runs_view.h"
#include "gui/widgets/stats_view.h"
#include "simulator/scenario/scenario_loader.h"

using namespace ddsim::gui;

namespace {

constexpr int kHangGuardMs = 180'000;  // only against a hang; the verdicts never depend on speed

const char* kScenario = R"({
  "name": "gui-qt", "seed": 5, "duration": "3m", "mode": "virtual", "intake": "http",
  "agent": {"forwarder_retry_queue_payloads_max_size": 30000},
  "workloads": [
    {"type": "dogstatsd", "name": "app", "transport": "udp", "contexts": 400, "tags_per_metric": [1, 3], "rate": 400},
    {"type": "service_checks", "rate": 0.5}]})";

// Counts pixels of `img` in column x (and its neighbours) close to `c`.
int pixelsNear(const QImage& img, int x, const QColor& c) {
  int n = 0;
  for (int dx = -2; dx <= 2; ++dx) {
    if (x + dx < 0 || x + dx >= img.width()) continue;
    for (int y = 0; y < img.height(); ++y) {
      const QColor p = img.pixelColor(x + dx, y);
      if (std::abs(p.red() - c.red()) < 40 && std::abs(p.green() - c.green()) < 40 && std::abs(p.blue() - c.blue()) < 40) ++n;
    }
  }
  return n;
}

int pixelsOfColour(const QImage& img, const QColor& c) {
  int n = 0;
  for (int x = 0; x < img.width(); ++x) {
    for (int y = 0; y < img.height(); ++y) {
      const QColor p = img.pixelColor(x, y);
      if (std::abs(p.red() - c.red()) < 30 && std::abs(p.green() - c.green()) < 30 && std::abs(p.blue() - c.blue()) < 30) ++n;
    }
  }
  return n;
}

}  // namespace

class DashboardTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString scenario_;

  QString writeScenario() {
    const QString path = dir_.filePath("gui-qt.json");
    std::ofstream(path.toStdString()) << kScenario;
    return path;
  }
  // Waits (bounded) until the window's run is paused at or after `t`.
  bool waitPausedAt(MainWindow& w, double t) {
    const bool reached = QTest::qWaitFor(
        [&] {
          w.pump();
          return w.controller().control() && w.controller().control()->paused() && w.model().now() >= t - 1;
        },
        kHangGuardMs);
    w.pump();
    return reached;
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    scenario_ = writeScenario();
  }

  void runToSixtySecondsFillsTheCharts() {
    MainWindow w(DDSIM_SOURCE_DIR "/scenarios", dir_.filePath("runs"));
    w.show();
    QVERIFY(w.controlPanel()->loadScenario(DDSIM_SOURCE_DIR "/scenarios/default.json"));
    w.setPauseAt(60);
    QTest::mouseClick(w.controlPanel()->startButton(), Qt::LeftButton);
    QVERIFY(w.running());
    QVERIFY(waitPausedAt(w, 60));
    QVERIFY(w.model().now() < 62);
    for (ChartId c : {ChartId::kFlushStages, ChartId::kPayloadSizes, ChartId::kThroughput, ChartId::kTransactions,
                      ChartId::kContexts}) {
      QVERIFY2(w.charts()->chart(c)->pointCount() > 0, chartTitle(c));
    }
    // The default scenario's own fault (503 on series from 1 min) starts at 60 s: one marker.
    QCOMPARE(static_cast<int>(w.model().markers().size()), 1);
    QTest::mouseClick(w.controlPanel()->stopButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT((w.pump(), !w.running()), kHangGuardMs);
  }

  void faultsFromThePanelShowInRouteStatsChartsAndMarkers() {
    MainWindow w(DDSIM_SOURCE_DIR "/scenarios", dir_.filePath("runs"));
    w.show();
    QVERIFY(w.controlPanel()->loadScenario(scenario_));
    w.setPauseAt(30);
    QVERIFY(w.startRun());
    QVERIFY(waitPausedAt(w, 30));
    QVERIFY(w.charts()->chart(ChartId::kDrops)->lineNames().empty());

    FaultForm outage;
    outage.route = "/api/v2/series";
    outage.status = 503;
    outage.duration_s = 40;
    w.faultPanel()->setForm(outage);
    QTest::mouseClick(w.faultPanel()->injectButton(), Qt::LeftButton);
    // A check-run route refusing with 413: its transactions are dropped, not retried.
    FaultForm too_large = outage;
    too_large.route = "/api/v1/check_run";
    too_large.status = 413;
    w.faultPanel()->setForm(too_large);
    QTest::mouseClick(w.faultPanel()->injectButton(), Qt::LeftButton);
    w.controller().control()->pauseAt(100.0);
    QTest::mouseClick(w.controlPanel()->pauseButton(), Qt::LeftButton);  // "Resume"
    QVERIFY(waitPausedAt(w, 100));

    // Route table: the 503s on series, the 413s on check runs.
    auto* routes = w.stats()->routes();
    QString table;
    for (int r = 0; r < routes->rowCount(); ++r) table += routes->item(r, 0)->text() + " " + routes->item(r, 5)->text() + "\n";
    QVERIFY2(table.contains(QRegularExpression("/api/v2/series .*503: [1-9]")), qPrintable(table));
    QVERIFY2(table.contains(QRegularExpression("/api/v1/check_run .*413: [1-9]")), qPrintable(table));
    // Transactions chart: a 5xx and a 4xx line. Drops chart: the 503 outage overflows the small
    // retry queue (30 kB), so series points are dropped as the agent drops them
    // (retry_queue.points_dropped), and the 413s drop their transactions.
    const auto lines = w.charts()->chart(ChartId::kTransactions)->lineNames();
    QVERIFY(std::count(lines.begin(), lines.end(), "5xx") == 1);
    QVERIFY(std::count(lines.begin(), lines.end(), "4xx") == 1);
    const auto drops = w.charts()->chart(ChartId::kDrops)->lineNames();
    QString names;
    for (const auto& d : drops) names += QString::fromStdString(d) + " ";
    QVERIFY2(std::count(drops.begin(), drops.end(), "forwarder.retry_queue.points_dropped") == 1, qPrintable(names));
    QVERIFY2(std::count(drops.begin(), drops.end(), "forwarder.transactions.dropped") == 1, qPrintable(names));
    // Markers: both faults start at 30 s and end at 70 s.
    int starts = 0, ends = 0;
    for (const auto& m : w.model().markers()) {
      if (m.kind == "fault" && m.label.find("starts") != std::string::npos && std::abs(m.t - 30) < 1) ++starts;
      if (m.kind == "fault" && m.label.find("ends") != std::string::npos && std::abs(m.t - 70) < 1) ++ends;
    }
    QCOMPARE(starts, 2);
    QCOMPARE(ends, 2);
    // Pixels: the marker's red is drawn at its x on the transactions chart, and nowhere far from it.
    w.redrawAll();
    TimeChart* chart = w.charts()->chart(ChartId::kTransactions);
    const QImage img = chart->render(chart->size());
    const QColor red = chart->markerColor("fault");
    const int x30 = chart->xForTime(30);
    QVERIFY2(pixelsNear(img, x30, red) > 50, qPrintable(QString("x=%1").arg(x30)));
    QCOMPARE(pixelsNear(img, chart->xForTime(50), red), 0);
    QVERIFY(pixelsOfColour(img, chart->lineColor("5xx")) > 20);

    QTest::mouseClick(w.controlPanel()->stopButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT((w.pump(), !w.running()), kHangGuardMs);
    QVERIFY(!w.model().passed());

    // The inspector decodes a series payload of the recorded run.
    w.tabs()->setCurrentWidget(w.inspector());
    w.inspector()->routeFilter()->setText("/api/v2/series");
    w.inspector()->statusFilter()->setText("202");
    w.inspector()->refresh();
    QVERIFY(w.inspector()->table()->rowCount() > 0);
    QVERIFY(w.inspector()->showPayload(0));
    QTreeWidget* tree = w.inspector()->tree();
    QTreeWidgetItem* items = nullptr;
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
      if (tree->topLevelItem(i)->text(0) == "items") items = tree->topLevelItem(i);
    }
    QVERIFY(items && items->childCount() > 0);
    QVERIFY(w.inspector()->search("metric") >= items->childCount());
  }

  void twoRecordedRunsOverlayAsAAndB() {
    auto scenario = ddsim::scenario::loadScenarioFile(scenario_.toStdString());
    QVERIFY(scenario.isOk());
    QStringList stores;
    for (int i = 0; i < 2; ++i) {
      SimController c;
      const QString store = dir_.filePath(QString("ab-%1.sqlite").arg(i));
      QVERIFY(c.start(*scenario, {store.toStdString()}).isOk());
      c.wait();
      stores << store;
    }
    RunsView runs;
    runs.resize(1400, 900);
    runs.show();
    QVERIFY(runs.openRun(stores[0]));
    QVERIFY(runs.openCompare(stores[1]));
    runs.redraw(true);
    TimeChart* chart = runs.charts()->chart(ChartId::kFlushStages);
    const auto names = chart->lineNames();
    QVERIFY(std::count(names.begin(), names.end(), "A: aggregate") == 1);
    QVERIFY(std::count(names.begin(), names.end(), "B: aggregate") == 1);
    const QImage img = chart->render(chart->size());
    QVERIFY(pixelsOfColour(img, chart->lineColor("A: + send")) > 20);
    QVERIFY(pixelsOfColour(img, chart->lineColor("B: + send")) > 20);
    QVERIFY2(runs.verdicts()->toPlainText().contains("exit"), qPrintable(runs.verdicts()->toPlainText()));
    // Scrubbing to the middle shows fewer flushes than the whole run.
    const int all = static_cast<int>(runs.modelA().flushes());
    runs.scrubber()->setValue(500);
    QVERIFY(runs.modelA().flushes() < all);

    // Headless: the command writes every chart of a recorded run.
    QProcess p;
    p.setProcessEnvironment([] {
      auto env = QProcessEnvironment::systemEnvironment();
      env.insert("QT_QPA_PLATFORM", "offscreen");
      return env;
    }());
    const QString out = dir_.filePath("png");
    p.start(DDSIM_GUI_BINARY, {"--png", out, "--store", stores[0], "--compare", stores[1]});
    QVERIFY(p.waitForFinished(kHangGuardMs));
    QCOMPARE(p.exitCode(), 0);
    QImage flush(out + "/flush_stages.png");
    QVERIFY(!flush.isNull());
    QVERIFY(pixelsOfColour(flush, chart->lineColor("A: + send")) > 20);
    QVERIFY(QFile::exists(out + "/flush_stages.csv"));
    QVERIFY(QFile::exists(out + "/dashboard.png"));
    // A run can be named by the JSON report beside its store (ab-0.json -> ab-0.sqlite).
    QProcess by_report;
    by_report.setProcessEnvironment(p.processEnvironment());
    by_report.start(DDSIM_GUI_BINARY, {"--png", dir_.filePath("png2"), "--store", dir_.filePath("ab-0.json")});
    QVERIFY(by_report.waitForFinished(kHangGuardMs));
    QCOMPARE(by_report.exitCode(), 0);
    QVERIFY(QFile::exists(dir_.filePath("png2/flush_stages.png")));
    // A bad argument is refused with exit 2 and a message.
    QProcess bad;
    bad.setProcessEnvironment(p.processEnvironment());
    bad.start(DDSIM_GUI_BINARY, {"--png", out, "--store", dir_.filePath("missing.sqlite")});
    QVERIFY(bad.waitForFinished(kHangGuardMs));
    QCOMPARE(bad.exitCode(), 2);
    QVERIFY(bad.readAllStandardError().contains("missing.sqlite"));
  }

  void tracePayloadsShowAsSpanTrees() {
    auto scenario = ddsim::scenario::parseScenarioText(R"({
      "name": "gui-spans", "seed": 9, "duration": "20s", "mode": "virtual", "intake": "http",
      "workloads": [{"type": "traces", "name": "web", "rate": 20, "spans_per_trace": [4, 8], "depth": 3,
                     "error_ratio": 0.2, "sampling_weights": {"user_keep": 1}}]})", "test");
    QVERIFY(scenario.isOk());
    SimController c;
    const QString store = dir_.filePath("spans.sqlite");
    QVERIFY(c.start(*scenario, {store.toStdString()}).isOk());
    c.wait();
    InspectorView iv;
    iv.resize(1200, 800);
    iv.show();
    iv.setStore(store);
    iv.routeFilter()->setText("/api/v0.2/traces");
    iv.refresh();
    QVERIFY(iv.table()->rowCount() > 0);
    QVERIFY(iv.showPayload(0));
    QVERIFY(iv.detailTabs()->isTabEnabled(1));
    QTreeWidget* spans = iv.spans();
    QVERIFY(spans->topLevelItemCount() > 0);
    // Every trace item holds as many span items (at any depth) as its title says, each nested
    // span under its parent, and a waterfall cell.
    int nested = 0;
    for (int t = 0; t < spans->topLevelItemCount(); ++t) {
      QTreeWidgetItem* trace = spans->topLevelItem(t);
      int count = 0;
      std::function<void(QTreeWidgetItem*, int)> walk = [&](QTreeWidgetItem* item, int depth) {
        for (int i = 0; i < item->childCount(); ++i) {
          QTreeWidgetItem* span = item->child(i);
          ++count;
          if (depth > 0) ++nested;
          QVERIFY(span->text(6).contains('#'));
          walk(span, depth + 1);
        }
      };
      walk(trace, 0);
      QVERIFY2(trace->text(0).contains(QString("(%1 spans").arg(count)), qPrintable(trace->text(0)));
      QVERIFY2(trace->text(7).isEmpty(), qPrintable(trace->text(7)));
    }
    QVERIFY(nested > 0);
    // A series payload leaves the Spans tab disabled.
    iv.routeFilter()->setText("/api/v2/series");
    iv.refresh();
    if (iv.table()->rowCount() > 0) {
      QVERIFY(iv.showPayload(0));
      QVERIFY(!iv.detailTabs()->isTabEnabled(1));
      QCOMPARE(iv.spans()->topLevelItemCount(), 0);
    }
  }
};

QTEST_MAIN(DashboardTest)
#include "dashboard_qt_test.moc"
