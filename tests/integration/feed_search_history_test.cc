// Issue 7 and the admin API end to end: the real server binary, driven
// through the generated clients: the change feed as a gRPC stream that
// resumes across reconnects, Vietnamese search, history, and the admin RPCs.
#include <signal.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "meetings/admin/v1/admin.grpc.pb.h"
#include "tests/integration/server_process.h"

namespace meetings::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::unique_ptr<grpc::ClientContext> Context(int seconds = 10) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

class FeedSearchHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string backups = MakeTempDir("meetings-backups-");
    backup_dir_ = backups;
    server_ = std::make_unique<ServerProcess>("", std::vector<std::string>{
                                                      "--backup_dir=" + backups});
    ASSERT_TRUE(server_->running());
    stub_ = server_->NewStub();
    Org("vusta", "Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam", "");
    Org("lhh-hung-yen", "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Hưng Yên", "vusta");
    v1::CreatePersonRequest person;
    person.set_person_id("nguyen-khac-hao");
    person.mutable_person()->set_full_name("Nguyễn Khắc Hào");
    v1::Person out;
    ASSERT_TRUE(stub_->CreatePerson(Context().get(), person, &out).ok());
  }
  void TearDown() override {
    server_.reset();
    RemoveTree(backup_dir_);
  }

  void Org(const std::string& id, const std::string& name, const std::string& parent) {
    v1::CreateOrganizationRequest request;
    request.set_organization_id(id);
    request.mutable_organization()->set_display_name(name);
    if (!parent.empty()) request.mutable_organization()->set_parent("organizations/" + parent);
    v1::Organization out;
    ASSERT_TRUE(stub_->CreateOrganization(Context().get(), request, &out).ok());
  }

  grpc::Status Meeting(const std::string& id, const std::string& title, const std::string& org,
                       int day) {
    v1::CreateMeetingRequest request;
    request.set_meeting_id(id);
    auto* m = request.mutable_meeting();
    m->set_title(title);
    m->set_time_zone("Asia/Ho_Chi_Minh");
    m->mutable_start_time()->set_seconds(1636938000 + (day - 15) * 86400);  // 08:00 Hanoi
    m->add_organizers("organizations/" + org);
    auto* p = m->add_participants();
    p->set_participant_id("hao");
    p->set_person("persons/nguyen-khac-hao");
    v1::Meeting out;
    return stub_->CreateMeeting(Context().get(), request, &out);
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<v1::MeetingRecords::Stub> stub_;
  std::string backup_dir_;
};

TEST_F(FeedSearchHistoryTest, StreamResumesAcrossReconnectsWithoutLossOrRepeat) {
  auto feed = v1::ChangeFeed::NewStub(server_->NewChannel());
  // Open at the head, then write while reading in short sessions.
  uint64_t position = 0;
  {
    grpc::ClientContext context;
    v1::StreamChangesRequest request;
    request.set_start_at_head(true);
    auto reader = feed->StreamChanges(&context, request);
    v1::StreamChangesResponse response;
    ASSERT_TRUE(reader->Read(&response));
    position = response.resume_sequence();
    context.TryCancel();
    reader->Finish();
  }
  std::thread writer([&] {
    for (int i = 0; i < 30; ++i) {
      ASSERT_TRUE(Meeting(absl::StrCat("m", i), "Hội nghị", "lhh-hung-yen", 1 + i % 28).ok());
    }
  });
  std::vector<std::string> seen;
  for (int session = 0; session < 200 && seen.size() < 30; ++session) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::StreamChangesRequest request;
    request.set_after_sequence(position);
    request.set_organization("organizations/vusta");
    request.set_include_sub_organizations(true);
    auto reader = feed->StreamChanges(&context, request);
    v1::StreamChangesResponse response;
    // Read one response per session, then hang up.
    if (reader->Read(&response)) {
      for (const auto& c : response.changes()) seen.push_back(c.name());
      position = response.resume_sequence();
    }
    context.TryCancel();
    reader->Finish();
  }
  writer.join();
  ASSERT_EQ(seen.size(), 30u);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(seen[i], absl::StrCat("meetings/m", i));
}

TEST_F(FeedSearchHistoryTest, StaleOrFuturePositionsGetClearCodes) {
  auto feed = v1::ChangeFeed::NewStub(server_->NewChannel());
  grpc::ClientContext context;
  v1::StreamChangesRequest request;
  request.set_after_sequence(1000000);
  auto reader = feed->StreamChanges(&context, request);
  v1::StreamChangesResponse response;
  EXPECT_FALSE(reader->Read(&response));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::OUT_OF_RANGE);
}

