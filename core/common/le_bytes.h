#pragma once
// Little-endian framing for ddsim's own binary files (retry files, trace captures): appenders,
// and a bounds-checked reader whose reads past the end fail (ok() turns false, the value is
// zero or empty) instead of reading what is not there.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ddsim::common {

inline void putU8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }
inline void putU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
inline void putU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
// A u32 length, then the bytes.
inline void putStr(std::string& out, std::string_view s) {
  putU32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

class LeReader {
 public:
  explicit LeReader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  size_t remaining() const { return data_.size() - pos_; }

  uint64_t le(int bytes) {
    if (!ok_ || remaining() < static_cast<size_t>(bytes)) {
      ok_ = false;
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) {
      v |= static_cast<uint64_t>(static_cast<unsigned char>(data_[pos_ + static_cast<size_t>(i)])) << (8 * i);
    }
    pos_ += static_cast<size_t>(bytes);
    return v;
  }
  uint8_t u8() { return static_cast<uint8_t>(le(1)); }
  uint32_t u32() { return static_cast<uint32_t>(le(4)); }
  uint64_t u64() { return le(8); }
  int64_t i64() { return static_cast<int64_t>(le(8)); }
  std::string_view bytes(uint64_t n) {
    if (!ok_ || remaining() < n) {
      ok_ = false;
      return {};
    }
    std::string_view v = data_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  std::string_view str() { return bytes(u32()); }       // u32 length + bytes
  std::string_view longStr() { return bytes(u64()); }   // u64 length + bytes

 private:
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace ddsim::common
