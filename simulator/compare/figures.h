#pragma once
// The figures `ddsim compare` judges, and how each is read out of a `ddsim run` report
// (docs/compare.md). Every figure gives one observation per run: a per-flush figure the median
// of its run's flushes (flushes within a run are not independent), a per-run figure its value.
// Observations of several runs of one side are pooled by FigureSet::add.
#include <nlohmann/json.hpp>

#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/common/status.h"

namespace ddsim::compare {

enum class Granularity { kPerFlush, kPerRun };
enum class Unit { kSeconds, kBytes, kPerSecond, kCount };

struct FigureSpec {
  const char* id;     // stable key in the JSON output, e.g. "flush_duration"
  const char* name;   // shown in the table, e.g. "flush duration"
  Unit unit;
  Granularity granularity;
  bool lower_is_better;
  const char* source;  // where the report holds it
  // Virtual time makes it repeat exactly for the same scenario and seed (bytes, drops): such a
  // figure is compared exactly, not statistically, when both sides ran in virtual time.
  bool deterministic = false;
};

// Every figure, in table order: flush duration, serialize time, send time, bytes per series,
// throughput, drops.
std::span<const FigureSpec> figureSpecs();

// The samples of every figure for one side (one run, or several pooled).
struct FigureSet {
  int runs = 0;
  std::map<std::string, std::vector<double>> samples;  // figure id -> samples
  std::map<std::string, std::string> missing;          // figure id -> why the side lacks it

  // Pools another run's (or set's) samples into this one: samples are appended; a figure
  // missing from either is missing from the result (with the first reason).
  void add(const FigureSet& other);
};

// Reads the figures out of one report (`ddsim run`'s JSON). A section the report lacks makes
// its figures missing (with the reason); a section that is there but malformed is an error
// naming `where` and the JSON path, e.g. "base.json: $.timings.flushes[3].send_seconds:
// expected a number".
common::Result<FigureSet> figuresFromReport(const nlohmann::json& report, const std::string& where);

// True when `doc` looks like a `ddsim run` report (it carries "ddsim_report_version").
bool isReport(const nlohmann::json& doc);

}  // namespace ddsim::compare
