// An online backup taken while writers run restores into a consistent store
// holding everything acknowledged before the backup started.
#include <atomic>
#include <thread>

#include "gtest/gtest.h"
#include "tests/storage/store_fixture.h"

namespace meetings::testing {
namespace {

class BackupTest : public StoreFixture {};

TEST_F(BackupTest, BackupTakenUnderWriteLoadRestoresConsistentAndComplete) {
  CreateOrganization("vusta");
  CreatePerson("dung");
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(CreateMeeting(absl::StrCat("before-", i),
                              MeetingAt(Local(2021, 1 + i % 12, 1 + i % 28, 8, 0), 5, {"vusta"},
                                        {"dung"}))
                    .ok());
  }
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 100000 && !stop; ++i) {
        auto created = CreateMeeting(absl::StrCat("during-", t, "-", i),
                                     MeetingAt(Local(2022, 1, 1 + i % 28, 8, 0), 2, {"vusta"}));
        ASSERT_TRUE(created.ok()) << created.status();
        v1::UpdateMeetingRequest update;
        update.mutable_meeting()->set_name(absl::StrCat("meetings/before-", i % 200));
        update.mutable_meeting()->set_title(absl::StrCat("Sửa lần ", i));
        update.mutable_update_mask()->add_paths("title");
        ASSERT_TRUE(core_->UpdateMeeting(update).ok());
        ++written;
      }
    });
  }
  while (written < 50) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::string backup_dir = dir_ + "-backups";
  auto backup = kv_->CreateBackup(backup_dir);
  ASSERT_TRUE(backup.ok()) << backup.status();
  while (written < 150) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  stop = true;
  for (auto& w : writers) w.join();
  auto listed = kv_->ListBackups(backup_dir);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].backup_id, backup->backup_id);

  const std::string restored_dir = dir_ + "-restored";
  ASSERT_TRUE(storage::RestoreBackup(backup_dir, backup->backup_id, restored_dir).ok());
  // Restoring into the live directory is refused.
  EXPECT_EQ(storage::RestoreBackup(backup_dir, 0, dir_).code(),
            absl::StatusCode::kFailedPrecondition);

  storage::RocksDbOptions options;
  options.path = restored_dir;
  auto restored_kv = storage::RocksDbKvStore::Open(options);
  ASSERT_TRUE(restored_kv.ok()) << restored_kv.status();
  auto restored = storage::RecordStore::Open(restored_kv->get());
  ASSERT_TRUE(restored.ok());
  auto report = storage::CheckConsistency(restored->get());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->problem_count, 0u);

  // Everything written before the backup is there; every restored record is
  // exactly one of the versions the live store went through.
  auto page = (*restored)->List(storage::RecordKind::kMeeting, "", "", 100000);
  ASSERT_TRUE(page.ok());
  int before = 0;
  int during = 0;
  for (const auto& record : page->records) {
    const std::string id = record.meeting().name().substr(std::string("meetings/").size());
    (id.rfind("before-", 0) == 0 ? before : during)++;
    auto version = store_->GetRevision(storage::RecordKey::Meeting(id), record.revision());
    ASSERT_TRUE(version.ok());
    ASSERT_TRUE(version->has_value()) << id;
    EXPECT_EQ((*version)->record().SerializeAsString(), record.SerializeAsString()) << id;
  }
  EXPECT_EQ(before, 200);
  EXPECT_GE(during, 50 - 2);  // at least what was acknowledged before it began
  EXPECT_LT(during, written.load() + 2);

  restored->reset();
  restored_kv->reset();
  std::error_code ignored;
  std::filesystem::remove_all(backup_dir, ignored);
  std::filesystem::remove_all(restored_dir, ignored);
}

}  // namespace
}  // namespace meetings::testing
