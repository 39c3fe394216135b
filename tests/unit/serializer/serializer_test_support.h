#pragma once
// Helpers shared by the serializer tests: a recording PayloadForwarder, decompression, fixture
// loading and small builders for series.
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/metrics/series.h"
#include "core/serializer/compression.h"
#include "core/serializer/forwarder_interface.h"

namespace ddsim::serializer::testing {

// Records every submission; can be told to refuse them.
class RecordingForwarder final : public PayloadForwarder {
 public:
  common::Status submit(Submission&& s) override {
    std::lock_guard lock(mu_);
    if (refuse) return common::failedPrecondition("forwarder not started");
    submissions.push_back(std::move(s));
    return {};
  }
  std::vector<PayloadPtr> allPayloads() const {
    std::vector<PayloadPtr> out;
    for (const auto& s : submissions) out.insert(out.end(), s.payloads.begin(), s.payloads.end());
    return out;
  }

  bool refuse = false;
  std::vector<Submission> submissions;

 private:
  std::mutex mu_;
};

inline std::string decompress(const Compressor& c, std::string_view bytes) {
  ByteBuffer out;
  auto st = c.decompress(bytes, &out, 256u << 20);
  EXPECT_TRUE(st.isOk()) << st.toString();
  return out.toString();
}

inline std::string decompress(CompressorKind kind, std::string_view bytes) {
  return decompress(*makeCompressor(kind), bytes);
}

inline std::string readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  EXPECT_TRUE(f.good()) << "cannot open " << path;
  std::string s(static_cast<size_t>(f.tellg()), '\0');
  f.seekg(0);
  f.read(s.data(), static_cast<std::streamsize>(s.size()));
  return s;
}

inline std::string testData(const std::string& name) { return readFile(std::string(DDSIM_TEST_DATA_DIR) + "/" + name); }

inline std::string header(const Submission& s, std::string_view name) {
  for (const auto& [k, v] : s.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

inline metrics::Serie makeSerie(std::string name, std::vector<std::string> tags, double value, double ts = 1700000000,
                                std::string host = "host-a") {
  metrics::Serie s;
  s.name = std::move(name);
  s.tags = metrics::CompositeTags::of(std::move(tags));
  s.host = std::move(host);
  s.points.push_back({ts, value});
  s.mtype = metrics::ApiMetricType::kGauge;
  s.interval = 10;
  return s;
}

// A gauge with n points at ts, ts+10, ...
inline metrics::Serie makeSerieWithPoints(std::string name, size_t n, double first_ts = 1700000000) {
  metrics::Serie s = makeSerie(std::move(name), {"env:test"}, 1.0, first_ts);
  s.points.clear();
  for (size_t i = 0; i < n; ++i) s.points.push_back({first_ts + 10.0 * static_cast<double>(i), static_cast<double>(i)});
  return s;
}

}  // namespace ddsim::serializer::testing

namespace ddsim::serializer::testing {

// Hex dump ("0a0b...") of bytes, for readable byte comparisons.
inline std::string hex(std::string_view b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (unsigned char c : b) {
    s += d[c >> 4];
    s += d[c & 15];
  }
  return s;
}

// The values of every top-level length-delimited field `field` of a protobuf message (a small
// wire reader, independent of the encoder under test). Fails the test on malformed input.
inline std::vector<std::string_view> lengthDelimitedFields(std::string_view msg, uint32_t field) {
  std::vector<std::string_view> out;
  size_t i = 0;
  auto varint = [&](uint64_t* v) {
    *v = 0;
    for (int shift = 0; i < msg.size() && shift < 64; shift += 7) {
      const auto c = static_cast<uint8_t>(msg[i++]);
      *v |= static_cast<uint64_t>(c & 0x7f) << shift;
      if (c < 0x80) return true;
    }
    return false;
  };
  while (i < msg.size()) {
    uint64_t key = 0, len = 0;
    if (!varint(&key)) break;
    switch (key & 7) {
      case 0:
        if (!varint(&len)) ADD_FAILURE() << "bad varint";
        break;
      case 1: i += 8; break;
      case 5: i += 4; break;
      case 2:
        if (!varint(&len) || i + len > msg.size()) {
          ADD_FAILURE() << "bad length-delimited field";
          return out;
        }
        if ((key >> 3) == field) out.push_back(msg.substr(i, len));
        i += len;
        break;
      default: ADD_FAILURE() << "unexpected wire type " << (key & 7); return out;
    }
  }
  return out;
}

}  // namespace ddsim::serializer::testing
