// The consistency checker finds damaged indexes, and a rebuild from the
// records repairs them.
#include "gtest/gtest.h"
#include "services/storage/key_codec.h"
#include "tests/storage/store_fixture.h"

namespace meetings::testing {
namespace {

class RepairTest : public StoreFixture {};

TEST_F(RepairTest, CheckerReportsDamagedIndexesAndRebuildRepairsThem) {
  CreateOrganization("vusta");
  CreatePerson("dung");
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(CreateMeeting(absl::StrCat("m", i),
                              MeetingAt(Local(2021, 11, 1 + i, 8, 0), 30, {"vusta"}, {"dung"}))
                    .ok());
  }
  ExpectConsistent();

  // Damage: drop one meeting's day rows, and add a row for no record.
  storage::KvBatch damage;
  int dropped = 0;
  for (auto it = kv_->Scan(storage::Table::kMeetingsByDay, {}); it->Valid(); it->Next()) {
    if (dropped++ < 2) damage.Delete(storage::Table::kMeetingsByDay, std::string(it->key()));
  }
  std::string orphan;
  storage::AppendId(&orphan, "vusta");
  storage::AppendInt32(&orphan, 19000);
  storage::AppendInt64(&orphan, 0);
  storage::AppendId(&orphan, "ghost");
  damage.Put(storage::Table::kMeetingsByOrganization, orphan, std::string(8, '\0'));
  ASSERT_TRUE(kv_->Write(damage, {}).ok());

  auto report = storage::CheckConsistency(store_.get());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->problem_count, 3u);

  auto rebuilt = store_->RebuildDerivedRows();
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(rebuilt->records, 22u);  // 20 meetings, 1 organization, 1 person
  EXPECT_GT(rebuilt->rows_written, 20u * 2 * 3);
  ExpectConsistent();

  // The queries agree again.
  v1::ListMeetingsRequest by_org;
  by_org.set_organization("organizations/vusta");
  EXPECT_EQ(AllIds(by_org).size(), 20u);
  v1::ListMeetingsRequest all;
  EXPECT_EQ(AllIds(all).size(), 20u);
}

}  // namespace
}  // namespace meetings::testing
