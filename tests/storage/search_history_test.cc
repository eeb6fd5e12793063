// Vietnamese search that ignores diacritics and case, and record history,
// over a real RocksDB.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/search_terms.h"
#include "tests/storage/store_fixture.h"

namespace meetings::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

TEST(SearchTerms, FoldsVietnameseDiacriticsCaseAndDStroke) {
  EXPECT_EQ(domain::FoldForSearch("Nguyễn Khắc Hào"), "nguyen khac hao");
  EXPECT_EQ(domain::FoldForSearch("ĐẶNG Thị Ánh"), "dang thi anh");
  EXPECT_EQ(domain::FoldForSearch("Liên hiệp các Hội Khoa học và Kỹ thuật"),
            "lien hiep cac hoi khoa hoc va ky thuat");
  EXPECT_THAT(domain::SearchWords("PGS.TS Phạm Quang Thao, Hưng Yên"),
              ElementsAre("pgs", "ts", "pham", "quang", "thao", "hung", "yen"));
}

class SearchHistoryTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    CreateOrganization("vusta");
    CreateOrganization("hung-yen", "vusta");
    for (auto [id, name] : {std::pair{"hao", "Nguyễn Khắc Hào"}, std::pair{"dang", "Đặng Văn Minh"},
                            std::pair{"hao2", "Nguyễn Hảo"}}) {
      v1::CreatePersonRequest request;
      request.set_person_id(id);
      request.mutable_person()->set_full_name(name);
      ASSERT_TRUE(core_->CreatePerson(request).ok());
    }
  }

  std::vector<std::string> Search(v1::SearchRecordsRequest request) {
    std::vector<std::string> names;
    for (int pages = 0; pages < 100; ++pages) {
      auto response = core_->SearchRecords(request, {});
      EXPECT_TRUE(response.ok()) << response.status();
      if (!response.ok()) break;
      for (const auto& r : response->results()) names.push_back(r.name());
      if (response->next_page_token().empty()) break;
      request.set_page_token(response->next_page_token());
    }
    return names;
  }
  std::vector<std::string> Search(const std::string& query) {
    v1::SearchRecordsRequest request;
    request.set_query(query);
    return Search(request);
  }
};

TEST_F(SearchHistoryTest, FindsPersonsWithoutDiacriticsAndInAnyCase) {
  EXPECT_THAT(Search("nguyen khac hao"), ElementsAre("persons/hao"));
  EXPECT_THAT(Search("NGUYỄN khắc"), ElementsAre("persons/hao"));
  EXPECT_THAT(Search("dang"), ElementsAre("persons/dang"));
  EXPECT_THAT(Search("Đặng"), ElementsAre("persons/dang"));
  EXPECT_THAT(Search("nguyen"), UnorderedElementsAre("persons/hao", "persons/hao2"));
  EXPECT_THAT(Search("nguyen khac tuan"), IsEmpty());
}

TEST_F(SearchHistoryTest, FindsMeetingsByTitleAndParticipantNamesWithFilters) {
  auto nov = MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"vusta"}, {"hao"});
  nov.set_title("Hội nghị giao ban Liên hiệp các hội Khoa học và Kỹ thuật");
  ASSERT_TRUE(CreateMeeting("nov", nov).ok());
  auto dec = MeetingAt(Local(2021, 12, 1, 8, 0), 2, {"hung-yen"}, {"dang"});
  dec.set_title("Hội thảo khoa học tỉnh Hưng Yên");
  ASSERT_TRUE(CreateMeeting("dec", dec).ok());

  EXPECT_THAT(Search("giao ban lien hiep"), ElementsAre("meetings/nov"));
  // A participant's name is kept on the meeting, so the meeting is found too.
  EXPECT_THAT(Search("khac hao"), UnorderedElementsAre("persons/hao", "meetings/nov"));

  v1::SearchRecordsRequest request;
  request.set_query("khoa hoc");
  EXPECT_THAT(Search(request), ElementsAre("meetings/dec", "meetings/nov"));  // newest first
  request.add_types(v1::MEETING);
  request.set_organization("organizations/hung-yen");
  EXPECT_THAT(Search(request), ElementsAre("meetings/dec"));
  request.set_organization("organizations/vusta");
  request.set_include_sub_organizations(true);
  request.mutable_start_date()->set_year(2021);
  request.mutable_start_date()->set_month(11);
  request.mutable_start_date()->set_day(15);
  *request.mutable_end_date() = request.start_date();
  EXPECT_THAT(Search(request), ElementsAre("meetings/nov"));
}

