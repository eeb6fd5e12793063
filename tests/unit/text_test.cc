#include "services/domain/text.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "meetings/v1/resources.pb.h"

namespace meetings::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// "Nguyễn Khắc Hào" precomposed: ễ U+1EC5, ắ U+1EAF, à U+00E0.
constexpr char kHaoNfc[] =
    "Nguy\xE1\xBB\x85n Kh\xE1\xBA\xAF"
    "c H\xC3\xA0o";
// The same name with base letters and combining marks: e U+0302 U+0303,
// a U+0306 U+0301, a U+0300.
constexpr char kHaoNfd[] =
    "Nguye\xCC\x82\xCC\x83n Kha\xCC\x86\xCC\x81"
    "c Ha\xCC\x80o";

TEST(NormalizeText, ComposesDecomposedVietnameseByteForByte) {
  ASSERT_NE(std::string(kHaoNfc), std::string(kHaoNfd));
  absl::StatusOr<std::string> got =
      NormalizeText("person.full_name", kHaoNfd, 100);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, kHaoNfc);
  EXPECT_EQ(got->size(), 20u);
}

TEST(NormalizeText, KeepsPrecomposedTextAndAsciiUnchanged) {
  EXPECT_EQ(*NormalizeText("f", kHaoNfc, 100), kHaoNfc);
  EXPECT_EQ(*NormalizeText("f", "Nguyen Khac Hao", 100), "Nguyen Khac Hao");
  EXPECT_EQ(*NormalizeText("f", "", 0), "");
  const std::string title =
      "H\xE1\xBB\x99i ngh\xE1\xBB\x8B giao ban Li\xC3\xAAn hi\xE1\xBB\x87p";
  EXPECT_EQ(*NormalizeText("meeting.title", title, 1024), title);
}

TEST(NormalizeText, RejectsInvalidUtf8NamingTheField) {
  const std::string bad[] = {
      std::string("\x80"),              // Stray continuation byte.
      std::string("abc\xC3"),           // Truncated 2-byte sequence.
      std::string("\xE1\xBB"),          // Truncated 3-byte sequence.
      std::string("\xC0\xAF"),          // Overlong '/'.
      std::string("\xC1\xBF"),          // Overlong.
      std::string("\xE0\x80\xAF"),      // Overlong 3-byte.
      std::string("\xF0\x80\x80\xAF"),  // Overlong 4-byte.
      std::string("\xED\xA0\x80"),      // Surrogate U+D800.
      std::string("\xED\xBF\xBF"),      // Surrogate U+DFFF.
      std::string("\xF4\x90\x80\x80"),  // U+110000.
      std::string("\xF5\x80\x80\x80"),  // Lead byte above F4.
      std::string("\xFF"),              // Never valid.
      std::string("a\xC3(b"),           // Lead byte then ASCII.
  };
  for (const std::string& value : bad) {
    absl::StatusOr<std::string> got =
        NormalizeText("meeting.title", value, 100);
    ASSERT_FALSE(got.ok()) << absl::CHexEscape(value);
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(got.status().message(), "meeting.title: not valid UTF-8")
        << absl::CHexEscape(value);
  }
}

TEST(NormalizeText, AcceptsBoundaryCodePoints) {
  EXPECT_TRUE(NormalizeText("f", "\xED\x9F\xBF", 10).ok());      // U+D7FF.
  EXPECT_TRUE(NormalizeText("f", "\xEE\x80\x80", 10).ok());      // U+E000.
  EXPECT_TRUE(NormalizeText("f", "\xF4\x8F\xBF\xBF", 10).ok());  // U+10FFFF.
  EXPECT_TRUE(NormalizeText("f", "\xEF\xBF\xBE", 10).ok());      // U+FFFE.
  EXPECT_TRUE(NormalizeText("f", "\xEF\xBF\xBF", 10).ok());      // U+FFFF.
  EXPECT_TRUE(NormalizeText("f", "\xF0\x9F\x98\x80", 10).ok());  // Emoji.
}

