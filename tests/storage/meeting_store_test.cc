// The domain core over a real RocksDB: standard methods, the three meeting
// indexes, paging, references and tombstones.
#include <algorithm>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/storage/store_fixture.h"

namespace meetings::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class MeetingStoreTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    CreateOrganization("vusta");
    CreateOrganization("hung-yen", "vusta");
    CreateOrganization("hung-yen-office", "hung-yen");
    CreateOrganization("ha-noi", "vusta");
    CreatePerson("dung");
    CreatePerson("hao");
  }
};

TEST_F(MeetingStoreTest, CreateThenGetReturnsTheStoredMeetingWithOutputFields) {
  auto created = CreateMeeting("m1", MeetingAt(Local(2021, 11, 15, 8, 0), 3.5, {"vusta"}, {"dung"}));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "meetings/m1");
  EXPECT_FALSE(created->uid().empty());
  EXPECT_FALSE(created->etag().empty());
  EXPECT_TRUE(created->has_create_time());
  EXPECT_EQ(created->local_start_date().day(), 15);
  EXPECT_EQ(created->local_end_date().day(), 15);

  v1::GetMeetingRequest get;
  get.set_name("meetings/m1");
  auto read = core_->GetMeeting(get);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->SerializeAsString(), created->SerializeAsString());
}

TEST_F(MeetingStoreTest, MeetingSurvivesReopen) {
  ASSERT_TRUE(CreateMeeting("m1", MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"vusta"})).ok());
  Close();
  Open();
  v1::GetMeetingRequest get;
  get.set_name("meetings/m1");
  EXPECT_TRUE(core_->GetMeeting(get).ok());
}

TEST_F(MeetingStoreTest, HanoiMorningMeetingIsFoundOnItsLocalDateNotTheUtcOne) {
  // 08:00 in Hanoi is 01:00 UTC the same day; 06:00 is 23:00 UTC the day before.
  ASSERT_TRUE(CreateMeeting("early", MeetingAt(Local(2021, 11, 15, 6, 0), 1, {"vusta"})).ok());
  ASSERT_TRUE(CreateMeeting("other-day", MeetingAt(Local(2021, 11, 14, 9, 0), 1, {"vusta"})).ok());
  v1::ListMeetingsRequest request;
  *request.mutable_start_date() = Day(2021, 11, 15);
  *request.mutable_end_date() = Day(2021, 11, 15);
  EXPECT_THAT(AllIds(request), ElementsAre("early"));
}

TEST_F(MeetingStoreTest, TwoDayMeetingIsFoundOnBothDaysAndListedOnce) {
  ASSERT_TRUE(CreateMeeting("two-day", MeetingAt(Local(2021, 11, 15, 8, 0), 33, {"vusta"})).ok());
  for (int day : {15, 16}) {
    v1::ListMeetingsRequest request;
    *request.mutable_start_date() = Day(2021, 11, day);
    *request.mutable_end_date() = Day(2021, 11, day);
    EXPECT_THAT(AllIds(request), ElementsAre("two-day")) << "day " << day;
  }
  v1::ListMeetingsRequest whole_month;
  *whole_month.mutable_start_date() = Day(2021, 11, 1);
  *whole_month.mutable_end_date() = Day(2021, 11, 30);
  EXPECT_THAT(AllIds(whole_month), ElementsAre("two-day"));
  whole_month.set_order_by("start_time desc");
  EXPECT_THAT(AllIds(whole_month), ElementsAre("two-day"));
  v1::ListMeetingsRequest day_after;
  *day_after.mutable_start_date() = Day(2021, 11, 17);
  EXPECT_THAT(AllIds(day_after), IsEmpty());
}

