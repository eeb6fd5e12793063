// The change feed over a real RocksDB: gapless, resumable, filtered,
// retained for a window, and never stalling writers.
#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/storage/key_codec.h"
#include "tests/storage/store_fixture.h"

namespace meetings::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ChangeFeedTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    Close();
    core_options_.feed_heartbeat = absl::Milliseconds(20);
    Open();
    CreateOrganization("vusta");
    CreateOrganization("hung-yen", "vusta");
    CreateOrganization("ha-noi", "vusta");
    CreatePerson("dung");
  }

  // Reads the feed after `after` until it has seen `until` (inclusive).
  std::vector<v1::Change> Read(v1::StreamChangesRequest request, uint64_t until) {
    std::vector<v1::Change> seen;
    domain::CallContext context;
    context.deadline = absl::Now() + absl::Seconds(20);
    auto status = core_->StreamChanges(request, context, [&](const v1::StreamChangesResponse& r) {
      for (const auto& c : r.changes()) seen.push_back(c);
      return r.resume_sequence() < until;
    });
    EXPECT_TRUE(status.ok()) << status;
    return seen;
  }

  uint64_t Head() { return store_->sequencer().watermark(); }
};

TEST_F(ChangeFeedTest, EveryWriteAppearsOnceInOrderWithItsResource) {
  const uint64_t before = Head();
  ASSERT_TRUE(CreateMeeting("m", MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"vusta"})).ok());
  v1::UpdateMeetingRequest update;
  update.mutable_meeting()->set_name("meetings/m");
  update.mutable_meeting()->set_title("Tên mới");
  update.mutable_update_mask()->add_paths("title");
  ASSERT_TRUE(core_->UpdateMeeting(update).ok());
  v1::DeleteMeetingRequest del;
  del.set_name("meetings/m");
  ASSERT_TRUE(core_->DeleteMeeting(del).ok());

  v1::StreamChangesRequest request;
  request.set_after_sequence(before);
  const auto changes = Read(request, Head());
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].type(), v1::CREATED);
  EXPECT_EQ(changes[1].type(), v1::UPDATED);
  EXPECT_EQ(changes[1].meeting().title(), "Tên mới");
  EXPECT_EQ(changes[2].type(), v1::DELETED);  // the tombstone
  EXPECT_EQ(changes[2].name(), "meetings/m");
  EXPECT_EQ(changes[2].revision_id(), 3u);
  EXPECT_LT(changes[0].sequence(), changes[1].sequence());
  EXPECT_LT(changes[1].sequence(), changes[2].sequence());
}

// The stored rows themselves (FORMAT.md, `changes` and `revisions`): each
// carries the envelope exactly as the records table held it, appended as
// field 7 rather than copied in, and parses as the ChangeRecord it stands for.
TEST_F(ChangeFeedTest, ChangeRowsHoldTheRecordRowsBytesAndMatchTheirRevisionRows) {
  ASSERT_TRUE(CreateMeeting("m", MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"vusta"})).ok());
  const std::string record_key = storage::RecordKey::Meeting("m").Encode();
  auto record_row = [&] {
    auto row = kv_->Get(storage::Table::kRecords, record_key);
    EXPECT_TRUE(row.ok() && row->has_value());
    return row.ok() && row->has_value() ? **row : std::string();
  };
  std::vector<std::string> versions = {record_row()};
  v1::UpdateMeetingRequest update;
  update.mutable_meeting()->set_name("meetings/m");
  update.mutable_meeting()->set_title("Tên mới");
  update.mutable_update_mask()->add_paths("title");
  ASSERT_TRUE(core_->UpdateMeeting(update).ok());
  versions.push_back(record_row());
  v1::DeleteMeetingRequest del;
  del.set_name("meetings/m");
  ASSERT_TRUE(core_->DeleteMeeting(del).ok());

  std::vector<storage::ChangeRecord> rows;
  for (auto it = kv_->Scan(storage::Table::kChanges, {}); it->Valid(); it->Next()) {
    storage::ChangeRecord change;
    ASSERT_TRUE(change.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())));
    if (change.record_key() != record_key) continue;
    std::string revision_key = record_key;
    storage::AppendUint64(&revision_key, change.revision());
    auto revision_row = kv_->Get(storage::Table::kRevisions, revision_key);
    ASSERT_TRUE(revision_row.ok() && revision_row->has_value()) << change.revision();
    EXPECT_EQ(**revision_row, std::string(it->value())) << change.revision();
    rows.push_back(change);
  }
  ASSERT_EQ(rows.size(), 3u);
  const std::vector<v1::ChangeType> types = {v1::CREATED, v1::UPDATED, v1::DELETED};
  // The delete carries the last version.
  const std::vector<std::string> carried = {versions[0], versions[1], versions[1]};
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].type(), types[i]);
    EXPECT_EQ(rows[i].revision(), i + 1);
    ASSERT_TRUE(rows[i].has_record()) << i;
    storage::RecordEnvelope expected;
    ASSERT_TRUE(expected.ParseFromString(carried[i]));
    EXPECT_EQ(rows[i].record().SerializeAsString(), expected.SerializeAsString()) << i;
    EXPECT_EQ(rows[i].record().meeting().name(), "meetings/m");
    EXPECT_EQ(rows[i].name(), "meetings/m");
    EXPECT_TRUE(rows[i].has_commit_time());
    EXPECT_THAT(rows[i].organization_ids(), ElementsAre("vusta"));
  }
  EXPECT_EQ(rows[1].record().meeting().title(), "Tên mới");
}

