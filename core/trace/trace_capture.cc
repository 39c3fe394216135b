#include "core/trace/trace_capture.h"

#include <spdlog/spdlog.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "core/common/le_bytes.h"

namespace ddsim::trace {
namespace {

constexpr char kMagic[8] = {'D', 'D', 'S', 'I', 'M', 'T', 'R', 'C'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderSize = 16;
// A record: the arrival, the path, the headers and the body, each bounded.
constexpr uint64_t kMaxRecord = kTraceCaptureMaxBody + (size_t{1} << 20);

using common::putStr;
using common::putU32;
using common::putU64;

uint32_t crcOf(std::string_view s) {
  return static_cast<uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

}  // namespace

// --- writer ---

common::Result<std::unique_ptr<TraceCaptureWriter>> TraceCaptureWriter::create(const std::string& path,
                                                                              uint64_t max_bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return common::ioError("cannot create trace capture " + path + ": " + std::strerror(errno));
  std::string header(kMagic, sizeof(kMagic));
  putU32(header, kVersion);
  putU32(header, 0);
  if (std::fwrite(header.data(), 1, header.size(), f) != header.size()) {
    std::fclose(f);
    return common::ioError("cannot write trace capture " + path);
  }
  return std::unique_ptr<TraceCaptureWriter>(new TraceCaptureWriter(path, f, max_bytes));
}

TraceCaptureWriter::TraceCaptureWriter(std::string path, std::FILE* f, uint64_t max_bytes)
    : path_(std::move(path)), f_(f), max_bytes_(max_bytes), bytes_(kHeaderSize) {}

TraceCaptureWriter::~TraceCaptureWriter() { (void)close(); }

void TraceCaptureWriter::write(const ReceiverRequest& request, int64_t unix_ns) {
  std::string rec;
  rec.reserve(request.body.size() + request.path.size() + 64);
  putU64(rec, static_cast<uint64_t>(unix_ns));
  putStr(rec, request.path);
  const size_t headers = std::min(request.headers.size(), kTraceCaptureMaxHeaders);
  putU32(rec, static_cast<uint32_t>(headers));
  size_t h = 0;
  for (const auto& [name, value] : request.headers) {
    if (h++ == headers) break;
    putStr(rec, name);
    putStr(rec, value);
  }
  putStr(rec, request.body.substr(0, kTraceCaptureMaxBody));
  putU32(rec, crcOf(rec));
  std::string framed;
  putU32(framed, static_cast<uint32_t>(rec.size()));
  framed += rec;

  std::lock_guard lock(mu_);
  if (f_ == nullptr) return;
  if (bytes_ + framed.size() > max_bytes_) {
    if (dropped_++ == 0) {
      spdlog::warn("trace capture {}: full at {} bytes; further requests are not recorded (counted)", path_,
                   max_bytes_);
    }
    return;
  }
  if (std::fwrite(framed.data(), 1, framed.size(), f_) != framed.size()) {
    if (!io_error_) spdlog::error("trace capture {}: write failed: {}", path_, std::strerror(errno));
    io_error_ = true;
    ++dropped_;
    return;
  }
  bytes_ += framed.size();
  ++records_;
}

common::Status TraceCaptureWriter::close() {
  std::lock_guard lock(mu_);
  if (f_ == nullptr) return io_error_ ? common::ioError("trace capture " + path_ + ": a write failed") : common::Status();
  const bool closed = std::fclose(f_) == 0;
  f_ = nullptr;
  if (!closed || io_error_) return common::ioError("trace capture " + path_ + ": a write failed");
  return {};
}

uint64_t TraceCaptureWriter::records() const {
  std::lock_guard lock(mu_);
  return records_;
}
uint64_t TraceCaptureWriter::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}
uint64_t TraceCaptureWriter::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

// --- reader ---

common::Result<TraceCaptureReader> TraceCaptureReader::open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return common::notFound("cannot open trace capture " + path + ": " + std::strerror(errno));
  TraceCaptureReader r(path, f);
  if (auto st = r.rewind(); !st.isOk()) return st;
  return r;
}

common::Result<TraceCaptureReader> TraceCaptureReader::fromBytes(std::string bytes, std::string name) {
  auto owned = std::make_unique<std::string>(std::move(bytes));
  if (owned->empty()) owned->push_back('\0');  // fmemopen refuses a zero size; the header check still fails
  std::FILE* f = ::fmemopen(owned->data(), owned->size(), "rb");
  if (f == nullptr) return common::ioError(name + ": cannot read from memory");
  TraceCaptureReader r(std::move(name), f);
  r.bytes_ = std::move(owned);
  if (auto st = r.rewind(); !st.isOk()) return st;
  return r;
}

TraceCaptureReader::TraceCaptureReader(TraceCaptureReader&& o) noexcept
    : path_(std::move(o.path_)), f_(o.f_), bytes_(std::move(o.bytes_)), offset_(o.offset_), index_(o.index_) {
  o.f_ = nullptr;
}

TraceCaptureReader& TraceCaptureReader::operator=(TraceCaptureReader&& o) noexcept {
  if (this != &o) {
    if (f_ != nullptr) std::fclose(f_);
    path_ = std::move(o.path_);
    f_ = o.f_;
    bytes_ = std::move(o.bytes_);
    offset_ = o.offset_;
    index_ = o.index_;
    o.f_ = nullptr;
  }
  return *this;
}

TraceCaptureReader::~TraceCaptureReader() {
  if (f_ != nullptr) std::fclose(f_);
}

bool TraceCaptureReader::isTraceCapture(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char magic[sizeof(kMagic)];
  const bool yes = std::fread(magic, 1, sizeof(magic), f) == sizeof(magic) && std::memcmp(magic, kMagic, sizeof(kMagic)) == 0;
  std::fclose(f);
  return yes;
}

common::Status TraceCaptureReader::rewind() {
  std::rewind(f_);
  unsigned char header[kHeaderSize];
  if (std::fread(header, 1, kHeaderSize, f_) != kHeaderSize) {
    return common::dataLoss(path_ + ": not a trace capture (shorter than its 16-byte header)");
  }
  if (std::memcmp(header, kMagic, sizeof(kMagic)) != 0) {
    return common::dataLoss(path_ + ": not a trace capture (no DDSIMTRC magic)");
  }
  const uint32_t version = header[8] | (header[9] << 8) | (header[10] << 16) | (uint32_t(header[11]) << 24);
  if (version != kVersion) {
    return common::dataLoss(path_ + ": trace capture version " + std::to_string(version) + " (this ddsim reads 1)");
  }
  offset_ = kHeaderSize;
  index_ = 0;
  return {};
}

common::Result<std::optional<TraceCaptureRecord>> TraceCaptureReader::next() {
  const auto where = [&] {
    return path_ + ": record " + std::to_string(index_) + " at byte " + std::to_string(offset_);
  };
  unsigned char len_bytes[4];
  const size_t got = std::fread(len_bytes, 1, 4, f_);
  if (got == 0 && std::feof(f_)) return std::optional<TraceCaptureRecord>();
  if (got != 4) return common::dataLoss(where() + " is cut short (no complete length)");
  const uint64_t len = len_bytes[0] | (len_bytes[1] << 8) | (len_bytes[2] << 16) | (uint64_t(len_bytes[3]) << 24);
  if (len < 8 + 4 + 4 + 4 + 4 || len > kMaxRecord) {
    return common::dataLoss(where() + " has an impossible length " + std::to_string(len));
  }
  std::string rec(len, '\0');
  if (std::fread(rec.data(), 1, len, f_) != len) {
    return common::dataLoss(where() + " is cut short (" + std::to_string(len) + " bytes announced)");
  }
  const std::string_view content(rec.data(), len - 4);
  common::LeReader crc_cursor(std::string_view(rec).substr(len - 4));
  if (crcOf(content) != static_cast<uint32_t>(crc_cursor.le(4))) {
    return common::dataLoss(where() + " fails its checksum (corrupt)");
  }
  common::LeReader c(content);
  TraceCaptureRecord out;
  out.unix_ns = static_cast<int64_t>(c.le(8));
  out.path = std::string(c.str());
  const uint64_t headers = c.le(4);
  if (headers > kTraceCaptureMaxHeaders) return common::dataLoss(where() + " has " + std::to_string(headers) + " headers");
  for (uint64_t i = 0; i < headers && c.ok(); ++i) {
    std::string name(c.str());
    out.headers.insert_or_assign(std::move(name), std::string(c.str()));
  }
  out.body = std::string(c.str());
  if (!c.ok() || c.remaining() != 0) return common::dataLoss(where() + " does not parse (fields overrun its length)");
  offset_ += 4 + len;
  ++index_;
  return std::optional<TraceCaptureRecord>(std::move(out));
}

}  // namespace ddsim::trace