TEST_F(MeetingStoreTest, OrganizationQueryWithSubOrganizationsMergesWithoutRepeats) {
  ASSERT_TRUE(CreateMeeting("national", MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"vusta"})).ok());
  ASSERT_TRUE(CreateMeeting("provincial", MeetingAt(Local(2021, 11, 10, 8, 0), 2, {"hung-yen"})).ok());
  ASSERT_TRUE(
      CreateMeeting("office", MeetingAt(Local(2021, 11, 20, 8, 0), 2, {"hung-yen-office"})).ok());
  // Organized by two organizations of the subtree: must come once.
  ASSERT_TRUE(
      CreateMeeting("joint", MeetingAt(Local(2021, 11, 12, 8, 0), 2, {"vusta", "hung-yen"})).ok());
  ASSERT_TRUE(CreateMeeting("capital", MeetingAt(Local(2021, 11, 11, 8, 0), 2, {"ha-noi"})).ok());

  v1::ListMeetingsRequest direct;
  direct.set_organization("organizations/hung-yen");
  EXPECT_THAT(AllIds(direct), ElementsAre("provincial", "joint"));

  v1::ListMeetingsRequest subtree;
  subtree.set_organization("organizations/hung-yen");
  subtree.set_include_sub_organizations(true);
  EXPECT_THAT(AllIds(subtree), ElementsAre("provincial", "joint", "office"));

  subtree.set_organization("organizations/vusta");
  subtree.set_page_size(2);
  EXPECT_THAT(AllIds(subtree), ElementsAre("provincial", "capital", "joint", "national", "office"));
  subtree.set_order_by("start_time desc");
  EXPECT_THAT(AllIds(subtree), ElementsAre("office", "national", "joint", "capital", "provincial"));

  *subtree.mutable_start_date() = Day(2021, 11, 11);
  *subtree.mutable_end_date() = Day(2021, 11, 15);
  subtree.clear_order_by();
  EXPECT_THAT(AllIds(subtree), ElementsAre("capital", "joint", "national"));
}

TEST_F(MeetingStoreTest, PersonQueryFindsMeetingsTheyTookPartIn) {
  ASSERT_TRUE(CreateMeeting("a", MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"vusta"}, {"dung"})).ok());
  ASSERT_TRUE(
      CreateMeeting("b", MeetingAt(Local(2021, 11, 16, 8, 0), 2, {"vusta"}, {"dung", "hao"})).ok());
  ASSERT_TRUE(CreateMeeting("c", MeetingAt(Local(2021, 11, 17, 8, 0), 2, {"vusta"}, {"hao"})).ok());
  v1::ListMeetingsRequest request;
  request.set_person("persons/dung");
  EXPECT_THAT(AllIds(request), ElementsAre("a", "b"));
  request.set_person("persons/hao");
  request.set_order_by("start_time desc");
  EXPECT_THAT(AllIds(request), ElementsAre("c", "b"));
}

TEST_F(MeetingStoreTest, UpdateMovesIndexRowsAndDeleteRemovesThem) {
  auto created = CreateMeeting("m", MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"vusta"}, {"dung"}));
  ASSERT_TRUE(created.ok());
  v1::UpdateMeetingRequest update;
  *update.mutable_meeting() = MeetingAt(Local(2021, 12, 1, 8, 0), 2, {"ha-noi"}, {"hao"});
  update.mutable_meeting()->set_name("meetings/m");
  update.mutable_update_mask()->add_paths("start_time");
  update.mutable_update_mask()->add_paths("end_time");
  update.mutable_update_mask()->add_paths("organizers");
  update.mutable_update_mask()->add_paths("participants");
  auto updated = core_->UpdateMeeting(update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_NE(updated->etag(), created->etag());
  EXPECT_EQ(updated->local_start_date().month(), 12);
  EXPECT_EQ(updated->title(), created->title());  // not in the mask

  v1::ListMeetingsRequest by_old_org;
  by_old_org.set_organization("organizations/vusta");
  EXPECT_THAT(AllIds(by_old_org), IsEmpty());
  v1::ListMeetingsRequest by_new_person;
  by_new_person.set_person("persons/hao");
  EXPECT_THAT(AllIds(by_new_person), ElementsAre("m"));
  v1::ListMeetingsRequest old_day;
  *old_day.mutable_start_date() = Day(2021, 11, 15);
  *old_day.mutable_end_date() = Day(2021, 11, 15);
  EXPECT_THAT(AllIds(old_day), IsEmpty());
  ExpectConsistent();

  v1::DeleteMeetingRequest del;
  del.set_name("meetings/m");
  ASSERT_TRUE(core_->DeleteMeeting(del).ok());
  EXPECT_THAT(AllIds(by_new_person), IsEmpty());
  EXPECT_THAT(AllIds(v1::ListMeetingsRequest()), IsEmpty());
  ExpectConsistent();
}

