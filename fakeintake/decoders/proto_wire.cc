#include "fakeintake/decoders/proto_wire.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/stubs/logging.h>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "fakeintake/core/utf8.h"

namespace ddsim::fakeintake {

using common::Result;
using common::Status;
using common::StatusCode;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

namespace {

class Walker {
 public:
  Walker(std::string_view all, const WireCheckOptions& options) : all_(all), options_(options) {}

  // Walks the message in all_[begin, end). When `out` is non-null, appends the message's
  // (possibly rewritten) bytes to it. The field path is only built when reporting.
  Status walk(size_t begin, size_t end, const Descriptor& desc, int depth, std::string* out) {
    if (depth > options_.max_depth) {
      return error(begin, "messages nested deeper than " + std::to_string(options_.max_depth));
    }
    int small_counts[32] = {0};
    std::map<uint64_t, int> large_counts;
    size_t pos = begin;
    while (pos < end) {
      const size_t field_start = pos;
      auto tag = readVarint(pos, end);
      if (!tag) return error(field_start, "truncated or overlong field tag");
      const uint64_t number = *tag >> 3;
      const int wire = static_cast<int>(*tag & 7);
      if (number == 0 || number > 536'870'911) {
        return error(field_start, "invalid field number " + std::to_string(number));
      }
      const FieldDescriptor* field = lookup(desc, number);
      int index = number < 32 ? small_counts[number]++ : large_counts[number]++;
      Frame frame{field, number, field && field->is_repeated() ? index : -1};
      stack_.push_back(frame);
      if (!field && depth == 0 && options_.reject_unknown_top_level) {
        return error(field_start, "field " + std::to_string(number) + " (wire type " +
                                      std::to_string(wire) + ") is not part of " +
                                      std::string(desc.full_name()));
      }
      switch (wire) {
        case 0: {
          if (!readVarint(pos, end)) return error(field_start, "truncated varint");
          if (out) out->append(all_.data() + field_start, pos - field_start);
          break;
        }
        case 1:
        case 5: {
          size_t n = wire == 1 ? 8 : 4;
          if (end - pos < n) {
            return error(field_start, "truncated fixed" + std::to_string(n * 8) + " value");
          }
          pos += n;
          if (out) out->append(all_.data() + field_start, pos - field_start);
          break;
        }
        case 2: {
          auto len = readVarint(pos, end);
          if (!len) return error(field_start, "truncated length prefix");
          if (*len > end - pos) {
            return error(field_start, "length " + std::to_string(*len) + " runs past the end (" +
                                          std::to_string(end - pos) + " bytes left)");
          }
          const size_t data_start = pos;
          const size_t data_end = pos + static_cast<size_t>(*len);
          pos = data_end;
          if (field && field->type() == FieldDescriptor::TYPE_MESSAGE) {
            if (out) {
              std::string sub;
              if (auto s = walk(data_start, data_end, *field->message_type(), depth + 1, &sub);
                  !s.isOk()) {
                return s;
              }
              appendTagAndLength(*out, *tag, sub.size());
              out->append(sub);
            } else if (auto s = walk(data_start, data_end, *field->message_type(), depth + 1,
                                     nullptr);
                       !s.isOk()) {
              return s;
            }
          } else if (field && field->type() == FieldDescriptor::TYPE_STRING) {
            std::string_view text = all_.substr(data_start, data_end - data_start);
            size_t bad = firstInvalidUtf8(text);
            if (bad != std::string_view::npos) {
              if (!options_.coercible || !options_.coercible(*field)) {
                return error(data_start + bad, "invalid UTF-8 in a string field");
              }
              if (out) {
                std::string fixed(text);
                sanitizeUtf8(fixed);
                appendTagAndLength(*out, *tag, fixed.size());
                out->append(fixed);
              } else {
                if (result_.coerced_strings == 0) result_.first_coerced = path();
                ++result_.coerced_strings;
              }
              break;
            }
            if (out) out->append(all_.data() + field_start, data_end - field_start);
          } else {
            // bytes, packed repeated scalars, unknown fields: copied as they are.
            if (out) out->append(all_.data() + field_start, data_end - field_start);
          }
          break;
        }
        case 3:
        case 4:
          return error(field_start, "groups (wire types 3/4) are not used by this schema");
        default:
          return error(field_start, "invalid wire type " + std::to_string(wire));
      }
      stack_.pop_back();
    }
    return Status::ok();
  }

  WireCheckResult& result() { return result_; }

