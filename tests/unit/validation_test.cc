// Validation of resources on the way in: each problem is INVALID_ARGUMENT
// (or the resolver's NOT_FOUND) naming the exact field.
#include "services/domain/validation.h"

#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace meetings::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Knows organizations/vusta, organizations/hung-yen and persons/dung.
absl::Status FakeResolve(std::string_view field, std::string_view name,
                         std::string_view collection) {
  static const std::set<std::string> known = {"organizations/vusta", "organizations/hung-yen",
                                              "persons/dung"};
  if (name.substr(0, collection.size()) != collection) {
    return absl::InvalidArgumentError(std::string(field) + ": wrong collection");
  }
  if (!known.count(std::string(name))) {
    return absl::NotFoundError(std::string(field) + ": " + std::string(name) + " does not exist");
  }
  return absl::OkStatus();
}

v1::Meeting ValidMeeting() {
  v1::Meeting m;
  m.set_title("Hội nghị giao ban");
  m.set_time_zone("Asia/Ho_Chi_Minh");
  m.mutable_start_time()->set_seconds(1636938000);  // 2021-11-15T01:00:00Z
  m.add_organizers("organizations/vusta");
  auto* site = m.add_sites();
  site->set_site_id("ha-noi");
  site->set_display_name("Điểm cầu Hà Nội");
  auto* chair = m.add_participants();
  chair->set_participant_id("chair");
  chair->set_person("persons/dung");
  chair->add_roles(v1::Participant::CHAIR);
  chair->set_site_id("ha-noi");
  auto* group = m.add_participants();
  group->set_participant_id("staff");
  group->mutable_group()->set_description("Toàn thể viên chức cơ quan");
  group->mutable_group()->set_organization("organizations/hung-yen");
  return m;
}

// Runs ValidateMeeting on `m` and returns the status.
absl::Status Check(v1::Meeting m) {
  return ValidateMeeting("meeting", FakeResolve, RecordLimits{}, &m);
}

TEST(ValidateMeeting, AcceptsAValidMeetingAndSetsItsLocalDates) {
  v1::Meeting m = ValidMeeting();
  ASSERT_TRUE(ValidateMeeting("meeting", FakeResolve, RecordLimits{}, &m).ok());
  EXPECT_EQ(m.local_start_date().day(), 15);
  EXPECT_EQ(m.local_end_date().day(), 15);
}

TEST(ValidateMeeting, EveryProblemNamesItsField) {
  struct Case {
    std::string what;
    std::function<void(v1::Meeting*)> spoil;
    absl::StatusCode code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"no title", [](v1::Meeting* m) { m->clear_title(); }, absl::StatusCode::kInvalidArgument,
       "meeting.title"},
      {"no start", [](v1::Meeting* m) { m->clear_start_time(); },
       absl::StatusCode::kInvalidArgument, "meeting.start_time"},
      {"end before start",
       [](v1::Meeting* m) { m->mutable_end_time()->set_seconds(m->start_time().seconds() - 1); },
       absl::StatusCode::kInvalidArgument, "meeting.end_time"},
      {"longer than 31 days",
       [](v1::Meeting* m) {
         m->mutable_end_time()->set_seconds(m->start_time().seconds() + 32 * 86400);
       },
       absl::StatusCode::kInvalidArgument, "meeting.end_time"},
      {"made-up zone", [](v1::Meeting* m) { m->set_time_zone("Asia/Hanoi_City"); },
       absl::StatusCode::kInvalidArgument, "meeting.time_zone"},
      {"no organizer", [](v1::Meeting* m) { m->clear_organizers(); },
       absl::StatusCode::kInvalidArgument, "meeting.organizers"},
      {"missing organizer", [](v1::Meeting* m) { m->add_organizers("organizations/none"); },
       absl::StatusCode::kNotFound, "meeting.organizers[1]"},
      {"organizer twice", [](v1::Meeting* m) { m->add_organizers("organizations/vusta"); },
       absl::StatusCode::kInvalidArgument, "meeting.organizers[1]"},
      {"bad site id", [](v1::Meeting* m) { m->mutable_sites(0)->set_site_id("Hà Nội"); },
       absl::StatusCode::kInvalidArgument, "meeting.sites[0].site_id"},
      {"participant at unknown site",
       [](v1::Meeting* m) { m->mutable_participants(0)->set_site_id("hung-yen"); },
       absl::StatusCode::kInvalidArgument, "meeting.participants[0].site_id"},
      {"participant neither person nor group",
       [](v1::Meeting* m) { m->mutable_participants(1)->clear_group(); },
       absl::StatusCode::kInvalidArgument, "meeting.participants[1]"},
      {"missing person",
       [](v1::Meeting* m) { m->mutable_participants(0)->set_person("persons/none"); },
       absl::StatusCode::kNotFound, "meeting.participants[0].person"},
      {"duplicate participant id",
       [](v1::Meeting* m) { m->mutable_participants(1)->set_participant_id("chair"); },
       absl::StatusCode::kInvalidArgument, "meeting.participants[1].participant_id"},
      {"role twice",
       [](v1::Meeting* m) { m->mutable_participants(0)->add_roles(v1::Participant::CHAIR); },
       absl::StatusCode::kInvalidArgument, "meeting.participants[0].roles[1]"},
      {"unknown enum number",
       [](v1::Meeting* m) { m->set_kind(static_cast<v1::Meeting::Kind>(77)); },
       absl::StatusCode::kInvalidArgument, "meeting.kind"},
      {"unknown enum number in a repeated field of a repeated message",
       [](v1::Meeting* m) {
         m->mutable_participants(0)->add_roles(static_cast<v1::Participant::Role>(99));
       },
       absl::StatusCode::kInvalidArgument, "meeting.participants[0].roles[1]"},
      {"negative group count",
       [](v1::Meeting* m) { m->mutable_participants(1)->mutable_group()->set_member_count(-3); },
       absl::StatusCode::kInvalidArgument, "meeting.participants[1].group.member_count"},
      {"contribution by unknown speaker",
       [](v1::Meeting* m) {
         auto* c = m->add_contributions();
         c->set_contribution_id("c1");
         c->set_theme("Đổi mới phương thức hoạt động");
         c->set_speaker_participant_id("nobody");
       },
       absl::StatusCode::kInvalidArgument, "meeting.contributions[0].speaker_participant_id"},
      {"decision due on 31 February",
       [](v1::Meeting* m) {
         auto* d = m->add_decisions();
         d->set_decision_id("d1");
         d->set_text("Tiếp tục duy trì hoạt động");
         d->mutable_due_date()->set_year(2022);
         d->mutable_due_date()->set_month(2);
         d->mutable_due_date()->set_day(31);
       },
       absl::StatusCode::kInvalidArgument, "meeting.decisions[0].due_date"},
      {"invalid UTF-8", [](v1::Meeting* m) { m->set_description("ok \xC3\x28 not"); },
       absl::StatusCode::kInvalidArgument, "meeting.description"},
      {"title too long", [](v1::Meeting* m) { m->set_title(std::string(1025, 'a')); },
       absl::StatusCode::kInvalidArgument, "meeting.title"},
      {"bad label key", [](v1::Meeting* m) { (*m->mutable_labels())["Bad Key"] = "x"; },
       absl::StatusCode::kInvalidArgument, "meeting.labels"},
  };
  for (const auto& c : cases) {
    v1::Meeting m = ValidMeeting();
    c.spoil(&m);
    const absl::Status status = Check(m);
    EXPECT_EQ(status.code(), c.code) << c.what << ": " << status;
    EXPECT_THAT(std::string(status.message()), StartsWith(c.field)) << c.what;
  }
}