TEST_F(SearchHistoryTest, RanksByRelevanceThenDateAndPages) {
  for (int i = 0; i < 7; ++i) {
    auto m = MeetingAt(Local(2021, 1, 1 + i, 8, 0), 1, {"vusta"});
    m.set_title(i == 3 ? "Hưng Yên: hội nghị Hưng Yên" : "Hội nghị");
    if (i == 5) m.set_title("Hội nghị tại Hưng Yên");
    ASSERT_TRUE(CreateMeeting(absl::StrCat("m", i), m).ok());
  }
  v1::SearchRecordsRequest request;
  request.set_query("hung yen");
  request.add_types(v1::MEETING);  // the fixture's "Tổ chức hung-yen" matches too
  request.set_page_size(1);
  // Both titles match with the same weight: newest first.
  EXPECT_THAT(Search(request), ElementsAre("meetings/m5", "meetings/m3"));
  request.set_query("hoi nghi");
  request.set_page_size(3);
  const auto all = Search(request);
  EXPECT_EQ(all.size(), 7u);
  EXPECT_EQ(all.front(), "meetings/m6");
}

TEST_F(SearchHistoryTest, SearchIndexFollowsUpdatesAndDeletes) {
  v1::UpdatePersonRequest rename;
  rename.mutable_person()->set_name("persons/dang");
  rename.mutable_person()->set_full_name("Trần Văn Minh");
  rename.mutable_update_mask()->add_paths("full_name");
  ASSERT_TRUE(core_->UpdatePerson(rename).ok());
  EXPECT_THAT(Search("dang"), IsEmpty());
  EXPECT_THAT(Search("tran van minh"), ElementsAre("persons/dang"));
  v1::DeletePersonRequest del;
  del.set_name("persons/dang");
  ASSERT_TRUE(core_->DeletePerson(del).ok());
  EXPECT_THAT(Search("minh"), IsEmpty());
  ExpectConsistent();
}

