#include "core/trace/receiver_json.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "core/trace/msgpack_where.h"
#include "core/trace/utf8.h"

namespace ddsim::trace {
namespace {

using common::Result;
using common::Status;
using nlohmann::json;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status wrongType(const Where& where, const char* expected, const json& v) {
  // Scalars are shown, containers only named (dumping one would recurse through any depth).
  std::string shown = v.is_structured() ? std::string("an ") + v.type_name() : v.dump();
  if (shown.size() > 40) shown = shown.substr(0, 40) + "...";
  return common::invalidArgument(where.str() + ": expected " + expected + ", got " + shown);
}

Status readString(const json& v, const Where& where, std::string& out) {
  if (v.is_null()) return Status::ok();
  if (!v.is_string()) return wrongType(where, "a string", v);
  out = v.get<std::string>();
  return Status::ok();
}

Status readUint64(const json& v, const Where& where, uint64_t& out) {
  if (v.is_null()) return Status::ok();
  if (!v.is_number_unsigned()) return wrongType(where, "an unsigned integer", v);
  out = v.get<uint64_t>();
  return Status::ok();
}

Status readInt64(const json& v, const Where& where, int64_t& out) {
  if (v.is_null()) return Status::ok();
  if (v.is_number_unsigned()) {
    if (v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return wrongType(where, "an int64", v);
    }
    out = static_cast<int64_t>(v.get<uint64_t>());
    return Status::ok();
  }
  if (!v.is_number_integer()) return wrongType(where, "an integer", v);
  out = v.get<int64_t>();
  return Status::ok();
}

Status readInt32(const json& v, const Where& where, int32_t& out) {
  int64_t x = out;
  if (Status s = readInt64(v, where, x); !s.isOk()) return s;
  if (x < std::numeric_limits<int32_t>::min() || x > std::numeric_limits<int32_t>::max()) {
    return wrongType(where, "an int32", v);
  }
  out = static_cast<int32_t>(x);
  return Status::ok();
}

// A JSON object into a map; null is an empty map, a null element is the zero value.
template <typename Map, typename ReadValue>
Status readObject(const json& v, const Where& where, Map& out, ReadValue readValue) {
  if (v.is_null()) return Status::ok();
  if (!v.is_object()) return wrongType(where, "an object", v);
  for (const auto& [k, item] : v.items()) {
    typename Map::mapped_type value{};
    if (Status s = readValue(item, where.entryOf(k), value); !s.isOk()) return s;
    out.insert_or_assign(k, std::move(value));
  }
  return Status::ok();
}

Status readMetric(const json& v, const Where& where, double& out) {
  if (v.is_null()) return Status::ok();
  if (!v.is_number()) return wrongType(where, "a number", v);
  out = v.get<double>();
  return Status::ok();
}

Status readSpan(const json& o, const Where& where, Span& span) {
  if (o.is_null()) return Status::ok();  // encoding/json: a null element is a zero span
  if (!o.is_object()) return wrongType(where, "a span object", o);
  for (const auto& [key, v] : o.items()) {
    const std::string k = lower(key);
    const Where w = where.at(key);
    Status s;
    if (k == "service") s = readString(v, w, span.service);
    else if (k == "name") s = readString(v, w, span.name);
    else if (k == "resource") s = readString(v, w, span.resource);
    else if (k == "trace_id") s = readUint64(v, w, span.trace_id);
    else if (k == "span_id") s = readUint64(v, w, span.span_id);
    else if (k == "parent_id") s = readUint64(v, w, span.parent_id);
    else if (k == "start") s = readInt64(v, w, span.start);
    else if (k == "duration") s = readInt64(v, w, span.duration);
    else if (k == "error") s = readInt32(v, w, span.error);
    else if (k == "type") s = readString(v, w, span.type);
    else if (k == "meta") s = readObject(v, w, span.meta, readString);
    else if (k == "metrics") s = readObject(v, w, span.metrics, readMetric);
    // Other keys (meta_struct, span_links, unknown ones) are ignored, as encoding/json does.
    if (!s.isOk()) return s;
  }
  return Status::ok();
}

}  // namespace

BodyFormat bodyFormatFor(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  const std::string mt = lower(t);
  // mime.ParseMediaType refuses an empty type and characters outside a token (api.go then
  // falls back to JSON).
  const auto token = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~/").find(c) != std::string_view::npos;
  };
  if (mt.empty() || !std::all_of(mt.begin(), mt.end(), token)) return BodyFormat::kJson;
  if (mt == "application/msgpack") return BodyFormat::kMsgpack;
  if (mt == "application/json" || mt == "text/json") return BodyFormat::kJson;
  return BodyFormat::kJsonThenMsgpack;
}

Result<Traces> decodeTracesJson(std::string_view body) {
  // encoding/json turns each invalid UTF-8 byte of a string into U+FFFD; nlohmann refuses such
  // input, so it is repaired first (a bad byte outside a string stays a syntax error either way).
  std::string repaired;
  if (!isValidUtf8(body)) {
    repaired = repairUtf8(body);
    body = repaired;
  }
  json root;
  try {
    root = json::parse(body.begin(), body.end(), nullptr, true, false);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number like 1e999
    return common::invalidArgument(std::string("json: ") + e.what());
  }
  if (root.is_null()) return Traces{};
  if (!root.is_array()) return common::invalidArgument("json: traces: expected an array, got " + std::string(root.type_name()));
  Traces traces(root.size());
  for (uint32_t t = 0; t < root.size(); ++t) {
    const json& trace = root[t];
    if (trace.is_null()) continue;
    if (!trace.is_array()) {
      return common::invalidArgument("json: traces[" + std::to_string(t) + "]: expected an array of spans, got " +
                                     std::string(trace.type_name()));
    }
    traces[t].resize(trace.size());
    for (uint32_t i = 0; i < trace.size(); ++i) {
      if (Status s = readSpan(trace[i], Where{"json", t, i, {}}, traces[t][i]); !s.isOk()) return s;
    }
  }
  return traces;
}

}  // namespace ddsim::trace
