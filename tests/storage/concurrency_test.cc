// Many threads create, update and delete overlapping meetings and documents
// over a real RocksDB; afterwards every index and reference row must agree
// with its record, and every live meeting must be found through each index.
#include <algorithm>
#include <atomic>
#include <set>
#include <random>
#include <thread>

#include "gtest/gtest.h"
#include "tests/storage/store_fixture.h"

namespace meetings::testing {
namespace {

class ConcurrencyTest : public StoreFixture {};

TEST_F(ConcurrencyTest, ConcurrentWritersLeaveEveryIndexInAgreementWithItsRecord) {
  const std::vector<std::string> orgs = {"o0", "o1", "o2", "o3"};
  const std::vector<std::string> persons = {"p0", "p1", "p2", "p3", "p4"};
  CreateOrganization("o0");
  CreateOrganization("o1", "o0");
  CreateOrganization("o2", "o0");
  CreateOrganization("o3", "o1");
  for (const auto& p : persons) CreatePerson(p);

  constexpr int kThreads = 8;
  constexpr int kOpsPerThread = 400;
  constexpr int kMeetingIds = 120;  // few enough that writers collide often
  std::atomic<int> committed{0};
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(1234 + t);
      auto pick = [&](int n) { return static_cast<int>(rng() % n); };
      for (int op = 0; op < kOpsPerThread; ++op) {
        const std::string id = absl::StrCat("m", pick(kMeetingIds));
        std::vector<std::string> organizers = {orgs[pick(4)]};
        if (pick(2) == 0 && orgs[pick(4)] != organizers[0]) organizers.push_back(orgs[3]);
        if (organizers.size() == 2 && organizers[0] == organizers[1]) organizers.pop_back();
        std::vector<std::string> people = {persons[pick(5)]};
        const std::string second = persons[pick(5)];
        if (second != people[0]) people.push_back(second);
        const absl::CivilMinute start =
            absl::CivilMinute(2021, 11, 1, 6, 0) + pick(40) * 24 * 60 + pick(20) * 60;
        v1::Meeting meeting = MeetingAt(start, 1 + pick(60), organizers, people,
                                        pick(3) == 0 ? "America/New_York" : "Asia/Ho_Chi_Minh");
        absl::Status status;
        // Ids are never reused after a delete, so deletes stay rare enough
        // for most ids to be live, and contended, throughout.
        const int action = pick(20);
        switch (action < 6 ? 0 : action < 15 ? 1 : 2) {
          case 0: {
            status = CreateMeeting(id, meeting).status();
            break;
          }
          case 1: {
            v1::UpdateMeetingRequest update;
            *update.mutable_meeting() = meeting;
            update.mutable_meeting()->set_name("meetings/" + id);
            status = core_->UpdateMeeting(update).status();
            break;
          }
          default: {
            if (action < 19) {
              v1::CreateDocumentRequest doc;
              doc.set_parent("meetings/" + id);
              doc.mutable_document()->set_title("Báo cáo");
              doc.mutable_document()->set_presenter("persons/" + persons[pick(5)]);
              status = core_->CreateDocument(doc).status();
            } else {
              v1::DeleteMeetingRequest del;
              del.set_name("meetings/" + id);
              del.set_force(true);
              status = core_->DeleteMeeting(del);
            }
          }
        }
        if (status.ok()) {
          ++committed;
        } else if (status.code() != absl::StatusCode::kAlreadyExists &&
                   status.code() != absl::StatusCode::kNotFound) {
          ++unexpected;
          ADD_FAILURE() << status;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_GT(committed.load(), kThreads * kOpsPerThread / 4);

  // Every row agrees with its record ...
  auto report = storage::CheckConsistency(store_.get());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->problem_count, 0u)
      << (report->problems.empty() ? "" : report->problems.front());
  EXPECT_GT(report->index_rows_checked, 0u);

  // ... and every live meeting is found through each of its indexes.
  auto live = store_->List(storage::RecordKind::kMeeting, "", "", 1000);
  ASSERT_TRUE(live.ok());
  ASSERT_FALSE(live->records.empty());
  const auto listed = AllIds(v1::ListMeetingsRequest());
  const std::set<std::string> all(listed.begin(), listed.end());
  EXPECT_EQ(all.size(), listed.size()) << "a meeting was listed twice";
  v1::ListMeetingsRequest subtree;
  subtree.set_organization("organizations/o0");
  subtree.set_include_sub_organizations(true);
  const auto in_subtree = AllIds(subtree);
  EXPECT_EQ(std::set<std::string>(in_subtree.begin(), in_subtree.end()).size(), in_subtree.size())
      << "a meeting was listed twice";
  for (const auto& record : live->records) {
    const v1::Meeting& m = record.meeting();
    const std::string id = m.name().substr(std::string("meetings/").size());
    EXPECT_TRUE(all.count(id)) << id;
    EXPECT_NE(std::find(in_subtree.begin(), in_subtree.end(), id), in_subtree.end()) << id;
    v1::ListMeetingsRequest by_person;
    by_person.set_person(m.participants(0).person());
    *by_person.mutable_start_date() = m.local_end_date();
    *by_person.mutable_end_date() = m.local_end_date();
    const auto found = AllIds(by_person);
    EXPECT_NE(std::find(found.begin(), found.end(), id), found.end()) << id;
  }
  EXPECT_EQ(all.size(), live->records.size());
}

}  // namespace
}  // namespace meetings::testing
