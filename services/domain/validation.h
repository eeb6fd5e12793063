// Validation and normalization of resources on the way in. Each function
// normalizes its resource in place (strings to NFC, output-only fields set
// from inputs where they are derived) and returns the first problem found:
// INVALID_ARGUMENT naming the field path ("meeting.sites[1].site_id: ..."),
// or whatever the ReferenceResolver returns for a reference (NOT_FOUND).
//
// Pure functions apart from the resolver; thread-safe.
#ifndef MEETINGS_SERVICES_DOMAIN_VALIDATION_H_
#define MEETINGS_SERVICES_DOMAIN_VALIDATION_H_

#include <functional>
#include <string_view>

#include "absl/status/status.h"
#include "meetings/v1/resources.pb.h"

namespace meetings::domain {

// Checks that `name` (of the form `{collection}/{id}`) names a live record.
// Returns OK, INVALID_ARGUMENT for a malformed name, or NOT_FOUND; messages
// start with `field`.
using ReferenceResolver = std::function<absl::Status(
    std::string_view field, std::string_view name, std::string_view collection)>;

// Limits on what one record may hold.
struct RecordLimits {
  // Default 1000: organizations, agenda items, decisions... per meeting.
  size_t max_repeated = 1000;
  // Default 10000: participants per meeting.
  size_t max_participants = 10000;
  // Default 31: longest meeting, in days from start to end.
  int max_meeting_days = 31;
};

// `field` is the request field holding the resource, e.g. "meeting".
absl::Status ValidateOrganization(std::string_view field,
                                  const ReferenceResolver& resolve,
                                  meetings::v1::Organization* organization);
absl::Status ValidatePerson(std::string_view field, const ReferenceResolver& resolve,
                            meetings::v1::Person* person);
// Also sets the output-only local_start_date and local_end_date.
absl::Status ValidateMeeting(std::string_view field, const ReferenceResolver& resolve,
                             const RecordLimits& limits, meetings::v1::Meeting* meeting);
absl::Status ValidateDocument(std::string_view field, const ReferenceResolver& resolve,
                              meetings::v1::Document* document);

// Returns INVALID_ARGUMENT naming the field when any enum field anywhere in
// `message` holds a number its enum does not define (proto3 keeps unknown
// numbers; we refuse to store them).
absl::Status ValidateEnums(const google::protobuf::Message& message, std::string_view path);

}  // namespace meetings::domain

#endif  // MEETINGS_SERVICES_DOMAIN_VALIDATION_H_
