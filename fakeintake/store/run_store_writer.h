#pragma once
// Puts what the intake stored into a run store (core/store): the payload row with its
// compressed bytes, its decoded series and sketches by context, and its violations.
#include <string>

#include "core/common/status.h"
#include "core/store/run_store.h"
#include "fakeintake/store/stored_payload.h"

namespace ddsim::fakeintake {

// Decoded items of a payload: series, sketches, check runs, events, messages; 1 for a generic
// body, 0 when it was not decoded.
int64_t decodedItemCount(const StoredPayload& p);

// Writes `p` (answered with `answered_status`) as a payload of intake `intake`.
common::Result<int64_t> writeToRunStore(store::RunStore& rs, const std::string& intake, const StoredPayload& p,
                                        int answered_status);

}  // namespace ddsim::fakeintake
