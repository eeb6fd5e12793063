// A real RocksDB in a fresh temporary directory, with the record store and
// the domain core over it, plus builders for test records.
#ifndef MEETINGS_TESTS_STORAGE_STORE_FIXTURE_H_
#define MEETINGS_TESTS_STORAGE_STORE_FIXTURE_H_

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/domain/meeting_records.h"
#include "services/storage/consistency.h"
#include "services/storage/record_store.h"
#include "services/storage/rocksdb_kv_store.h"

namespace meetings::testing {

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "meetings-store-XXXXXX");
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    Open();
  }
  void TearDown() override {
    Close();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  void Open() {
    storage::RocksDbOptions options;
    options.path = dir_;
    auto kv = storage::RocksDbKvStore::Open(options);
    ASSERT_TRUE(kv.ok()) << kv.status();
    kv_ = *std::move(kv);
    auto store = storage::RecordStore::Open(kv_.get());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    core_ = std::make_unique<domain::MeetingRecords>(store_.get(), core_options_);
  }
  void Close() {
    core_.reset();
    store_.reset();
    kv_.reset();
  }

  void CreateOrganization(const std::string& id, const std::string& parent = "") {
    v1::CreateOrganizationRequest request;
    request.set_organization_id(id);
    request.mutable_organization()->set_display_name("Tổ chức " + id);
    if (!parent.empty()) request.mutable_organization()->set_parent("organizations/" + parent);
    auto created = core_->CreateOrganization(request);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  void CreatePerson(const std::string& id) {
    v1::CreatePersonRequest request;
    request.set_person_id(id);
    request.mutable_person()->set_full_name("Người " + id);
    auto created = core_->CreatePerson(request);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  static absl::CivilMinute Local(int y, int mo, int d, int h, int mi) {
    return absl::CivilMinute(y, mo, d, h, mi);
  }

  // A meeting starting at local `start` in `zone`, lasting `hours`.
  static v1::Meeting MeetingAt(absl::CivilMinute start, double hours,
                               std::vector<std::string> organizers,
                               std::vector<std::string> persons = {},
                               const std::string& zone = "Asia/Ho_Chi_Minh") {
    absl::TimeZone tz;
    absl::LoadTimeZone(zone, &tz);
    const absl::Time begin = absl::FromCivil(start, tz);
    const absl::Time end = begin + absl::Seconds(static_cast<int64_t>(hours * 3600));
    v1::Meeting m;
    m.set_title(absl::StrCat("Hội nghị ", absl::FormatCivilTime(start)));
    m.set_time_zone(zone);
    m.mutable_start_time()->set_seconds(absl::ToUnixSeconds(begin));
    m.mutable_end_time()->set_seconds(absl::ToUnixSeconds(end));
    for (const auto& o : organizers) m.add_organizers("organizations/" + o);
    int n = 0;
    for (const auto& p : persons) {
      auto* participant = m.add_participants();
      participant->set_participant_id(absl::StrCat("p", n++));
      participant->set_person("persons/" + p);
      participant->add_roles(v1::Participant::DELEGATE);
    }
    return m;
  }

  absl::StatusOr<v1::Meeting> CreateMeeting(const std::string& id, v1::Meeting meeting) {
    v1::CreateMeetingRequest request;
    request.set_meeting_id(id);
    *request.mutable_meeting() = std::move(meeting);
    return core_->CreateMeeting(request);
  }

  // Meeting ids of one ListMeetings page.
  static std::vector<std::string> Ids(const v1::ListMeetingsResponse& page) {
    std::vector<std::string> ids;
    for (const auto& m : page.meetings()) {
      ids.push_back(m.name().substr(std::string("meetings/").size()));
    }
    return ids;
  }

  // Walks every page of `request`; fails the test on an error.
  std::vector<std::string> AllIds(v1::ListMeetingsRequest request) {
    std::vector<std::string> ids;
    for (int pages = 0; pages < 10000; ++pages) {
      auto page = core_->ListMeetings(request, {});
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (auto& id : Ids(*page)) ids.push_back(id);
      if (page->next_page_token().empty()) break;
      request.set_page_token(page->next_page_token());
    }
    return ids;
  }

  static v1::Date Day(int y, int m, int d) {
    v1::Date date;
    date.set_year(y);
    date.set_month(m);
    date.set_day(d);
    return date;
  }

  void ExpectConsistent() {
    auto report = storage::CheckConsistency(store_.get());
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->problem_count, 0u)
        << (report->problems.empty() ? "" : report->problems.front());
  }

  std::string dir_;
  // Options of the domain core; change them, then Close() and Open().
  domain::MeetingRecordsOptions core_options_;
  std::unique_ptr<storage::RocksDbKvStore> kv_;
  std::unique_ptr<storage::RecordStore> store_;
  std::unique_ptr<domain::MeetingRecords> core_;
};

}  // namespace meetings::testing

#endif  // MEETINGS_TESTS_STORAGE_STORE_FIXTURE_H_
