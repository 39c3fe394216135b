#pragma once
// Recorded tracer traffic: every request a trace receiver got (route, headers, body, arrival
// time), written as it arrives and read back for replay workloads (docs/scenarios.md "replay").
// ddsim's own format (the agent records no trace traffic), little-endian:
//
//   header   "DDSIMTRC" | u32 version (1) | u32 reserved (0)
//   record   u32 length of what follows, CRC included
//            i64 arrival (Unix ns) | str path | u32 header count | (str name, str value)*
//            | body: u32 length + bytes | u32 CRC-32 of the record from the arrival on
//   str = u32 length + bytes
//
// A record that is cut, too large or fails its CRC is an error naming its index and byte
// offset; nothing after it is trusted.
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/common/status.h"
#include "core/trace/receiver.h"

namespace ddsim::trace {

inline constexpr size_t kTraceCaptureMaxBody = size_t{64} << 20;  // beyond the agent's 25 MiB cap
inline constexpr size_t kTraceCaptureMaxHeaders = 256;

struct TraceCaptureRecord {
  int64_t unix_ns = 0;
  std::string path;
  std::map<std::string, std::string> headers;  // lower-case names, as ReceiverRequest has them
  std::string body;
};

// Appends records to a file. Thread-safe. Past `max_bytes` records are not written but counted
// (dropped()), with one warning.
class TraceCaptureWriter {
 public:
  static common::Result<std::unique_ptr<TraceCaptureWriter>> create(const std::string& path, uint64_t max_bytes);
  ~TraceCaptureWriter();
  TraceCaptureWriter(const TraceCaptureWriter&) = delete;
  TraceCaptureWriter& operator=(const TraceCaptureWriter&) = delete;

  void write(const ReceiverRequest& request, int64_t unix_ns);
  // Flushes and closes; an error when the file could not be written completely.
  common::Status close();

  uint64_t records() const;
  uint64_t dropped() const;
  uint64_t bytes() const;
  const std::string& path() const { return path_; }

 private:
  TraceCaptureWriter(std::string path, std::FILE* f, uint64_t max_bytes);
  mutable std::mutex mu_;
  std::string path_;
  std::FILE* f_;
  uint64_t max_bytes_;
  uint64_t bytes_ = 0;
  uint64_t records_ = 0;
  uint64_t dropped_ = 0;
  bool io_error_ = false;
};

// Reads records in order. rewind() starts again at the first record (replay loops).
class TraceCaptureReader {
 public:
  static common::Result<TraceCaptureReader> open(const std::string& path);
  // The same over bytes in memory (tests, fuzzing); `name` stands for the path in errors.
  static common::Result<TraceCaptureReader> fromBytes(std::string bytes, std::string name = "<memory>");
  TraceCaptureReader(TraceCaptureReader&& other) noexcept;
  TraceCaptureReader& operator=(TraceCaptureReader&& other) noexcept;
  ~TraceCaptureReader();

  // The next record, nullopt at a clean end of file, or kDataLoss naming the record and offset.
  common::Result<std::optional<TraceCaptureRecord>> next();
  common::Status rewind();
  // True when `path` starts with the capture's magic (a replay workload picks its reader by it).
  static bool isTraceCapture(const std::string& path);

 private:
  TraceCaptureReader(std::string path, std::FILE* f) : path_(std::move(path)), f_(f) {}
  std::string path_;
  std::unique_ptr<std::string> bytes_;  // fromBytes: what f_ reads (fmemopen)
  std::FILE* f_ = nullptr;
  uint64_t offset_ = 0;
  uint64_t index_ = 0;
};

}  // namespace ddsim::trace
