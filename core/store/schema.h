#pragma once
// The run store's tables (docs/run-store.md documents each column). Version 1.
#include <string_view>

namespace ddsim::store {

inline constexpr int kSchemaVersion = 1;

// CREATE TABLE IF NOT EXISTS ... for every table and the indexes needed while writing.
std::string_view schemaSql();
// The tables and indexes built when a store is finalized (points and sketch_points, expanded
// from the packed per-payload rows, with their context index).
std::string_view finalizeSql();

}  // namespace ddsim::store
