// End-to-end: the real meeting_records_server binary on 127.0.0.1 port 0
// over a temporary RocksDB directory, driven through the generated gRPC
// client.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/integration/server_process.h"

namespace meetings::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kSeedMeeting[] = "meetings/vusta-giao-ban-2021-11-15";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return message;
}

std::unique_ptr<grpc::ClientContext> Context(int seconds = 10) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

// Calls the RPC a seed file is named for (NN_<Method>_<what>.json).
grpc::Status CallSeedFile(v1::MeetingRecords::Stub* stub, const std::filesystem::path& file) {
  const std::vector<std::string> parts = absl::StrSplit(file.filename().string(), '_');
  const std::string method = parts.at(1);
  const std::string json = ReadFile(file);
  auto context = Context();
  if (method == "CreateOrganization") {
    v1::Organization out;
    return stub->CreateOrganization(context.get(), FromJson<v1::CreateOrganizationRequest>(json), &out);
  }
  if (method == "CreatePerson") {
    v1::Person out;
    return stub->CreatePerson(context.get(), FromJson<v1::CreatePersonRequest>(json), &out);
  }
  if (method == "CreateMeeting") {
    v1::Meeting out;
    return stub->CreateMeeting(context.get(), FromJson<v1::CreateMeetingRequest>(json), &out);
  }
  if (method == "UpdateMeeting") {
    v1::Meeting out;
    return stub->UpdateMeeting(context.get(), FromJson<v1::UpdateMeetingRequest>(json), &out);
  }
  if (method == "CreateDocument") {
    v1::Document out;
    return stub->CreateDocument(context.get(), FromJson<v1::CreateDocumentRequest>(json), &out);
  }
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "test knows no method " + method);
}

std::vector<std::filesystem::path> SeedFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(MEETINGS_SOURCE_DIR) + "/clients/examples/seed")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void LoadSeed(v1::MeetingRecords::Stub* stub) {
  const auto files = SeedFiles();
  ASSERT_GE(files.size(), 9u);
  for (const auto& file : files) {
    grpc::Status status = CallSeedFile(stub, file);
    ASSERT_TRUE(status.ok()) << file << ": " << status.error_message();
  }
}

// The meeting the seed files describe: file 07, with the later updates
// applied the way the server applies an update mask, and each registered
// participant named as their person record was then.
v1::Meeting ExpectedSeedMeeting() {
  v1::Meeting expected;
  std::map<std::string, std::string> full_names;
  for (const auto& file : SeedFiles()) {
    const std::string name = file.filename().string();
    if (name.find("_CreatePerson_") != std::string::npos) {
      auto person = FromJson<v1::CreatePersonRequest>(ReadFile(file));
      full_names["persons/" + person.person_id()] = person.person().full_name();
    } else if (name.find("_CreateMeeting_") != std::string::npos) {
      expected = FromJson<v1::CreateMeetingRequest>(ReadFile(file)).meeting();
    } else if (name.find("_UpdateMeeting_") != std::string::npos) {
      auto update = FromJson<v1::UpdateMeetingRequest>(ReadFile(file));
      const auto* descriptor = v1::Meeting::descriptor();
      for (const auto& path : update.update_mask().paths()) {
        const auto* field = descriptor->FindFieldByName(path);
        EXPECT_NE(field, nullptr) << path;
        if (field == nullptr) continue;
        expected.GetReflection()->ClearField(&expected, field);
      }
      google::protobuf::util::FieldMaskUtil::MergeOptions options;
      options.set_replace_repeated_fields(true);
      google::protobuf::util::FieldMaskUtil::MergeMessageTo(update.meeting(), update.update_mask(),
                                                            options, &expected);
    }
  }
  for (auto& p : *expected.mutable_participants()) {
    if (p.has_person() && p.display_name().empty()) p.set_display_name(full_names[p.person()]);
  }
  return expected;
}

