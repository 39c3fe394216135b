#include "core/dogstatsd/capture_file.h"

#include <zstd.h>

#include <cerrno>
#include <cstring>

#include "core/dogstatsd/capture.pb.h"

namespace ddsim::dogstatsd {
namespace {

namespace pb = ddsim::dogstatsd::capture;

constexpr unsigned char kHeader[8] = {0xD4, 0x74, 0xD0, 0x60, 0xF0, 0xFF, 0x00, 0x00};
constexpr size_t kVersionIndex = 4;
constexpr int kMinStateVersion = 2;
constexpr int kMinNanoVersion = 3;

uint32_t readLe32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

void appendLe32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// The agent's datadogMatcher + fileVersion.
common::Result<int> headerVersion(std::string_view b) {
  if (b.size() < sizeof(kHeader)) {
    return common::invalidArgument("not a dogstatsd capture: shorter than its 8-byte header");
  }
  for (size_t i = 0; i < sizeof(kHeader); ++i) {
    auto c = static_cast<unsigned char>(b[i]);
    bool ok = i == kVersionIndex ? (c & kHeader[i]) == kHeader[i] : c == kHeader[i];
    if (!ok) {
      return common::invalidArgument("not a dogstatsd capture: bad header byte " +
                                     std::to_string(i));
    }
  }
  int version = static_cast<unsigned char>(b[kVersionIndex]) ^ 0xF0;
  if (version > kCaptureVersion) {
    return common::invalidArgument("unsupported capture file version " + std::to_string(version));
  }
  return version;
}

common::Result<std::string> zstdDecompress(std::string_view in, size_t max_bytes) {
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!ctx) return common::internalError("ZSTD_createDCtx failed");
  std::string out;
  std::string chunk(ZSTD_DStreamOutSize(), '\0');
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  size_t last = 0;
  while (input.pos < input.size) {
    ZSTD_outBuffer output{chunk.data(), chunk.size(), 0};
    last = ZSTD_decompressStream(ctx.get(), &output, &input);
    if (ZSTD_isError(last)) {
      return common::dataLoss(std::string("zstd: ") + ZSTD_getErrorName(last) + " at input byte " +
                              std::to_string(input.pos));
    }
    out.append(chunk.data(), output.pos);
    if (out.size() > max_bytes) {
      return common::outOfRange("decompressed capture exceeds " + std::to_string(max_bytes) + " bytes");
    }
    if (output.pos == 0 && last != 0 && input.pos == input.size) break;
  }
  // Flush what the decoder still holds.
  while (last != 0) {
    ZSTD_outBuffer output{chunk.data(), chunk.size(), 0};
    last = ZSTD_decompressStream(ctx.get(), &output, &input);
    if (ZSTD_isError(last)) return common::dataLoss(std::string("zstd: ") + ZSTD_getErrorName(last));
    out.append(chunk.data(), output.pos);
    if (out.size() > max_bytes) {
      return common::outOfRange("decompressed capture exceeds " + std::to_string(max_bytes) + " bytes");
    }
    if (output.pos == 0) break;
  }
  if (last != 0) return common::dataLoss("zstd: truncated frame");
  return out;
}

std::vector<std::string> toVector(const google::protobuf::RepeatedPtrField<std::string>& r) {
  return std::vector<std::string>(r.begin(), r.end());
}

}  // namespace

bool isZstdFrame(std::string_view b) {
  return b.size() >= 4 && static_cast<unsigned char>(b[0]) == 0x28 &&
         static_cast<unsigned char>(b[1]) == 0xB5 && static_cast<unsigned char>(b[2]) == 0x2F &&
         static_cast<unsigned char>(b[3]) == 0xFD;
}

common::Result<CaptureReader> CaptureReader::open(const std::string& path, size_t max_bytes) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return common::ioError("cannot open capture " + path + ": " + std::strerror(errno));
  std::string bytes;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) {
    bytes.append(buf, n);
    if (bytes.size() > max_bytes) {
      std::fclose(f);
      return common::outOfRange("capture " + path + " exceeds " + std::to_string(max_bytes) + " bytes");
    }
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return common::ioError("cannot read capture " + path);
  auto r = fromBytes(std::move(bytes), max_bytes);
  if (!r.isOk()) return common::Status(r.status().code(), path + ": " + r.status().message());
  return r;
}

