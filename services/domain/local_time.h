// Civil dates and IANA time zones. A meeting is stored with instants
// (start, end) and the IANA zone it is held in; the local calendar days it
// covers, computed here, drive the date queries. A meeting at 08:00 on
// 15/11/2021 in Hanoi is a 15/11 meeting although it starts at 01:00 UTC.
//
// All functions are pure and thread-safe (absl::TimeZone is a cheap,
// thread-safe handle; zone data is loaded from tzdata in
// /usr/share/zoneinfo once per zone and cached by absl).
#ifndef MEETINGS_SERVICES_DOMAIN_LOCAL_TIME_H_
#define MEETINGS_SERVICES_DOMAIN_LOCAL_TIME_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "meetings/v1/resources.pb.h"

namespace meetings::domain {

// Loads the IANA time zone `name`, e.g. "Asia/Ho_Chi_Minh", "UTC",
// "Etc/UTC". Errors (INVALID_ARGUMENT):
//   "<field>: required" when `name` is empty;
//   "<field>: unknown IANA time zone \"X\"" when tzdata has no such zone,
//     or when `name` is not an IANA zone name even though absl would load
//     it: "localtime", "posixrules", "Fixed/..." offsets, the "posix/" and
//     "right/" trees, absolute paths or "file:" names, anything with a
//     ".." or empty component, or characters outside [A-Za-z0-9._+/-].
absl::StatusOr<absl::TimeZone> LoadIanaTimeZone(std::string_view field,
                                                std::string_view name);

// Converts a proto Date to a civil day. Errors (INVALID_ARGUMENT):
//   "<field>: year N out of range 1 to 9999";
//   "<field>: month N out of range 1 to 12";
//   "<field>: day N not valid for YYYY-MM" (e.g. 31 February, or 29
//     February outside leap years).
// An all-zero (unset) Date is an error like any other; callers that treat
// an unset date as "absent" check for it first.
absl::StatusOr<absl::CivilDay> ToCivilDay(std::string_view field,
                                          const meetings::v1::Date& date);

// Converts a civil day to a proto Date. Exact for years 1 to 9999.
meetings::v1::Date ToProtoDate(absl::CivilDay day);

// Returns the number of days from 1970-01-01 to `day`: 0 for 1970-01-01,
// negative before it. Saturates at the int32_t limits, which only days
// more than 5.8 million years away reach.
int32_t DaysSinceEpoch(absl::CivilDay day);

// Inverse of DaysSinceEpoch: CivilDayFromEpochDays(0) is 1970-01-01.
absl::CivilDay CivilDayFromEpochDays(int32_t days);

// The local calendar days a meeting covers, both inclusive.
struct LocalDays {
  absl::CivilDay first;
  absl::CivilDay last;
};

// Returns the local days in `zone` covered by [start, end): `first` is the
// local date of `start`; `last` is the local date of `end` minus one
// microsecond when `end` is set and after `start`, else the local date of
// `start`. So a meeting ending exactly at local midnight does not spill
// into the next day, and one without an end (or with end <= start) covers
// only its start date.
LocalDays ComputeLocalDays(absl::Time start, std::optional<absl::Time> end,
                           absl::TimeZone zone);

}  // namespace meetings::domain

#endif  // MEETINGS_SERVICES_DOMAIN_LOCAL_TIME_H_