void ClearOutputOnly(v1::Meeting* m) {
  m->clear_name();
  m->clear_uid();
  m->clear_create_time();
  m->clear_update_time();
  m->clear_etag();
  m->clear_local_start_date();
  m->clear_local_end_date();
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>();
    ASSERT_TRUE(server_->running());
    stub_ = server_->NewStub();
  }

  std::vector<std::string> ListNames(const v1::ListMeetingsRequest& request) {
    v1::ListMeetingsResponse response;
    auto context = Context();
    grpc::Status status = stub_->ListMeetings(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> names;
    for (const auto& m : response.meetings()) names.push_back(m.name());
    return names;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<v1::MeetingRecords::Stub> stub_;
};

TEST_F(ServerTest, SeedMeetingIsStoredFromJsonAndReadBackEqual) {
  LoadSeed(stub_.get());
  v1::GetMeetingRequest get;
  get.set_name(kSeedMeeting);
  v1::Meeting stored;
  auto context = Context();
  ASSERT_TRUE(stub_->GetMeeting(context.get(), get, &stored).ok());
  EXPECT_EQ(stored.local_start_date().year(), 2021);
  EXPECT_EQ(stored.local_start_date().month(), 11);
  EXPECT_EQ(stored.local_start_date().day(), 15);
  EXPECT_EQ(stored.title(),
            "Hội nghị giao ban Liên hiệp các hội Khoa học và Kỹ thuật các tỉnh, thành phố trực "
            "thuộc trung ương năm 2021");
  ClearOutputOnly(&stored);
  std::string diff;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differencer.Compare(ExpectedSeedMeeting(), stored)) << diff;

  // The source article survives byte for byte (shared/ sits beside the
  // checkout on our machines and in CI).
  ASSERT_EQ(stored.sources_size(), 1);
  const std::filesystem::path article =
      std::filesystem::path(MEETINGS_SOURCE_DIR) / "../shared/seed/vusta-briefing-2021-11-15.txt";
  if (std::filesystem::exists(article)) {
    EXPECT_EQ(stored.sources(0).content(), ReadFile(article));
  }
}

TEST_F(ServerTest, SeedMeetingIsFoundByOrganizationByLocalDateAndByPerson) {
  LoadSeed(stub_.get());

  // Find the organization and the person by their Vietnamese names first.
  v1::ListOrganizationsResponse orgs;
  auto c1 = Context();
  ASSERT_TRUE(stub_->ListOrganizations(c1.get(), v1::ListOrganizationsRequest(), &orgs).ok());
  std::string vusta;
  for (const auto& o : orgs.organizations()) {
    if (o.display_name() == "Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam") vusta = o.name();
  }
  ASSERT_FALSE(vusta.empty());
  v1::ListPersonsResponse persons;
  auto c2 = Context();
  ASSERT_TRUE(stub_->ListPersons(c2.get(), v1::ListPersonsRequest(), &persons).ok());
  std::string dung;
  for (const auto& p : persons.persons()) {
    if (p.full_name() == "Phan Xuân Dũng") dung = p.name();
  }
  ASSERT_FALSE(dung.empty());

  v1::ListMeetingsRequest by_org;
  by_org.set_organization(vusta);
  EXPECT_THAT(ListNames(by_org), ElementsAre(kSeedMeeting));
  *by_org.mutable_start_date() = FromJson<v1::Date>(R"({"year":2021,"month":11,"day":1})");
  *by_org.mutable_end_date() = FromJson<v1::Date>(R"({"year":2021,"month":11,"day":30})");
  EXPECT_THAT(ListNames(by_org), ElementsAre(kSeedMeeting));

  v1::ListMeetingsRequest by_date;
  *by_date.mutable_start_date() = FromJson<v1::Date>(R"({"year":2021,"month":11,"day":15})");
  *by_date.mutable_end_date() = by_date.start_date();
  EXPECT_THAT(ListNames(by_date), ElementsAre(kSeedMeeting));
  // 01:00 UTC on 15/11 is still the 15th locally, and not the 14th.
  *by_date.mutable_start_date() = FromJson<v1::Date>(R"({"year":2021,"month":11,"day":14})");
  *by_date.mutable_end_date() = by_date.start_date();
  EXPECT_THAT(ListNames(by_date), ElementsAre());

  v1::ListMeetingsRequest by_person;
  by_person.set_person(dung);
  EXPECT_THAT(ListNames(by_person), ElementsAre(kSeedMeeting));
}

