#pragma once
// The serializer's view of the forwarder. The forwarder module implements it.
#include "core/common/status.h"
#include "core/serializer/payload.h"

namespace ddsim::serializer {

class PayloadForwarder {
 public:
  virtual ~PayloadForwarder() = default;
  // Takes ownership of the payloads; creates one transaction per payload x domain x API key.
  // Fails with FailedPrecondition when the forwarder is not started.
  virtual common::Status submit(Submission&& submission) = 0;
};

}  // namespace ddsim::serializer
