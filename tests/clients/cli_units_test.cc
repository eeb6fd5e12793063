// The CLI's building blocks without a server: display width, tables,
// the progress line, and the JSON Lines import/export format.
#include <cstdio>
#include <cstdlib>
#include <variant>

#include "absl/strings/str_split.h"
#include "clients/cli/display_width.h"
#include "clients/cli/format.h"
#include "clients/cli/jsonl.h"
#include "clients/cli/progress.h"
#include "clients/cli/table.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace meetings::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(DisplayWidth, VietnameseTakesOneColumnPerLetterInNfcAndNfd) {
  EXPECT_EQ(DisplayWidth("Nguyen Khac Hao"), 15);
  EXPECT_EQ(DisplayWidth("Nguyễn Khắc Hào"), 15);  // NFC: 1 code point per letter
  // NFD: "e" + U+0302 + U+0303, "a" + U+0306 + U+0301, "a" + U+0300.
  EXPECT_EQ(DisplayWidth("Nguye\u0302\u0303n Kha\u0306\u0301c Ha\u0300o"), 15);
  EXPECT_EQ(DisplayWidth("Đặng"), 4);
  EXPECT_GT(std::string("Nguyễn Khắc Hào").size(), 15u) << "bytes are not columns";
}

TEST(DisplayWidth, WideAndZeroWidthCharacters) {
  EXPECT_EQ(DisplayWidth("会议"), 4);        // CJK: wide
  EXPECT_EQ(DisplayWidth("ＡＢ"), 4);        // fullwidth Latin
  EXPECT_EQ(DisplayWidth("a\u200Db"), 2);    // ZERO WIDTH JOINER (Cf)
  EXPECT_EQ(DisplayWidth("\xff"), 1);        // invalid UTF-8: one U+FFFD
  EXPECT_EQ(DisplayWidth(""), 0);
  EXPECT_EQ(CodePointWidth(0x0301), 0);      // COMBINING ACUTE ACCENT (Mn)
  EXPECT_EQ(CodePointWidth(0x1EC7), 1);      // ệ
  EXPECT_EQ(CodePointWidth(0xAC00), 2);      // Hangul syllable
}

TEST(DisplayWidth, TruncateCountsColumnsAndKeepsCodePointsWhole) {
  EXPECT_EQ(TruncateToWidth("Hưng Yên", 20), "Hưng Yên");
  EXPECT_EQ(TruncateToWidth("Hưng Yên", 5), "Hưng…");
  EXPECT_EQ(DisplayWidth(TruncateToWidth("Hội nghị giao ban", 8)), 8);
  EXPECT_EQ(TruncateToWidth("会议会议", 4), "会…");
}

// The display column where `needle` starts in `line`.
int ColumnOf(const std::string& line, const std::string& needle) {
  const size_t at = line.find(needle);
  EXPECT_NE(at, std::string::npos) << needle << " not in " << line;
  return DisplayWidth(line.substr(0, at));
}

TEST(Table, ColumnsAlignByDisplayWidthNotBytes) {
  Table table({"ID", "FULL NAME", "PREFIXES"});
  table.AddRow({"a", "Nguyễn Khắc Hào", "TS"});
  table.AddRow({"b", "Phan Xuan Dung", "TSKH"});
  table.AddRow({"c", "Nguye\u0302\u0303n", "X"});  // NFD
  table.AddRow({"d", "会议", "Y"});
  const std::string out = table.Render();
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u);
  const int prefixes = ColumnOf(lines[0], "PREFIXES");
  EXPECT_EQ(ColumnOf(lines[1], "TS"), prefixes);
  EXPECT_EQ(ColumnOf(lines[2], "TSKH"), prefixes);
  EXPECT_EQ(ColumnOf(lines[3], "X"), prefixes);
  EXPECT_EQ(ColumnOf(lines[4], "Y"), prefixes);
  EXPECT_NE(lines[1].find("TS"), lines[2].find("TSKH")) << "byte offsets differ";
  for (const auto& line : lines) EXPECT_NE(line.back(), ' ') << "no trailing blanks";
}

TEST(Table, CellsStayOnOneLine) {
  Table table({"A", "B"});
  table.AddRow({"x\ny", "z\tw"});
  EXPECT_EQ(table.Render(), "A    B\nx y  z w\n");
}

TEST(ProgressBar, LineShowsCountPercentRateAndEta) {
  ProgressBar bar("import", 400, /*enabled=*/false);
  const std::string line = bar.Line(100, absl::Seconds(2));
  EXPECT_THAT(line, StartsWith("import [######..................] 100/400"));
  EXPECT_THAT(line, HasSubstr(" 25%"));
  EXPECT_THAT(line, HasSubstr("50.0/s"));
  EXPECT_THAT(line, HasSubstr("ETA 0:06"));
  EXPECT_THAT(bar.Line(400, absl::Seconds(8)), HasSubstr("in 0:08"));
  ProgressBar open_ended("export", std::nullopt, false);
  EXPECT_EQ(open_ended.Line(30, absl::Seconds(3)), "export 30  10.0/s  0:03");
}

TEST(ProgressBar, DisabledBarWritesNothing) {
  char* buffer = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&buffer, &size);
  {
    ProgressBar bar("import", 10, /*enabled=*/false, out);
    bar.Update(5);
    bar.Finish();
  }
  std::fclose(out);
  EXPECT_EQ(size, 0u);
  std::free(buffer);
}