TEST(NormalizeText, RejectsControlCharactersButAllowsTabNewlineReturn) {
  EXPECT_EQ(*NormalizeText("f", "a\tb\nc\r\nd", 100), "a\tb\nc\r\nd");

  absl::StatusOr<std::string> nul =
      NormalizeText("meeting.description", std::string("a\0b", 3), 100);
  ASSERT_FALSE(nul.ok());
  EXPECT_EQ(nul.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(nul.status().message(),
            "meeting.description: contains control character U+0000");

  EXPECT_EQ(NormalizeText("f", "\x1B[31m", 100).status().message(),
            "f: contains control character U+001B");
  EXPECT_EQ(NormalizeText("f", "\x7F", 100).status().message(),
            "f: contains control character U+007F");
  // C1 controls U+0085 (NEL) and U+009F.
  EXPECT_EQ(NormalizeText("f", "a\xC2\x85", 100).status().message(),
            "f: contains control character U+0085");
  EXPECT_EQ(NormalizeText("f", "\xC2\x9F", 100).status().message(),
            "f: contains control character U+009F");
  // U+00A0 (no-break space) just above C1 is fine.
  EXPECT_TRUE(NormalizeText("f", "\xC2\xA0", 100).ok());
}

TEST(NormalizeText, LimitIsCountedAfterNfc) {
  // NFD is 25 bytes, NFC 20 bytes.
  ASSERT_EQ(std::string(kHaoNfd).size(), 25u);
  ASSERT_EQ(std::string(kHaoNfc).size(), 20u);
  EXPECT_EQ(*NormalizeText("person.full_name", kHaoNfd, 20), kHaoNfc);

  absl::StatusOr<std::string> got =
      NormalizeText("person.full_name", kHaoNfd, 19);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(got.status().message(), "person.full_name: longer than 19 bytes");

  EXPECT_TRUE(NormalizeText("f", "abcd", 4).ok());
  EXPECT_EQ(NormalizeText("f", "abcde", 4).status().message(),
            "f: longer than 4 bytes");
}

TEST(QuoteForError, QuotesEscapesAndTruncatesAtCharacterBoundary) {
  EXPECT_EQ(QuoteForError("abc"), "\"abc\"");
  EXPECT_EQ(QuoteForError("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(QuoteForError(std::string("\x01", 1)), "\"\\u0001\"");
  EXPECT_EQ(QuoteForError(kHaoNfc), std::string("\"") + kHaoNfc + "\"");
  // "Nguy" + the first byte of U+1EC5 would split the character.
  EXPECT_EQ(QuoteForError(kHaoNfc, 5), "\"Nguy\"...");
  EXPECT_EQ(QuoteForError(kHaoNfc, 7), "\"Nguy\xE1\xBB\x85\"...");
  // Invalid UTF-8 is hex-escaped so the message stays valid UTF-8.
  EXPECT_EQ(QuoteForError("a\xFF"), "\"a\\xff\"");
  EXPECT_TRUE(
      NormalizeText("m", QuoteForError("\xC0\xAF\xED\xA0\x80"), 100).ok());
}

meetings::v1::Meeting SampleMeeting() {
  meetings::v1::Meeting meeting;
  meeting.set_title(std::string("H") + "o\xCC\x82\xCC\xA3" +
                    "i ngh\xE1\xBB\x8B");
  meeting.add_organizers("organizations/vusta");
  meetings::v1::Participant* chair = meeting.add_participants();
  chair->set_participant_id("phan-xuan-dung");
  chair->set_title("TSKH");
  chair->set_position(
      "Ch\xE1\xBB\xA7 t\xE1\xBB\x8B"
      "ch");
  meetings::v1::Participant* hao = meeting.add_participants();
  hao->set_participant_id("nguyen-khac-hao");
  hao->set_display_name(kHaoNfd);
  meetings::v1::Participant* staff = meeting.add_participants();
  staff->set_participant_id("staff");
  staff->mutable_group()->set_description(
      "Toa\xCC\x80n the\xCC\x82\xCC\x89 vi\xC3\xAA"
      "n ch\xE1\xBB\xA9"
      "c");
  (*meeting.mutable_labels())["nguo\xCC\x82\xCC\x80n"] = kHaoNfd;
  meeting.add_sources()->set_content(kHaoNfd);
  return meeting;
}

TEST(NormalizeStrings, NormalizesNestedRepeatedOneofAndMapFields) {
  meetings::v1::Meeting meeting = SampleMeeting();
  ASSERT_TRUE(NormalizeStrings(&meeting, "meeting", TextLimits()).ok());

  EXPECT_EQ(meeting.title(), "H\xE1\xBB\x99i ngh\xE1\xBB\x8B");  // Hội nghị
  EXPECT_EQ(meeting.participants(1).display_name(), kHaoNfc);
  EXPECT_EQ(meeting.participants(2).group().description(),
            "To\xC3\xA0n th\xE1\xBB\x83 vi\xC3\xAA"
            "n ch\xE1\xBB\xA9"
            "c");
  EXPECT_EQ(meeting.sources(0).content(), kHaoNfc);
  ASSERT_EQ(meeting.labels_size(), 1);
  // Key "nguồn": o U+0302 U+0300 composes to U+1ED3.
  const auto it = meeting.labels().find("ngu\xE1\xBB\x93n");
  ASSERT_NE(it, meeting.labels().end());
  EXPECT_EQ(it->second, kHaoNfc);
  // Untouched fields keep their values.
  EXPECT_EQ(meeting.organizers(0), "organizations/vusta");
  EXPECT_EQ(meeting.participants(0).title(), "TSKH");
}

// NormalizeStrings first checks whether anything needs changing at all; a
// decomposed string alone in any one place must still be found and composed.
TEST(NormalizeStrings, FindsADecomposedStringAloneInAnyPlace) {
  meetings::v1::Meeting normal = SampleMeeting();
  ASSERT_TRUE(NormalizeStrings(&normal, "meeting", TextLimits()).ok());
  struct Case {
    std::string where;
    std::function<void(meetings::v1::Meeting*)> decompose;
    std::function<bool(const meetings::v1::Meeting&)> composed;
  };
  const std::vector<Case> cases = {
      {"top-level string", [](auto* m) { m->set_description(kHaoNfd); },
       [](const auto& m) { return m.description() == kHaoNfc; }},
      {"string in a repeated message",
       [](auto* m) { m->mutable_participants(1)->set_display_name(kHaoNfd); },
       [](const auto& m) { return m.participants(1).display_name() == kHaoNfc; }},
      {"string in a oneof message",
       [](auto* m) { m->mutable_participants(2)->mutable_group()->set_description(kHaoNfd); },
       [](const auto& m) { return m.participants(2).group().description() == kHaoNfc; }},
      {"repeated string", [](auto* m) { m->add_organizers(kHaoNfd); },
       [](const auto& m) { return m.organizers(m.organizers_size() - 1) == kHaoNfc; }},
      {"map value", [](auto* m) { (*m->mutable_labels())["k"] = kHaoNfd; },
       [](const auto& m) { return m.labels().at("k") == kHaoNfc; }},
      {"map key", [](auto* m) { (*m->mutable_labels())[kHaoNfd] = "v"; },
       [](const auto& m) { return m.labels().count(kHaoNfc) == 1 && m.labels().count(kHaoNfd) == 0; }},
  };
  for (const Case& c : cases) {
    meetings::v1::Meeting meeting = normal;
    c.decompose(&meeting);
    ASSERT_TRUE(NormalizeStrings(&meeting, "meeting", TextLimits()).ok()) << c.where;
    EXPECT_TRUE(c.composed(meeting)) << c.where;
  }
  // And already normal input comes back unchanged.
  meetings::v1::Meeting again = normal;
  ASSERT_TRUE(NormalizeStrings(&again, "meeting", TextLimits()).ok());
  EXPECT_EQ(again.SerializeAsString(), normal.SerializeAsString());
}

TEST(NormalizeStrings, ErrorNamesNestedRepeatedFieldPath) {
  meetings::v1::Meeting meeting = SampleMeeting();
  meeting.mutable_participants(1)->set_position(
      "Ch\xE1\xBB t\xE1\xBB\x8B"
      "ch");
  absl::Status status = NormalizeStrings(&meeting, "meeting", TextLimits());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "meeting.participants[1].position: not valid UTF-8");
}

TEST(NormalizeStrings, ErrorNamesOneofGroupAndRepeatedStringElement) {
  meetings::v1::Meeting meeting = SampleMeeting();
  meeting.mutable_participants(2)->mutable_group()->set_description("\x07");
  EXPECT_EQ(NormalizeStrings(&meeting, "meeting", TextLimits()).message(),
            "meeting.participants[2].group.description: contains control "
            "character U+0007");

  meeting = SampleMeeting();
  meeting.add_organizers("organizations/\xFF");
  EXPECT_EQ(NormalizeStrings(&meeting, "meeting", TextLimits()).message(),
            "meeting.organizers[1]: not valid UTF-8");
}

TEST(NormalizeStrings, ErrorNamesMapValueByKeyAndMapKey) {
  meetings::v1::Meeting meeting;
  (*meeting.mutable_labels())["k"] = "\xC0\xAF";
  EXPECT_EQ(NormalizeStrings(&meeting, "meeting", TextLimits()).message(),
            "meeting.labels[\"k\"]: not valid UTF-8");

  meeting.Clear();
  (*meeting.mutable_labels())["k\x01"] = "v";
  absl::Status status = NormalizeStrings(&meeting, "meeting", TextLimits());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), StartsWith("meeting.labels key "));
  EXPECT_THAT(std::string(status.message()), HasSubstr("control character"));
}

