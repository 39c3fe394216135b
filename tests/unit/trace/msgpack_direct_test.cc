// The direct decoders (msgpack_direct.cc) against the reference decoders (msgpack-cxx's object
// tree, msgpack_decoder.cc), docs/trace-agent.md §3-4: on the fuzz seed corpus, on generated
// payloads that use every encoding the agent tolerates (integer widths, bin strings, nil, unknown
// keys with nested values, ext, duplicate keys), and on every cut and random mutations of them,
// both must give the same spans or both refuse.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "core/common/random.h"
#include "core/trace/msgpack_decoder.h"
#include "tests/support/trace_compare.h"
#include "tests/support/trace_payloads.h"

namespace ddsim::trace {
namespace {

using testing::Packer;

// Same outcome or a description of the difference.
std::string compare(std::string_view body, bool v05) {
  const common::Result<Traces> direct = v05 ? decodeV05(body) : decodeV04(body);
  const common::Result<Traces> tree = v05 ? decodeV05Tree(body) : decodeV04Tree(body);
  if (direct.isOk() != tree.isOk()) {
    return std::string("direct ") + (direct.isOk() ? "accepts" : "refuses (" + direct.status().toString() + ")") +
           ", tree " + (tree.isOk() ? "accepts" : "refuses (" + tree.status().toString() + ")");
  }
  if (direct.isOk()) {
    if (std::string d = testing::traceDifference(*direct, *tree); !d.empty()) return "both accept, " + d;
  }
  if (!direct.isOk() && direct.status().message().empty()) return "refusal without a message";
  return "";
}

// A msgpack writer that picks among the encodings a tracer may use for each value.
class LooseWriter {
 public:
  explicit LooseWriter(common::Random& rnd) : rnd_(rnd), p_(buf_) {}

  void uint(uint64_t v) {
    switch (rnd_.uniformInt(0, 4)) {
      case 0: p_.pack(v); break;  // smallest encoding
      case 1: p_.pack_fix_uint64(v); break;
      case 2:
        if (v <= 0x7fffffffffffffffULL) p_.pack_fix_int64(static_cast<int64_t>(v));
        else p_.pack_fix_uint64(v);
        break;
      case 3:
        if (v <= 0xffffffffULL) p_.pack_fix_uint32(static_cast<uint32_t>(v));
        else p_.pack(v);
        break;
      default:
        if (v <= 0x7fff) p_.pack_fix_int16(static_cast<int16_t>(v));
        else p_.pack(v);
        break;
    }
  }
  void sint(int64_t v) {
    if (v >= 0 && rnd_.bernoulli(0.5)) {
      uint(static_cast<uint64_t>(v));
    } else if (v >= -128 && v < 128 && rnd_.bernoulli(0.5)) {
      p_.pack_fix_int8(static_cast<int8_t>(v));
    } else if (rnd_.bernoulli(0.5)) {
      p_.pack(v);
    } else {
      p_.pack_fix_int64(v);
    }
  }
  void str(const std::string& s) {
    const int64_t how = rnd_.uniformInt(0, 9);
    if (how == 0 && s.empty()) {
      p_.pack_nil();
    } else if (how == 1) {
      p_.pack_bin(static_cast<uint32_t>(s.size()));
      p_.pack_bin_body(s.data(), static_cast<uint32_t>(s.size()));
    } else {
      p_.pack_str(static_cast<uint32_t>(s.size()));
      p_.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
    }
  }
  void f64(double v) {
    if (v == static_cast<double>(static_cast<int64_t>(v)) && rnd_.bernoulli(0.3)) {
      sint(static_cast<int64_t>(v));
    } else {
      p_.pack_double(v);
    }
  }
  // Any value, nested up to `depth` more levels: what an unknown span key may carry.
  void anything(int depth) {
    switch (rnd_.uniformInt(0, depth > 0 ? 9 : 7)) {
      case 0: p_.pack_nil(); break;
      case 1: rnd_.bernoulli(0.5) ? p_.pack_true() : p_.pack_false(); break;
      case 2: sint(rnd_.uniformInt(-100000, 100000)); break;
      case 3: p_.pack_float(1.5f); break;
      case 4: p_.pack_double(-2.25); break;
      case 5: str("x"); break;
      case 6: p_.pack_ext(3, 7), p_.pack_ext_body("abc", 3); break;  // ext 8
      case 7: p_.pack_ext(4, 1), p_.pack_ext_body("wxyz", 4); break;  // fixext 4
      case 8: {
        const auto n = static_cast<uint32_t>(rnd_.uniformInt(0, 3));
        p_.pack_array(n);
        for (uint32_t i = 0; i < n; ++i) anything(depth - 1);
        break;
      }
      default: {
        const auto n = static_cast<uint32_t>(rnd_.uniformInt(0, 2));
        p_.pack_map(n);
        for (uint32_t i = 0; i < n; ++i) str("k"), anything(depth - 1);
      }
    }
  }

