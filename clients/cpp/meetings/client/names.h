// Helpers for resource names and dates. Pure functions, thread-safe.
#ifndef MEETINGS_CLIENT_NAMES_H_
#define MEETINGS_CLIENT_NAMES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "meetings/v1/resources.pb.h"

namespace meetings::client {

// Returns `organizations/{id}` for an id ("vusta"); a value that already
// contains a '/' is returned unchanged, so both "vusta" and
// "organizations/vusta" are accepted. No validation: the server checks.
std::string OrganizationName(std::string_view id_or_name);
// As OrganizationName, for `persons/{id}`.
std::string PersonName(std::string_view id_or_name);
// As OrganizationName, for `meetings/{id}`.
std::string MeetingName(std::string_view id_or_name);
// Returns `meetings/{meeting}/documents/{document}`; `meeting` may be an id
// or a meeting name.
std::string DocumentName(std::string_view meeting, std::string_view document_id);

// The id at the end of a resource name ("organizations/vusta" -> "vusta");
// the input itself when it has no '/'.
std::string IdOf(std::string_view name);

v1::Date ToProtoDate(absl::CivilDay day);
// The CivilDay of `date`, normalised by absl (2021-02-30 -> 2021-03-02); use
// only on dates the server returned or validated.
absl::CivilDay FromProtoDate(const v1::Date& date);

// Parses "YYYY-MM-DD" strictly (a real calendar date, year 1..9999).
// Errors: INVALID_ARGUMENT quoting the text.
absl::StatusOr<absl::CivilDay> ParseDate(std::string_view text);

}  // namespace meetings::client

#endif  // MEETINGS_CLIENT_NAMES_H_