TEST_F(MeetingStoreTest, StaleEtagIsAbortedAndChangesNothing) {
  auto created = CreateMeeting("m", MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"vusta"}));
  ASSERT_TRUE(created.ok());
  v1::UpdateMeetingRequest update;
  update.mutable_meeting()->set_name("meetings/m");
  update.mutable_meeting()->set_title("Tên mới");
  update.mutable_update_mask()->add_paths("title");
  update.mutable_meeting()->set_etag(created->etag());
  ASSERT_TRUE(core_->UpdateMeeting(update).ok());
  // The same etag again is now stale.
  update.mutable_meeting()->set_title("Tên khác");
  auto stale = core_->UpdateMeeting(update);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  v1::GetMeetingRequest get;
  get.set_name("meetings/m");
  EXPECT_EQ(core_->GetMeeting(get)->title(), "Tên mới");

  v1::DeleteMeetingRequest del;
  del.set_name("meetings/m");
  del.set_etag(created->etag());
  EXPECT_EQ(core_->DeleteMeeting(del).code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(core_->GetMeeting(get).ok());
}

TEST_F(MeetingStoreTest, DeletedIdLeavesATombstoneAndIsNeverReused) {
  ASSERT_TRUE(CreateMeeting("m", MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"vusta"})).ok());
  v1::DeleteMeetingRequest del;
  del.set_name("meetings/m");
  ASSERT_TRUE(core_->DeleteMeeting(del).ok());
  v1::GetMeetingRequest get;
  get.set_name("meetings/m");
  EXPECT_EQ(core_->GetMeeting(get).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(core_->DeleteMeeting(del).code(), absl::StatusCode::kNotFound);
  auto again = CreateMeeting("m", MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"vusta"}));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(again.status().message()), HasSubstr("deleted"));
  auto tombstone = store_->Get(storage::RecordKey::Meeting("m"));
  ASSERT_TRUE(tombstone.ok());
  EXPECT_TRUE(tombstone->tombstoned);
}

TEST_F(MeetingStoreTest, ReferencedOrganizationAndPersonCannotBeDeleted) {
  ASSERT_TRUE(CreateMeeting("m", MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"ha-noi"}, {"hao"})).ok());
  v1::DeleteOrganizationRequest del_org;
  del_org.set_name("organizations/ha-noi");
  auto status = core_->DeleteOrganization(del_org);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("meeting \"m\""));
  v1::DeletePersonRequest del_person;
  del_person.set_name("persons/hao");
  EXPECT_EQ(core_->DeletePerson(del_person).code(), absl::StatusCode::kFailedPrecondition);
  // A parent with children is referenced too.
  v1::DeleteOrganizationRequest del_parent;
  del_parent.set_name("organizations/hung-yen");
  EXPECT_EQ(core_->DeleteOrganization(del_parent).code(), absl::StatusCode::kFailedPrecondition);

  v1::DeleteMeetingRequest del_meeting;
  del_meeting.set_name("meetings/m");
  ASSERT_TRUE(core_->DeleteMeeting(del_meeting).ok());
  EXPECT_TRUE(core_->DeleteOrganization(del_org).ok());
  EXPECT_TRUE(core_->DeletePerson(del_person).ok());
  ExpectConsistent();
}

TEST_F(MeetingStoreTest, MissingReferenceIsNotFoundAndStoresNothing) {
  auto created = CreateMeeting("m", MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"vusta", "nope"}));
  EXPECT_EQ(created.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(created.status().message()), HasSubstr("meeting.organizers[1]"));
  v1::GetMeetingRequest get;
  get.set_name("meetings/m");
  EXPECT_EQ(core_->GetMeeting(get).status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(AllIds(v1::ListMeetingsRequest()), IsEmpty());
  ExpectConsistent();
}

