// ddsim-gui: the dashboard (docs/gui.md).
//   ddsim-gui [SCENARIO]                      open the dashboard (SCENARIO preselected)
//   ddsim-gui --run SCENARIO                  and start it at once
//   ddsim-gui --store RUN.sqlite [--compare B.sqlite]   open recorded runs (B overlaid)
//   ddsim-gui --attach-agent URL --attach-fakeintake URL   follow a live pipeline
//   ddsim-gui --png DIR ...                   headless: render the charts (PNG + CSV) into DIR and exit
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>
#include <cstdlib>

#include "gui/widgets/chart_grid.h"
#include "gui/widgets/control_panel.h"
#include "gui/widgets/main_window.h"
#include "gui/widgets/runs_view.h"

namespace {

// Runs the event loop until `done` holds (checked every 20 ms).
template <typename Pred>
void spinUntil(Pred done) {
  QEventLoop loop;
  QTimer t;
  QObject::connect(&t, &QTimer::timeout, [&] {
    if (done()) loop.quit();
  });
  t.start(20);
  if (!done()) loop.exec();
}

}  // namespace

int main(int argc, char** argv) {
  // Headless rendering needs no display: use Qt's offscreen platform unless one is chosen.
  for (int i = 1; i < argc; ++i) {
    if (QString(argv[i]) == "--png" && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") &&
        qEnvironmentVariableIsEmpty("DISPLAY")) {
      qputenv("QT_QPA_PLATFORM", "offscreen");
    }
  }
  QApplication app(argc, argv);
  QApplication::setApplicationName("ddsim-gui");
  QApplication::setApplicationVersion("0.1.0");
  QCommandLineParser p;
  p.setApplicationDescription("The ddsim dashboard: drive load, inject faults, watch flush timing and payload sizes.");
  p.addHelpOption();
  p.addVersionOption();
  p.addPositionalArgument("scenario", "A scenario file to preselect (or run with --run / --png).", "[SCENARIO]");
  QCommandLineOption run_opt("run", "Start the scenario at once.");
  QCommandLineOption store_opt("store", "Open a recorded run: its run store (.sqlite), or the JSON report beside it.", "RUN");
  QCommandLineOption compare_opt("compare", "Overlay a second recorded run (A/B) with the compare verdicts.", "RUN");
  QCommandLineOption png_opt("png", "Headless: render the standard charts (PNG and CSV) and the dashboard into DIR, then exit.", "DIR");
  QCommandLineOption pause_opt("pause-at", "Pause (with --png: take the pictures) when virtual time reaches SECONDS.", "SECONDS");
  QCommandLineOption scen_dir_opt("scenarios", "The folder the scenario picker lists.", "DIR", "scenarios");
  QCommandLineOption runs_dir_opt("runs-dir", "Where runs are recorded.", "DIR", "runs");
  QCommandLineOption agent_opt("attach-agent", "Follow a running `ddsim agent` (its telemetry endpoint, e.g. http://127.0.0.1:5000).", "URL");
  QCommandLineOption fi_opt("attach-fakeintake", "Follow a fakeintake (its control API, e.g. http://127.0.0.1:8080); faults go there.", "URL");
  QCommandLineOption size_opt("size", "Size of each chart picture (--png).", "WxH", "900x500");
  for (const auto& o : {run_opt, store_opt, compare_opt, png_opt, pause_opt, scen_dir_opt, runs_dir_opt, agent_opt, fi_opt, size_opt}) p.addOption(o);
  p.process(app);

  const QStringList args = p.positionalArguments();
  const QString scenario = args.isEmpty() ? QString() : args.first();
  bool ok = true;
  std::optional<double> pause_at;
  if (p.isSet(pause_opt)) {
    pause_at = p.value(pause_opt).toDouble(&ok);
    if (!ok || *pause_at < 0) {
      std::fprintf(stderr, "ddsim-gui: --pause-at wants seconds >= 0, got \"%s\"\n", qPrintable(p.value(pause_opt)));
      return 2;
    }
  }
  const QStringList wh = p.value(size_opt).split('x');
  const QSize size(wh.value(0).toInt(), wh.value(1).toInt());
  if (size.width() < 100 || size.height() < 100) {
    std::fprintf(stderr, "ddsim-gui: --size wants WxH of at least 100x100, got \"%s\"\n", qPrintable(p.value(size_opt)));
    return 2;
  }
  if (p.isSet(compare_opt) && !p.isSet(store_opt)) {
    std::fprintf(stderr, "ddsim-gui: --compare needs --store (run A)\n");
    return 2;
  }

  // A run is named by its run store, or by the JSON report `ddsim run` wrote beside it.
  auto storeOf = [](QString path) {
    if (path.endsWith(".json")) {
      const QString sibling = path.left(path.size() - 5) + ".sqlite";
      if (QFile::exists(sibling)) return sibling;
    }
    return path;
  };
  ddsim::gui::MainWindow w(p.value(scen_dir_opt), p.value(runs_dir_opt));
  w.setPauseAt(pause_at);
  if (!scenario.isEmpty() && !w.controlPanel()->loadScenario(scenario)) {
    std::fprintf(stderr, "ddsim-gui: cannot load scenario %s\n", qPrintable(scenario));
    return 2;
  }
  if (p.isSet(store_opt)) {
    if (!w.runs()->openRun(storeOf(p.value(store_opt)))) {
      std::fprintf(stderr, "ddsim-gui: %s is not a readable run store\n", qPrintable(p.value(store_opt)));
      return 2;
    }
    if (p.isSet(compare_opt) && !w.runs()->openCompare(storeOf(p.value(compare_opt)))) {
      std::fprintf(stderr, "ddsim-gui: %s is not a readable run store\n", qPrintable(p.value(compare_opt)));
      return 2;
    }
    w.tabs()->setCurrentWidget(w.runs());
  }

  if (p.isSet(agent_opt) || p.isSet(fi_opt)) w.attach(p.value(agent_opt), p.value(fi_opt));

  if (!p.isSet(png_opt)) {
    w.show();
    if (p.isSet(run_opt) && !w.startRun()) return 2;
    return app.exec();
  }

  // Headless.
  const QString dir = p.value(png_opt);
  QDir().mkpath(dir);
  w.show();
  QStringList written;
  if (p.isSet(store_opt)) {
    w.runs()->redraw(/*force=*/true);
    written = w.runs()->charts()->exportTo(dir, size);
    w.grab().save(dir + "/dashboard.png");
    written << dir + "/dashboard.png";
  } else {
    if (scenario.isEmpty()) {
      std::fprintf(stderr, "ddsim-gui: --png needs a scenario or --store RUN\n");
      return 2;
    }
    if (!w.startRun()) {
      std::fprintf(stderr, "ddsim-gui: the scenario did not start (see the panel's message)\n");
      return 3;
    }
    spinUntil([&] {
      w.pump();
      return !w.running() || (w.controller().control() && w.controller().control()->paused());
    });
    w.pump();
    w.redrawAll();
    written = w.charts()->exportTo(dir, size);
    w.redrawAll();
    w.grab().save(dir + "/dashboard.png");
    written << dir + "/dashboard.png";
    w.controller().stopAndWait();
  }
  for (const auto& f : written) std::printf("%s\n", qPrintable(f));
  return 0;
}
