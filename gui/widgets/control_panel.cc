#include "gui/widgets/control_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace ddsim::gui {
namespace {

QSpinBox* intBox(int64_t max, QWidget* parent) {
  auto* b = new QSpinBox(parent);
  b->setRange(0, static_cast<int>(std::min<int64_t>(max, 2'000'000'000)));
  return b;
}

QDoubleSpinBox* realBox(double max, int decimals, QWidget* parent) {
  auto* b = new QDoubleSpinBox(parent);
  b->setRange(0, max);
  b->setDecimals(decimals);
  return b;
}

}  // namespace

ControlPanel::ControlPanel(const QString& scenarios_dir, QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);

  auto* pick = new QHBoxLayout();
  picker_ = new QComboBox(this);
  for (const auto& f : QDir(scenarios_dir).entryInfoList({"*.json"}, QDir::Files, QDir::Name)) {
    if (f.fileName() != "schema.json") picker_->addItem(f.baseName(), f.absoluteFilePath());
  }
  auto* open = new QPushButton("Open…", this);
  pick->addWidget(picker_, 1);
  pick->addWidget(open);
  layout->addLayout(pick);
  connect(picker_, &QComboBox::activated, this, [this](int i) { loadScenario(picker_->itemData(i).toString()); });
  connect(open, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, "Open a scenario", path_, "Scenarios (*.json)");
    if (!f.isEmpty()) loadScenario(f);
  });

