#include "services/domain/local_time.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/domain/text.h"

namespace meetings::domain {
namespace {

// Debian's abseil is built with its own absl::string_view (not an alias of
// std::string_view), so std::string_view arguments are converted explicitly.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

constexpr size_t kMaxZoneNameLength = 128;

bool IsZoneNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '+' ||
         c == '-' || c == '/';
}

// True when `name` has the shape of a tzdata zone name (theory.html:
// components of ASCII letters, digits, '.', '-', '_' and '+', joined by
// '/') and is not one of the aliases and tree names that absl accepts but
// that are not IANA zones.
bool LooksLikeIanaName(std::string_view name) {
  if (name.size() > kMaxZoneNameLength) return false;
  for (char c : name) {
    if (!IsZoneNameChar(c)) return false;
  }
  if (name == "localtime" || name == "posixrules") return false;
  if (name.starts_with("Fixed/") || name.starts_with("posix/") ||
      name.starts_with("right/")) {
    return false;
  }
  for (size_t from = 0;;) {
    const size_t slash = name.find('/', from);
    const std::string_view part = name.substr(from, slash - from);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) break;
    from = slash + 1;
  }
  return name.find("..") == std::string_view::npos;
}

}  // namespace

absl::StatusOr<absl::TimeZone> LoadIanaTimeZone(std::string_view field,
                                                std::string_view name) {
  if (name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(Sv(field), ": required"));
  }
  absl::TimeZone zone;
  if (!LooksLikeIanaName(name) ||
      !absl::LoadTimeZone(std::string(name), &zone)) {
    return absl::InvalidArgumentError(absl::StrCat(
        Sv(field), ": unknown IANA time zone ", QuoteForError(name, 100)));
  }
  return zone;
}

absl::StatusOr<absl::CivilDay> ToCivilDay(std::string_view field,
                                          const meetings::v1::Date& date) {
  if (date.year() < 1 || date.year() > 9999) {
    return absl::InvalidArgumentError(absl::StrCat(
        Sv(field), ": year ", date.year(), " out of range 1 to 9999"));
  }
  if (date.month() < 1 || date.month() > 12) {
    return absl::InvalidArgumentError(absl::StrCat(
        Sv(field), ": month ", date.month(), " out of range 1 to 12"));
  }
  // absl normalizes out-of-range fields (31 Feb -> 3 Mar); a day that does
  // not survive the round trip does not exist.
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.day() < 1 || day.day() != date.day() ||
      day.month() != date.month() || day.year() != date.year()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(field), ": day ", date.day(), " not valid for ",
                     absl::Dec(date.year(), absl::kZeroPad4), "-",
                     absl::Dec(date.month(), absl::kZeroPad2)));
  }
  return day;
}

meetings::v1::Date ToProtoDate(absl::CivilDay day) {
  meetings::v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

int32_t DaysSinceEpoch(absl::CivilDay day) {
  const absl::civil_diff_t days = day - absl::CivilDay(1970, 1, 1);
  if (days > std::numeric_limits<int32_t>::max()) {
    return std::numeric_limits<int32_t>::max();
  }
  if (days < std::numeric_limits<int32_t>::min()) {
    return std::numeric_limits<int32_t>::min();
  }
  return static_cast<int32_t>(days);
}

absl::CivilDay CivilDayFromEpochDays(int32_t days) {
  return absl::CivilDay(1970, 1, 1) + days;
}

LocalDays ComputeLocalDays(absl::Time start, std::optional<absl::Time> end,
                           absl::TimeZone zone) {
  const absl::CivilDay first = absl::ToCivilDay(start, zone);
  absl::CivilDay last = first;
  if (end.has_value() && *end > start) {
    last = absl::ToCivilDay(*end - absl::Microseconds(1), zone);
  }
  return LocalDays{first, last};
}

}  // namespace meetings::domain
