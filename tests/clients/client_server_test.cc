// The C++ client library against the real server binary on 127.0.0.1:
// CRUD, paging over several pages, the seed queries, errors as absl codes,
// and deadlines (default and per call, against a SIGSTOPped server).
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "meetings/client/client.h"
#include "tests/integration/server_process.h"

namespace meetings::client {
namespace {

using ::meetings::testing::ServerProcess;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kSeedMeeting[] = "meetings/vusta-giao-ban-2021-11-15";

Client ClientFor(const ServerProcess& server, ConnectionOptions options = {}) {
  options.target = server.address();
  auto connection = MakeConnection(std::move(options));
  EXPECT_TRUE(connection.ok()) << connection.status();
  return Client(*connection);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

template <typename Message>
Message FromJson(const std::string& json) {
  Message m;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &m).ok()) << json;
  return m;
}

// Sends every seed file (NN_<Method>_<what>.json) in name order through the
// client library.
void LoadSeed(Client& client) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(MEETINGS_SOURCE_DIR) + "/clients/examples/seed")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 10u);
  for (const auto& file : files) {
    const std::vector<std::string> parts = absl::StrSplit(file.filename().string(), '_');
    const std::string& method = parts.at(1);
    const std::string json = ReadFile(file);
    absl::Status status;
    if (method == "CreateOrganization") {
      status = client.CreateOrganization(FromJson<v1::CreateOrganizationRequest>(json)).status();
    } else if (method == "CreatePerson") {
      status = client.CreatePerson(FromJson<v1::CreatePersonRequest>(json)).status();
    } else if (method == "CreateMeeting") {
      status = client.CreateMeeting(FromJson<v1::CreateMeetingRequest>(json)).status();
    } else if (method == "CreateDocument") {
      status = client.CreateDocument(FromJson<v1::CreateDocumentRequest>(json)).status();
    } else if (method == "UpdateMeeting") {
      status = client.UpdateMeeting(FromJson<v1::UpdateMeetingRequest>(json)).status();
    } else {
      FAIL() << "unknown seed method " << method;
    }
    ASSERT_TRUE(status.ok()) << file << ": " << status;
  }
}

v1::Organization Org(const std::string& display_name) {
  v1::Organization org;
  org.set_display_name(display_name);
  return org;
}

// Counts the ListMeetings calls that reach the real connection: a
// decorator, the other thing a Connection subclass is good for.
class CountingConnection : public Connection {
 public:
  explicit CountingConnection(std::shared_ptr<Connection> inner) : inner_(std::move(inner)) {}
  absl::StatusOr<v1::ListMeetingsResponse> ListMeetings(const v1::ListMeetingsRequest& r,
                                                        const CallOptions& o) override {
    ++list_meetings_calls;
    return inner_->ListMeetings(r, o);
  }
  std::atomic<int> list_meetings_calls{0};

 private:
  std::shared_ptr<Connection> inner_;
};

TEST(ClientServer, OrganizationCrudRoundTrip) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  Client client = ClientFor(server);

  v1::Organization org = Org("Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Hưng Yên");
  org.set_province("Hưng Yên");
  auto created = client.CreateOrganization(org, "lhh-hung-yen");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "organizations/lhh-hung-yen");
  EXPECT_FALSE(created->etag().empty());

  auto got = client.GetOrganization("organizations/lhh-hung-yen");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->display_name(), org.display_name());
  EXPECT_EQ(got->province(), "Hưng Yên");

  v1::Organization change;
  change.set_name(created->name());
  change.set_short_name("LHH Hưng Yên");
  google::protobuf::FieldMask mask;
  mask.add_paths("short_name");
  auto updated = client.UpdateOrganization(change, mask);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->short_name(), "LHH Hưng Yên");
  EXPECT_EQ(updated->province(), "Hưng Yên") << "fields outside the mask stay";
  EXPECT_NE(updated->etag(), created->etag());

  std::vector<std::string> listed;
  for (auto& o : client.ListOrganizations()) {
    ASSERT_TRUE(o.ok()) << o.status();
    listed.push_back(o->name());
  }
  EXPECT_THAT(listed, ElementsAre("organizations/lhh-hung-yen"));

  // A stale etag is refused; the current one deletes.
  EXPECT_EQ(client.DeleteOrganization(created->name(), created->etag()).code(),
            absl::StatusCode::kAborted);
  ASSERT_TRUE(client.DeleteOrganization(created->name(), updated->etag()).ok());
  EXPECT_EQ(client.GetOrganization(created->name()).status().code(), absl::StatusCode::kNotFound);
}