TEST_F(ServerTest, AcknowledgedWritesSurviveARestartOnTheSameDirectory) {
  LoadSeed(stub_.get());
  const std::string data_dir = server_->data_dir();
  // Keep the directory: stop this server and start another over it.
  auto keeper = MakeTempDir("meetings-keep-");
  std::filesystem::rename(data_dir, keeper + "/data");
  ASSERT_EQ(server_->Stop(SIGKILL, 10), 128 + SIGKILL);
  server_.reset();
  ServerProcess restarted(keeper + "/data");
  ASSERT_TRUE(restarted.running());
  auto stub = restarted.NewStub();
  v1::GetMeetingRequest get;
  get.set_name(kSeedMeeting);
  v1::Meeting meeting;
  auto context = Context();
  EXPECT_TRUE(stub->GetMeeting(context.get(), get, &meeting).ok());
  restarted.Stop(SIGTERM, 30);
  RemoveTree(keeper);
}

TEST_F(ServerTest, ErrorsCarryPreciseCodesAndChangeNothing) {
  LoadSeed(stub_.get());
  auto expect = [&](grpc::Status status, grpc::StatusCode code, const std::string& mentions) {
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(mentions));
  };
  v1::Meeting out;
  {
    v1::GetMeetingRequest get;
    get.set_name("meetings/khong-co");
    expect(stub_->GetMeeting(Context().get(), get, &out), grpc::StatusCode::NOT_FOUND,
           "meetings/khong-co");
    get.set_name("cuoc-hop/x");
    expect(stub_->GetMeeting(Context().get(), get, &out), grpc::StatusCode::INVALID_ARGUMENT,
           "name");
  }
  const auto base = FromJson<v1::CreateMeetingRequest>(ReadFile(
      std::string(MEETINGS_SOURCE_DIR) +
      "/clients/examples/seed/07_CreateMeeting_vusta-giao-ban-2021-11-15.json"));
  {
    auto request = base;
    expect(stub_->CreateMeeting(Context().get(), request, &out), grpc::StatusCode::ALREADY_EXISTS,
           "already exists");
    request.set_meeting_id("hop-moi");
    request.mutable_meeting()->set_time_zone("Asia/Hanoi_Nowhere");
    expect(stub_->CreateMeeting(Context().get(), request, &out),
           grpc::StatusCode::INVALID_ARGUMENT, "meeting.time_zone");
    request = base;
    request.set_meeting_id("hop-moi");
    request.mutable_meeting()->mutable_end_time()->set_seconds(
        request.meeting().start_time().seconds() - 3600);
    expect(stub_->CreateMeeting(Context().get(), request, &out),
           grpc::StatusCode::INVALID_ARGUMENT, "meeting.end_time");
    request = base;
    request.set_meeting_id("hop-moi");
    request.mutable_meeting()->mutable_participants(0)->set_person("persons/khong-co");
    expect(stub_->CreateMeeting(Context().get(), request, &out), grpc::StatusCode::NOT_FOUND,
           "meeting.participants[0].person");
    request = base;
    request.set_meeting_id("Hop Moi");
    expect(stub_->CreateMeeting(Context().get(), request, &out),
           grpc::StatusCode::INVALID_ARGUMENT, "meeting_id");
    request = base;
    request.set_meeting_id("hop-moi");
    request.mutable_meeting()->set_title(std::string(2000, 'x'));
    expect(stub_->CreateMeeting(Context().get(), request, &out),
           grpc::StatusCode::INVALID_ARGUMENT, "meeting.title");
  }
  {
    v1::GetMeetingRequest get;
    get.set_name("meetings/hop-moi");
    expect(stub_->GetMeeting(Context().get(), get, &out), grpc::StatusCode::NOT_FOUND, "hop-moi");
  }
  {
    v1::UpdateMeetingRequest update;
    update.mutable_meeting()->set_name(kSeedMeeting);
    update.mutable_meeting()->set_etag("0000000000000000");
    update.mutable_meeting()->set_title("x");
    update.mutable_update_mask()->add_paths("title");
    expect(stub_->UpdateMeeting(Context().get(), update, &out), grpc::StatusCode::ABORTED,
           "etag");
    update.mutable_meeting()->clear_etag();
    update.mutable_update_mask()->add_paths("no_such_field");
    expect(stub_->UpdateMeeting(Context().get(), update, &out),
           grpc::StatusCode::INVALID_ARGUMENT, "update_mask");
  }
  {
    v1::DeleteOrganizationRequest del;
    del.set_name("organizations/vusta");
    google::protobuf::Empty empty;
    expect(stub_->DeleteOrganization(Context().get(), del, &empty),
           grpc::StatusCode::FAILED_PRECONDITION, "referred to");
  }
  {
    v1::ListMeetingsRequest list;
    list.set_page_token("not-a-token");
    v1::ListMeetingsResponse response;
    expect(stub_->ListMeetings(Context().get(), list, &response),
           grpc::StatusCode::INVALID_ARGUMENT, "page_token");
  }
  // None of that changed the seed meeting.
  v1::GetMeetingRequest get;
  get.set_name(kSeedMeeting);
  ASSERT_TRUE(stub_->GetMeeting(Context().get(), get, &out).ok());
  ClearOutputOnly(&out);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(ExpectedSeedMeeting(), out));
}

