#pragma once
// A growable byte buffer for the serializer's hot path: unlike std::string it never zero-fills
// the space it grows into, so compressors and encoders can write straight into spare capacity.
// clear() keeps the capacity, so a buffer reused across items and payloads stops allocating once
// it has reached its working size. Not thread-safe.
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace ddsim::serializer {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  explicit ByteBuffer(size_t capacity) { reserve(capacity); }
  ByteBuffer(ByteBuffer&&) noexcept = default;
  ByteBuffer& operator=(ByteBuffer&&) noexcept = default;
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;

  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  bool empty() const { return size_ == 0; }
  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  std::string_view view() const { return {data_.get(), size_}; }
  std::string toString() const { return std::string(view()); }

  void clear() { size_ = 0; }
  // Drops everything after the first n bytes (n <= size()).
  void truncate(size_t n) { size_ = n < size_ ? n : size_; }

  void reserve(size_t n) {
    if (n <= cap_) return;
    size_t cap = cap_ < 256 ? 256 : cap_;
    while (cap < n) cap *= 2;
    std::unique_ptr<char[]> d(new char[cap]);
    if (size_ > 0) std::memcpy(d.get(), data_.get(), size_);
    data_ = std::move(d);
    cap_ = cap;
  }
  // Makes room for n more bytes and returns where they go; commit() them once written.
  char* prepare(size_t n) {
    reserve(size_ + n);
    return data_.get() + size_;
  }
  void commit(size_t n) { size_ += n; }
  // Free space already allocated after size().
  size_t spare() const { return cap_ - size_; }

  void append(const void* p, size_t n) {
    if (n == 0) return;
    std::memcpy(prepare(n), p, n);
    size_ += n;
  }
  void append(std::string_view s) { append(s.data(), s.size()); }
  void push(char c) {
    if (size_ == cap_) reserve(size_ + 1);
    data_[size_++] = c;
  }
  // Opens a gap of n bytes at pos (pos <= size()), moving what follows.
  void insertGap(size_t pos, size_t n) {
    reserve(size_ + n);
    std::memmove(data_.get() + pos + n, data_.get() + pos, size_ - pos);
    size_ += n;
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t cap_ = 0;
};

}  // namespace ddsim::serializer
