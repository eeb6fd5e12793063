// Fuzzes JSON import lines: one line of the proto3 JSON mapping, parsed
// with google::protobuf::util::JsonStringToMessage into each request type a
// bulk import or grpcurl call carries, then validated as the server would.
//
// Properties, for every type the line parses as:
//   - the validation properties of validate_resources.h (OK or
//     INVALID_ARGUMENT naming the field, idempotent, serializable);
//   - a resource that passed validation exports to JSON and imports back
//     equal: whatever the service accepts, its JSON export can restore.
#include <cstddef>
#include <cstdint>
#include <string>

#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/validate_resources.h"

namespace {

template <typename Resource>
void CheckJsonRoundTrip(const Resource& resource) {
  using google::protobuf::util::MessageDifferencer;
  Resource validated = resource;
  validated.clear_name();
  validated.clear_uid();
  validated.clear_create_time();
  validated.clear_update_time();
  validated.clear_etag();
  if (!meetings::fuzz::Validate("resource", &validated).ok()) return;
  std::string json;
  auto printed = google::protobuf::util::MessageToJsonString(validated, &json);
  FUZZ_CHECK(printed.ok(), "a validated resource does not print as JSON: " + printed.ToString());
  Resource back;
  auto parsed = google::protobuf::util::JsonStringToMessage(json, &back);
  FUZZ_CHECK(parsed.ok(), "exported JSON does not import: " + parsed.ToString() + "\n" + json);
  FUZZ_CHECK(MessageDifferencer::Equals(validated, back),
             "a validated resource changed across JSON export and import:\n" + json);
}

template <typename Request>
bool ParseJson(const std::string& line, Request* request) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  return google::protobuf::util::JsonStringToMessage(line, request, options).ok();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  meetings::fuzz::SilenceProtobufLogging();
  meetings::fuzz::StoredMeeting();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace v1 = meetings::v1;
  using meetings::fuzz::CheckValidation;
  const std::string line(reinterpret_cast<const char*>(data), size);

  if (v1::CreateOrganizationRequest r; ParseJson(line, &r)) {
    CheckValidation("organization", r.organization());
    CheckJsonRoundTrip(r.organization());
  }
  if (v1::CreatePersonRequest r; ParseJson(line, &r)) {
    CheckValidation("person", r.person());
    CheckJsonRoundTrip(r.person());
  }
  if (v1::CreateMeetingRequest r; ParseJson(line, &r)) {
    CheckValidation("meeting", r.meeting());
    CheckJsonRoundTrip(r.meeting());
  }
  if (v1::UpdateMeetingRequest r; ParseJson(line, &r)) {
    meetings::fuzz::CheckUpdate(r.meeting(), r.update_mask());
  }
  if (v1::CreateDocumentRequest r; ParseJson(line, &r)) {
    CheckValidation("document", r.document());
    CheckJsonRoundTrip(r.document());
  }
  // An export line is a bare resource.
  if (v1::Meeting m; ParseJson(line, &m)) {
    CheckValidation("meeting", m);
    CheckJsonRoundTrip(m);
  }
  return 0;
}