TEST(ClientServer, PagingHelperWalksEveryPage) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  auto connection = MakeConnection(ConnectionOptions{.target = server.address()});
  ASSERT_TRUE(connection.ok());
  // Writes go through the plain connection (CountingConnection overrides
  // only ListMeetings; the rest would answer UNIMPLEMENTED).
  Client writer(*connection);
  auto counting = std::make_shared<CountingConnection>(*connection);
  Client client(counting);

  ASSERT_TRUE(writer.CreateOrganization(Org("Liên hiệp Hội Việt Nam"), "vusta").ok());
  constexpr int kMeetings = 7;
  for (int i = 0; i < kMeetings; ++i) {
    v1::Meeting m;
    m.set_title(absl::StrCat("Hội nghị số ", i + 1));
    m.add_organizers("organizations/vusta");
    m.set_time_zone("Asia/Ho_Chi_Minh");
    // 08:00 in Hanoi on 1..7 November 2021 (01:00 UTC).
    m.mutable_start_time()->set_seconds(1635728400 + i * 86400);
    auto created = writer.CreateMeeting(m, absl::StrCat("m", i + 1));
    ASSERT_TRUE(created.ok()) << created.status();
  }

  MeetingQueryOptions query;
  query.page_size = 2;  // 7 meetings: pages of 2, 2, 2, 1
  std::vector<std::string> ids;
  for (absl::StatusOr<v1::Meeting>& m :
       client.ListMeetingsByOrganization("vusta", absl::CivilDay(2021, 11, 1),
                                         absl::CivilDay(2021, 11, 30), query)) {
    ASSERT_TRUE(m.ok()) << m.status();
    ids.push_back(IdOf(m->name()));
  }
  EXPECT_THAT(ids, ElementsAre("m1", "m2", "m3", "m4", "m5", "m6", "m7"));
  EXPECT_EQ(counting->list_meetings_calls.load(), 4);

  query.newest_first = true;
  ids.clear();
  for (auto& m : client.ListMeetingsOnDates(absl::CivilDay(2021, 11, 3),
                                            absl::CivilDay(2021, 11, 6), query)) {
    ASSERT_TRUE(m.ok()) << m.status();
    ids.push_back(IdOf(m->name()));
  }
  EXPECT_THAT(ids, ElementsAre("m6", "m5", "m4", "m3"));
}

TEST(ClientServer, SeedQueriesByOrganizationDateAndPerson) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  Client client = ClientFor(server);
  ASSERT_NO_FATAL_FAILURE(LoadSeed(client));

  std::vector<std::string> november;
  for (auto& m : client.ListMeetingsByOrganization("vusta", absl::CivilDay(2021, 11, 1),
                                                   absl::CivilDay(2021, 11, 30))) {
    ASSERT_TRUE(m.ok()) << m.status();
    november.push_back(m->name());
  }
  EXPECT_THAT(november, ElementsAre(kSeedMeeting));

  // The Hưng Yên union takes part, so it finds the meeting too; October
  // finds nothing.
  int hung_yen = 0, october = 0;
  for (auto& m : client.ListMeetingsByOrganization("organizations/lhh-hung-yen",
                                                   absl::CivilDay(2021, 11, 15),
                                                   absl::CivilDay(2021, 11, 15))) {
    ASSERT_TRUE(m.ok()) << m.status();
    ++hung_yen;
  }
  for (auto& m : client.ListMeetingsByOrganization("vusta", absl::CivilDay(2021, 10, 1),
                                                   absl::CivilDay(2021, 10, 31))) {
    ASSERT_TRUE(m.ok()) << m.status();
    ++october;
  }
  EXPECT_EQ(hung_yen, 1);
  EXPECT_EQ(october, 0);

  std::vector<std::string> on_the_day;
  for (auto& m : client.ListMeetingsOnDates(absl::CivilDay(2021, 11, 15),
                                            absl::CivilDay(2021, 11, 15))) {
    ASSERT_TRUE(m.ok()) << m.status();
    on_the_day.push_back(m->name());
    EXPECT_EQ(m->local_start_date().day(), 15);
  }
  EXPECT_THAT(on_the_day, ElementsAre(kSeedMeeting));

  std::vector<std::string> of_chair;
  for (auto& m : client.ListMeetingsOfPerson("phan-xuan-dung")) {
    ASSERT_TRUE(m.ok()) << m.status();
    of_chair.push_back(m->name());
  }
  EXPECT_THAT(of_chair, ElementsAre(kSeedMeeting));

  std::vector<std::string> documents;
  for (auto& d : client.ListDocumentsOfMeeting("vusta-giao-ban-2021-11-15")) {
    ASSERT_TRUE(d.ok()) << d.status();
    documents.push_back(IdOf(d->name()));
  }
  EXPECT_THAT(documents, ElementsAre("bao-cao-dieu-phoi-10-thang-2021", "de-xuat-cum-hoat-dong"));

  auto meeting = client.GetMeeting(kSeedMeeting);
  ASSERT_TRUE(meeting.ok()) << meeting.status();
  ASSERT_EQ(meeting->agenda_items_size(), 3);
  EXPECT_THAT(meeting->agenda_items(0).documents(),
              ElementsAre(absl::StrCat(kSeedMeeting, "/documents/bao-cao-dieu-phoi-10-thang-2021")));
}