common::Result<CaptureReader> CaptureReader::fromBytes(std::string bytes, size_t max_bytes) {
  CaptureReader r;
  if (isZstdFrame(bytes)) {
    auto d = zstdDecompress(bytes, max_bytes);
    if (!d.isOk()) return d.status();
    r.contents_ = std::move(d).value();
    r.compressed_ = true;
  } else {
    r.contents_ = std::move(bytes);
  }
  auto v = headerVersion(r.contents_);
  if (!v.isOk()) return v.status();
  r.version_ = *v;
  r.offset_ = sizeof(kHeader);
  return r;
}

common::Duration CaptureReader::timestampUnit() const {
  return version_ < kMinNanoVersion ? common::Duration(std::chrono::seconds(1))
                                    : common::Duration(std::chrono::nanoseconds(1));
}

void CaptureReader::rewind() {
  offset_ = sizeof(kHeader);
  records_read_ = 0;
}

common::Result<bool> CaptureReader::next(CaptureRecord& out) {
  // The agent's ReadNext: a zero length (the state separator) or one running past the end
  // ends the records.
  if (offset_ + 4 > contents_.size()) return false;
  const uint32_t size = readLe32(contents_.data() + offset_);
  if (size == 0 || offset_ + 4 + size > contents_.size()) return false;
  const std::string where = "capture record " + std::to_string(records_read_) + " at offset " +
                            std::to_string(offset_);
  pb::UnixDogstatsdMsg msg;
  if (!msg.ParseFromArray(contents_.data() + offset_ + 4, static_cast<int>(size))) {
    return common::dataLoss(where + ": not a valid UnixDogstatsdMsg");
  }
  if (msg.payloadsize() < 0 || static_cast<size_t>(msg.payloadsize()) > msg.payload().size()) {
    return common::dataLoss(where + ": payloadSize " + std::to_string(msg.payloadsize()) +
                            " does not fit its " + std::to_string(msg.payload().size()) +
                            "-byte payload");
  }
  if (msg.ancillarysize() < 0 ||
      static_cast<size_t>(msg.ancillarysize()) > msg.ancillary().size()) {
    return common::dataLoss(where + ": ancillarySize " + std::to_string(msg.ancillarysize()) +
                            " does not fit its " + std::to_string(msg.ancillary().size()) +
                            "-byte ancillary data");
  }
  out.timestamp = msg.timestamp();
  out.payload.assign(msg.payload().data(), static_cast<size_t>(msg.payloadsize()));
  out.pid = msg.pid();
  out.ancillary.assign(msg.ancillary().data(), static_cast<size_t>(msg.ancillarysize()));
  offset_ += 4 + size;
  ++records_read_;
  return true;
}

common::Result<CaptureTaggerState> CaptureReader::readState() const {
  if (version_ < kMinStateVersion) {
    return common::failedPrecondition("capture version " + std::to_string(version_) +
                                      " has no tagger state");
  }
  if (contents_.size() < sizeof(kHeader) + 4) return common::dataLoss("capture has no trailer");
  const uint32_t size = readLe32(contents_.data() + contents_.size() - 4);
  CaptureTaggerState state;
  if (size == 0) return state;
  if (static_cast<size_t>(size) + 4 > contents_.size() - sizeof(kHeader)) {
    return common::dataLoss("capture trailer: tagger state size " + std::to_string(size) +
                            " exceeds the file");
  }
  pb::TaggerState msg;
  if (!msg.ParseFromArray(contents_.data() + contents_.size() - 4 - size, static_cast<int>(size))) {
    return common::dataLoss("capture trailer: not a valid TaggerState");
  }
  for (const auto& [key, e] : msg.state()) {
    CapturedEntity ce;
    ce.prefix = e.id().prefix();
    ce.uid = e.id().uid();
    ce.hash = e.hash();
    ce.high_cardinality_tags = toVector(e.highcardinalitytags());
    ce.orchestrator_cardinality_tags = toVector(e.orchestratorcardinalitytags());
    ce.low_cardinality_tags = toVector(e.lowcardinalitytags());
    ce.standard_tags = toVector(e.standardtags());
    state.entities.emplace(key, std::move(ce));
  }
  for (const auto& [pid, id] : msg.pidmap()) state.pid_map.emplace(pid, id);
  return state;
}