TEST_F(ChangeFeedTest, ForcedMeetingDeleteSendsItsDocumentsTombstonesFirst) {
  ASSERT_TRUE(CreateMeeting("m", MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"vusta"})).ok());
  v1::CreateDocumentRequest doc;
  doc.set_parent("meetings/m");
  doc.set_document_id("bao-cao");
  doc.mutable_document()->set_title("Báo cáo");
  ASSERT_TRUE(core_->CreateDocument(doc).ok());
  const uint64_t before = Head();
  v1::DeleteMeetingRequest del;
  del.set_name("meetings/m");
  del.set_force(true);
  ASSERT_TRUE(core_->DeleteMeeting(del).ok());
  v1::StreamChangesRequest request;
  request.set_after_sequence(before);
  const auto changes = Read(request, Head());
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].name(), "meetings/m/documents/bao-cao");
  EXPECT_EQ(changes[0].type(), v1::DELETED);
  EXPECT_EQ(changes[1].name(), "meetings/m");
}

TEST_F(ChangeFeedTest, OrganizationAndDateFiltersCombineAndSeeRecordsLeaving) {
  const uint64_t before = Head();
  ASSERT_TRUE(CreateMeeting("hy-nov", MeetingAt(Local(2021, 11, 15, 8, 0), 2, {"hung-yen"})).ok());
  ASSERT_TRUE(CreateMeeting("hy-dec", MeetingAt(Local(2021, 12, 15, 8, 0), 2, {"hung-yen"})).ok());
  ASSERT_TRUE(CreateMeeting("hn-nov", MeetingAt(Local(2021, 11, 16, 8, 0), 2, {"ha-noi"})).ok());
  // Moves out of Hưng Yên: a Hưng Yên consumer must still hear of it.
  v1::UpdateMeetingRequest move;
  move.mutable_meeting()->set_name("meetings/hy-nov");
  move.mutable_meeting()->add_organizers("organizations/ha-noi");
  move.mutable_update_mask()->add_paths("organizers");
  ASSERT_TRUE(core_->UpdateMeeting(move).ok());

  v1::StreamChangesRequest request;
  request.set_after_sequence(before);
  request.set_organization("organizations/hung-yen");
  request.mutable_start_date()->set_year(2021);
  request.mutable_start_date()->set_month(11);
  request.mutable_start_date()->set_day(1);
  request.mutable_end_date()->set_year(2021);
  request.mutable_end_date()->set_month(11);
  request.mutable_end_date()->set_day(30);
  std::vector<std::string> seen;
  for (const auto& c : Read(request, Head())) {
    seen.push_back(absl::StrCat(c.name(), " ", v1::ChangeType_Name(c.type())));
  }
  EXPECT_THAT(seen, ElementsAre("meetings/hy-nov CREATED", "meetings/hy-nov UPDATED"));

  request.set_organization("organizations/vusta");
  request.set_include_sub_organizations(true);
  request.clear_start_date();
  request.clear_end_date();
  EXPECT_EQ(Read(request, Head()).size(), 4u);
}

TEST_F(ChangeFeedTest, PositionBeyondHeadIsOutOfRangeAndStartAtHeadAnswersAtOnce) {
  v1::StreamChangesRequest request;
  request.set_after_sequence(Head() + 10);
  auto status = core_->StreamChanges(request, {}, [](const auto&) { return false; });
  EXPECT_EQ(status.code(), absl::StatusCode::kOutOfRange);

  v1::StreamChangesRequest at_head;
  at_head.set_start_at_head(true);
  uint64_t resume = 0;
  int responses = 0;
  status = core_->StreamChanges(at_head, {}, [&](const v1::StreamChangesResponse& r) {
    resume = r.resume_sequence();
    ++responses;
    return false;
  });
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(responses, 1);
  EXPECT_EQ(resume, Head());
}

