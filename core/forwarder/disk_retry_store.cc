#include "core/forwarder/disk_retry_store.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <ctime>
#include <filesystem>

namespace ddsim::forwarder {
namespace fs = std::filesystem;

DiskRetryStore::DiskRetryStore(std::string folder, std::string domain, std::vector<std::string> api_keys,
                               DiskUsageLimit limit, Deps deps)
    : folder_(std::move(folder)),
      domain_(std::move(domain)),
      codec_(std::move(api_keys)),
      limit_(std::move(limit)),
      deps_(deps) {}

common::Result<std::unique_ptr<DiskRetryStore>> DiskRetryStore::open(std::string folder, std::string domain,
                                                                    std::vector<std::string> api_keys,
                                                                    DiskUsageLimit limit, Deps deps) {
  if (auto st = makePrivateDirectory(folder); !st.isOk()) return st;
  std::unique_ptr<DiskRetryStore> store(
      new DiskRetryStore(std::move(folder), std::move(domain), std::move(api_keys), std::move(limit), deps));
  if (auto st = store->reload(); !st.isOk()) return st;
  // agent behaviour: the storage is unusable when the disk usage cannot be computed.
  if (auto space = store->limit_.availableSpace(0); !space.isOk()) return space.status();
  return store;
}

common::Status DiskRetryStore::reload() {
  auto files = listRetryFiles(folder_);
  if (!files.isOk()) return files.status();
  for (const RetryFile& f : *files) {
    files_.push_back(f.path);
    current_size_ += f.size;
  }
  if (!files_.empty()) {
    spdlog::info("forwarder: reloaded {} retry file(s) ({} bytes) for {}", files_.size(), current_size_, domain_);
  }
  deps_.telemetry.onDiskReloadedFiles(static_cast<int64_t>(files_.size()));
  return common::Status::ok();
}

std::string DiskRetryStore::newFileName() {
  // agent behaviour: "YYYY_MM_DD__HH_MM_SS_" + random suffix + ".retry" (UTC). ddsim inserts a
  // sequence number so files written within one second keep their order by name as well.
  const std::time_t secs = static_cast<std::time_t>(common::toUnixSecondsInt(deps_.clock.systemNow()));
  std::tm tm {};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y_%m_%d__%H_%M_%S_", &tm);
  char suffix[40];
  std::snprintf(suffix, sizeof(suffix), "%06llu%08llx", static_cast<unsigned long long>(file_seq_++),
                static_cast<unsigned long long>(deps_.random.nextU64() & 0xffffffffULL));
  return folder_ + "/" + stamp + suffix + std::string(kRetryFileExtension);
}

common::Status DiskRetryStore::store(std::vector<TransactionPtr> batch) {
  std::vector<const Transaction*> storable;
  int64_t points = 0;
  for (const auto& t : batch) {
    if (t->storable_on_disk) {
      storable.push_back(t.get());
      points += t->pointCount();
    } else {
      // agent behaviour: SerializeTo skips it silently; it is lost.
      deps_.telemetry.onDropped(t->endpoint_name, DropReason::kNotStorableOnDisk);
    }
  }
  const auto fail = [&](common::Status st) {
    deps_.telemetry.onDiskStoreError();
    deps_.telemetry.onPointsDropped(points);
    for (const Transaction* t : storable) deps_.telemetry.onDropped(t->endpoint_name, DropReason::kDiskStoreFailed);
    spdlog::error("forwarder: cannot store {} transaction(s) on disk for {}: {}", storable.size(), domain_,
                  st.message());
    return st;
  };
  if (storable.empty()) return common::Status::ok();
  const std::string bytes = codec_.encode(storable);
  const int64_t size = static_cast<int64_t>(bytes.size());
  if (auto st = makeRoomFor(size); !st.isOk()) return fail(st);
  const std::string path = newFileName();
  if (auto st = writeFileAtomically(path, bytes, deps_.clock.systemNow()); !st.isOk()) return fail(st);
  current_size_ += size;
  files_.push_back(path);
  deps_.telemetry.onDiskFileWritten(static_cast<int64_t>(storable.size()));
  return common::Status::ok();
}

common::Status DiskRetryStore::makeRoomFor(int64_t size) {
  if (size > limit_.maxSizeInBytes()) {
    return common::outOfRange("the payload is too big. Current:" + std::to_string(size) +
                              " Maximum:" + std::to_string(limit_.maxSizeInBytes()));
  }
  auto available = limit_.availableSpace(current_size_);
  if (!available.isOk()) return available.status();
  while (!files_.empty() && current_size_ + size > *available) {
    const std::string oldest = files_.front();
    spdlog::error("forwarder: maximum disk space for retry transactions is reached. Removing {}", oldest);
    if (auto summary = peekRetryFile(oldest)) {
      deps_.telemetry.onPointsDropped(static_cast<int64_t>(summary->points));
      deps_.telemetry.onDropped("", DropReason::kDiskEvicted, summary->transactions);
    } else {
      deps_.telemetry.onDiskCorruptFile();
    }
    if (auto st = removeFileAt(0); !st.isOk()) return st;
    deps_.telemetry.onDiskFileRemoved();
  }
  // agent behaviour: when no file is left to delete the batch is written anyway.
  return common::Status::ok();
}

common::Status DiskRetryStore::removeFileAt(size_t index) {
  const std::string path = files_[index];
  files_.erase(files_.begin() + static_cast<std::ptrdiff_t>(index));
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return common::ioError("cannot size " + path + ": " + ec.message());
  if (!fs::remove(path, ec) || ec) return common::ioError("cannot remove " + path + ": " + ec.message());
  current_size_ -= static_cast<int64_t>(size);
  return common::Status::ok();
}

common::Result<std::vector<TransactionPtr>> DiskRetryStore::extractLast() {
  if (files_.empty()) return std::vector<TransactionPtr>{};
  const size_t index = files_.size() - 1;
  const std::string path = files_[index];
  auto bytes = readWholeFile(path);
  // agent behaviour: the file is removed before its content is used, so a bad file is gone.
  if (auto st = removeFileAt(index); !st.isOk()) return st;
  deps_.telemetry.onDiskFileRead();
  if (!bytes.isOk()) {
    deps_.telemetry.onDiskCorruptFile();
    return bytes.status();
  }
  auto decoded = codec_.decode(*bytes, domain_, deps_.transaction_ids);
  if (!decoded.isOk()) {
    deps_.telemetry.onDiskCorruptFile();
    if (auto summary = TransactionCodec::peekHeader(*bytes); summary.isOk()) {
      deps_.telemetry.onDropped("", DropReason::kDiskCorrupt, summary->transactions);
      deps_.telemetry.onPointsDropped(static_cast<int64_t>(summary->points));
    }
    spdlog::error("forwarder: skipping retry file {}: {}", path, decoded.status().message());
    return common::dataLoss(path + ": " + decoded.status().message());
  }
  if (decoded->unknown_api_key > 0) {
    spdlog::error("forwarder: {} transaction(s) of {} use an API key that is no longer configured",
                  decoded->unknown_api_key, path);
    deps_.telemetry.onDropped("", DropReason::kDiskUnknownApiKey, decoded->unknown_api_key);
  }
  deps_.telemetry.onDiskTransactionsRead(static_cast<int64_t>(decoded->transactions.size()));
  return std::move(decoded->transactions);
}

}  // namespace ddsim::forwarder