TEST_F(SearchHistoryTest, EmptyOrPunctuationOnlyQueryIsInvalid) {
  v1::SearchRecordsRequest request;
  request.set_query(" ,.;");
  EXPECT_EQ(core_->SearchRecords(request, {}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SearchHistoryTest, HistoryKeepsEveryVersionWithTimeAndActorAcrossDelete) {
  domain::CallContext alice;
  alice.actor = "alice";
  domain::CallContext bob;
  bob.actor = "bob";
  v1::CreateMeetingRequest create;
  create.set_meeting_id("m");
  *create.mutable_meeting() = MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"vusta"});
  create.mutable_meeting()->set_title("Bản 1");
  ASSERT_TRUE(core_->CreateMeeting(create, alice).ok());
  for (const char* title : {"Bản 2", "Bản 3"}) {
    v1::UpdateMeetingRequest update;
    update.mutable_meeting()->set_name("meetings/m");
    update.mutable_meeting()->set_title(title);
    update.mutable_update_mask()->add_paths("title");
    ASSERT_TRUE(core_->UpdateMeeting(update, bob).ok());
  }
  v1::DeleteMeetingRequest del;
  del.set_name("meetings/m");
  ASSERT_TRUE(core_->DeleteMeeting(del, alice).ok());

  v1::ListRevisionsRequest list;
  list.set_name("meetings/m");
  list.set_page_size(3);
  auto page = core_->ListRevisions(list);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->revisions_size(), 3);
  EXPECT_EQ(page->revisions(0).revision_id(), 4u);
  EXPECT_EQ(page->revisions(0).type(), v1::DELETED);
  EXPECT_EQ(page->revisions(0).actor(), "alice");
  EXPECT_EQ(page->revisions(1).meeting().title(), "Bản 3");
  EXPECT_EQ(page->revisions(1).actor(), "bob");
  ASSERT_FALSE(page->next_page_token().empty());
  list.set_page_token(page->next_page_token());
  auto rest = core_->ListRevisions(list);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->revisions_size(), 1);
  EXPECT_EQ(rest->revisions(0).type(), v1::CREATED);
  EXPECT_EQ(rest->revisions(0).meeting().title(), "Bản 1");
  EXPECT_TRUE(rest->revisions(0).has_create_time());

  v1::GetRevisionRequest get;
  get.set_name("meetings/m");
  get.set_revision_id(2);
  auto second = core_->GetRevision(get);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->meeting().title(), "Bản 2");
  get.set_revision_id(9);
  EXPECT_EQ(core_->GetRevision(get).status().code(), absl::StatusCode::kNotFound);
  list.set_name("meetings/never");
  list.clear_page_token();
  EXPECT_EQ(core_->ListRevisions(list).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SearchHistoryTest, RetentionDropsOldVersionsButKeepsTheNewest) {
  for (const char* title : {"Một", "Hai", "Ba"}) {
    v1::UpdatePersonRequest update;
    update.mutable_person()->set_name("persons/hao");
    update.mutable_person()->set_full_name(title);
    update.mutable_update_mask()->add_paths("full_name");
    ASSERT_TRUE(core_->UpdatePerson(update).ok());
  }
  ASSERT_TRUE(core_->RunRetention(absl::Now() + core_options_.revision_retention + absl::Hours(1)).ok());
  v1::ListRevisionsRequest list;
  list.set_name("persons/hao");
  auto page = core_->ListRevisions(list);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->revisions_size(), 1);
  EXPECT_EQ(page->revisions(0).person().full_name(), "Ba");
}

// Three superseded versions of persons/hao, two of a meeting that was then
// deleted, and persons/dang's only version.
class RevisionRetentionTest : public SearchHistoryTest {
 protected:
  void SetUp() override {
    SearchHistoryTest::SetUp();
    for (const char* title : {"Một", "Hai", "Ba"}) {
      v1::UpdatePersonRequest update;
      update.mutable_person()->set_name("persons/hao");
      update.mutable_person()->set_full_name(title);
      update.mutable_update_mask()->add_paths("full_name");
      ASSERT_TRUE(core_->UpdatePerson(update).ok());
    }
    ASSERT_TRUE(CreateMeeting("m", MeetingAt(Local(2024, 3, 1, 8, 0), 2, {"vusta"})).ok());
    v1::UpdateMeetingRequest update;
    update.mutable_meeting()->set_name("meetings/m");
    update.mutable_meeting()->set_title("Bản 2");
    update.mutable_update_mask()->add_paths("title");
    ASSERT_TRUE(core_->UpdateMeeting(update, {}).ok());
    v1::DeleteMeetingRequest del;
    del.set_name("meetings/m");
    ASSERT_TRUE(core_->DeleteMeeting(del, {}).ok());
  }

  std::vector<uint64_t> Revisions(const std::string& name) {
    auto page = store_->ListRevisions(Key(name), 0, 100);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<uint64_t> out;
    if (page.ok()) {
      for (const auto& r : page->revisions) out.push_back(r.revision());
    }
    return out;
  }
  static storage::RecordKey Key(const std::string& name) {
    const std::string id = name.substr(name.find('/') + 1);
    if (name.starts_with("persons/")) return storage::RecordKey::Person(id);
    return storage::RecordKey::Meeting(id);
  }
  std::vector<std::string> SupersededRows() {
    std::vector<std::string> keys;
    auto it = kv_->Scan(storage::Table::kSupersededRevisions, {});
    for (; it->Valid(); it->Next()) keys.emplace_back(it->key());
    EXPECT_TRUE(it->status().ok());
    return keys;
  }
  const absl::Time later_ = absl::Now() + absl::Hours(1);
};

