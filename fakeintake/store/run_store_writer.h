#pragma once
// Puts what the intake stored into a run store (core/store): the payload row with its
// compressed bytes, its decoded series and sketches by context, and its violations.
#include <string>
#include <vector>

#include "core/common/counters.h"
#include "core/common/status.h"
#include "core/store/run_store.h"
#include "fakeintake/store/stored_payload.h"

namespace ddsim::fakeintake {

// Decoded items of a payload: series, sketches, check runs, events, messages; 1 for a generic
// body, 0 when it was not decoded.
int64_t decodedItemCount(const StoredPayload& p);

// A decoded /api/v0.2/stats payload's grouped stats summed by (service, resource).
std::vector<store::StatsTotalsRow> statsTotalsOf(const std::vector<DecodedStatsPayload>& payloads);

// A decoded /api/v0.2/traces payload's spans, chunks and chunk end times (latest span end).
store::TraceTotalsRow traceTotalsOf(const std::vector<DecodedAgentPayload>& payloads);

// Writes `p` (answered with `answered_status`) as a payload of intake `intake`, with the stats
// totals of a decoded stats payload and the trace totals of a decoded trace payload.
common::Result<int64_t> writeToRunStore(store::RunStore& rs, const std::string& intake, const StoredPayload& p,
                                        int answered_status);

// writeToRunStore, counted in `counters` as "run_store.written" or "run_store.write_errors". A
// write the store refuses is logged and also counted in the store as an eviction with reason
// "write_error", so an expectation on that route fails as incomplete rather than computing from
// what the store has (if even that fails, the counter and the log still say so).
void writeToRunStoreCounted(store::RunStore& rs, const std::string& intake, const StoredPayload& p,
                            int answered_status, common::CounterSet& counters);

}  // namespace ddsim::fakeintake
