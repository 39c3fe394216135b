#pragma once
// File-system helpers shared by the on-disk retry store and the file removal policy
// (spec §6.7). No exceptions: std::filesystem is used through its error_code overloads.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/clock.h"
#include "core/common/status.h"
#include "core/forwarder/transaction_codec.h"

namespace ddsim::forwarder {

inline constexpr std::string_view kRetryFileExtension = ".retry";

struct RetryFile {
  std::string path;
  int64_t size = 0;
  common::SystemTime mtime;
};

// Regular "*.retry" files directly in `dir`, oldest modification time first (ties by name).
common::Result<std::vector<RetryFile>> listRetryFiles(const std::string& dir);
common::Result<std::string> readWholeFile(const std::string& path);
// Writes `<path>.tmp`, sets its modification time to `mtime` (so virtual time orders files),
// then renames it to `path`. Nothing is left behind on failure.
common::Status writeFileAtomically(const std::string& path, std::string_view bytes, common::SystemTime mtime);
// The header of a retry file (nullopt when unreadable or not one of ours).
std::optional<RetryFileSummary> peekRetryFile(const std::string& path);
// Creates `dir` (and parents) and restricts it to the user (0700).
common::Status makePrivateDirectory(const std::string& dir);
// Lower-case hex MD5 (the agent names domain folders md5hex(domain)).
std::string md5Hex(std::string_view data);

}  // namespace ddsim::forwarder
