#include "core/forwarder/file_removal_policy.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "core/forwarder/retry_files.h"

namespace ddsim::forwarder {
namespace fs = std::filesystem;

common::Result<FileRemovalPolicy> FileRemovalPolicy::create(std::string root, int outdated_file_in_days,
                                                            common::SystemTime now, ForwarderTelemetry& telemetry) {
  if (auto st = makePrivateDirectory(root); !st.isOk()) return st;
  return FileRemovalPolicy(std::move(root), now - std::chrono::hours(24) * outdated_file_in_days, telemetry);
}

std::string FileRemovalPolicy::registerDomain(const std::string& domain) {
  std::string folder = root_ + "/" + md5Hex(domain);
  known_.insert(folder);
  return folder;
}

std::vector<std::string> FileRemovalPolicy::domainFolders() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(root_, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_directory(type_ec)) out.push_back(it->path().string());
  }
  if (ec) spdlog::error("forwarder: cannot list {}: {}", root_, ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

void FileRemovalPolicy::removeFile(const std::string& path, DropReason reason, std::vector<std::string>& removed) {
  const auto summary = peekRetryFile(path);
  std::error_code ec;
  if (!fs::remove(path, ec) || ec) {
    spdlog::error("forwarder: cannot remove {}: {}", path, ec.message());
    return;
  }
  removed.push_back(path);
  telemetry_->onDiskFileRemoved();
  if (summary) {
    telemetry_->onDropped("", reason, summary->transactions);
    telemetry_->onPointsDropped(static_cast<int64_t>(summary->points));
  } else {
    telemetry_->onDiskCorruptFile();
  }
}

std::vector<std::string> FileRemovalPolicy::removeOutdatedFiles() {
  std::vector<std::string> removed;
  for (const std::string& folder : domainFolders()) {
    auto files = listRetryFiles(folder);
    if (!files.isOk()) {
      spdlog::error("forwarder: {}", files.status().message());
      continue;
    }
    for (const RetryFile& f : *files) {
      if (f.mtime < outdated_before_) removeFile(f.path, DropReason::kDiskOutdated, removed);
    }
  }
  if (!removed.empty()) spdlog::info("forwarder: outdated retry files removed: {}", removed.size());
  return removed;
}

std::vector<std::string> FileRemovalPolicy::removeUnknownDomains() {
  std::vector<std::string> removed;
  for (const std::string& folder : domainFolders()) {
    if (known_.count(folder)) continue;
    auto files = listRetryFiles(folder);
    if (files.isOk()) {
      for (const RetryFile& f : *files) removeFile(f.path, DropReason::kDiskUnknownDomain, removed);
    }
    std::error_code ec;
    fs::remove(folder, ec);  // agent behaviour: only removed when empty
  }
  if (!removed.empty()) spdlog::info("forwarder: retry files of unknown domains removed: {}", removed.size());
  return removed;
}

}  // namespace ddsim::forwarder