TEST_F(ChangeFeedTest, PrunedPositionFailsWithResyncInsteadOfASilentGap) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        CreateMeeting(absl::StrCat("m", i), MeetingAt(Local(2021, 11, 1 + i, 8, 0), 1, {"vusta"}))
            .ok());
  }
  const uint64_t head = Head();
  ASSERT_TRUE(core_->RunRetention(absl::Now() + core_options_.change_retention + absl::Hours(1)).ok());
  EXPECT_EQ(store_->pruned_through(), head - 1);  // the newest change is kept
  v1::StreamChangesRequest request;
  request.set_after_sequence(2);
  auto status = core_->StreamChanges(request, {}, [](const auto&) { return false; });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("resync"));
  // From the retained position on, the feed still works, also after reopen.
  Close();
  Open();
  request.set_after_sequence(head - 1);
  const auto changes = Read(request, head);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].sequence(), head);
  ASSERT_TRUE(CreateMeeting("after", MeetingAt(Local(2021, 12, 1, 8, 0), 1, {"vusta"})).ok());
  EXPECT_EQ(Head(), head + 1);
}

TEST_F(ChangeFeedTest, ShutdownEndsStreamsWithUnavailableQuickly) {
  v1::StreamChangesRequest request;
  request.set_start_at_head(true);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    core_->BeginShutdown();
  });
  const absl::Time start = absl::Now();
  auto status = core_->StreamChanges(request, {}, [](const auto&) { return true; });
  stopper.join();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

// Concurrent writers; consumers that disconnect at random and resume from
// their last resume_sequence. Each consumer must end with exactly the feed:
// nothing lost, nothing twice, and every acknowledged write in it.
TEST_F(ChangeFeedTest, ConsumersResumingAtRandomMissNothingAndSeeNothingTwice) {
  const uint64_t start = Head();
  constexpr int kWriters = 4;
  constexpr int kWritesPerWriter = 150;
  constexpr int kConsumers = 3;
  std::atomic<bool> writers_done{false};
  std::atomic<uint64_t> final_head{0};
  std::vector<std::vector<uint64_t>> acknowledged(kWriters);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 rng(w);
      for (int i = 0; i < kWritesPerWriter; ++i) {
        const std::string id = absl::StrCat("w", w, "-", i / 3);
        absl::Status status;
        if (i % 3 == 0) {
          status = CreateMeeting(id, MeetingAt(Local(2021, 1 + rng() % 12, 1 + rng() % 28, 8, 0), 2,
                                               {rng() % 2 ? "hung-yen" : "ha-noi"}))
                       .status();
        } else if (i % 3 == 1) {
          v1::UpdateMeetingRequest update;
          update.mutable_meeting()->set_name("meetings/" + id);
          update.mutable_meeting()->set_title(absl::StrCat("Cập nhật ", i));
          update.mutable_update_mask()->add_paths("title");
          status = core_->UpdateMeeting(update).status();
        } else {
          v1::DeleteMeetingRequest del;
          del.set_name("meetings/" + id);
          status = core_->DeleteMeeting(del);
        }
        ASSERT_TRUE(status.ok()) << status;
        acknowledged[w].push_back(i);
      }
    });
  }

  std::vector<std::vector<uint64_t>> received(kConsumers);
  std::vector<int> reconnects(kConsumers, 0);
  std::vector<std::thread> consumers;
  for (int c = 0; c < kConsumers; ++c) {
    consumers.emplace_back([&, c] {
      std::mt19937 rng(100 + c);
      uint64_t position = start;
      for (int attempt = 0; attempt < 10000; ++attempt) {
        v1::StreamChangesRequest request;
        request.set_after_sequence(position);
        int budget = 1 + rng() % 5;  // responses before this consumer hangs up
        domain::CallContext context;
        context.deadline = absl::Now() + absl::Seconds(30);
        auto status = core_->StreamChanges(request, context, [&](const v1::StreamChangesResponse& r) {
          for (const auto& change : r.changes()) received[c].push_back(change.sequence());
          position = r.resume_sequence();
          if (writers_done && position >= final_head) return false;
          return --budget > 0;
        });
        ASSERT_TRUE(status.ok()) << status;
        if (writers_done && position >= final_head) break;
        ++reconnects[c];
      }
    });
  }
  for (auto& t : writers) t.join();
  final_head = Head();
  writers_done = true;
  for (auto& t : consumers) t.join();

  // The whole feed, read once without interruption.
  v1::StreamChangesRequest all;
  all.set_after_sequence(start);
  std::vector<uint64_t> expected;
  for (const auto& change : Read(all, final_head)) expected.push_back(change.sequence());
  EXPECT_EQ(expected.size(), static_cast<size_t>(kWriters * kWritesPerWriter));
  for (int c = 0; c < kConsumers; ++c) {
    EXPECT_EQ(received[c], expected) << "consumer " << c << " after " << reconnects[c]
                                     << " reconnects";
    EXPECT_GT(reconnects[c], 3) << "consumer " << c << " never resumed";
  }
}

}  // namespace
}  // namespace meetings::testing
