#pragma once
// A PayloadForwarder that keeps what a core writer submits, and the delivery of one submission
// to an IntakeHandler as the forwarder would send it (its bytes and headers, an API key), for the
// tests that check the fakeintake on bytes from core/trace's writers.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/common/clock.h"
#include "core/serializer/forwarder_interface.h"
#include "fakeintake/handler/intake_handler.h"

namespace ddsim::fakeintake::testing {

struct CapturingForwarder final : serializer::PayloadForwarder {
  common::Status submit(serializer::Submission&& s) override {
    subs.push_back(std::move(s));
    return common::Status();
  }
  std::vector<serializer::Submission> subs;
};

// Posts the first payload of `sub` to `path` and returns what the handler stored, after
// checking it answered 200, decoded it and found no property violation.
inline StoredPayloadPtr deliver(IntakeHandler& h, common::ManualClock& clock,
                                                    const serializer::Submission& sub, const std::string& path) {
  IntakeRequest r;
  r.path = path;
  r.body = sub.payloads.at(0)->bytes;
  for (const auto& [k, v] : sub.headers) r.headers.add(k, v);
  r.headers.add("DD-API-KEY", "0123456789abcdef");
  EXPECT_EQ(h.handle(std::move(r)).status, 200);
  auto stored = h.store().all(0, clock.systemNow());
  EXPECT_EQ(stored.size(), 1u);
  if (stored.empty()) return nullptr;
  EXPECT_TRUE(stored.back()->decoded) << stored.back()->decode_error;
  for (const auto& v : stored.back()->violations) ADD_FAILURE() << v.property << ": " << v.message;
  return stored.back();
}

}  // namespace ddsim::fakeintake::testing
