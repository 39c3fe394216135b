#pragma once
// The run store's tables (docs/run-store.md documents each column). Version 1.
#include <string_view>

namespace ddsim::store {

// 2: payload_stats and payload_traces (the trace intake's per-payload totals).
inline constexpr int kSchemaVersion = 2;

// CREATE TABLE IF NOT EXISTS ... for every table and the indexes needed while writing.
std::string_view schemaSql();
// The tables and indexes built when a store is finalized (points and sketch_points, expanded
// from the packed per-payload rows, with their context index).
std::string_view finalizeSql();

}  // namespace ddsim::store
