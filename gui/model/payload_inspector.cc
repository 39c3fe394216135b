#include "gui/model/payload_inspector.h"

#include <algorithm>
#include <cctype>

#include "fakeintake/core/decompress.h"
#include "fakeintake/core/routes.h"
#include "fakeintake/decoders/decoded_json.h"
#include "fakeintake/decoders/decoder.h"

namespace ddsim::gui {
namespace {

constexpr size_t kMaxDecoded = size_t{64} << 20;  // the fakeintake's own default cap

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string escapePointer(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

void search(const nlohmann::json& j, const std::string& path, const std::string& needle, size_t limit,
            std::vector<std::string>& out) {
  if (out.size() >= limit) return;
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      const std::string p = path + "/" + escapePointer(k);
      if (lower(k).find(needle) != std::string::npos) {
        out.push_back(p);
        if (out.size() >= limit) return;
      }
      search(v, p, needle, limit, out);
    }
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) search(j[i], path + "/" + std::to_string(i), needle, limit, out);
  } else {
    const std::string text = j.is_string() ? j.get<std::string>() : j.dump();
    if (lower(text).find(needle) != std::string::npos) out.push_back(path);
  }
}

}  // namespace

common::Result<std::vector<store::PayloadSummary>> inspectPayloads(store::RunStore& store, const PayloadFilter& f) {
  auto all = store.payloads(f.intake, "", 0, 0);
  if (!all.isOk()) return all.status();
  std::vector<store::PayloadSummary> out;
  for (auto& p : *all) {
    if (!f.route.empty() && p.row.route.find(f.route) == std::string::npos) continue;
    if (f.status != 0 && p.row.status != f.status) continue;
    out.push_back(std::move(p));
  }
  if (f.limit > 0 && out.size() > f.limit) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(f.limit));
  return out;
}

common::Result<nlohmann::json> decodePayload(store::RunStore& store, const store::PayloadSummary& p) {
  auto body = store.body(p.id);
  if (!body.isOk()) return body.status();
  const auto encoding = fakeintake::parseContentEncoding(p.row.encoding);
  std::string raw;
  if (encoding == fakeintake::ContentEncoding::kUnsupported) {
    raw = std::move(body).value();  // the encoding column holds the content type: not compressed
  } else {
    auto d = fakeintake::decompress(encoding, *body, kMaxDecoded);
    if (!d.isOk()) return common::Status(d.status().code(), "payload " + std::to_string(p.id) + ": " + d.status().message());
    raw = std::move(d).value();
  }
  const auto kind = fakeintake::routeKind(p.row.route);
  const size_t decoded_bytes = raw.size();
  auto decoded = fakeintake::decodeBody(kind, p.row.content_type, std::move(raw), kMaxDecoded);
  if (!decoded.isOk()) {
    return common::Status(decoded.status().code(), "payload " + std::to_string(p.id) + " on " + p.row.route + ": " +
                                                       decoded.status().message());
  }
  return nlohmann::json{{"id", p.id},
                        {"route", p.row.route},
                        {"status", p.row.status},
                        {"encoding", p.row.encoding},
                        {"content_type", p.row.content_type},
                        {"compressed_bytes", p.row.compressed_bytes},
                        {"decoded_bytes", decoded_bytes},
                        {"items", fakeintake::itemsToJson(decoded->items, kind)}};
}

std::vector<std::string> searchJson(const nlohmann::json& j, const std::string& text, size_t limit) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  search(j, "", lower(text), limit, out);
  return out;
}

}  // namespace ddsim::gui