TEST_F(MeetingStoreTest, OrganizationParentCycleIsRejected) {
  v1::UpdateOrganizationRequest update;
  update.mutable_organization()->set_name("organizations/vusta");
  update.mutable_organization()->set_parent("organizations/hung-yen-office");
  update.mutable_update_mask()->add_paths("parent");
  auto result = core_->UpdateOrganization(update);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("organization.parent"));
}

TEST_F(MeetingStoreTest, PageTokensStayCorrectWhenRecordsChangeBetweenPages) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(
        CreateMeeting(absl::StrCat("m", i), MeetingAt(Local(2021, 11, 1 + i, 8, 0), 1, {"vusta"})).ok());
  }
  v1::ListMeetingsRequest request;
  request.set_organization("organizations/vusta");
  request.set_page_size(4);
  auto first = core_->ListMeetings(request, {});
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(Ids(*first), ElementsAre("m0", "m1", "m2", "m3"));
  // Between pages: delete one already returned and one ahead, insert one
  // before the cursor and one after it.
  for (const char* id : {"m1", "m5"}) {
    v1::DeleteMeetingRequest del;
    del.set_name(absl::StrCat("meetings/", id));
    ASSERT_TRUE(core_->DeleteMeeting(del).ok());
  }
  ASSERT_TRUE(CreateMeeting("before", MeetingAt(Local(2021, 10, 1, 8, 0), 1, {"vusta"})).ok());
  ASSERT_TRUE(CreateMeeting("after", MeetingAt(Local(2021, 11, 7, 9, 0), 1, {"vusta"})).ok());
  request.set_page_token(first->next_page_token());
  std::vector<std::string> rest;
  while (true) {
    auto page = core_->ListMeetings(request, {});
    ASSERT_TRUE(page.ok()) << page.status();
    for (auto& id : Ids(*page)) rest.push_back(id);
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  EXPECT_THAT(rest, ElementsAre("m4", "m6", "after", "m7", "m8", "m9"));
}

TEST_F(MeetingStoreTest, PageTokenOfAnotherQueryIsRejected) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        CreateMeeting(absl::StrCat("m", i), MeetingAt(Local(2021, 11, 1 + i, 8, 0), 1, {"vusta"})).ok());
  }
  v1::ListMeetingsRequest request;
  request.set_organization("organizations/vusta");
  request.set_page_size(1);
  auto first = core_->ListMeetings(request, {});
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_page_token().empty());
  v1::ListMeetingsRequest other;
  other.set_person("persons/dung");
  other.set_page_token(first->next_page_token());
  auto rejected = core_->ListMeetings(other, {});
  EXPECT_EQ(rejected.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(rejected.status().message()), HasSubstr("page_token"));
  // A different page size with the same token is fine (AIP-158).
  request.set_page_size(5);
  request.set_page_token(first->next_page_token());
  auto next = core_->ListMeetings(request, {});
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_THAT(Ids(*next), ElementsAre("m1", "m2"));
}

TEST_F(MeetingStoreTest, PageSizeDefaultsAndCapsAndRejectsNegative) {
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(CreateMeeting(absl::StrCat("m", i),
                              MeetingAt(Local(2021, 1, 1, 8, 0) + i * 24 * 60, 1, {"vusta"}))
                    .ok());
  }
  v1::ListMeetingsRequest request;
  auto page = core_->ListMeetings(request, {});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->meetings_size(), 50);
  request.set_page_size(100000);
  page = core_->ListMeetings(request, {});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->meetings_size(), 60);
  EXPECT_TRUE(page->next_page_token().empty());
  request.set_page_size(-1);
  EXPECT_EQ(core_->ListMeetings(request, {}).status().code(), absl::StatusCode::kInvalidArgument);
}

