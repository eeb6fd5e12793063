// Store format 2 (FORMAT.md, "references"): a meeting's index rows are its
// references to the organizations and persons they name, a format 1 store
// opens as format 2, and each of its meetings moves to the new rows on its
// next write.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/storage/key_codec.h"
#include "tests/storage/store_fixture.h"

namespace meetings::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class StoreFormatTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    CreateOrganization("vusta");
    CreateOrganization("ha-noi");
    CreatePerson("dung");
    CreatePerson("hao");
  }

  // Meeting "id" organized by vusta with dung and hao taking part, and a
  // decision that names vusta (also an organizer) and ha-noi (nowhere else).
  void CreateMeetingWithDecision(const std::string& id) {
    v1::Meeting m = MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"vusta"}, {"dung", "hao"});
    auto* decision = m.add_decisions();
    decision->set_decision_id("d1");
    decision->set_text("Giao Ban Thường trực hoàn thiện dự thảo báo cáo.");
    decision->add_responsible_organizations("organizations/vusta");
    decision->add_responsible_organizations("organizations/ha-noi");
    ASSERT_TRUE(CreateMeeting(id, std::move(m)).ok());
  }

  // The `references` rows whose source is a meeting, as "target kind:target
  // id<-meeting id".
  std::vector<std::string> MeetingReferenceRows() {
    std::vector<std::string> rows;
    for (auto it = kv_->Scan(storage::Table::kReferences, {}); it->Valid(); it->Next()) {
      storage::KeyReader reader(it->key());
      uint8_t kind = 0;
      std::string_view target;
      EXPECT_TRUE(reader.ReadUint8(&kind) && reader.ReadId(&target));
      storage::RecordKey source;
      EXPECT_TRUE(storage::RecordKey::Decode(reader.rest(), &source));
      if (source.kind != storage::RecordKind::kMeeting) continue;
      rows.push_back(absl::StrCat(static_cast<int>(kind), ":", std::string(target), "<-", source.id));
    }
    return rows;
  }

  storage::RecordEnvelope StoredEnvelope(const std::string& meeting_id) {
    auto current = store_->Get(storage::RecordKey::Meeting(meeting_id));
    EXPECT_TRUE(current.ok() && current->record.has_value());
    return current.ok() && current->record ? *current->record : storage::RecordEnvelope();
  }

  uint32_t StoredFormatVersion() {
    auto stored = kv_->Get(storage::Table::kMeta, "format_version");
    EXPECT_TRUE(stored.ok() && stored->has_value());
    uint32_t version = 0;
    if (stored.ok() && stored->has_value()) {
      storage::KeyReader reader(**stored);
      EXPECT_TRUE(reader.ReadUint32(&version) && reader.done());
    }
    return version;
  }

  void WriteFormatVersion(uint32_t version) {
    std::string value;
    storage::AppendUint32(&value, version);
    storage::KvBatch batch;
    batch.Put(storage::Table::kMeta, "format_version", value);
    ASSERT_TRUE(kv_->Write(batch, {}).ok());
  }

  // Turns the store into one that a format 1 server wrote: the meetings'
  // envelopes lose `derived_rows`, their rows are derived by the format 1
  // rules, and the metadata says 1.
  void MakeFormatOne(const std::vector<std::string>& meeting_ids) {
    storage::KvBatch batch;
    for (const auto& id : meeting_ids) {
      storage::RecordEnvelope envelope = StoredEnvelope(id);
      envelope.clear_derived_rows();
      batch.Put(storage::Table::kRecords, storage::RecordKey::Meeting(id).Encode(),
                envelope.SerializeAsString());
    }
    ASSERT_TRUE(kv_->Write(batch, {}).ok());
    ASSERT_TRUE(store_->RebuildDerivedRows().ok());
    WriteFormatVersion(1);
  }

  absl::Status DeletePerson(const std::string& id) {
    v1::DeletePersonRequest request;
    request.set_name("persons/" + id);
    return core_->DeletePerson(request);
  }
  absl::Status DeleteOrganization(const std::string& id) {
    v1::DeleteOrganizationRequest request;
    request.set_name("organizations/" + id);
    return core_->DeleteOrganization(request);
  }
};

