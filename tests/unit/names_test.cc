#include "services/domain/names.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace meetings::domain {
namespace {

using ::testing::HasSubstr;

TEST(IsValidId, AcceptsAip122Ids) {
  for (const char* id : {"a", "ha-noi", "hung-yen", "vusta", "a1", "x-1-y",
                         "phan-xuan-dung", "abc123def"}) {
    EXPECT_TRUE(IsValidId(id)) << id;
  }
  EXPECT_TRUE(IsValidId(std::string(63, 'a')));
}

TEST(IsValidId, RejectsEverythingElse) {
  for (const char* id : {"", "1abc", "-abc", "abc-", "Abc", "aBc", "a_b", "a.b",
                         "a b", "a/b", "h\xC3\xA0-n\xE1\xBB\x99i", "a\n"}) {
    EXPECT_FALSE(IsValidId(id)) << id;
  }
  EXPECT_FALSE(IsValidId(std::string(64, 'a')));
  EXPECT_FALSE(IsValidId(std::string("a\0b", 3)));
}

TEST(ValidateId, NamesTheFieldAndDistinguishesMissingFromInvalid) {
  EXPECT_TRUE(ValidateId("meeting_id", "briefing-2021-11-15").ok());

  absl::Status missing = ValidateId("meeting_id", "");
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.message(), "meeting_id: required");

  absl::Status bad = ValidateId("meeting.sites[0].site_id", "Ha_Noi");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      std::string(bad.message()),
      ::testing::StartsWith("meeting.sites[0].site_id: invalid id \"Ha_Noi\""));
}

TEST(GenerateId, ProducesValidDistinctTwentyCharacterIds) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    std::string id = GenerateId();
    ASSERT_EQ(id.size(), 20u);
    ASSERT_TRUE(IsValidId(id)) << id;
    ASSERT_TRUE(id[0] >= 'a' && id[0] <= 'z') << id;
    for (char c : id) {
      ASSERT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << id;
    }
    EXPECT_TRUE(seen.insert(id).second) << "duplicate " << id;
  }
}

TEST(GenerateId, IsSafeToCallFromManyThreads) {
  std::vector<std::vector<std::string>> per_thread(4);
  std::vector<std::thread> threads;
  for (auto& out : per_thread) {
    threads.emplace_back([&out] {
      for (int i = 0; i < 500; ++i) out.push_back(GenerateId());
    });
  }
  for (std::thread& t : threads) t.join();
  absl::flat_hash_set<std::string> all;
  for (const auto& ids : per_thread) {
    for (const std::string& id : ids) {
      EXPECT_TRUE(IsValidId(id));
      all.insert(id);
    }
  }
  EXPECT_EQ(all.size(), 2000u);
}

TEST(ParseName, ReturnsTheIdOfEachCollection) {
  EXPECT_EQ(*ParseName("name", "organizations/vusta", kOrganizations), "vusta");
  EXPECT_EQ(*ParseName("name", "persons/phan-xuan-dung", kPersons),
            "phan-xuan-dung");
  EXPECT_EQ(*ParseName("name", "meetings/m1", kMeetings), "m1");
}

TEST(ParseName, EmptyIsRequired) {
  absl::StatusOr<std::string> got =
      ParseName("organization.parent", "", kOrganizations);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(got.status().message(), "organization.parent: required");
}

TEST(ParseName, WrongShapeNamesFieldExpectedShapeAndValue) {
  for (const char* name :
       {"organizations", "organizations/", "organization/vusta",
        "persons/vusta", "organizations/vusta/x", "organizations/Vusta",
        "organizations//vusta", "/organizations/vusta", "vusta",
        "organizationsx/vusta", "organizations/vusta-"}) {
    absl::StatusOr<std::string> got =
        ParseName("organization.parent", name, kOrganizations);
    ASSERT_FALSE(got.ok()) << name;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(got.status().message(),
              std::string("organization.parent: expected organizations/{id}, "
                          "got \"") +
                  name + "\"");
  }
}

TEST(ParseName, QuotesAtMostOneHundredBytesOfTheBadValue) {
  const std::string huge = "organizations/" + std::string(500, 'X');
  absl::StatusOr<std::string> got = ParseName("name", huge, kOrganizations);
  ASSERT_FALSE(got.ok());
  const std::string message(got.status().message());
  EXPECT_THAT(message, HasSubstr("got \"organizations/XXX"));
  EXPECT_LT(message.size(), 160u);
  EXPECT_EQ(message.find(std::string(101, 'X')), std::string::npos);

  // Invalid UTF-8 in the value is escaped, not copied.
  got = ParseName("name", "organizations/\xFF", kOrganizations);
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("\\xff"));
}

TEST(ParseDocumentName, ReturnsBothIds) {
  absl::StatusOr<DocumentName> got = ParseDocumentName(
      "name", "meetings/briefing-2021/documents/draft-report");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->meeting_id, "briefing-2021");
  EXPECT_EQ(got->document_id, "draft-report");
}

TEST(ParseDocumentName, RejectsOtherShapes) {
  EXPECT_EQ(ParseDocumentName("document.supersedes", "").status().message(),
            "document.supersedes: required");
  for (const char* name :
       {"meetings/m", "meetings/m/documents", "meetings/m/documents/",
        "meetings/m/files/d", "persons/m/documents/d",
        "meetings/m/documents/d/x", "meetings//documents/d",
        "meetings/M/documents/d", "meetings/m/documents/1d"}) {
    absl::StatusOr<DocumentName> got = ParseDocumentName("name", name);
    ASSERT_FALSE(got.ok()) << name;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(
        got.status().message(),
        std::string("name: expected meetings/{id}/documents/{id}, got \"") +
            name + "\"");
  }
}

TEST(FormatName, RoundTripsThroughParse) {
  EXPECT_EQ(FormatName(kOrganizations, "vusta"), "organizations/vusta");
  EXPECT_EQ(*ParseName("n", FormatName(kPersons, "p1"), kPersons), "p1");
  const std::string id = GenerateId();
  EXPECT_EQ(*ParseName("n", FormatName(kMeetings, id), kMeetings), id);

  EXPECT_EQ(FormatDocumentName("m1", "d1"), "meetings/m1/documents/d1");
  absl::StatusOr<DocumentName> doc =
      ParseDocumentName("n", FormatDocumentName("m1", "d1"));
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->meeting_id, "m1");
  EXPECT_EQ(doc->document_id, "d1");
}

}  // namespace
}  // namespace meetings::domain
