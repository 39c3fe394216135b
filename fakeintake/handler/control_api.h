#pragma once
// The control API (/fakeintake/*, /metrics): the agent fakeintake's endpoints with the same
// paths and JSON shapes, plus ddsim's extensions (cursors, route byte stats, faults,
// violations, API keys). Every endpoint is documented in docs/fakeintake-api.md.
#include "core/common/clock.h"
#include "fakeintake/core/http_message.h"

namespace ddsim::fakeintake {

class IntakeHandler;

// Answers a request whose path is /metrics or under /fakeintake/. Thread-safe like the handler.
IntakeResponse handleControl(IntakeHandler& handler, const IntakeRequest& req, common::SystemTime now);

}  // namespace ddsim::fakeintake
