// /api/v1/check_run: a JSON array of check runs (spec §5.5).
#include <string>

#include "fakeintake/decoders/decoder.h"
#include "fakeintake/decoders/json_body.h"

namespace ddsim::fakeintake {

using common::Result;
using common::Status;
using common::StatusCode;
using nlohmann::json;

namespace {
Status bad(size_t i, const std::string& field, const std::string& what) {
  return Status(StatusCode::kDataLoss,
                "check_runs[" + std::to_string(i) + "]" + (field.empty() ? "" : "." + field) + ": " + what);
}
}  // namespace

Result<std::vector<DecodedCheckRun>> decodeCheckRuns(std::string_view body,
                                                     std::vector<DecodeNote>& notes) {
  std::vector<DecodedCheckRun> out;
  // agent fakeintake behaviour: "{}" and JSON objects (agent diagnose) hold no check runs.
  // Anything that is not JSON at all is a decode error (400), not an accepted empty payload.
  if (body == "{}") return out;
  auto doc = parseJsonBody(body, "check_run payload", notes);
  if (!doc.isOk()) return doc.status();
  if (doc->is_object()) {
    notes.push_back({"", "check_run body is a JSON object, not an array; ignored as the agent fakeintake does"});
    return out;
  }
  if (!doc->is_array()) return Status(StatusCode::kDataLoss, "check_run payload: expected a JSON array of check runs");
  const json& arr = *doc;
  out.reserve(arr.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    const json& c = arr[i];
    if (!c.is_object()) return bad(i, "", "expected an object");
    DecodedCheckRun d;
    const std::string where = "check_runs[" + std::to_string(i) + "]";
    for (auto st : {readJsonString(c, "check", where, d.check), readJsonString(c, "host_name", where, d.host_name),
                    readJsonInt(c, "timestamp", where, d.timestamp), readJsonString(c, "message", where, d.message)}) {
      if (!st.isOk()) return st;
    }
    if (const json* v = jsonField(c, "status")) {
      if (!v->is_number_integer()) return bad(i, "status", "expected an integer 0..3");
      d.status = v->get<int>();
    }
    auto tags = c.find("tags");
    if (tags == c.end() || tags->is_null()) {
      d.tags_null = true;
    } else if (auto st = readJsonStrings(c, "tags", where, d.tags); !st.isOk()) {
      return st;
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace ddsim::fakeintake