  auto* knobs = new QGroupBox("Scenario", this);
  auto* form = new QFormLayout(knobs);
  contexts_ = intBox(100'000'000, this);
  rate_ = realBox(1e9, 1, this);
  tags_min_ = intBox(100, this);
  tags_max_ = intBox(100, this);
  auto* tags = new QHBoxLayout();
  tags->addWidget(tags_min_);
  tags->addWidget(new QLabel("to", this));
  tags->addWidget(tags_max_);
  form->addRow("contexts", contexts_);
  form->addRow("lines per second", rate_);
  form->addRow("tags per metric", tags);
  auto* mix = new QGridLayout();
  int i = 0;
  for (const char* kind : {"count", "gauge", "timer", "distribution", "set", "histogram"}) {
    auto* w = realBox(1000, 2, this);
    weights_[kind] = w;
    mix->addWidget(new QLabel(kind, this), i / 3 * 2, i % 3);
    mix->addWidget(w, i / 3 * 2 + 1, i % 3);
    ++i;
  }
  form->addRow("metric mix", mix);
  compressor_ = new QComboBox(this);
  compressor_->addItems({"zstd", "zlib", "gzip", "none"});
  level_ = intBox(22, this);
  form->addRow("compressor", compressor_);
  form->addRow("zstd level", level_);
  series_v2_ = new QCheckBox("series v2 (protobuf)", this);
  form->addRow("", series_v2_);
  workers_ = intBox(64, this);
  form->addRow("forwarder workers", workers_);
  max_payload_ = intBox(1'000'000'000, this);
  max_uncompressed_ = intBox(1'000'000'000, this);
  form->addRow("max payload (B)", max_payload_);
  form->addRow("max uncompressed (B)", max_uncompressed_);
  flush_interval_ = realBox(3600, 1, this);
  duration_ = realBox(7 * 86400, 0, this);
  form->addRow("flush interval (s)", flush_interval_);
  form->addRow("duration (s)", duration_);
  layout->addWidget(knobs);

  auto* run = new QGroupBox("Run", this);
  auto* run_layout = new QVBoxLayout(run);
  speed_ = new QComboBox(this);
  speed_->addItem("as fast as possible", 0.0);
  speed_->addItem("100x", 100.0);
  speed_->addItem("10x", 10.0);
  speed_->addItem("1x (virtual)", 1.0);
  speed_->addItem("real time", -1.0);
  run_layout->addWidget(speed_);
  auto* buttons = new QHBoxLayout();
  start_ = new QPushButton("Start", this);
  pause_ = new QPushButton("Pause", this);
  stop_ = new QPushButton("Stop", this);
  buttons->addWidget(start_);
  buttons->addWidget(pause_);
  buttons->addWidget(stop_);
  run_layout->addLayout(buttons);
  auto* live = new QFormLayout();
  rate_factor_ = realBox(100, 2, this);
  rate_factor_->setValue(1);
  context_fraction_ = realBox(1, 2, this);
  context_fraction_->setValue(1);
  apply_load_ = new QPushButton("Apply while running", this);
  live->addRow("rate x", rate_factor_);
  live->addRow("share of contexts", context_fraction_);
  live->addRow("", apply_load_);
  run_layout->addLayout(live);
  layout->addWidget(run);
  message_ = new QLabel(this);
  message_->setWordWrap(true);
  layout->addWidget(message_);
  layout->addStretch(1);

  connect(start_, &QPushButton::clicked, this, &ControlPanel::startRequested);
  connect(stop_, &QPushButton::clicked, this, &ControlPanel::stopRequested);
  connect(pause_, &QPushButton::clicked, this, [this] { emit paused_ ? resumeRequested() : pauseRequested(); });
  connect(speed_, &QComboBox::currentIndexChanged, this, [this] { emit speedChanged(speed()); });
  connect(apply_load_, &QPushButton::clicked, this,
          [this] { emit loadChangeRequested(rate_factor_->value(), context_fraction_->value()); });
  setRunning(false, false);
  const int def = picker_->findText("default");
  if (picker_->count() > 0) {
    picker_->setCurrentIndex(def >= 0 ? def : 0);
    loadScenario(picker_->currentData().toString());
  }
}

bool ControlPanel::loadScenario(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) {
    setMessage("cannot read " + path + ": " + f.errorString());
    return false;
  }
  auto doc = nlohmann::json::parse(f.readAll().toStdString(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    setMessage(path + ": not valid JSON");
    return false;
  }
  auto k = ScenarioKnobs::read(doc);
  if (!k.isOk()) {
    setMessage(path + ": " + QString::fromStdString(k.status().message()));
    return false;
  }
  path_ = path;
  scenario_ = std::move(doc);
  knobs_ = std::move(k).value();
  showKnobs(knobs_);
  const int i = picker_->findData(QFileInfo(path).absoluteFilePath());
  if (i >= 0) picker_->setCurrentIndex(i);
  setMessage(QString::fromStdString(scenario_.value("description", "")));
  return true;
}

void ControlPanel::showKnobs(const ScenarioKnobs& k) {
  contexts_->setValue(static_cast<int>(k.contexts));
  rate_->setValue(k.rate_per_second);
  tags_min_->setValue(static_cast<int>(k.tags_min));
  tags_max_->setValue(static_cast<int>(k.tags_max));
  for (auto& [kind, box] : weights_) {
    auto it = k.metric_weights.find(kind);
    box->setValue(it == k.metric_weights.end() ? 0 : it->second);
  }
  compressor_->setCurrentText(QString::fromStdString(k.compressor));
  level_->setValue(static_cast<int>(k.compressor_level));
  series_v2_->setChecked(k.series_v2);
  workers_->setValue(static_cast<int>(k.forwarder_workers));
  max_payload_->setValue(static_cast<int>(k.max_payload_size));
  max_uncompressed_->setValue(static_cast<int>(k.max_uncompressed_payload_size));
  flush_interval_->setValue(k.flush_interval_seconds);
  duration_->setValue(k.duration_seconds);
  for (QWidget* w : std::initializer_list<QWidget*>{contexts_, rate_, tags_min_, tags_max_}) w->setEnabled(k.has_dogstatsd);
}

ScenarioKnobs ControlPanel::readKnobs() const {
  ScenarioKnobs k = knobs_;
  k.contexts = contexts_->value();
  k.rate_per_second = rate_->value();
  k.tags_min = tags_min_->value();
  k.tags_max = tags_max_->value();
  // The mix is written only when the user set one (an all-zero form keeps the scenario's).
  std::map<std::string, double> mix;
  for (const auto& [kind, box] : weights_) {
    if (box->value() > 0) mix[kind] = box->value();
  }
  if (!mix.empty() || !knobs_.metric_weights.empty()) k.metric_weights = mix;
  k.compressor = compressor_->currentText().toStdString();
  k.compressor_level = level_->value();
  k.series_v2 = series_v2_->isChecked();
  k.forwarder_workers = workers_->value();
  k.max_payload_size = max_payload_->value();
  k.max_uncompressed_payload_size = max_uncompressed_->value();
  k.flush_interval_seconds = flush_interval_->value();
  k.duration_seconds = duration_->value();
  return k;
}

nlohmann::json ControlPanel::scenarioJson() const {
  nlohmann::json s = scenario_;
  readKnobs().apply(s);
  if (speed() < 0) s["mode"] = "realtime";
  return s;
}

double ControlPanel::speed() const { return speed_->currentData().toDouble(); }

void ControlPanel::setRunning(bool running, bool paused) {
  paused_ = paused;
  start_->setEnabled(!running);
  pause_->setEnabled(running && speed() >= 0);
  pause_->setText(paused ? "Resume" : "Pause");
  stop_->setEnabled(running);
  apply_load_->setEnabled(running);
  picker_->setEnabled(!running);
}

void ControlPanel::setMessage(const QString& text) { message_->setText(text); }

}  // namespace ddsim::gui