TEST(NormalizeStrings, RejectsMapKeysThatCollideAfterNfc) {
  meetings::v1::Meeting meeting;
  (*meeting.mutable_labels())["\xC3\xA0"] = "1";   // à precomposed.
  (*meeting.mutable_labels())["a\xCC\x80"] = "2";  // a + U+0300.
  absl::Status status = NormalizeStrings(&meeting, "meeting", TextLimits());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "meeting.labels: duplicate key \"\xC3\xA0\" after NFC "
            "normalization");
}

TEST(NormalizeStrings, PerFieldByteLimitsUseFullFieldNames) {
  TextLimits limits;
  limits.default_max_bytes = 1000;
  limits.max_bytes_by_field["meetings.v1.Participant.position"] = 3;
  meetings::v1::Meeting meeting = SampleMeeting();
  EXPECT_EQ(NormalizeStrings(&meeting, "meeting", limits).message(),
            "meeting.participants[0].position: longer than 3 bytes");

  TextLimits small_default;
  small_default.default_max_bytes = 5;
  small_default.max_bytes_by_field["meetings.v1.Meeting.title"] = 100;
  small_default.max_bytes_by_field["meetings.v1.Participant.position"] = 100;
  small_default.max_bytes_by_field["meetings.v1.Participant.display_name"] =
      100;
  small_default.max_bytes_by_field["meetings.v1.ParticipantGroup.description"] =
      100;
  small_default.max_bytes_by_field["meetings.v1.Meeting.organizers"] = 100;
  small_default.max_bytes_by_field["meetings.v1.Participant.participant_id"] =
      100;
  small_default.max_bytes_by_field["meetings.v1.Source.content"] = 100;
  // The map field name covers both key and value.
  small_default.max_bytes_by_field["meetings.v1.Meeting.labels"] = 100;
  meeting = SampleMeeting();
  EXPECT_TRUE(NormalizeStrings(&meeting, "meeting", small_default).ok());

  // The entry's value field overrides the map field's limit.
  small_default.max_bytes_by_field["meetings.v1.Meeting.LabelsEntry.value"] = 4;
  meeting = SampleMeeting();
  EXPECT_EQ(NormalizeStrings(&meeting, "meeting", small_default).message(),
            "meeting.labels[\"ngu\xE1\xBB\x93n\"]: longer than 4 bytes");
}