TEST(ClientServer, SearchAndHistory) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  Client client = ClientFor(server);
  ASSERT_NO_FATAL_FAILURE(LoadSeed(client));

  std::vector<std::string> found;
  for (auto& r : client.SearchRecords("nguyen khac hao")) {
    ASSERT_TRUE(r.ok()) << r.status();
    found.push_back(r->name());
  }
  EXPECT_THAT(found, ::testing::Contains("persons/nguyen-khac-hao"));

  // The seed creates the meeting, then links its agenda (file 10).
  std::vector<uint64_t> revisions;
  for (auto& r : client.ListRevisions(kSeedMeeting)) {
    ASSERT_TRUE(r.ok()) << r.status();
    revisions.push_back(r->revision_id());
  }
  EXPECT_THAT(revisions, ElementsAre(2u, 1u));
  auto first = client.GetRevision(kSeedMeeting, 1);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->meeting().agenda_items(0).documents_size(), 0);
}

TEST(ClientServer, ChangeFeedStreamsTheSeedWritesInOrder) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  Client client = ClientFor(server);
  ASSERT_NO_FATAL_FAILURE(LoadSeed(client));

  CallOptions bounded;
  bounded.timeout = absl::Seconds(30);
  auto stream = client.StreamChanges(v1::StreamChangesRequest(), bounded);
  std::vector<std::string> changed;
  v1::StreamChangesResponse response;
  while (changed.size() < 10 && stream->Read(&response)) {
    for (const auto& change : response.changes()) changed.push_back(change.name());
  }
  if (changed.empty()) {
    const absl::Status status = stream->Finish();
    if (status.code() == absl::StatusCode::kUnimplemented) {
      GTEST_SKIP() << "the server does not serve meetings.v1.ChangeFeed: " << status;
    }
    FAIL() << "the stream ended with " << status;
  }
  ASSERT_EQ(changed.size(), 10u);
  EXPECT_EQ(changed.front(), "organizations/vusta");
  EXPECT_EQ(changed.back(), kSeedMeeting);
  stream->Cancel();
  while (stream->Read(&response)) {
  }
  EXPECT_EQ(stream->Finish().code(), absl::StatusCode::kCancelled);
}

TEST(ClientServer, ServerErrorsSurfaceAsAbslCodesWithTheirMessages) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  Client client = ClientFor(server);

  auto missing = client.GetMeeting("meetings/no-such-meeting");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("no-such-meeting"));

  auto bad_name = client.GetOrganization("organisations/vusta");
  EXPECT_EQ(bad_name.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_name.status().message()), HasSubstr("name"));

  auto no_title = client.CreateOrganization(v1::Organization(), "vusta");
  EXPECT_EQ(no_title.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_title.status().message()), HasSubstr("display_name"));

  ASSERT_TRUE(client.CreateOrganization(Org("VUSTA"), "vusta").ok());
  auto again = client.CreateOrganization(Org("VUSTA"), "vusta");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);

  v1::Organization child = Org("Con");
  child.set_parent("organizations/vusta");
  ASSERT_TRUE(client.CreateOrganization(child, "child").ok());
  EXPECT_EQ(client.DeleteOrganization("organizations/vusta").code(),
            absl::StatusCode::kFailedPrecondition);

  // The paging helper yields a failed first page as its one element.
  v1::ListMeetingsRequest both;
  both.set_organization("organizations/vusta");
  both.set_person("persons/x");
  int elements = 0;
  for (auto& m : client.ListMeetings(both)) {
    ++elements;
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(elements, 1);
}