// The proof that queries are served from indexes: the entries a page reads
// depend on the page size, not on how many meetings the store holds.
TEST_F(MeetingStoreTest, QueryReadsIndexEntriesInProportionToThePageNotTheDatabase) {
  auto entries_for_page = [&](const v1::ListMeetingsRequest& request) {
    const uint64_t before = kv_->entries_scanned();
    auto page = core_->ListMeetings(request, {});
    EXPECT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->meetings_size(), request.page_size());
    return kv_->entries_scanned() - before;
  };
  auto queries = [&] {
    std::vector<v1::ListMeetingsRequest> qs(4);
    qs[0].set_organization("organizations/hung-yen");
    qs[1].set_person("persons/dung");
    *qs[2].mutable_start_date() = Day(2021, 6, 1);
    *qs[2].mutable_end_date() = Day(2021, 6, 30);
    qs[3].set_organization("organizations/vusta");
    qs[3].set_include_sub_organizations(true);
    qs[3].set_order_by("start_time desc");
    for (auto& q : qs) q.set_page_size(10);
    return qs;
  };
  // Two meetings a day (one of them two days long) for ~200 days ...
  auto add = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      const absl::CivilMinute day = absl::CivilMinute(2021, 1, 1, 8, 0) + (i / 2) * 24 * 60;
      const double hours = i % 2 == 0 ? 2 : 30;
      const std::string org = i % 3 == 0 ? "hung-yen" : (i % 3 == 1 ? "ha-noi" : "vusta");
      ASSERT_TRUE(CreateMeeting(absl::StrCat("m", i),
                                MeetingAt(day + (i % 2) * 60, hours, {org},
                                          i % 2 == 0 ? std::vector<std::string>{"dung"}
                                                     : std::vector<std::string>{}))
                      .ok());
    }
  };
  add(0, 400);
  std::vector<uint64_t> small;
  for (const auto& q : queries()) small.push_back(entries_for_page(q));
  // ... then ten times as many.
  add(400, 4000);
  std::vector<uint64_t> large;
  for (const auto& q : queries()) large.push_back(entries_for_page(q));
  for (size_t i = 0; i < small.size(); ++i) {
    // Each multi-day meeting adds at most one extra row per extra day; the
    // subtree merge reads at most one extra row per scope.
    EXPECT_LE(large[i], 40u) << "query " << i;
    EXPECT_EQ(large[i], small[i]) << "query " << i;
  }
}

// show_total_size counts the whole query on the first page: the same
// meetings that walking every page returns, multi-day meetings and
// meetings of several organizations of a subtree once each.
TEST_F(MeetingStoreTest, TotalSizeCountsWhatWalkingEveryPageReturns) {
  for (int i = 0; i < 37; ++i) {
    const absl::CivilMinute day = absl::CivilMinute(2021, 11, 1, 8, 0) + (i / 3) * 24 * 60;
    std::vector<std::string> orgs = {i % 2 == 0 ? "hung-yen" : "ha-noi"};
    if (i % 5 == 0) orgs.push_back("hung-yen-office");
    ASSERT_TRUE(CreateMeeting(absl::StrCat("m", i),
                              MeetingAt(day, i % 4 == 0 ? 30 : 2, orgs,
                                        i % 3 == 0 ? std::vector<std::string>{"dung"}
                                                   : std::vector<std::string>{}))
                    .ok());
  }
  std::vector<v1::ListMeetingsRequest> queries(5);
  queries[1].set_organization("organizations/vusta");
  queries[1].set_include_sub_organizations(true);
  queries[2].set_organization("organizations/hung-yen");
  queries[2].set_include_sub_organizations(true);
  queries[2].set_order_by("start_time desc");
  queries[3].set_person("persons/dung");
  *queries[4].mutable_start_date() = Day(2021, 11, 3);
  *queries[4].mutable_end_date() = Day(2021, 11, 6);
  for (size_t q = 0; q < queries.size(); ++q) {
    v1::ListMeetingsRequest request = queries[q];
    request.set_page_size(4);
    request.set_show_total_size(true);
    int walked = 0;
    int32_t total = -1;
    while (true) {
      auto page = core_->ListMeetings(request, {});
      ASSERT_TRUE(page.ok()) << page.status();
      if (request.page_token().empty()) {
        total = page->total_size();
      } else {
        EXPECT_EQ(page->total_size(), 0) << "counted on the first page only";
      }
      walked += page->meetings_size();
      if (page->next_page_token().empty()) break;
      request.set_page_token(page->next_page_token());
      // Not part of the query: a later page may leave it out.
      request.set_show_total_size(q % 2 == 0);
    }
    EXPECT_GT(walked, 0) << "query " << q;
    EXPECT_EQ(total, walked) << "query " << q;
  }

  // Without show_total_size nothing is counted.
  auto plain = core_->ListMeetings(v1::ListMeetingsRequest(), {});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->total_size(), 0);

  v1::ListPersonsRequest persons;
  persons.set_page_size(1);
  persons.set_show_total_size(true);
  auto person_page = core_->ListPersons(persons, {});
  ASSERT_TRUE(person_page.ok());
  EXPECT_EQ(person_page->total_size(), 2);
  v1::ListOrganizationsRequest organizations;
  organizations.set_page_size(1);
  organizations.set_show_total_size(true);
  auto organization_page = core_->ListOrganizations(organizations, {});
  ASSERT_TRUE(organization_page.ok());
  EXPECT_EQ(organization_page->total_size(), 4);
  organizations.set_parent("organizations/vusta");
  organization_page = core_->ListOrganizations(organizations, {});
  ASSERT_TRUE(organization_page.ok());
  EXPECT_EQ(organization_page->total_size(), 2);
}

