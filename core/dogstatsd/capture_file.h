#pragma once
// The agent's DogStatsD capture file (.dog), versions 0-3, plain or zstd-compressed (spec §8.5,
// comp/dogstatsd/replay/impl): an 8-byte header `D4 74 D0 60 F<v> FF 00 00`, records
// `[uint32 LE length][UnixDogstatsdMsg]`, then (version >= 2) `00 00 00 00`, a TaggerState
// and its uint32 LE size as the last 4 bytes. Record timestamps are seconds before version 3,
// nanoseconds from version 3 on.
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/clock.h"
#include "core/common/status.h"

namespace ddsim::dogstatsd {

inline constexpr int kCaptureVersion = 3;  // what the agent writes today

struct CaptureRecord {
  int64_t timestamp = 0;  // in the file's unit (CaptureReader::timestampUnit())
  std::string payload;    // only the meaningful payload[:payloadSize] bytes
  int32_t pid = 0;
  std::string ancillary;  // raw SCM_CREDENTIALS control message, ancillary[:ancillarySize]
};

struct CapturedEntity {
  std::string prefix;  // EntityId.prefix, e.g. "container_id"
  std::string uid;
  std::string hash;
  std::vector<std::string> high_cardinality_tags;
  std::vector<std::string> orchestrator_cardinality_tags;
  std::vector<std::string> low_cardinality_tags;
  std::vector<std::string> standard_tags;
};

// The tagger state stored after the records: entities by ID and pid -> entity ID.
struct CaptureTaggerState {
  std::map<std::string, CapturedEntity> entities;
  std::map<int32_t, std::string> pid_map;
};

// Reads a whole capture into memory. Not thread-safe.
class CaptureReader {
 public:
  // Decompressed captures larger than this are refused (a corrupt or hostile zstd frame).
  static constexpr size_t kDefaultMaxBytes = size_t{4} << 30;

  static common::Result<CaptureReader> open(const std::string& path,
                                            size_t max_bytes = kDefaultMaxBytes);
  // From the file's bytes (zstd-compressed or not).
  static common::Result<CaptureReader> fromBytes(std::string bytes,
                                                 size_t max_bytes = kDefaultMaxBytes);

  int version() const { return version_; }
  bool wasCompressed() const { return compressed_; }
  // 1 s for versions < 3, 1 ns from version 3 on.
  common::Duration timestampUnit() const;
  size_t size() const { return contents_.size(); }

  // The next record into `out`: true, or false at the end of the records. A record that is
  // not valid protobuf, or whose payloadSize/ancillarySize exceed its bytes, is an error that
  // names its index and offset; the reader stays at that record.
  common::Result<bool> next(CaptureRecord& out);
  // Back to the first record.
  void rewind();
  size_t recordsRead() const { return records_read_; }
  // The trailer's tagger state (version >= 2; an error before).
  common::Result<CaptureTaggerState> readState() const;
  // Whether the file is whole: its record lengths chain from the header to a clean end (the
  // end-of-records marker and a tagger state that fills the rest of the file from version 2 on,
  // the end of the file before) and there is at least one record. next() stops quietly at a cut
  // record, as the agent's reader does; this names the byte offset (of the decompressed stream)
  // where the file is cut or ends, for callers that must not replay part of a file.
  common::Status checkComplete() const;

 private:
  CaptureReader() = default;
  std::string contents_;
  int version_ = 0;
  bool compressed_ = false;
  size_t offset_ = 0;
  size_t records_read_ = 0;
};

struct CaptureWriterOptions {
  bool zstd = false;    // compress the whole stream (the agent's `--compressed`)
  int zstd_level = 3;   // the zstd library default
  int version = kCaptureVersion;  // 2 (second timestamps) or 3 (nanoseconds)
};

// Writes a capture file. Not thread-safe.
class CaptureWriter {
 public:
  static common::Result<std::unique_ptr<CaptureWriter>> create(const std::string& path,
                                                               CaptureWriterOptions options = {});
  ~CaptureWriter();

  // Appends one record; its timestamp must already be in the version's unit.
  common::Status write(const CaptureRecord& r);
  // Writes the trailer (version >= 2) and closes the file. Further writes fail.
  common::Status close(const CaptureTaggerState& state = {});

  int version() const { return options_.version; }
  uint64_t records() const { return records_; }
  // Bytes before compression.
  uint64_t bytesWritten() const { return bytes_; }
  const std::string& path() const { return path_; }

 private:
  CaptureWriter() = default;
  common::Status put(std::string_view data);
  common::Status finishStream();

  std::string path_;
  CaptureWriterOptions options_;
  std::FILE* file_ = nullptr;
  struct ZstdStream;
  std::unique_ptr<ZstdStream> zstd_;
  std::string buffer_;
  uint64_t records_ = 0;
  uint64_t bytes_ = 0;
  bool closed_ = false;
};

// Whether `bytes` starts with the zstd frame magic 28 B5 2F FD.
bool isZstdFrame(std::string_view bytes);

}  // namespace ddsim::dogstatsd