TEST_F(ServerTest, DecomposedVietnameseIsStoredAsNfc) {
  v1::CreateOrganizationRequest request;
  request.set_organization_id("nfc");
  // "Hưng Yên" written with combining marks: U+0055 U+031B ... -> NFC.
  request.mutable_organization()->set_display_name("Hu\xCC\x9Bng Ye\xCC\x82n");
  v1::Organization out;
  ASSERT_TRUE(stub_->CreateOrganization(Context().get(), request, &out).ok());
  EXPECT_EQ(out.display_name(), "Hưng Yên");
}

TEST_F(ServerTest, ExpiredDeadlineIsDeadlineExceeded) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() - std::chrono::seconds(1));
  v1::ListMeetingsResponse response;
  grpc::Status status = stub_->ListMeetings(&context, v1::ListMeetingsRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_F(ServerTest, SigtermDrainsInFlightCallsAndExitsZero) {
  LoadSeed(stub_.get());
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0};
  std::atomic<int> failed_other{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      auto stub = server_->NewStub();
      for (int i = 0; i < 100000 && !stop; ++i) {
        v1::ListMeetingsRequest request;
        request.set_organization("organizations/vusta");
        v1::ListMeetingsResponse response;
        auto context = Context(5);
        grpc::Status status = stub->ListMeetings(context.get(), request, &response);
        if (status.ok()) {
          ++ok;
        } else if (status.error_code() != grpc::StatusCode::UNAVAILABLE &&
                   status.error_code() != grpc::StatusCode::CANCELLED) {
          // Once shutdown begins, gRPC refuses new calls (UNAVAILABLE) and
          // fails calls that arrived but were not yet handed to a handler
          // (CANCELLED). Anything else means a handler's call was broken.
          ++failed_other;
          ADD_FAILURE() << "code " << status.error_code() << ": " << status.error_message();
        }
      }
    });
  }
  while (ok < 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const int exit_code = server_->Stop(SIGTERM, 30);
  stop = true;
  for (auto& c : callers) c.join();
  EXPECT_EQ(exit_code, 0) << server_->Output();
  EXPECT_EQ(failed_other.load(), 0);
  EXPECT_THAT(server_->Output(), HasSubstr("stopped cleanly"));

  // The directory reopens clean with everything in it.
  ServerProcess reopened(server_->data_dir());
  ASSERT_TRUE(reopened.running());
  auto stub = reopened.NewStub();
  v1::GetMeetingRequest get;
  get.set_name(kSeedMeeting);
  v1::Meeting meeting;
  EXPECT_TRUE(stub->GetMeeting(Context().get(), get, &meeting).ok());
  EXPECT_EQ(reopened.Stop(SIGTERM, 30), 0);
}

}  // namespace
}  // namespace meetings::testing
