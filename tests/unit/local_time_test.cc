#include "services/domain/local_time.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "meetings/v1/resources.pb.h"

namespace meetings::domain {
namespace {

absl::TimeZone Hanoi() {
  absl::StatusOr<absl::TimeZone> zone =
      LoadIanaTimeZone("meeting.time_zone", "Asia/Ho_Chi_Minh");
  EXPECT_TRUE(zone.ok()) << zone.status();
  return zone.value_or(absl::UTCTimeZone());
}

absl::Time Utc(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0),
                         absl::UTCTimeZone());
}

absl::Time Local(absl::TimeZone zone, int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), zone);
}

meetings::v1::Date MakeDate(int y, int m, int d) {
  meetings::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

TEST(LoadIanaTimeZone, LoadsRealZones) {
  for (const char* name : {"Asia/Ho_Chi_Minh", "Asia/Saigon", "UTC", "Etc/UTC",
                           "Europe/Paris", "America/Argentina/Buenos_Aires",
                           "America/Port-au-Prince", "Etc/GMT+7"}) {
    absl::StatusOr<absl::TimeZone> zone = LoadIanaTimeZone("tz", name);
    EXPECT_TRUE(zone.ok()) << name << ": " << zone.status();
  }
  EXPECT_EQ(Hanoi().name(), "Asia/Ho_Chi_Minh");
}

TEST(LoadIanaTimeZone, EmptyIsRequired) {
  absl::StatusOr<absl::TimeZone> zone =
      LoadIanaTimeZone("meeting.time_zone", "");
  EXPECT_EQ(zone.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(zone.status().message(), "meeting.time_zone: required");
}

TEST(LoadIanaTimeZone, RejectsUnknownAndNonIanaNames) {
  for (const char* name :
       {"Mars/Olympus", "localtime", "Fixed/UTC+07:00:00", "posixrules",
        "posix/Asia/Ho_Chi_Minh", "right/UTC", "/usr/share/zoneinfo/UTC",
        "/etc/localtime", "file:/etc/localtime", "Asia/../UTC", "../UTC",
        "Asia//Ho_Chi_Minh", "Asia/Ho_Chi_Minh/", "asia/ho_chi_minh", "UTC+7",
        "Asia", "zone.tab", "Asia/Ho Chi Minh"}) {
    absl::StatusOr<absl::TimeZone> zone =
        LoadIanaTimeZone("meeting.time_zone", name);
    ASSERT_FALSE(zone.ok()) << name;
    EXPECT_EQ(zone.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(zone.status().message(),
              std::string("meeting.time_zone: unknown IANA time zone \"") +
                  name + "\"")
        << name;
  }
}

TEST(ToCivilDay, AcceptsValidDates) {
  absl::StatusOr<absl::CivilDay> day =
      ToCivilDay("start_date", MakeDate(2021, 11, 15));
  ASSERT_TRUE(day.ok()) << day.status();
  EXPECT_EQ(*day, absl::CivilDay(2021, 11, 15));
  EXPECT_TRUE(ToCivilDay("d", MakeDate(1, 1, 1)).ok());
  EXPECT_TRUE(ToCivilDay("d", MakeDate(9999, 12, 31)).ok());
}

TEST(ToCivilDay, Feb29IsValidIn2020NotIn2021) {
  EXPECT_EQ(*ToCivilDay("d", MakeDate(2020, 2, 29)),
            absl::CivilDay(2020, 2, 29));
  absl::StatusOr<absl::CivilDay> bad =
      ToCivilDay("end_date", MakeDate(2021, 2, 29));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "end_date: day 29 not valid for 2021-02");
  EXPECT_TRUE(ToCivilDay("d", MakeDate(2000, 2, 29)).ok());
  EXPECT_FALSE(ToCivilDay("d", MakeDate(1900, 2, 29)).ok());
}

TEST(ToCivilDay, RejectsOutOfRangeFieldsNamingTheField) {
  EXPECT_EQ(ToCivilDay("d", MakeDate(2021, 2, 31)).status().message(),
            "d: day 31 not valid for 2021-02");
  EXPECT_EQ(ToCivilDay("d", MakeDate(2021, 4, 31)).status().message(),
            "d: day 31 not valid for 2021-04");
  EXPECT_EQ(ToCivilDay("d", MakeDate(2021, 1, 0)).status().message(),
            "d: day 0 not valid for 2021-01");
  EXPECT_EQ(ToCivilDay("d", MakeDate(2021, 1, -1)).status().message(),
            "d: day -1 not valid for 2021-01");
  EXPECT_EQ(ToCivilDay("d", MakeDate(2021, 13, 1)).status().message(),
            "d: month 13 out of range 1 to 12");
  EXPECT_EQ(ToCivilDay("d", MakeDate(2021, 0, 1)).status().message(),
            "d: month 0 out of range 1 to 12");
  EXPECT_EQ(ToCivilDay("d", MakeDate(0, 1, 1)).status().message(),
            "d: year 0 out of range 1 to 9999");
  EXPECT_EQ(ToCivilDay("d", MakeDate(10000, 1, 1)).status().message(),
            "d: year 10000 out of range 1 to 9999");
  EXPECT_EQ(ToCivilDay("d", MakeDate(0, 0, 0)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ToProtoDate, RoundTripsWithToCivilDay) {
  const meetings::v1::Date date = ToProtoDate(absl::CivilDay(2021, 11, 24));
  EXPECT_EQ(date.year(), 2021);
  EXPECT_EQ(date.month(), 11);
  EXPECT_EQ(date.day(), 24);
  EXPECT_EQ(*ToCivilDay("d", date), absl::CivilDay(2021, 11, 24));
}

TEST(DaysSinceEpoch, CountsFromNineteenSeventy) {
  EXPECT_EQ(DaysSinceEpoch(absl::CivilDay(1970, 1, 1)), 0);
  EXPECT_EQ(DaysSinceEpoch(absl::CivilDay(1970, 1, 2)), 1);
  EXPECT_EQ(DaysSinceEpoch(absl::CivilDay(1969, 12, 31)), -1);
  EXPECT_EQ(DaysSinceEpoch(absl::CivilDay(2021, 11, 15)), 18946);
  EXPECT_EQ(DaysSinceEpoch(absl::CivilDay(1, 1, 1)), -719162);
}

TEST(DaysSinceEpoch, InverseRoundTripsAndPreservesOrder) {
  for (int32_t days : {-719162, -1, 0, 1, 18946, 2932896}) {
    EXPECT_EQ(DaysSinceEpoch(CivilDayFromEpochDays(days)), days);
  }
  EXPECT_EQ(CivilDayFromEpochDays(18946), absl::CivilDay(2021, 11, 15));
  EXPECT_EQ(CivilDayFromEpochDays(2932896), absl::CivilDay(9999, 12, 31));
  absl::CivilDay previous = absl::CivilDay(1899, 12, 31);
  for (absl::CivilDay d(1900, 1, 1); d < absl::CivilDay(1900, 3, 1); ++d) {
    EXPECT_EQ(DaysSinceEpoch(d), DaysSinceEpoch(previous) + 1);
    previous = d;
  }
}

TEST(ComputeLocalDays, HanoiMorningIsOnTheLocalDayAlthoughUtcSaysOneAm) {
  const absl::TimeZone hanoi = Hanoi();
  // 08:00-11:30 local on 15/11/2021 is 01:00-04:30Z.
  const absl::Time start = Utc(2021, 11, 15, 1, 0);
  const absl::Time end = Utc(2021, 11, 15, 4, 30);
  ASSERT_EQ(start, Local(hanoi, 2021, 11, 15, 8, 0));
  const LocalDays days = ComputeLocalDays(start, end, hanoi);
  EXPECT_EQ(days.first, absl::CivilDay(2021, 11, 15));
  EXPECT_EQ(days.last, absl::CivilDay(2021, 11, 15));
}

TEST(ComputeLocalDays, EarlyHanoiMorningIsNotTheUtcPreviousDay) {
  // 06:00 local on 15/11 is 23:00Z on 14/11.
  const absl::Time start = Local(Hanoi(), 2021, 11, 15, 6, 0);
  ASSERT_EQ(absl::ToCivilDay(start, absl::UTCTimeZone()),
            absl::CivilDay(2021, 11, 14));
  const LocalDays days = ComputeLocalDays(start, std::nullopt, Hanoi());
  EXPECT_EQ(days.first, absl::CivilDay(2021, 11, 15));
  EXPECT_EQ(days.last, absl::CivilDay(2021, 11, 15));
}

TEST(ComputeLocalDays, LateEveningHanoiMeetingIsOnThatLocalDay) {
  // 23:30 local on 15/11 is 16:30Z the same day; ending 23:59 local.
  const absl::Time start = Local(Hanoi(), 2021, 11, 15, 23, 30);
  const absl::Time end = Local(Hanoi(), 2021, 11, 15, 23, 59);
  ASSERT_EQ(start, Utc(2021, 11, 15, 16, 30));
  const LocalDays days = ComputeLocalDays(start, end, Hanoi());
  EXPECT_EQ(days.first, absl::CivilDay(2021, 11, 15));
  EXPECT_EQ(days.last, absl::CivilDay(2021, 11, 15));
  // The meeting's own zone decides the day, not UTC: 21:00 on 15/11 in New
  // York is already 16/11 in UTC.
  const absl::TimeZone new_york = *LoadIanaTimeZone("tz", "America/New_York");
  EXPECT_EQ(ComputeLocalDays(start, end, new_york).first,
            absl::CivilDay(2021, 11, 15));
  const absl::Time ny_evening = Local(new_york, 2021, 11, 15, 21, 0);
  ASSERT_EQ(absl::ToCivilDay(ny_evening, absl::UTCTimeZone()),
            absl::CivilDay(2021, 11, 16));
  EXPECT_EQ(ComputeLocalDays(ny_evening, std::nullopt, new_york).first,
            absl::CivilDay(2021, 11, 15));
}

TEST(ComputeLocalDays, TwoDayMeetingSpansBothLocalDays) {
  const absl::TimeZone hanoi = Hanoi();
  const LocalDays days =
      ComputeLocalDays(Local(hanoi, 2021, 11, 15, 8, 0),
                       Local(hanoi, 2021, 11, 16, 17, 0), hanoi);
  EXPECT_EQ(days.first, absl::CivilDay(2021, 11, 15));
  EXPECT_EQ(days.last, absl::CivilDay(2021, 11, 16));
}

TEST(ComputeLocalDays, EndingAtLocalMidnightDoesNotSpillIntoNextDay) {
  const absl::TimeZone hanoi = Hanoi();
  const LocalDays days =
      ComputeLocalDays(Local(hanoi, 2021, 11, 15, 20, 0),
                       Local(hanoi, 2021, 11, 16, 0, 0), hanoi);
  EXPECT_EQ(days.first, absl::CivilDay(2021, 11, 15));
  EXPECT_EQ(days.last, absl::CivilDay(2021, 11, 15));
  // One second past midnight does spill.
  const LocalDays spill = ComputeLocalDays(
      Local(hanoi, 2021, 11, 15, 20, 0),
      Local(hanoi, 2021, 11, 16, 0, 0) + absl::Seconds(1), hanoi);
  EXPECT_EQ(spill.last, absl::CivilDay(2021, 11, 16));
}

TEST(ComputeLocalDays, NoEndOrEndNotAfterStartCoversOnlyTheStartDay) {
  const absl::TimeZone hanoi = Hanoi();
  const absl::Time start = Local(hanoi, 2021, 11, 15, 23, 0);
  for (std::optional<absl::Time> end :
       {std::optional<absl::Time>(), std::optional<absl::Time>(start),
        std::optional<absl::Time>(start - absl::Hours(30))}) {
    const LocalDays days = ComputeLocalDays(start, end, hanoi);
    EXPECT_EQ(days.first, absl::CivilDay(2021, 11, 15));
    EXPECT_EQ(days.last, absl::CivilDay(2021, 11, 15));
  }
}

}  // namespace
}  // namespace meetings::domain
