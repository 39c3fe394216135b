#include "core/forwarder/retry_files.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace ddsim::forwarder {
namespace fs = std::filesystem;

namespace {

common::SystemTime toSystemTime(const struct timespec& ts) {
  return common::SystemTime(std::chrono::duration_cast<common::SystemTime::duration>(
      std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
}

}  // namespace

common::Result<std::vector<RetryFile>> listRetryFiles(const std::string& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return common::ioError("cannot list " + dir + ": " + ec.message());
  std::vector<RetryFile> files;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return common::ioError("cannot list " + dir + ": " + ec.message());
    const fs::path& p = it->path();
    if (p.extension() != kRetryFileExtension) continue;
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    files.push_back({p.string(), static_cast<int64_t>(st.st_size), toSystemTime(st.st_mtim)});
  }
  std::sort(files.begin(), files.end(), [](const RetryFile& a, const RetryFile& b) {
    return a.mtime != b.mtime ? a.mtime < b.mtime : a.path < b.path;
  });
  return files;
}

common::Result<std::string> readWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return common::ioError("cannot open " + path + ": " + std::strerror(errno));
  std::string data;
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size < 0) return common::ioError("cannot size " + path);
  data.resize(static_cast<size_t>(size));
  in.seekg(0);
  in.read(data.data(), size);
  if (!in) return common::ioError("cannot read " + path);
  return data;
}

common::Status writeFileAtomically(const std::string& path, std::string_view bytes, common::SystemTime mtime) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return common::ioError("cannot create " + tmp + ": " + std::strerror(errno));
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      out.close();
      std::error_code ec;
      fs::remove(tmp, ec);
      return common::ioError("cannot write " + tmp);
    }
  }
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count();
  struct timespec times[2];
  times[0].tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  times[0].tv_nsec = static_cast<long>(ns % 1'000'000'000);
  times[1] = times[0];
  (void)::utimensat(AT_FDCWD, tmp.c_str(), times, 0);  // best effort: ordering falls back to names
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return common::ioError("cannot rename " + tmp + ": " + ec.message());
  }
  return common::Status::ok();
}

std::optional<RetryFileSummary> peekRetryFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string header(kRetryFileHeaderSize, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header.size()));
  if (in.gcount() != static_cast<std::streamsize>(header.size())) return std::nullopt;
  auto s = TransactionCodec::peekHeader(header);
  if (!s.isOk()) return std::nullopt;
  return *s;
}

common::Status makePrivateDirectory(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return common::ioError("cannot create " + dir + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return common::ioError("cannot restrict " + dir + " to its owner: " + ec.message());
  return common::Status::ok();
}

std::string md5Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr) != 1) return {};
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

}  // namespace ddsim::forwarder
