#pragma once
// The dashboard's payload inspector, Qt-free: the table of what an intake received (from the run
// store), filtered, and one payload decoded the way the fakeintake decodes it (decompressed by
// its Content-Encoding, then series, sketches, check runs, events or orchestrator messages as
// JSON), plus a text search over the decoded tree. The widgets show a table and a tree of this.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/status.h"
#include "core/store/run_store.h"

namespace ddsim::gui {

struct PayloadFilter {
  std::string route;     // substring of the route; "" = all
  int status = 0;        // exact HTTP status; 0 = all
  std::string intake = "main";
  size_t limit = 10'000; // the table never holds more rows than this (newest kept)
};

// Rows (no bodies) matching `f`, oldest first.
common::Result<std::vector<store::PayloadSummary>> inspectPayloads(store::RunStore& store, const PayloadFilter& f);

// The payload decoded as JSON: {"route", "status", "encoding", "compressed_bytes", "decoded_bytes",
// "items": [...]} or an error that says why it cannot be decoded.
common::Result<nlohmann::json> decodePayload(store::RunStore& store, const store::PayloadSummary& p);

// JSON-pointer paths ("/items/3/metric") of every key or scalar value containing `text`
// (case-insensitive), in document order, at most `limit`.
std::vector<std::string> searchJson(const nlohmann::json& j, const std::string& text, size_t limit = 1000);

}  // namespace ddsim::gui