TEST_F(StoreFormatTest, AMeetingWritesReferenceRowsOnlyForWhatItsIndexRowsDoNotName) {
  CreateMeetingWithDecision("m");
  EXPECT_EQ(StoredEnvelope("m").derived_rows(), storage::DERIVED_ROWS_FORMAT_2);
  // ha-noi is named only by the decision; vusta, dung and hao have index rows.
  EXPECT_THAT(MeetingReferenceRows(), ElementsAre("1:ha-noi<-m"));
  ExpectConsistent();

  // Every one of them is still referred to, and the error names the meeting.
  for (const absl::Status& status : {DeletePerson("dung"), DeletePerson("hao"),
                                     DeleteOrganization("vusta"), DeleteOrganization("ha-noi")}) {
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr("meeting \"m\"")) << status;
  }

  // Without dung among the participants, dung may go; hao may not.
  v1::UpdateMeetingRequest update;
  *update.mutable_meeting() = MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"vusta"}, {"hao"});
  update.mutable_meeting()->set_name("meetings/m");
  update.mutable_update_mask()->add_paths("participants");
  ASSERT_TRUE(core_->UpdateMeeting(update).ok());
  EXPECT_TRUE(DeletePerson("dung").ok());
  EXPECT_EQ(DeletePerson("hao").code(), absl::StatusCode::kFailedPrecondition);
  ExpectConsistent();

  v1::DeleteMeetingRequest del;
  del.set_name("meetings/m");
  ASSERT_TRUE(core_->DeleteMeeting(del).ok());
  EXPECT_THAT(MeetingReferenceRows(), IsEmpty());
  EXPECT_TRUE(DeletePerson("hao").ok());
  EXPECT_TRUE(DeleteOrganization("ha-noi").ok());
  EXPECT_TRUE(DeleteOrganization("vusta").ok());
  ExpectConsistent();
}

TEST_F(StoreFormatTest, AFormatOneStoreOpensAsFormatTwoAndItsMeetingsMoveOnTheirNextWrite) {
  CreateMeetingWithDecision("updated");
  CreateMeetingWithDecision("deleted");
  CreateMeetingWithDecision("untouched");
  MakeFormatOne({"updated", "deleted", "untouched"});
  const std::vector<std::string> format_one_rows = MeetingReferenceRows();
  ASSERT_THAT(format_one_rows,
              UnorderedElementsAre("1:ha-noi<-deleted", "1:ha-noi<-untouched", "1:ha-noi<-updated",
                                   "1:vusta<-deleted", "1:vusta<-untouched", "1:vusta<-updated",
                                   "2:dung<-deleted", "2:dung<-untouched", "2:dung<-updated",
                                   "2:hao<-deleted", "2:hao<-untouched", "2:hao<-updated"));
  // Under the format 1 rules these rows are the meetings' own.
  ExpectConsistent();

  Close();
  Open();
  EXPECT_EQ(StoredFormatVersion(), 2u);
  EXPECT_EQ(MeetingReferenceRows(), format_one_rows);  // opening rewrites nothing else
  ExpectConsistent();

  v1::UpdateMeetingRequest update;
  update.mutable_meeting()->set_name("meetings/updated");
  update.mutable_meeting()->set_title("Hội nghị trực tuyến");
  update.mutable_update_mask()->add_paths("title");
  ASSERT_TRUE(core_->UpdateMeeting(update).ok());
  EXPECT_EQ(StoredEnvelope("updated").derived_rows(), storage::DERIVED_ROWS_FORMAT_2);
  v1::DeleteMeetingRequest del;
  del.set_name("meetings/deleted");
  ASSERT_TRUE(core_->DeleteMeeting(del).ok());
  EXPECT_THAT(MeetingReferenceRows(),
              UnorderedElementsAre("1:ha-noi<-untouched", "1:vusta<-untouched",
                                   "2:dung<-untouched", "2:hao<-untouched", "1:ha-noi<-updated"));
  ExpectConsistent();

  // The queries and the reference checks see both kinds of meeting alike.
  v1::ListMeetingsRequest by_person;
  by_person.set_person("persons/dung");
  EXPECT_THAT(AllIds(by_person), UnorderedElementsAre("untouched", "updated"));
  EXPECT_EQ(DeletePerson("dung").code(), absl::StatusCode::kFailedPrecondition);

  // A rebuild keeps each record's own rules.
  ASSERT_TRUE(store_->RebuildDerivedRows().ok());
  EXPECT_THAT(MeetingReferenceRows(),
              UnorderedElementsAre("1:ha-noi<-untouched", "1:vusta<-untouched",
                                   "2:dung<-untouched", "2:hao<-untouched", "1:ha-noi<-updated"));
  ExpectConsistent();
}

TEST_F(StoreFormatTest, AStoreOfANewerFormatIsRefusedAndLeftAsItIs) {
  WriteFormatVersion(3);
  Close();
  storage::RocksDbOptions options;
  options.path = dir_;
  auto kv = storage::RocksDbKvStore::Open(options);
  ASSERT_TRUE(kv.ok()) << kv.status();
  auto store = storage::RecordStore::Open(kv->get());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("newer than this server's 2"));
  kv_ = *std::move(kv);
  EXPECT_EQ(StoredFormatVersion(), 3u);
}

}  // namespace
}  // namespace meetings::testing