// What the gRPC handlers send (stored bytes, unparsed) parses to exactly
// what GetMeeting and ListMeetings return, page tokens and totals included.
TEST_F(MeetingStoreTest, SerializedReadsEqualParsedReads) {
  for (int i = 0; i < 12; ++i) {
    const absl::CivilMinute day = absl::CivilMinute(2021, 11, 1, 8, 0) + (i / 2) * 24 * 60;
    ASSERT_TRUE(CreateMeeting(absl::StrCat("m", i),
                              MeetingAt(day, i % 3 == 0 ? 30 : 2,
                                        {i % 2 == 0 ? "hung-yen" : "ha-noi"}, {"dung"}))
                    .ok());
  }
  v1::GetMeetingRequest get;
  get.set_name("meetings/m3");
  auto parsed = core_->GetMeeting(get, {});
  auto serialized = core_->GetMeetingSerialized(get, {});
  ASSERT_TRUE(parsed.ok() && serialized.ok());
  v1::Meeting from_bytes;
  ASSERT_TRUE(from_bytes.ParseFromString(serialized->bytes));
  EXPECT_EQ(from_bytes.DebugString(), parsed->DebugString());
  get.set_name("meetings/no-such-meeting");
  EXPECT_EQ(core_->GetMeetingSerialized(get, {}).status().code(), absl::StatusCode::kNotFound);

  std::vector<v1::ListMeetingsRequest> queries(4);
  queries[1].set_organization("organizations/vusta");
  queries[1].set_include_sub_organizations(true);
  queries[2].set_person("persons/dung");
  queries[2].set_order_by("start_time desc");
  *queries[3].mutable_start_date() = Day(2021, 11, 2);
  *queries[3].mutable_end_date() = Day(2021, 11, 3);
  for (size_t q = 0; q < queries.size(); ++q) {
    v1::ListMeetingsRequest request = queries[q];
    request.set_page_size(2);
    request.set_show_total_size(true);
    int pages = 0;
    while (true) {
      auto page = core_->ListMeetings(request, {});
      auto bytes = core_->ListMeetingsSerialized(request, {});
      ASSERT_TRUE(page.ok() && bytes.ok()) << page.status() << bytes.status();
      v1::ListMeetingsResponse from_wire;
      ASSERT_TRUE(from_wire.ParseFromString(bytes->bytes));
      EXPECT_EQ(from_wire.DebugString(), page->DebugString()) << "query " << q;
      ++pages;
      if (page->next_page_token().empty()) break;
      request.set_page_token(page->next_page_token());
    }
    EXPECT_GE(pages, 2) << "query " << q;
  }
}

