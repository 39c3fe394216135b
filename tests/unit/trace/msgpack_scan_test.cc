// The structural pre-check that bounds msgpack headers by the bytes left (docs/trace-agent.md §4).
#include "core/trace/msgpack_scan.h"

#include <gtest/gtest.h>

#include <string>

#include <msgpack.hpp>

namespace ddsim::trace {
namespace {

TEST(MsgpackScanTest, EveryTypeOfValueIsSkipped) {
  msgpack::sbuffer b;
  msgpack::packer<msgpack::sbuffer> p(b);
  p.pack_array(16);
  p.pack_nil(), p.pack(true), p.pack(-1), p.pack(200), p.pack(70000), p.pack(uint64_t{1} << 40);
  p.pack(int64_t{-1} << 40), p.pack(1.5f), p.pack(2.5), p.pack(std::string(40, 's'));
  p.pack(std::string(300, 's')), p.pack_bin(2), p.pack_bin_body("ab", 2);
  p.pack_ext(1, 7), p.pack_ext_body("x", 1);  // fixext1
  p.pack_ext(3, 7), p.pack_ext_body("xyz", 3);  // ext8
  p.pack_map(1), p.pack("k"), p.pack_array(0);
  p.pack_array(20);
  for (int i = 0; i < 20; ++i) p.pack(i);
  size_t consumed = 0;
  const std::string body = std::string(b.data(), b.size()) + "trailing";
  ASSERT_TRUE(scanMsgpack(body, &consumed).isOk());
  EXPECT_EQ(consumed, b.size());  // trailing bytes are not part of the object
}

TEST(MsgpackScanTest, ErrorsNameTheOffset) {
  EXPECT_EQ(scanMsgpack("").message(), "msgpack truncated at byte 0: expected another value");
  EXPECT_EQ(scanMsgpack(std::string("\x92\x01", 2)).message(),
            "msgpack header at byte 0 announces 2 elements but only 1 bytes are left");
  EXPECT_EQ(scanMsgpack(std::string("\x91\xcd\x01", 3)).message(),
            "msgpack truncated: the value at byte 1 needs 2 more bytes, 1 are left");
  EXPECT_EQ(scanMsgpack(std::string("\xdc\x00", 2)).message(), "msgpack truncated at byte 1: in a size field");
  EXPECT_EQ(scanMsgpack(std::string("\xdc\x00\x05\x01", 4)).message(),
            "msgpack header at byte 0 announces 5 elements but only 1 bytes are left");
}

}  // namespace
}  // namespace ddsim::trace