TEST_F(RevisionRetentionTest, DeletesOnlySupersededVersionsOldEnough) {
  ExpectConsistent();
  EXPECT_EQ(SupersededRows().size(), 5u);
  auto none = store_->PruneRevisions(absl::Now() - absl::Hours(1), 100);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, 0u);

  auto first = store_->PruneRevisions(later_, 2);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 2u);  // bounded, oldest first: hao's revisions 1 and 2
  EXPECT_THAT(Revisions("persons/hao"), ElementsAre(4, 3));
  auto rest = store_->PruneRevisions(later_, 100);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(*rest, 3u);
  EXPECT_THAT(Revisions("persons/hao"), ElementsAre(4));
  EXPECT_THAT(Revisions("persons/dang"), ElementsAre(1));
  EXPECT_THAT(Revisions("meetings/m"), ElementsAre(3));  // the deletion stays
  EXPECT_THAT(SupersededRows(), IsEmpty());
  ExpectConsistent();
}

TEST_F(RevisionRetentionTest, FirstSweepOverAnOlderStoreListsWhatItMayDelete) {
  // A store written before kSupersededRevisions existed: no rows, no marker.
  storage::KvBatch batch;
  for (auto& key : SupersededRows()) batch.Delete(storage::Table::kSupersededRevisions, key);
  batch.Delete(storage::Table::kMeta, std::string(storage::kSupersededRevisionsIndexedKey));
  ASSERT_TRUE(kv_->Write(batch, {}).ok());
  ExpectConsistent();  // nothing listed yet is not a problem before the marker

  // A sweep with nothing old enough fills the list and writes the marker.
  auto none = store_->PruneRevisions(absl::Now() - absl::Hours(1), 100);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, 0u);
  EXPECT_EQ(SupersededRows().size(), 5u);
  auto marker = kv_->Get(storage::Table::kMeta,
                         std::string(storage::kSupersededRevisionsIndexedKey));
  ASSERT_TRUE(marker.ok());
  EXPECT_TRUE(marker->has_value());
  ExpectConsistent();

  auto pruned = store_->PruneRevisions(later_, 100);
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_EQ(*pruned, 5u);
  EXPECT_THAT(Revisions("persons/hao"), ElementsAre(4));
  EXPECT_THAT(Revisions("meetings/m"), ElementsAre(3));
  ExpectConsistent();
}

TEST_F(RevisionRetentionTest, ConsistencyCheckFindsAMissingOrStrayListing) {
  const std::vector<std::string> rows = SupersededRows();
  ASSERT_EQ(rows.size(), 5u);
  storage::KvBatch drop;
  drop.Delete(storage::Table::kSupersededRevisions, rows[0]);
  ASSERT_TRUE(kv_->Write(drop, {}).ok());
  auto missing = storage::CheckConsistency(store_.get());
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->problem_count, 1u);

  storage::KvBatch restore_and_stray;
  restore_and_stray.Put(storage::Table::kSupersededRevisions, rows[0], "");
  restore_and_stray.Put(storage::Table::kSupersededRevisions, rows[0] + "x", "");
  ASSERT_TRUE(kv_->Write(restore_and_stray, {}).ok());
  auto stray = storage::CheckConsistency(store_.get());
  ASSERT_TRUE(stray.ok());
  EXPECT_EQ(stray->problem_count, 1u);
  ASSERT_FALSE(stray->problems.empty());
  EXPECT_THAT(stray->problems.front(), ::testing::HasSubstr("not stored"));
}

}  // namespace
}  // namespace meetings::testing
