#pragma once
// The prepared statements a RunStore keeps (shared by its writer and reader files).
#include "core/store/run_store.h"

namespace ddsim::store {

struct RunStore::Statements {
  Statement insert_payload, insert_context, insert_points, insert_stats, insert_traces, insert_violation, insert_flush, insert_sent,
      insert_attempt, insert_telemetry, insert_marker, upsert_eviction, set_meta, get_meta, begin, commit,
      rollback;
};

}  // namespace ddsim::store
