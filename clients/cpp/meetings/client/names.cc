#include "meetings/client/names.h"

#include <cstdio>

#include "absl/strings/numbers.h"

namespace meetings::client {
namespace {

std::string Qualify(std::string_view collection, std::string_view id_or_name) {
  if (id_or_name.find('/') != std::string_view::npos) return std::string(id_or_name);
  std::string name(collection);
  name += '/';
  name += id_or_name;
  return name;
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

}  // namespace

std::string OrganizationName(std::string_view id_or_name) {
  return Qualify("organizations", id_or_name);
}
std::string PersonName(std::string_view id_or_name) { return Qualify("persons", id_or_name); }
std::string MeetingName(std::string_view id_or_name) { return Qualify("meetings", id_or_name); }

std::string DocumentName(std::string_view meeting, std::string_view document_id) {
  return MeetingName(meeting) + "/documents/" + std::string(document_id);
}

std::string IdOf(std::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == std::string_view::npos ? name : name.substr(slash + 1));
}

v1::Date ToProtoDate(absl::CivilDay day) {
  v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

absl::CivilDay FromProtoDate(const v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

absl::StatusOr<absl::CivilDay> ParseDate(std::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError("expected a date YYYY-MM-DD, got \"" + std::string(text) +
                                      "\"");
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  const std::string_view y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d)) return bad();
  int year = 0, month = 0, day = 0;
  if (!absl::SimpleAtoi(absl::string_view(y.data(), y.size()), &year) ||
      !absl::SimpleAtoi(absl::string_view(m.data(), m.size()), &month) ||
      !absl::SimpleAtoi(absl::string_view(d.data(), d.size()), &day)) {
    return bad();
  }
  const absl::CivilDay civil(year, month, day);
  // absl normalises out-of-range fields; a real date survives unchanged.
  if (year < 1 || civil.year() != year || civil.month() != month || civil.day() != day) {
    return bad();
  }
  return civil;
}

}  // namespace meetings::client
