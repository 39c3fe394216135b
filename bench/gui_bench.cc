// The dashboard's hot paths (issue 12), under Qt's offscreen platform:
//   BM_Gui_ChartRedraw      a chart holding N points (100k): decimate to its width, hand the
//                           points to Qt Charts and paint it into an image; frames/s
//   BM_Gui_ModelApply       events into the dashboard model; events/s
//   BM_Gui_EventLoopDuringRamp  the whole window while the 1M-context ramp scenario runs as
//                           fast as it can: how late a 10 ms timer fires (p50/p99/max, ms),
//                           repaints, and peak RSS of the process
#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QTimer>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/common/process_stats.h"
#include "gui/charts/time_chart.h"
#include "gui/model/decimate.h"
#include "gui/widgets/control_panel.h"
#include "gui/widgets/main_window.h"

using namespace ddsim::gui;

static void BM_Gui_ChartRedraw(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  SeriesBuffer buf(n);
  for (size_t i = 0; i < n; ++i) buf.push(static_cast<double>(i) * 0.01, 50 + 40 * std::sin(i * 0.001) + (i % 97));
  TimeChart chart("bench", "ms");
  chart.resize(1200, 500);
  chart.show();
  std::vector<Point> out;
  QImage img(chart.size(), QImage::Format_ARGB32);
  for (auto _ : state) {
    decimateMinMax(buf, 0, buf.back().t, static_cast<size_t>(chart.plotColumns()), out);
    chart.setLine("series", out);
    chart.setTimeRange(0, buf.back().t);
    img = chart.render(chart.size());
    benchmark::DoNotOptimize(img.bits());
  }
  state.counters["fps"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["points_drawn"] = static_cast<double>(out.size());
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_Gui_ChartRedraw)->ArgNames({"points"})->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

static void BM_Gui_ModelApply(benchmark::State& state) {
  std::vector<LiveEvent> events;
  for (int i = 0; i < 100'000; ++i) {
    LiveEvent e{i % 3 == 0 ? LiveEvent::Kind::kPayload : LiveEvent::Kind::kAttempt, i * 0.01};
    e.payload = {e.t, i / 3, "/api/v2/series", 100'000, 500'000, 100, 100};
    e.attempt = {e.t, "/api/v2/series", i % 7 ? 202 : 503, "", 100'000, 0.001};
    events.push_back(std::move(e));
  }
  for (auto _ : state) {
    DashboardModel m;
    for (const auto& e : events) m.apply(e);
    benchmark::DoNotOptimize(m.now());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(events.size()));
}
BENCHMARK(BM_Gui_ModelApply)->Unit(benchmark::kMillisecond);

static void BM_Gui_EventLoopDuringRamp(benchmark::State& state) {
  for (auto _ : state) {
    MainWindow w(DDSIM_SOURCE_DIR "/scenarios", "/tmp/ddsim-gui-bench-runs");
    w.show();
    if (!w.controlPanel()->loadScenario(DDSIM_SOURCE_DIR "/scenarios/high-cardinality-ramp.json")) {
      state.SkipWithError("cannot load the ramp scenario");
      return;
    }
    if (!w.startRun()) {
      state.SkipWithError("the ramp did not start");
      return;
    }
    std::vector<double> late_ms;
    QElapsedTimer clock;
    clock.start();
    qint64 expected = 10;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    QObject::connect(&probe, &QTimer::timeout, [&] {
      const qint64 now = clock.elapsed();
      late_ms.push_back(static_cast<double>(std::max<qint64>(0, now - expected)));
      expected = now + 10;
    });
    probe.start(10);
    while (w.running()) QApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    probe.stop();
    std::sort(late_ms.begin(), late_ms.end());
    auto q = [&](double p) { return late_ms.empty() ? 0 : late_ms[static_cast<size_t>(p * (late_ms.size() - 1))]; };
    state.counters["late_p50_ms"] = q(0.5);
    state.counters["late_p99_ms"] = q(0.99);
    state.counters["late_max_ms"] = late_ms.empty() ? 0 : late_ms.back();
    state.counters["repaints"] = static_cast<double>(w.repaints());
    state.counters["virtual_s"] = w.model().now();
    state.counters["feed_dropped"] = static_cast<double>(w.controller().feed()->dropped());
  }
  state.counters["peak_rss_MiB"] = static_cast<double>(ddsim::common::peakRssBytes()) / (1 << 20);
}
BENCHMARK(BM_Gui_EventLoopDuringRamp)->Iterations(1)->Unit(benchmark::kSecond);

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