common::Status CaptureReader::checkComplete() const {
  const size_t end = contents_.size();
  const std::string stream = compressed_ ? " of the decompressed stream" : "";
  size_t offset = sizeof(kHeader);
  size_t records = 0;
  auto truncated = [&](const std::string& why) {
    return common::dataLoss("capture is truncated at byte offset " + std::to_string(offset) + stream + " after " +
                            std::to_string(records) + " complete records: " + why);
  };
  while (offset < end) {
    if (offset + 4 > end) {
      return truncated("only " + std::to_string(end - offset) + " of the 4 bytes of the next record length remain");
    }
    const uint32_t size = readLe32(contents_.data() + offset);
    if (size == 0) break;  // the end-of-records marker
    if (end - offset - 4 < size) {
      return truncated("record " + std::to_string(records) + " declares " + std::to_string(size) +
                       " bytes but only " + std::to_string(end - offset - 4) + " remain");
    }
    offset += 4 + size;
    ++records;
  }
  if (records == 0) {
    return common::dataLoss("capture has no records: they end at byte offset " + std::to_string(offset) + stream +
                            (offset == sizeof(kHeader) ? ", right after the 8-byte header" : ""));
  }
  if (version_ < kMinStateVersion) return common::Status::ok();
  // Version 2 on: the marker, the tagger state, then its size as the file's last 4 bytes.
  if (offset == end) return truncated("the end-of-records marker and the tagger state are missing");
  const size_t trailer = end - offset - 4;
  if (trailer < 4 || readLe32(contents_.data() + end - 4) != trailer - 4) {
    return truncated("the tagger state after the end-of-records marker is cut (" + std::to_string(trailer) +
                     " bytes follow the marker)");
  }
  return common::Status::ok();
}

// ---------------------------------------------------------------------------------------------

struct CaptureWriter::ZstdStream {
  std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> ctx{ZSTD_createCCtx(), ZSTD_freeCCtx};
  std::string out = std::string(ZSTD_CStreamOutSize(), '\0');
};

common::Result<std::unique_ptr<CaptureWriter>> CaptureWriter::create(const std::string& path,
                                                                     CaptureWriterOptions options) {
  if (options.version < 0 || options.version > kCaptureVersion) {
    return common::invalidArgument("capture version must be 0.." + std::to_string(kCaptureVersion));
  }
  std::unique_ptr<CaptureWriter> w(new CaptureWriter());
  w->path_ = path;
  w->options_ = options;
  w->file_ = std::fopen(path.c_str(), "wb");
  if (w->file_ == nullptr) {
    return common::ioError("cannot create capture " + path + ": " + std::strerror(errno));
  }
  if (options.zstd) {
    w->zstd_ = std::make_unique<ZstdStream>();
    if (!w->zstd_->ctx) return common::internalError("ZSTD_createCCtx failed");
    ZSTD_CCtx_setParameter(w->zstd_->ctx.get(), ZSTD_c_compressionLevel, options.zstd_level);
  }
  std::string header(reinterpret_cast<const char*>(kHeader), sizeof(kHeader));
  header[kVersionIndex] = static_cast<char>(0xF0 | options.version);
  auto st = w->put(header);
  if (!st.isOk()) return st;
  return w;
}

CaptureWriter::~CaptureWriter() {
  if (!closed_) (void)close();
}

