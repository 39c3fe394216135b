#include "gui/widgets/fault_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace ddsim::gui {
namespace {

using Effect = FaultForm::Effect;
constexpr std::pair<Effect, const char*> kEffects[] = {{Effect::kStatus, "status"},
                                                      {Effect::kLatency, "latency"},
                                                      {Effect::kTimeout, "timeout (never answer)"},
                                                      {Effect::kReset, "connection reset"}};

}  // namespace

FaultPanel::FaultPanel(QWidget* parent) : QWidget(parent) {
  auto* box = new QGroupBox("Faults on the fakeintake", this);
  auto* form = new QFormLayout(box);
  route_ = new QComboBox(this);
  route_->setEditable(true);
  route_->addItems({"/api/v2/series", "/api/beta/sketches", "/api/v1/check_run", "/intake/", "/api/v1/series", "*"});
  effect_ = new QComboBox(this);
  for (const auto& [e, name] : kEffects) effect_->addItem(name, static_cast<int>(e));
  status_ = new QComboBox(this);
  for (int s : {503, 500, 429, 413, 403, 400}) status_->addItem(QString::number(s), s);
  retry_after_ = new QSpinBox(this);
  retry_after_->setRange(0, 3600);
  distribution_ = new QComboBox(this);
  distribution_->addItems({"fixed", "uniform", "exponential", "normal"});
  latency_ms_ = new QDoubleSpinBox(this);
  latency_ms_->setRange(0, 600'000);
  latency_ms_->setValue(500);
  spread_ms_ = new QDoubleSpinBox(this);
  spread_ms_->setRange(0, 600'000);
  probability_ = new QDoubleSpinBox(this);
  probability_->setRange(0, 1);
  probability_->setSingleStep(0.05);
  probability_->setValue(1);
  duration_ = new QDoubleSpinBox(this);
  duration_->setRange(0, 7 * 86400);
  duration_->setValue(60);
  form->addRow("endpoint", route_);
  form->addRow("effect", effect_);
  form->addRow("status", status_);
  form->addRow("Retry-After (s, 429)", retry_after_);
  form->addRow("latency", distribution_);
  form->addRow("latency ms (mean/max)", latency_ms_);
  form->addRow("spread ms (min/stddev)", spread_ms_);
  form->addRow("probability", probability_);
  form->addRow("duration s (0: to the end)", duration_);
  inject_ = new QPushButton("Inject", this);
  outage_ = new QPushButton("Outage (503) for the duration", this);
  form->addRow(inject_);
  form->addRow(outage_);
  downtime_ = new QDoubleSpinBox(this);
  downtime_->setRange(0, 3600);
  downtime_->setValue(10);
  restart_ = new QPushButton("Restart the agent", this);
  form->addRow("restart downtime (s)", downtime_);
  form->addRow(restart_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(box);

  connect(inject_, &QPushButton::clicked, this, [this] { emit faultRequested(this->form()); });
  connect(outage_, &QPushButton::clicked, this, [this] {
    FaultForm f = this->form();
    f.effect = Effect::kOutage;
    emit faultRequested(f);
  });
  connect(restart_, &QPushButton::clicked, this, [this] { emit restartRequested(downtime_->value()); });
  setRunning(false);
}

FaultForm FaultPanel::form() const {
  FaultForm f;
  f.route = route_->currentText().trimmed().toStdString();
  f.effect = static_cast<Effect>(effect_->currentData().toInt());
  f.status = status_->currentData().toInt();
  f.retry_after_s = retry_after_->value();
  f.latency_distribution = distribution_->currentText().toStdString();
  f.latency_ms = latency_ms_->value();
  f.latency_spread_ms = spread_ms_->value();
  f.probability = probability_->value();
  f.duration_s = duration_->value();
  return f;
}

void FaultPanel::setForm(const FaultForm& f) {
  route_->setCurrentText(QString::fromStdString(f.route));
  const int e = effect_->findData(static_cast<int>(f.effect));
  if (e >= 0) effect_->setCurrentIndex(e);
  const int s = status_->findData(f.status);
  if (s >= 0) status_->setCurrentIndex(s);
  retry_after_->setValue(f.retry_after_s);
  distribution_->setCurrentText(QString::fromStdString(f.latency_distribution));
  latency_ms_->setValue(f.latency_ms);
  spread_ms_->setValue(f.latency_spread_ms);
  probability_->setValue(f.probability);
  duration_->setValue(f.duration_s);
}

void FaultPanel::setRunning(bool running) {
  inject_->setEnabled(running);
  outage_->setEnabled(running);
  restart_->setEnabled(running);
}

}  // namespace ddsim::gui