// The pid of `server`, found by its data directory on its command line
// (ServerProcess keeps its pid to itself).
pid_t PidOf(const ServerProcess& server) {
  const std::string flag = "--data_dir=" + server.data_dir();
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadFile(entry.path() / "cmdline");
    for (char& c : cmdline) {
      if (c == '\0') c = ' ';
    }
    if (cmdline.find(flag + " ") != std::string::npos) return std::stoi(pid);
  }
  return -1;
}

// SIGSTOPs a server for its lifetime: connections stay open and calls hang
// unanswered, so a deadline expires for certain (a tiny deadline against a
// running server may still be met on loopback).
class Stalled {
 public:
  explicit Stalled(pid_t pid) : pid_(pid) {
    kill(pid_, SIGSTOP);
    // kill() only queues the signal: wait until every thread has stopped.
    for (int i = 0; i < 500 && !AllThreadsStopped(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(AllThreadsStopped());
  }
  ~Stalled() { Resume(); }
  void Resume() {
    if (pid_ > 0) kill(pid_, SIGCONT);
    pid_ = -1;
  }

 private:
  // Each /proc/PID/task/TID/stat has the state after "(comm) ": 'T' when
  // stopped by a signal.
  bool AllThreadsStopped() const {
    int threads = 0;
    for (const auto& task : std::filesystem::directory_iterator(
             "/proc/" + std::to_string(pid_) + "/task")) {
      const std::string stat = ReadFile(task.path() / "stat");
      const size_t paren = stat.rfind(')');
      if (paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'T') {
        return false;
      }
      ++threads;
    }
    return threads > 0;
  }

  pid_t pid_;
};

TEST(ClientServer, DeadlinesPerCallAndByDefault) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  const pid_t pid = PidOf(server);
  ASSERT_GT(pid, 0);
  Client client = ClientFor(server);
  ConnectionOptions hasty_options;
  hasty_options.default_timeout = absl::Milliseconds(100);
  Client hasty = ClientFor(server, hasty_options);
  ASSERT_TRUE(client.CreateOrganization(Org("VUSTA"), "vusta").ok());
  ASSERT_TRUE(hasty.GetOrganization("organizations/vusta").ok()) << "100 ms is plenty when served";

  Stalled stalled(pid);
  CallOptions tiny;
  tiny.timeout = absl::Milliseconds(50);
  auto start = absl::Now();
  EXPECT_EQ(client.GetOrganization("organizations/vusta", tiny).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(client.CreateOrganization(Org("X"), "x", tiny).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  int elements = 0;
  for (auto& m : client.ListMeetings(v1::ListMeetingsRequest(), tiny)) {
    ++elements;
    EXPECT_EQ(m.status().code(), absl::StatusCode::kDeadlineExceeded);
  }
  EXPECT_EQ(elements, 1);
  // The connection's default applies to calls that set no timeout.
  EXPECT_EQ(hasty.GetOrganization("organizations/vusta").status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5)) << "each call gave up at its deadline";

  // A per-call timeout overrides the default: this call outlives 100 ms
  // and is answered once the server resumes.
  CallOptions patient;
  patient.timeout = absl::Seconds(30);
  auto pending = std::async(std::launch::async, [&] {
    return hasty.GetOrganization("organizations/vusta", patient);
  });
  EXPECT_EQ(pending.wait_for(std::chrono::milliseconds(500)), std::future_status::timeout);
  stalled.Resume();
  auto got = pending.get();
  EXPECT_TRUE(got.ok()) << got.status();

  // No deadline at all is an option too.
  CallOptions forever;
  forever.timeout = absl::InfiniteDuration();
  EXPECT_TRUE(hasty.GetOrganization("organizations/vusta", forever).ok());
}

}  // namespace
}  // namespace meetings::client
