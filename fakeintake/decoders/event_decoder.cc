// /intake/: the events payload {"apiKey":"","events":{"<source>":[...]},"internalHostname":".."}
// (spec §5.8). Other JSON objects on /intake/ (host metadata) are kept as generic JSON.
#include <string>

#include "fakeintake/decoders/decoder.h"
#include "fakeintake/decoders/json_body.h"

namespace ddsim::fakeintake {

using common::Result;
using common::Status;
using common::StatusCode;
using nlohmann::json;

namespace {
Status bad(const std::string& where, const std::string& what) { return jsonError(where, what); }
}  // namespace

Result<DecodedItems> decodeIntake(std::string body, std::vector<DecodeNote>& notes) {
  auto doc = parseJsonBody(body, "intake payload", notes);
  if (!doc.isOk()) return doc.status();
  const json& root = *doc;
  if (!root.is_object()) return bad("intake payload", "expected a JSON object");
  const json* events = jsonField(root, "events");
  if (!events) return DecodedItems(DecodedGeneric{std::move(body), true});
  if (!events->is_object()) return bad("events", "expected an object keyed by source type");
  std::vector<DecodedEvent> out;
  for (const auto& [source, list] : events->items()) {
    std::string base = "events[\"" + source + "\"]";
    if (!list.is_array()) return bad(base, "expected an array of events");
    for (size_t i = 0; i < list.size(); ++i) {
      const json& e = list[i];
      std::string where = base + "[" + std::to_string(i) + "]";
      if (!e.is_object()) return bad(where, "expected an object");
      DecodedEvent d;
      d.source = source;
      for (auto st : {readJsonString(e, "msg_title", where, d.title), readJsonString(e, "msg_text", where, d.text),
                      readJsonString(e, "priority", where, d.priority), readJsonString(e, "host", where, d.host),
                      readJsonString(e, "alert_type", where, d.alert_type),
                      readJsonString(e, "aggregation_key", where, d.aggregation_key),
                      readJsonString(e, "source_type_name", where, d.source_type_name),
                      readJsonString(e, "event_type", where, d.event_type)}) {
        if (!st.isOk()) return st;
      }
      if (auto st = readJsonInt(e, "timestamp", where, d.timestamp); !st.isOk()) return st;
      if (auto st = readJsonStrings(e, "tags", where, d.tags); !st.isOk()) return st;
      out.push_back(std::move(d));
    }
  }
  return DecodedItems(std::move(out));
}

}  // namespace ddsim::fakeintake