common::Status CaptureWriter::put(std::string_view data) {
  bytes_ += data.size();
  if (!zstd_) {
    if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
      return common::ioError("cannot write capture " + path_ + ": " + std::strerror(errno));
    }
    return common::Status::ok();
  }
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  while (in.pos < in.size) {
    ZSTD_outBuffer out{zstd_->out.data(), zstd_->out.size(), 0};
    size_t r = ZSTD_compressStream2(zstd_->ctx.get(), &out, &in, ZSTD_e_continue);
    if (ZSTD_isError(r)) return common::internalError(std::string("zstd: ") + ZSTD_getErrorName(r));
    if (std::fwrite(out.dst, 1, out.pos, file_) != out.pos) {
      return common::ioError("cannot write capture " + path_ + ": " + std::strerror(errno));
    }
  }
  return common::Status::ok();
}

common::Status CaptureWriter::finishStream() {
  if (!zstd_) return common::Status::ok();
  ZSTD_inBuffer in{nullptr, 0, 0};
  size_t remaining;
  do {
    ZSTD_outBuffer out{zstd_->out.data(), zstd_->out.size(), 0};
    remaining = ZSTD_compressStream2(zstd_->ctx.get(), &out, &in, ZSTD_e_end);
    if (ZSTD_isError(remaining)) {
      return common::internalError(std::string("zstd: ") + ZSTD_getErrorName(remaining));
    }
    if (std::fwrite(out.dst, 1, out.pos, file_) != out.pos) {
      return common::ioError("cannot write capture " + path_ + ": " + std::strerror(errno));
    }
  } while (remaining != 0);
  return common::Status::ok();
}

common::Status CaptureWriter::write(const CaptureRecord& r) {
  if (closed_ || file_ == nullptr) return common::failedPrecondition("capture " + path_ + " is closed");
  pb::UnixDogstatsdMsg msg;
  msg.set_timestamp(r.timestamp);
  msg.set_payloadsize(static_cast<int32_t>(r.payload.size()));
  msg.set_payload(r.payload);
  msg.set_pid(r.pid);
  msg.set_ancillarysize(static_cast<int32_t>(r.ancillary.size()));
  msg.set_ancillary(r.ancillary);
  buffer_.clear();
  appendLe32(buffer_, static_cast<uint32_t>(msg.ByteSizeLong()));
  if (!msg.AppendToString(&buffer_)) return common::internalError("cannot encode capture record");
  auto st = put(buffer_);
  if (st.isOk()) ++records_;
  return st;
}

common::Status CaptureWriter::close(const CaptureTaggerState& state) {
  if (closed_) return common::Status::ok();
  closed_ = true;
  if (file_ == nullptr) return common::failedPrecondition("capture " + path_ + " was never opened");
  common::Status st;
  if (options_.version >= kMinStateVersion) {
    pb::TaggerState msg;
    for (const auto& [key, e] : state.entities) {
      pb::Entity& pe = (*msg.mutable_state())[key];
      pe.mutable_id()->set_prefix(e.prefix);
      pe.mutable_id()->set_uid(e.uid);
      pe.set_hash(e.hash);
      for (const auto& t : e.high_cardinality_tags) pe.add_highcardinalitytags(t);
      for (const auto& t : e.orchestrator_cardinality_tags) pe.add_orchestratorcardinalitytags(t);
      for (const auto& t : e.low_cardinality_tags) pe.add_lowcardinalitytags(t);
      for (const auto& t : e.standard_tags) pe.add_standardtags(t);
    }
    for (const auto& [pid, id] : state.pid_map) (*msg.mutable_pidmap())[pid] = id;
    std::string trailer(4, '\0');
    if (!msg.AppendToString(&trailer)) st = common::internalError("cannot encode tagger state");
    appendLe32(trailer, static_cast<uint32_t>(trailer.size() - 4));
    if (st.isOk()) st = put(trailer);
  }
  if (st.isOk()) st = finishStream();
  if (std::fclose(file_) != 0 && st.isOk()) {
    st = common::ioError("cannot close capture " + path_ + ": " + std::strerror(errno));
  }
  file_ = nullptr;
  return st;
}

}  // namespace ddsim::dogstatsd