TEST(ValidateMeeting, TooManyParticipantsIsRefused) {
  v1::Meeting m = ValidMeeting();
  RecordLimits limits;
  limits.max_participants = 3;
  for (int i = 0; i < 3; ++i) {
    auto* p = m.add_participants();
    p->set_participant_id("g" + std::to_string(i));
    p->mutable_group()->set_description("Đoàn");
  }
  const absl::Status status = ValidateMeeting("meeting", FakeResolve, limits, &m);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("meeting.participants"));
}

TEST(ValidateMeeting, NormalizesEveryStringToNfc) {
  v1::Meeting m = ValidMeeting();
  // "Chủ tịch" written with combining marks.
  m.mutable_participants(0)->set_position("Chu\xCC\x89 ti\xCC\xA3" "ch");
  ASSERT_TRUE(ValidateMeeting("meeting", FakeResolve, RecordLimits{}, &m).ok());
  EXPECT_EQ(m.participants(0).position(), "Chủ tịch");
}

TEST(ValidateOrganization, NeedsANameAndAnExistingParent) {
  v1::Organization org;
  EXPECT_THAT(std::string(ValidateOrganization("organization", FakeResolve, &org).message()),
              StartsWith("organization.display_name"));
  org.set_display_name("Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Hưng Yên");
  org.set_parent("organizations/none");
  EXPECT_EQ(ValidateOrganization("organization", FakeResolve, &org).code(),
            absl::StatusCode::kNotFound);
  org.set_parent("organizations/vusta");
  EXPECT_TRUE(ValidateOrganization("organization", FakeResolve, &org).ok());
}

TEST(ValidatePerson, NeedsAFullNameAndNonEmptyPrefixes) {
  v1::Person person;
  EXPECT_THAT(std::string(ValidatePerson("person", FakeResolve, &person).message()),
              StartsWith("person.full_name"));
  person.set_full_name("Phan Xuân Dũng");
  person.add_honorific_prefixes("");
  EXPECT_THAT(std::string(ValidatePerson("person", FakeResolve, &person).message()),
              StartsWith("person.honorific_prefixes[0]"));
}

TEST(ValidateDocument, ChecksPeriodPresenterAndFiles) {
  v1::Document doc;
  doc.set_title("Dự thảo Báo cáo");
  doc.mutable_period_start_date()->set_year(2021);
  doc.mutable_period_start_date()->set_month(10);
  doc.mutable_period_start_date()->set_day(31);
  doc.mutable_period_end_date()->set_year(2021);
  doc.mutable_period_end_date()->set_month(1);
  doc.mutable_period_end_date()->set_day(1);
  EXPECT_THAT(std::string(ValidateDocument("document", FakeResolve, &doc).message()),
              StartsWith("document.period_end_date"));
  doc.clear_period_end_date();
  doc.set_presenter("persons/none");
  EXPECT_EQ(ValidateDocument("document", FakeResolve, &doc).code(), absl::StatusCode::kNotFound);
  doc.set_presenter("persons/dung");
  doc.add_files()->set_uri("file:///bao-cao.pdf");
  doc.mutable_files(0)->set_sha256("XYZ");
  EXPECT_THAT(std::string(ValidateDocument("document", FakeResolve, &doc).message()),
              StartsWith("document.files[0].sha256"));
  doc.mutable_files(0)->set_sha256(std::string(64, 'a'));
  EXPECT_TRUE(ValidateDocument("document", FakeResolve, &doc).ok());
}

}  // namespace
}  // namespace meetings::domain
