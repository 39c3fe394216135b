#pragma once
// A fresh directory under the system temp dir, removed with everything in it at scope exit.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace ddsim::forwarder::fwdtest {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> seq{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("ddsim-fwd-" + std::to_string(::getpid()) + "-" + std::to_string(seq++)))
                .string();
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
    std::filesystem::create_directories(path_, ec);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace ddsim::forwarder::fwdtest
