#pragma once
// Inject faults live on the built-in fakeintake, per endpoint: a status (400, 403, 413, 429
// with Retry-After, 500, 503), latency (fixed or a distribution), a timeout, a connection reset,
// each with a probability and a duration; an outage of N seconds; an agent restart. Thin: the
// rule is built by gui/model/fault_form.h; this fills the form and emits it.
#include <QWidget>

#include "gui/model/fault_form.h"

class QComboBox;
class QDoubleSpinBox;
class QPushButton;
class QSpinBox;

namespace ddsim::gui {

class FaultPanel : public QWidget {
  Q_OBJECT
 public:
  explicit FaultPanel(QWidget* parent = nullptr);
  FaultForm form() const;
  void setForm(const FaultForm& f);
  void setRunning(bool running);
  QPushButton* injectButton() { return inject_; }
  QPushButton* outageButton() { return outage_; }
  QPushButton* restartButton() { return restart_; }

 signals:
  void faultRequested(const ddsim::gui::FaultForm& form);
  void restartRequested(double downtime_seconds);

 private:
  QComboBox* route_;
  QComboBox* effect_;
  QComboBox* status_;
  QSpinBox* retry_after_;
  QComboBox* distribution_;
  QDoubleSpinBox* latency_ms_;
  QDoubleSpinBox* spread_ms_;
  QDoubleSpinBox* probability_;
  QDoubleSpinBox* duration_;
  QDoubleSpinBox* downtime_;
  QPushButton* inject_;
  QPushButton* outage_;
  QPushButton* restart_;
};

}  // namespace ddsim::gui