TEST(ProgressBar, EnabledBarRedrawsInPlaceAndEndsTheLine) {
  char* buffer = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&buffer, &size);
  {
    ProgressBar bar("import", 10, /*enabled=*/true, out);
    bar.Update(5);
    bar.Print("meetings: line 6: INVALID_ARGUMENT: x");
    bar.Update(10);
  }
  std::fclose(out);
  const std::string text(buffer, size);
  std::free(buffer);
  EXPECT_THAT(text, StartsWith("\r"));
  EXPECT_THAT(text, HasSubstr("5/10"));
  EXPECT_THAT(text, HasSubstr("\r\033[Kmeetings: line 6: INVALID_ARGUMENT: x\n"));
  EXPECT_THAT(text, HasSubstr("10/10"));
  EXPECT_EQ(text.back(), '\n');
}

TEST(ImportLine, EachKindIsRecognisedByItsResourceKey) {
  auto org = ParseImportLine(R"({"organizationId":"vusta","organization":{"displayName":"VUSTA"}})");
  ASSERT_TRUE(org.ok()) << org.status();
  ASSERT_TRUE(std::holds_alternative<v1::CreateOrganizationRequest>(*org));
  EXPECT_EQ(std::get<v1::CreateOrganizationRequest>(*org).organization().display_name(), "VUSTA");

  auto person = ParseImportLine(R"({"person":{"full_name":"Phan Xuân Dũng"},"person_id":"p"})");
  ASSERT_TRUE(person.ok()) << person.status();
  EXPECT_EQ(std::get<v1::CreatePersonRequest>(*person).person_id(), "p");

  auto meeting = ParseImportLine(R"({"meeting":{"title":"T"}})");
  ASSERT_TRUE(meeting.ok());
  EXPECT_TRUE(std::holds_alternative<v1::CreateMeetingRequest>(*meeting));

  auto document = ParseImportLine(R"({"parent":"meetings/m","document":{"title":"D"}})");
  ASSERT_TRUE(document.ok());
  EXPECT_EQ(std::get<v1::CreateDocumentRequest>(*document).parent(), "meetings/m");
}

TEST(ImportLine, BadLinesSayWhy) {
  auto not_json = ParseImportLine("{\"organization\": ");
  EXPECT_EQ(not_json.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(not_json.status().message()), HasSubstr("not a JSON object"));
  EXPECT_THAT(std::string(not_json.status().message()), Not(HasSubstr("\n")));

  auto no_kind = ParseImportLine(R"({"displayName":"VUSTA"})");
  EXPECT_THAT(std::string(no_kind.status().message()), HasSubstr("found none"));

  auto two_kinds = ParseImportLine(R"({"organization":{},"person":{}})");
  EXPECT_THAT(std::string(two_kinds.status().message()), HasSubstr("organization, person"));

  auto unknown_field = ParseImportLine(R"({"organization":{"displayNmae":"x"}})");
  EXPECT_EQ(unknown_field.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown_field.status().message()), HasSubstr("displayNmae"));

  auto wrong_type = ParseImportLine(R"({"meeting":{"title":"T","kind":"PARTY"}})");
  EXPECT_EQ(wrong_type.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ExportLine, LeavesOutOutputOnlyFieldsAndCarriesTheId) {
  v1::Meeting m;
  m.set_name("meetings/vusta-giao-ban-2021-11-15");
  m.set_uid("u1");
  m.set_etag("e1");
  m.set_title("Hội nghị giao ban");
  m.mutable_create_time()->set_seconds(1);
  m.mutable_update_time()->set_seconds(2);
  m.mutable_local_start_date()->set_year(2021);
  m.mutable_local_end_date()->set_year(2021);
  (*m.mutable_labels())["z"] = "1";
  (*m.mutable_labels())["a"] = "2";
  const std::string line = ExportLine(m);
  EXPECT_EQ(line,
            R"({"meeting":{"title":"Hội nghị giao ban","labels":{"a":"2","z":"1"}},)"
            R"("meetingId":"vusta-giao-ban-2021-11-15"})");

  v1::Document d;
  d.set_name("meetings/m1/documents/d1");
  d.set_title("Báo cáo");
  d.set_etag("e");
  auto parsed = ParseImportLine(ExportLine(d));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const auto& request = std::get<v1::CreateDocumentRequest>(*parsed);
  EXPECT_EQ(request.parent(), "meetings/m1");
  EXPECT_EQ(request.document_id(), "d1");
  EXPECT_EQ(request.document().title(), "Báo cáo");
  EXPECT_TRUE(request.document().etag().empty());
}

TEST(Format, DatesAndDetailView) {
  v1::Date date;
  EXPECT_EQ(FormatDate(date), "");
  date.set_year(2021);
  date.set_month(11);
  date.set_day(5);
  EXPECT_EQ(FormatDate(date), "2021-11-05");

  v1::Meeting m;
  m.set_name("meetings/m1");
  m.set_status(v1::Meeting::HELD);
  *m.mutable_local_start_date() = date;
  m.add_organizers("organizations/vusta");
  m.add_organizers("organizations/lhh-hung-yen");
  auto* site = m.add_sites();
  site->set_site_id("hung-yen");
  site->set_display_name("Điểm cầu Hưng Yên");
  const std::string view = DetailView(m);
  EXPECT_THAT(view, HasSubstr("status"));
  EXPECT_THAT(view, HasSubstr("HELD"));
  EXPECT_THAT(view, HasSubstr("2021-11-05"));
  EXPECT_THAT(view, HasSubstr("organizations/vusta, organizations/lhh-hung-yen"));
  EXPECT_THAT(view, HasSubstr("1 item"));
  EXPECT_THAT(view, HasSubstr("Điểm cầu Hưng Yên"));
}

}  // namespace
}  // namespace meetings::cli
