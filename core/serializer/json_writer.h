#pragma once
// A hand-written streaming JSON writer with the agent's two dialects (spec §5.4):
// - kJsoniter: the stream paths (jsoniter v1.1.12 with HTML escaping off): `"` and `\` escaped,
//   \n \r \t short escapes, every other byte < 0x20 as \u00xx (lower-case hex), everything else
//   (<, >, &, 0x7F, U+2028/2029, all non-ASCII and invalid UTF-8 bytes) copied raw.
// - kEncodingJson: Go's encoding/json (non-stream fallbacks): also \b and \f short escapes,
//   <, >, & as \u003c \u003e \u0026, U+2028/2029 as \u2028 \u2029, and each byte of invalid
//   UTF-8 replaced by \ufffd.
// Appends to a ByteBuffer; no allocation beyond its growth. Not thread-safe.
#include <cstdint>
#include <string_view>

#include "core/serializer/byte_buffer.h"
#include "core/serializer/number_format.h"

namespace ddsim::serializer {

enum class JsonDialect { kJsoniter, kEncodingJson };

// Appends s as a quoted, escaped JSON string.
void appendJsonString(ByteBuffer& out, std::string_view s, JsonDialect dialect);

class JsonWriter {
 public:
  explicit JsonWriter(ByteBuffer& out, JsonDialect dialect = JsonDialect::kJsoniter)
      : out_(out), dialect_(dialect) {}

  void raw(std::string_view s) { out_.append(s); }
  void push(char c) { out_.push(c); }
  void string(std::string_view s) { appendJsonString(out_, s, dialect_); }
  // "name": (name is written raw: callers pass literal keys).
  void key(std::string_view name) {
    out_.push('"');
    out_.append(name);
    out_.append("\":", 2);
  }
  void int64(int64_t v) { appendInt64(out_, v); }
  // ["a","b",...]
  template <typename Strings>
  void stringArray(const Strings& values) {
    out_.push('[');
    bool first = true;
    for (const auto& v : values) {
      if (!first) out_.push(',');
      first = false;
      string(v);
    }
    out_.push(']');
  }
  // jsoniter's WriteFloat64: false (nothing written) for NaN / ±Inf.
  bool float64(double v) { return appendJsoniterFloat64(out_, v); }

  ByteBuffer& buffer() { return out_; }
  JsonDialect dialect() const { return dialect_; }

 private:
  ByteBuffer& out_;
  JsonDialect dialect_;
};

}  // namespace ddsim::serializer