 private:
  // FindFieldByNumber is a hash lookup; the schemas here have a handful of message types with
  // small field numbers, so a tiny per-walk table avoids it for almost every field.
  static constexpr uint64_t kCachedNumbers = 16;
  struct FieldTable {
    const Descriptor* desc;
    std::array<const FieldDescriptor*, kCachedNumbers> fields;
  };
  const FieldDescriptor* lookup(const Descriptor& desc, uint64_t number) {
    if (number >= kCachedNumbers) return desc.FindFieldByNumber(static_cast<int>(number));
    for (const auto& t : tables_) {
      if (t.desc == &desc) return t.fields[number];
    }
    FieldTable t{&desc, {}};
    for (uint64_t n = 1; n < kCachedNumbers; ++n) t.fields[n] = desc.FindFieldByNumber(static_cast<int>(n));
    tables_.push_back(t);
    return t.fields[number];
  }
  std::vector<FieldTable> tables_;

 public:

 private:
  std::optional<uint64_t> readVarint(size_t& pos, size_t end) const {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && pos < end; shift += 7) {
      auto b = static_cast<unsigned char>(all_[pos++]);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return std::nullopt;
  }

  static void appendVarint(std::string& out, uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  }

  static void appendTagAndLength(std::string& out, uint64_t tag, size_t len) {
    appendVarint(out, tag);
    appendVarint(out, len);
  }

  // "series[3].tags[1]" for the fields currently being walked.
  std::string path() const {
    std::string p;
    for (const auto& f : stack_) {
      if (!p.empty()) p += '.';
      if (f.field) {
        p.append(f.field->name());
      } else {
        p.append("field").append(std::to_string(f.number));
      }
      if (f.index >= 0) p.append(1, '[').append(std::to_string(f.index)).append(1, ']');
    }
    return p;
  }

  Status error(size_t offset, const std::string& what) const {
    std::string p = path();
    return Status(StatusCode::kDataLoss, (p.empty() ? std::string("message") : p) + " at byte " +
                                             std::to_string(offset) + ": " + what);
  }

  struct Frame {
    const FieldDescriptor* field;
    uint64_t number;
    int index;  // position among repeated occurrences, -1 for singular fields
  };

  std::string_view all_;
  std::vector<Frame> stack_;
  const WireCheckOptions& options_;
  WireCheckResult result_;
};

}  // namespace

Result<WireCheckResult> checkProtoWire(std::string_view data, const Descriptor& descriptor,
                                       const WireCheckOptions& options) {
  Walker walker(data, options);
  if (auto s = walker.walk(0, data.size(), descriptor, 0, nullptr); !s.isOk()) return s;
  WireCheckResult result = std::move(walker.result());
  if (result.coerced_strings > 0) {
    Walker rewriter(data, options);
    std::string out;
    out.reserve(data.size() + 16);
    if (auto s = rewriter.walk(0, data.size(), descriptor, 0, &out); !s.isOk()) return s;
    result.rewritten = std::move(out);
  }
  return result;
}

}  // namespace ddsim::fakeintake

namespace ddsim::fakeintake {

common::Status parseAgentProtobuf(std::string_view body, google::protobuf::Message& msg,
                                  std::vector<DecodeNote>& notes, bool reject_unknown_top_level) {
  const Descriptor& descriptor = *msg.GetDescriptor();
  auto parse = [&](std::string_view bytes) {
    // libprotobuf logs invalid UTF-8 as an error; the walk below reports it properly instead.
    google::protobuf::LogSilencer silence;
    return msg.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  };
  if (parse(body) && (!reject_unknown_top_level || msg.GetReflection()->GetUnknownFields(msg).empty())) {
    return Status::ok();
  }
  // agent fakeintake behaviour: Go's proto decoding keeps invalid UTF-8 in every string field,
  // and the payload is accepted. Here each invalid sequence becomes U+FFFD (so that JSON
  // answers stay valid) and a Pyld50 violation records where.
  WireCheckOptions opts;
  opts.coercible = [](const FieldDescriptor&) { return true; };
  opts.reject_unknown_top_level = reject_unknown_top_level;
  auto checked = checkProtoWire(body, descriptor, opts);
  const std::string what = "invalid " + std::string(descriptor.name()) + " protobuf: ";
  if (!checked.isOk()) return Status(StatusCode::kDataLoss, what + checked.status().message());
  if (checked->coerced_strings == 0) return Status(StatusCode::kDataLoss, what + "libprotobuf rejected it");
  msg.Clear();
  if (!parse(checked->rewritten)) return Status(StatusCode::kDataLoss, what + "libprotobuf rejected it");
  notes.push_back({"Pyld50", std::to_string(checked->coerced_strings) +
                                 " string field(s) had invalid UTF-8, replaced by U+FFFD (first: " +
                                 checked->first_coerced + ")"});
  return Status::ok();
}

}  // namespace ddsim::fakeintake