  Packer& packer() { return p_; }
  common::Random& rnd() { return rnd_; }
  std::string body() const { return testing::bufferString(buf_); }

 private:
  common::Random& rnd_;
  msgpack::sbuffer buf_;
  Packer p_;
};

std::string pick(common::Random& rnd, const std::vector<std::string>& from) {
  return from[static_cast<size_t>(rnd.uniformInt(0, static_cast<int64_t>(from.size()) - 1))];
}

const std::vector<std::string> kWords = {"", "web", "checkout", "GET /cart", "env", "prod", "caf\xc3\xa9",
                                         "bad\xff", "http.status_code", "_sampling_priority_v1"};

// A v0.4 span map with fields in a random order, some missing, some doubled, unknown ones added.
void looseSpanV04(LooseWriter& w) {
  common::Random& rnd = w.rnd();
  std::vector<int> fields;
  for (int f = 0; f < 12; ++f) {
    if (rnd.bernoulli(0.9)) fields.push_back(f);
  }
  if (rnd.bernoulli(0.2)) fields.push_back(static_cast<int>(rnd.uniformInt(0, 11)));  // a duplicate key
  const int unknown = rnd.bernoulli(0.3) ? 1 : 0;
  for (size_t i = fields.size(); i > 1; --i) std::swap(fields[i - 1], fields[static_cast<size_t>(rnd.uniformInt(0, static_cast<int64_t>(i) - 1))]);
  Packer& p = w.packer();
  p.pack_map(static_cast<uint32_t>(fields.size()) + unknown);
  if (unknown) w.str("span_links"), w.anything(static_cast<int>(rnd.uniformInt(0, 4)));
  for (int f : fields) {
    switch (f) {
      case 0: w.str("service"), w.str(pick(rnd, kWords)); break;
      case 1: w.str("name"), w.str(pick(rnd, kWords)); break;
      case 2: w.str("resource"), w.str(pick(rnd, kWords)); break;
      case 3:
        w.str("trace_id");
        if (rnd.bernoulli(0.1)) w.sint(-5);
        else w.uint(rnd.nextU64());
        break;
      case 4: w.str("span_id"), w.uint(rnd.nextU64() >> rnd.uniformInt(0, 63)); break;
      case 5:
        w.str("parent_id");
        if (rnd.bernoulli(0.1)) p.pack_nil();
        else w.uint(rnd.nextU64() >> 40);
        break;
      case 6: w.str("start"), w.sint(1'700'000'000'000'000'000 + rnd.uniformInt(-1000, 1000)); break;
      case 7: w.str("duration"), w.sint(rnd.uniformInt(-10, 1'000'000)); break;
      case 8: w.str("error"), w.sint(rnd.uniformInt(0, 1)); break;
      case 9: {
        w.str("meta");
        const auto n = static_cast<uint32_t>(rnd.uniformInt(0, 4));
        p.pack_map(n);
        for (uint32_t i = 0; i < n; ++i) w.str(pick(rnd, kWords)), w.str(pick(rnd, kWords));
        break;
      }
      case 10: {
        w.str("metrics");
        const auto n = static_cast<uint32_t>(rnd.uniformInt(0, 3));
        p.pack_map(n);
        for (uint32_t i = 0; i < n; ++i) w.str(pick(rnd, kWords)), w.f64(static_cast<double>(rnd.uniformInt(-3, 3)) * 0.5);
        break;
      }
      default: w.str("type"), w.str(pick(rnd, kWords)); break;
    }
  }
}

std::string looseV04(common::Random& rnd) {
  LooseWriter w(rnd);
  const auto traces = static_cast<uint32_t>(rnd.uniformInt(0, 3));
  w.packer().pack_array(traces);
  for (uint32_t t = 0; t < traces; ++t) {
    const auto spans = static_cast<uint32_t>(rnd.uniformInt(0, 4));
    w.packer().pack_array(spans);
    for (uint32_t s = 0; s < spans; ++s) looseSpanV04(w);
  }
  return w.body();
}

std::string looseV05(common::Random& rnd) {
  LooseWriter w(rnd);
  Packer& p = w.packer();
  p.pack_array(2);
  const auto strings = static_cast<uint32_t>(rnd.uniformInt(1, 6));
  p.pack_array(strings);
  for (uint32_t i = 0; i < strings; ++i) w.str(pick(rnd, kWords));
  const auto traces = static_cast<uint32_t>(rnd.uniformInt(0, 3));
  p.pack_array(traces);
  const auto index = [&] {
    if (rnd.bernoulli(0.05)) p.pack_nil();
    else w.uint(static_cast<uint64_t>(rnd.uniformInt(0, strings - 1)));
  };
  for (uint32_t t = 0; t < traces; ++t) {
    const auto spans = static_cast<uint32_t>(rnd.uniformInt(0, 3));
    p.pack_array(spans);
    for (uint32_t s = 0; s < spans; ++s) {
      p.pack_array(12);
      index(), index(), index();
      w.uint(rnd.nextU64()), w.uint(rnd.nextU64() >> 8), w.uint(0);
      w.sint(1'700'000'000'000'000'000), w.sint(rnd.uniformInt(0, 5000)), w.sint(rnd.uniformInt(0, 1));
      const auto n = static_cast<uint32_t>(rnd.uniformInt(0, 2));
      p.pack_map(n);
      for (uint32_t i = 0; i < n; ++i) index(), index();
      p.pack_map(1), index(), w.f64(1);
      index();
    }
  }
  return w.body();
}

// Random edits: flip a byte, drop one, insert one, or overwrite one with a msgpack marker.
std::string mutate(std::string body, common::Random& rnd) {
  const int64_t edits = rnd.uniformInt(1, 3);
  for (int64_t e = 0; e < edits && !body.empty(); ++e) {
    const auto at = static_cast<size_t>(rnd.uniformInt(0, static_cast<int64_t>(body.size()) - 1));
    static const unsigned char kMarkers[] = {0xc0, 0xc1, 0xc3, 0xca, 0xcb, 0xcf, 0xd3, 0xd9, 0xdc, 0xdd, 0xde,
                                             0xdf, 0x80, 0x81, 0x90, 0x9c, 0xa0, 0xc4, 0xd4, 0xc7, 0xff};
    switch (rnd.uniformInt(0, 3)) {
      case 0: body[at] = static_cast<char>(rnd.uniformInt(0, 255)); break;
      case 1: body.erase(at, 1); break;
      case 2: body.insert(at, 1, static_cast<char>(rnd.uniformInt(0, 255))); break;
      default: body[at] = static_cast<char>(kMarkers[rnd.uniformInt(0, sizeof(kMarkers) - 1)]); break;
    }
  }
  return body;
}

void expectSame(std::string_view body, bool v05, const std::string& what) {
  const std::string diff = compare(body, v05);
  EXPECT_EQ(diff, "") << what;
}

TEST(MsgpackDirectTest, SameAsTreeOnTheFuzzCorpus) {
  const std::filesystem::path dir = std::filesystem::path(DDSIM_SOURCE_DIR) / "tests/fuzz/corpus/trace_decoder";
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    expectSame(ss.str(), false, entry.path().string());
    expectSame(ss.str(), true, entry.path().string());
    ++files;
  }
  EXPECT_GE(files, 3u);
}

TEST(MsgpackDirectTest, SameAsTreeOnPackedTraces) {
  const Traces traces = {{testing::sampleSpan(11, 1, 0), testing::sampleSpan(11, 2, 1)},
                         {testing::sampleSpan(0xFFFFFFFFFFFFFFFFULL, 3, 0)}};
  const std::string v04 = testing::packV04(traces);
  const std::string v05 = testing::packV05(traces);
  ASSERT_TRUE(decodeV04(v04).isOk());
  ASSERT_TRUE(decodeV05(v05).isOk());
  for (size_t n = 0; n <= v04.size(); ++n) expectSame(std::string_view(v04).substr(0, n), false, "v0.4 cut " + std::to_string(n));
  for (size_t n = 0; n <= v05.size(); ++n) expectSame(std::string_view(v05).substr(0, n), true, "v0.5 cut " + std::to_string(n));
}

TEST(MsgpackDirectTest, SameAsTreeOnGeneratedAndMutatedPayloads) {
  common::Random rnd(14);
  size_t accepted = 0;
  size_t refused = 0;
  for (int i = 0; i < 400; ++i) {
    const bool v05 = i % 2 == 1;
    const std::string body = v05 ? looseV05(rnd) : looseV04(rnd);
    const std::string label = (v05 ? "v0.5 #" : "v0.4 #") + std::to_string(i);
    expectSame(body, v05, label);
    (v05 ? decodeV05(body) : decodeV04(body)).isOk() ? ++accepted : ++refused;
    for (int m = 0; m < 40; ++m) {
      const std::string bad = mutate(body, rnd);
      expectSame(bad, v05, label + " mutation " + std::to_string(m));
      (v05 ? decodeV05(bad) : decodeV04(bad)).isOk() ? ++accepted : ++refused;
    }
  }
  // The generator must exercise both outcomes, or the comparison proves little.
  EXPECT_GT(accepted, 1000u);
  EXPECT_GT(refused, 1000u);
}

// One span whose meta has 100,000 keys in reverse order and a repeated key: the direct decoder
// sorts large maps once (inserting each key in place was quadratic: such a body did not finish),
// and still gives what the tree decoder gives (the later value of a repeated key wins).
TEST(MsgpackDirectTest, AHugeMetaMapInReverseOrderDecodesAsTheTreeDoes) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  constexpr int kKeys = 100'000;
  pk.pack_array(1);
  pk.pack_array(1);
  pk.pack_map(3);
  pk.pack(std::string("service"));
  pk.pack(std::string("svc"));
  pk.pack(std::string("span_id"));
  pk.pack(uint64_t{7});
  pk.pack(std::string("meta"));
  pk.pack_map(kKeys + 1);
  for (int i = kKeys - 1; i >= 0; --i) {
    pk.pack("k" + std::to_string(1'000'000 + i));
    pk.pack("v" + std::to_string(i));
  }
  pk.pack(std::string("k1000005"));  // repeated: this value must win
  pk.pack(std::string("last"));
  const std::string body(buf.data(), buf.size());
  expectSame(body, false, "huge meta");
  const auto traces = decodeV04(body);
  ASSERT_TRUE(traces.isOk()) << traces.status().toString();
  const auto& meta = (*traces)[0][0].meta;
  EXPECT_EQ(meta.size(), static_cast<size_t>(kKeys));
  EXPECT_EQ(meta.at("k1000005"), "last");
  EXPECT_TRUE(std::is_sorted(meta.begin(), meta.end(), [](const auto& x, const auto& y) { return x.first < y.first; }));
}

// Nesting: a container at level 16 is accepted, one at level 17 refused, by both.
TEST(MsgpackDirectTest, DepthLimitMatchesTheTree) {
  for (int extra = 10; extra <= 16; ++extra) {
    msgpack::sbuffer b;
    Packer p(b);
    p.pack_array(1), p.pack_array(1), p.pack_map(1), p.pack("span_links");
    for (int i = 0; i < extra; ++i) p.pack_array(1);
    p.pack_nil();
    const std::string body = testing::bufferString(b);
    expectSame(body, false, "nesting " + std::to_string(extra + 3));
    EXPECT_EQ(decodeV04(body).isOk(), extra + 3 <= 16) << extra;
  }
}

}  // namespace
}  // namespace ddsim::trace