TEST(NormalizeStrings, CapsRepeatedAndMapFieldElements) {
  TextLimits limits;
  limits.max_repeated_by_field["meetings.v1.Meeting.organizers"] = 2;
  meetings::v1::Meeting meeting;
  meeting.add_organizers("organizations/a");
  meeting.add_organizers("organizations/b");
  EXPECT_TRUE(NormalizeStrings(&meeting, "meeting", limits).ok());
  meeting.add_organizers("organizations/c");
  absl::Status status = NormalizeStrings(&meeting, "meeting", limits);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "meeting.organizers: more than 2 elements");

  // The default applies to repeated messages, repeated enums and maps.
  TextLimits tiny;
  tiny.default_max_repeated = 1;
  meeting.Clear();
  meeting.add_participants()->add_roles(meetings::v1::Participant::CHAIR);
  meeting.mutable_participants(0)->add_roles(
      meetings::v1::Participant::PRESENTER);
  EXPECT_EQ(NormalizeStrings(&meeting, "meeting", tiny).message(),
            "meeting.participants[0].roles: more than 1 elements");
  meeting.add_participants();
  EXPECT_EQ(NormalizeStrings(&meeting, "meeting", tiny).message(),
            "meeting.participants: more than 1 elements");
  meeting.Clear();
  (*meeting.mutable_labels())["a"] = "1";
  (*meeting.mutable_labels())["b"] = "2";
  EXPECT_EQ(NormalizeStrings(&meeting, "meeting", tiny).message(),
            "meeting.labels: more than 1 elements");
}

TEST(NormalizeStrings, EmptyPathNamesTopLevelFieldsBare) {
  meetings::v1::Meeting meeting;
  meeting.set_title("\xFF");
  EXPECT_EQ(NormalizeStrings(&meeting, "", TextLimits()).message(),
            "title: not valid UTF-8");
}

TEST(NormalizeStrings, LeavesNonStringFieldsAlone) {
  meetings::v1::Meeting meeting;
  meeting.mutable_start_time()->set_seconds(1636938000);
  meeting.set_kind(meetings::v1::Meeting::BRIEFING);
  const std::string before = meeting.SerializeAsString();
  ASSERT_TRUE(NormalizeStrings(&meeting, "meeting", TextLimits()).ok());
  EXPECT_EQ(meeting.SerializeAsString(), before);
}

}  // namespace
}  // namespace meetings::domain
