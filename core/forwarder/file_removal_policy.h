#pragma once
// Start-up clean-up of the retry storage root (spec §6.7, file_removal_policy.go): retry files
// older than forwarder_outdated_file_in_days are deleted, and so are the folders of domains that
// are no longer configured. Deleted transactions are counted (from the files' headers).
#include <set>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/common/status.h"
#include "core/forwarder/forwarder_telemetry.h"

namespace ddsim::forwarder {

class FileRemovalPolicy {
 public:
  // Creates `root` (0700). `now` decides what is outdated (files' modification times are set
  // from the forwarder's clock when written, so this works in virtual time too).
  static common::Result<FileRemovalPolicy> create(std::string root, int outdated_file_in_days,
                                                  common::SystemTime now, ForwarderTelemetry& telemetry);

  // The folder of a domain: <root>/<md5hex(domain)>. Remembered as known.
  std::string registerDomain(const std::string& domain);
  // Deletes outdated retry files in every domain folder; returns the deleted paths.
  std::vector<std::string> removeOutdatedFiles();
  // Deletes the retry files and folders of domains not registered; returns the deleted paths.
  std::vector<std::string> removeUnknownDomains();

 private:
  FileRemovalPolicy(std::string root, common::SystemTime outdated_before, ForwarderTelemetry& telemetry)
      : root_(std::move(root)), outdated_before_(outdated_before), telemetry_(&telemetry) {}
  std::vector<std::string> domainFolders() const;
  void removeFile(const std::string& path, DropReason reason, std::vector<std::string>& removed);

  std::string root_;
  common::SystemTime outdated_before_;
  ForwarderTelemetry* telemetry_;
  std::set<std::string> known_;
};

}  // namespace ddsim::forwarder
