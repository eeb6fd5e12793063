// Property checks over the domain's validation, shared by the request and
// JSON import fuzz targets. Each check aborts (FUZZ_CHECK) when validation
// breaks its contract; see request_validation_fuzz.cc for the properties.
#ifndef MEETINGS_TESTS_FUZZ_VALIDATE_RESOURCES_H_
#define MEETINGS_TESTS_FUZZ_VALIDATE_RESOURCES_H_

#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "meetings/v1/resources.pb.h"
#include "services/domain/field_mask.h"
#include "services/domain/validation.h"
#include "tests/fuzz/base_store.h"
#include "tests/fuzz/fuzz_support.h"

namespace meetings::fuzz {

inline absl::Status Validate(std::string_view field, v1::Organization* r) {
  return domain::ValidateOrganization(field, AcceptWellFormedNames, r);
}
inline absl::Status Validate(std::string_view field, v1::Person* r) {
  return domain::ValidatePerson(field, AcceptWellFormedNames, r);
}
inline absl::Status Validate(std::string_view field, v1::Meeting* r) {
  return domain::ValidateMeeting(field, AcceptWellFormedNames, domain::RecordLimits{}, r);
}
inline absl::Status Validate(std::string_view field, v1::Document* r) {
  return domain::ValidateDocument(field, AcceptWellFormedNames, r);
}

// True when `message` starts with `field` followed by '.', ':', ' ' or '['
// ("meeting.title: ...", "meeting: ...", "meeting.labels key ...").
inline bool NamesField(absl::string_view absl_message, std::string_view field) {
  const std::string_view message(absl_message.data(), absl_message.size());
  if (message.size() <= field.size() || message.substr(0, field.size()) != field) return false;
  const char next = message[field.size()];
  return next == '.' || next == ':' || next == ' ' || next == '[';
}

// Validates `resource` as the server does on create (output-only fields
// cleared first) and checks the properties: OK or INVALID_ARGUMENT naming
// the field; idempotent; serializable.
template <typename Resource>
void CheckValidation(std::string_view field, const Resource& resource) {
  using google::protobuf::util::MessageDifferencer;
  Resource first = resource;
  first.clear_name();
  first.clear_uid();
  first.clear_create_time();
  first.clear_update_time();
  first.clear_etag();
  const absl::Status status = Validate(field, &first);
  FUZZ_CHECK(status.ok() || status.code() == absl::StatusCode::kInvalidArgument,
             std::string(field) + " validation: " + status.ToString());
  if (!status.ok()) {
    FUZZ_CHECK(NamesField(status.message(), field),
               "error does not name a field of " + std::string(field) + ": " + status.ToString());
    return;
  }
  Resource second = first;
  const absl::Status again = Validate(field, &second);
  FUZZ_CHECK(again.ok(), "validated output fails validation: " + again.ToString());
  FUZZ_CHECK(MessageDifferencer::Equals(first, second), "validation is not idempotent");
  std::string bytes;
  FUZZ_CHECK(first.SerializeToString(&bytes), "a validated resource does not serialize");
  Resource parsed;
  FUZZ_CHECK(parsed.ParseFromString(bytes), "a validated resource does not parse back");
  FUZZ_CHECK(MessageDifferencer::Equals(first, parsed), "a validated resource changed on the wire");
}

// The paths an update never writes, as MeetingRecords passes them.
inline const absl::flat_hash_set<std::string>& OutputOnlyPaths() {
  static const auto* paths = new absl::flat_hash_set<std::string>{
      "name", "uid", "create_time", "update_time", "etag", "local_start_date", "local_end_date"};
  return *paths;
}

// A stored meeting (validated, with output-only fields set) to patch.
inline const v1::Meeting& StoredMeeting() {
  static const v1::Meeting* stored = [] {
    BaseStore base = BuildBaseStore();
    v1::GetMeetingRequest get;
    get.set_name("meetings/hoi-thao");
    auto meeting = base.core->GetMeeting(get);
    FUZZ_CHECK(meeting.ok(), meeting.status().ToString());
    return new v1::Meeting(*meeting);
  }();
  return *stored;
}

// Applies `mask` from `patch` to the stored meeting as UpdateMeeting does,
// then validates the result.
inline void CheckUpdate(const v1::Meeting& patch, const google::protobuf::FieldMask& mask) {
  using google::protobuf::util::MessageDifferencer;
  v1::Meeting target = StoredMeeting();
  const absl::Status status =
      domain::ApplyUpdateMask(patch, mask, "meeting", OutputOnlyPaths(), &target);
  FUZZ_CHECK(status.ok() || status.code() == absl::StatusCode::kInvalidArgument,
             "ApplyUpdateMask: " + status.ToString());
  if (!status.ok()) {
    FUZZ_CHECK(NamesField(status.message(), "update_mask"),
               "mask error does not name update_mask: " + status.ToString());
    FUZZ_CHECK(MessageDifferencer::Equals(target, StoredMeeting()),
               "a refused update mask changed the target");
    return;
  }
  FUZZ_CHECK(target.name() == StoredMeeting().name() && target.uid() == StoredMeeting().uid() &&
                 target.etag() == StoredMeeting().etag(),
             "an update mask wrote an output-only field");
  const absl::Status valid = Validate("meeting", &target);
  FUZZ_CHECK(valid.ok() || valid.code() == absl::StatusCode::kInvalidArgument,
             "validation after update: " + valid.ToString());
}

}  // namespace meetings::fuzz

#endif  // MEETINGS_TESTS_FUZZ_VALIDATE_RESOURCES_H_
