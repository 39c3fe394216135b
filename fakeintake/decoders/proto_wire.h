#pragma once
// A schema-guided walk over protobuf wire bytes, run before libprotobuf parses a body:
//  - it explains malformed input precisely (offset, field path, what is wrong), where
//    libprotobuf only says "parse failed";
//  - it checks that string fields are UTF-8, which proto3 parsing requires. Invalid bytes in
//    coercible fields are replaced by U+FFFD in a rewritten copy; in other fields they are an
//    error. The agent-payload path below treats every string field as coercible.
// Thread-safe (no state).
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"
#include "fakeintake/decoders/decoded.h"

namespace google::protobuf {
class Descriptor;
class FieldDescriptor;
class Message;
}  // namespace google::protobuf

namespace ddsim::fakeintake {

struct WireCheckOptions {
  // Fields whose invalid UTF-8 is coerced instead of rejected.
  std::function<bool(const google::protobuf::FieldDescriptor&)> coercible;
  // Reject fields unknown to the top-level message (catches garbage bodies that happen to
  // parse as unknown fields).
  bool reject_unknown_top_level = true;
  int max_depth = 32;
};

struct WireCheckResult {
  size_t coerced_strings = 0;   // strings whose invalid UTF-8 was replaced
  std::string first_coerced;    // path of the first one, e.g. "series[3].tags[1]"
  std::string rewritten;        // the corrected bytes when coerced_strings > 0
};

// DataLoss with "<path> at byte <offset>: <reason>" when the bytes are not a valid message.
common::Result<WireCheckResult> checkProtoWire(std::string_view data,
                                               const google::protobuf::Descriptor& descriptor,
                                               const WireCheckOptions& options);

// The agent-payload protobuf path: parses `body` into `msg` with libprotobuf (its log output
// silenced). Only when that fails, or leaves unknown top-level fields (garbage that happens to
// parse), the body is walked with checkProtoWire (every string coercible) to explain the
// failure or to replace invalid UTF-8 and parse again (adding a Pyld50 note: never a reject). DataLoss "invalid
// <Message> protobuf: <where and why>" otherwise.
// `reject_unknown_top_level` false: for schemas declared in part (the collector messages).
common::Status parseAgentProtobuf(std::string_view body, google::protobuf::Message& msg,
                                  std::vector<DecodeNote>& notes, bool reject_unknown_top_level = true);

}  // namespace ddsim::fakeintake