TEST_F(MeetingStoreTest, ExpiredDeadlineStopsAScan) {
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(CreateMeeting(absl::StrCat("m", i),
                              MeetingAt(Local(2021, 1, 1, 8, 0) + i * 60, 1, {"vusta"}))
                    .ok());
  }
  domain::CallContext expired;
  expired.deadline = absl::Now() - absl::Seconds(1);
  v1::ListMeetingsRequest request;
  request.set_page_size(100);
  EXPECT_EQ(core_->ListMeetings(request, expired).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  domain::CallContext cancelled;
  cancelled.is_cancelled = [] { return true; };
  EXPECT_EQ(core_->ListMeetings(request, cancelled).status().code(),
            absl::StatusCode::kCancelled);
}

TEST_F(MeetingStoreTest, DocumentsBelongToTheirMeetingAndBlockItsDeletionUnlessForced) {
  ASSERT_TRUE(CreateMeeting("m", MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"vusta"})).ok());
  for (auto [id, status] : {std::pair{"draft-a", v1::Document::DRAFT},
                            std::pair{"final-b", v1::Document::FINAL},
                            std::pair{"draft-c", v1::Document::DRAFT}}) {
    v1::CreateDocumentRequest create;
    create.set_parent("meetings/m");
    create.set_document_id(id);
    create.mutable_document()->set_title(absl::StrCat("Báo cáo ", id));
    create.mutable_document()->set_status(status);
    create.mutable_document()->set_presenter("persons/dung");
    ASSERT_TRUE(core_->CreateDocument(create).ok());
  }
  v1::CreateDocumentRequest orphan;
  orphan.set_parent("meetings/nope");
  orphan.mutable_document()->set_title("x");
  EXPECT_EQ(core_->CreateDocument(orphan).status().code(), absl::StatusCode::kNotFound);

  v1::ListDocumentsRequest list;
  list.set_parent("meetings/m");
  list.set_status(v1::Document::DRAFT);
  auto drafts = core_->ListDocuments(list, {});
  ASSERT_TRUE(drafts.ok());
  ASSERT_EQ(drafts->documents_size(), 2);
  EXPECT_EQ(drafts->documents(0).name(), "meetings/m/documents/draft-a");
  EXPECT_EQ(drafts->documents(1).name(), "meetings/m/documents/draft-c");

  v1::DeleteMeetingRequest del;
  del.set_name("meetings/m");
  EXPECT_EQ(core_->DeleteMeeting(del).code(), absl::StatusCode::kFailedPrecondition);
  del.set_force(true);
  ASSERT_TRUE(core_->DeleteMeeting(del).ok());
  v1::GetDocumentRequest get;
  get.set_name("meetings/m/documents/draft-a");
  EXPECT_EQ(core_->GetDocument(get).status().code(), absl::StatusCode::kNotFound);
  // The presenter is free to go now that the documents are gone.
  v1::DeletePersonRequest del_person;
  del_person.set_name("persons/dung");
  EXPECT_TRUE(core_->DeletePerson(del_person).ok());
  ExpectConsistent();
}

TEST_F(MeetingStoreTest, ListOrganizationsByParentAndPages) {
  v1::ListOrganizationsRequest children;
  children.set_parent("organizations/vusta");
  auto page = core_->ListOrganizations(children, {});
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->organizations_size(), 2);
  EXPECT_EQ(page->organizations(0).name(), "organizations/ha-noi");
  EXPECT_EQ(page->organizations(1).name(), "organizations/hung-yen");

  v1::ListOrganizationsRequest all;
  all.set_page_size(3);
  std::vector<std::string> names;
  for (int i = 0; i < 10; ++i) {
    auto p = core_->ListOrganizations(all, {});
    ASSERT_TRUE(p.ok());
    for (const auto& o : p->organizations()) names.push_back(o.name());
    if (p->next_page_token().empty()) break;
    all.set_page_token(p->next_page_token());
  }
  EXPECT_THAT(names, ElementsAre("organizations/ha-noi", "organizations/hung-yen",
                                 "organizations/hung-yen-office", "organizations/vusta"));
}

}  // namespace
}  // namespace meetings::testing