TEST_F(FeedSearchHistoryTest, SearchIgnoresDiacriticsAndCase) {
  ASSERT_TRUE(Meeting("giao-ban", "Hội nghị giao ban Liên hiệp hội", "vusta", 15).ok());
  v1::SearchRecordsRequest request;
  request.set_query("nguyen khac hao");
  v1::SearchRecordsResponse response;
  ASSERT_TRUE(stub_->SearchRecords(Context().get(), request, &response).ok());
  std::vector<std::string> names;
  for (const auto& r : response.results()) names.push_back(r.name());
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("persons/nguyen-khac-hao",
                                                     "meetings/giao-ban"));
  request.set_query("LIEN HIEP hoi");
  request.add_types(v1::MEETING);
  ASSERT_TRUE(stub_->SearchRecords(Context().get(), request, &response).ok());
  ASSERT_EQ(response.results_size(), 1);
  EXPECT_EQ(response.results(0).meeting().title(), "Hội nghị giao ban Liên hiệp hội");
}

TEST_F(FeedSearchHistoryTest, HistoryListsEveryVersionWithTimeAndActor) {
  ASSERT_TRUE(Meeting("m", "Bản đầu", "vusta", 15).ok());
  v1::UpdateMeetingRequest update;
  update.mutable_meeting()->set_name("meetings/m");
  update.mutable_meeting()->set_title("Bản sau");
  update.mutable_update_mask()->add_paths("title");
  v1::Meeting out;
  ASSERT_TRUE(stub_->UpdateMeeting(Context().get(), update, &out).ok());
  v1::ListRevisionsRequest list;
  list.set_name("meetings/m");
  v1::ListRevisionsResponse revisions;
  ASSERT_TRUE(stub_->ListRevisions(Context().get(), list, &revisions).ok());
  ASSERT_EQ(revisions.revisions_size(), 2);
  EXPECT_EQ(revisions.revisions(0).meeting().title(), "Bản sau");
  EXPECT_EQ(revisions.revisions(1).meeting().title(), "Bản đầu");
  EXPECT_THAT(revisions.revisions(0).actor(), HasSubstr("127.0.0.1"));
  EXPECT_TRUE(revisions.revisions(0).has_create_time());
}

TEST_F(FeedSearchHistoryTest, AdminChecksRebuildsAndBacksUpALiveServer) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(Meeting(absl::StrCat("m", i), "Hội nghị", "vusta", 1 + i).ok());
  }
  auto admin = admin::v1::Admin::NewStub(server_->NewChannel());
  admin::v1::CheckConsistencyResponse check;
  ASSERT_TRUE(admin->CheckConsistency(Context().get(), {}, &check).ok());
  EXPECT_EQ(check.problem_count(), 0u);
  EXPECT_GE(check.records_checked(), 13u);
  admin::v1::RebuildIndexesResponse rebuilt;
  ASSERT_TRUE(admin->RebuildIndexes(Context().get(), {}, &rebuilt).ok());
  EXPECT_GE(rebuilt.records(), 13u);
  admin::v1::Backup backup;
  ASSERT_TRUE(admin->CreateBackup(Context().get(), {}, &backup).ok());
  admin::v1::ListBackupsResponse backups;
  ASSERT_TRUE(admin->ListBackups(Context().get(), {}, &backups).ok());
  ASSERT_EQ(backups.backups_size(), 1);
  EXPECT_EQ(backups.backups(0).backup_id(), backup.backup_id());

  // Restore offline with meetings_admin into a fresh directory and serve it.
  const std::string restored = MakeTempDir("meetings-restored-") + "/data";
  const std::string admin_tool =
      std::string(MEETINGS_SERVER_BINARY).substr(0, std::string(MEETINGS_SERVER_BINARY).rfind('/')) +
      "/meetings_admin";
  const std::string command = absl::StrCat(admin_tool, " restore --backup_dir=", backup_dir_,
                                           " --data_dir=", restored, " > /dev/null");
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  ASSERT_EQ(std::system(absl::StrCat(admin_tool, " check --data_dir=", restored, " > /dev/null")
                            .c_str()),
            0);
  ServerProcess copy(restored);
  ASSERT_TRUE(copy.running());
  auto copy_stub = copy.NewStub();
  v1::ListMeetingsRequest all;
  v1::ListMeetingsResponse meetings;
  ASSERT_TRUE(copy_stub->ListMeetings(Context().get(), all, &meetings).ok());
  EXPECT_EQ(meetings.meetings_size(), 10);
  copy.Stop(SIGTERM, 30);
  RemoveTree(restored.substr(0, restored.rfind('/')));
}

}  // namespace
}  // namespace meetings::testing
