#pragma once
// A structural pre-check of one msgpack object, done before msgpack-cxx unpacks it: every header
// must fit in the bytes that are left, so no container can make the unpacker allocate for
// elements that are not there (docs/trace-agent.md §4). Allocation-free, linear.
#include <cstddef>
#include <string_view>

#include "core/common/status.h"

namespace ddsim::trace {

// OK when `body` starts with one complete msgpack object (trailing bytes are ignored, as the
// agent ignores them). Otherwise kDataLoss naming the byte offset where the input ends early or
// a header announces more elements than bytes remain, or kInvalidArgument for the unused 0xc1.
// `*consumed`, when given, receives the object's length on success.
common::Status scanMsgpack(std::string_view body, size_t* consumed = nullptr);

}  // namespace ddsim::trace
