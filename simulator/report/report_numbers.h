#pragma once
// How the report writes the pipeline's telemetry numbers. Telemetry snapshots hold doubles
// (common::TelemetrySnapshot), but nearly every key is a count (transactions, bytes, samples,
// contexts); the report writes those as JSON integers and keeps floats for the keys that are
// rates or durations.
#include <nlohmann/json.hpp>

#include <string_view>

namespace ddsim::report {

// True for a rate, a duration or a ratio, by the key's own words: a dot-separated part ending in
// "_seconds", "_secs" or "per_sec", or naming a "ratio" (e.g.
// "forwarder.retry_queue_duration.bytes_per_sec.<url>", "...capacity_secs.<url>").
bool isRateOrDurationKey(std::string_view key);

// `value` as the report writes it under `key`: an integer for a count (when it is a whole
// number, as every count is), the double otherwise.
nlohmann::json telemetryNumber(std::string_view key, double value);

}  // namespace ddsim::report
