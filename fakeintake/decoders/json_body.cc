#include "fakeintake/decoders/json_body.h"

#include <cmath>
#include <string>

#include "fakeintake/core/utf8.h"

namespace ddsim::fakeintake {

using common::Result;
using common::Status;
using common::StatusCode;

namespace {

// Depth and element bounds, scanning outside strings only.
Status checkShape(std::string_view body, std::string_view what) {
  int depth = 0;
  size_t elements = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[':
      case '{':
        if (++depth > kMaxJsonDepth) {
          return Status(StatusCode::kDataLoss, std::string(what) + " at byte " + std::to_string(i) +
                                                   ": JSON nested deeper than " +
                                                   std::to_string(kMaxJsonDepth) + " levels");
        }
        ++elements;
        break;
      case ']':
      case '}': --depth; break;
      case ',':
        if (++elements > kMaxJsonElements) {
          return Status(StatusCode::kOutOfRange,
                        std::string(what) + ": more than " + std::to_string(kMaxJsonElements) +
                            " JSON elements");
        }
        break;
      default: break;
    }
  }
  return Status::ok();
}

// Go's encoding/json decodes a \u escape of a lone UTF-16 surrogate as U+FFFD; nlohmann_json
// rejects the document. Rewrites such escapes to \ufffd; returns how many.
size_t replaceLoneSurrogateEscapes(std::string& text) {
  auto hex4 = [&](size_t at) -> int {
    if (at + 6 > text.size() || text[at] != '\\' || text[at + 1] != 'u') return -1;
    int v = 0;
    for (size_t k = at + 2; k < at + 6; ++k) {
      char c = text[k];
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  };
  size_t replaced = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] != '\\') continue;
    int v = hex4(i);
    if (v < 0xD800 || v > 0xDFFF) {
      ++i;  // any other escape: skip its second character
      continue;
    }
    int low = v <= 0xDBFF ? hex4(i + 6) : -1;
    if (low >= 0xDC00 && low <= 0xDFFF) {
      i += 11;  // a valid pair
      continue;
    }
    text.replace(i, 6, "\\ufffd");
    ++replaced;
    i += 5;
  }
  return replaced;
}

}  // namespace

Result<nlohmann::json> parseJsonBody(std::string_view body, std::string_view what,
                                     std::vector<DecodeNote>& notes) {
  if (auto s = checkShape(body, what); !s.isOk()) return s;
  std::string fixed;
  std::string_view text = body;
  if (!isValidUtf8(body)) {
    fixed.assign(body);
    size_t n = sanitizeUtf8(fixed);
    notes.push_back({"Pyld50", std::to_string(n) + " invalid UTF-8 sequence(s) in the JSON text, "
                               "coerced to U+FFFD"});
    text = fixed;
  }
  if (text.find("\\u") != std::string_view::npos && (text.find("\\ud") != std::string_view::npos ||
                                                       text.find("\\uD") != std::string_view::npos)) {
    if (fixed.empty()) fixed.assign(text);
    if (size_t n = replaceLoneSurrogateEscapes(fixed); n > 0) {
      notes.push_back({"Pyld50", std::to_string(n) + " \\u escape(s) of a lone UTF-16 surrogate, decoded as U+FFFD"});
    }
    text = fixed;
  }
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    std::string msg = e.what();
    // Drop the library's "[json.exception.parse_error.101] " prefix.
    if (auto p = msg.find("] "); p != std::string::npos) msg = msg.substr(p + 2);
    return Status(StatusCode::kDataLoss, std::string(what) + " is not valid JSON (byte " +
                                             std::to_string(e.byte) + "): " + msg);
  } catch (const std::exception& e) {
    return Status(StatusCode::kDataLoss, std::string(what) + " is not valid JSON: " + e.what());
  }
}

const nlohmann::json* jsonField(const nlohmann::json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

Status jsonError(const std::string& where, const std::string& what) {
  return Status(StatusCode::kDataLoss, where + ": " + what);
}

Status readJsonString(const nlohmann::json& obj, std::string_view key, const std::string& where,
                      std::string& out) {
  const nlohmann::json* v = jsonField(obj, key);
  if (!v) return Status::ok();
  if (!v->is_string()) return jsonError(where + "." + std::string(key), "expected a string");
  out = v->get<std::string>();
  return Status::ok();
}

Status readJsonInt(const nlohmann::json& obj, std::string_view key, const std::string& where, int64_t& out) {
  const nlohmann::json* v = jsonField(obj, key);
  if (!v) return Status::ok();
  if (!v->is_number()) return jsonError(where + "." + std::string(key), "expected a number");
  if (v->is_number_integer()) {
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return jsonError(where + "." + std::string(key), "number out of range");
    }
    out = v->get<int64_t>();
    return Status::ok();
  }
  double d = v->get<double>();
  if (!std::isfinite(d) || d < -9.2e18 || d > 9.2e18) {
    return jsonError(where + "." + std::string(key), "number out of range");
  }
  out = static_cast<int64_t>(d);
  return Status::ok();
}

Status readJsonStrings(const nlohmann::json& obj, std::string_view key, const std::string& where,
                       std::vector<std::string>& out) {
  const nlohmann::json* v = jsonField(obj, key);
  if (!v) return Status::ok();
  const std::string w = where + "." + std::string(key);
  if (!v->is_array()) return jsonError(w, "expected an array of strings");
  out.reserve(v->size());
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) return jsonError(w + "[" + std::to_string(i) + "]", "expected a string");
    out.push_back((*v)[i].get<std::string>());
  }
  return Status::ok();
}

}  // namespace ddsim::fakeintake
