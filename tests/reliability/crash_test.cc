// Crash test: acknowledged writes survive SIGKILL, and nothing is ever
// half-written.
//
// Writer threads drive uniquely identified creates, updates and deletes of
// meetings, and of the organizations and persons they reference, against
// the real server binary, and record every acknowledgement in a model. The
// server is SIGKILLed at a random moment while they write, and restarted
// over the same data directory. After every crash:
//   - the consistency checker (storage::CheckConsistency), run in this
//     process over the stopped server's directory, reports 0 problems;
//   - every acknowledged write is visible by key (Get) and through every
//     listing and index: all meetings, by organization (also with
//     sub-organizations), by person, by local date, and the organization
//     and person listings; each returns exactly the model's records with
//     exactly the model's content;
//   - a write that got no answer is visible either entirely (record and
//     every index row) or not at all, and the model adopts what happened.
// Cycles alternate who recovers the crashed directory first: this
// process's checker, or the restarted server (whose idle process is then
// killed again for the checker), so both recovery paths are covered.
//
// Bounded: MEETINGS_CRASH_CYCLES cycles (default 20) in the default
// durability mode and MEETINGS_CRASH_SYNC_CYCLES (default 5) with
// --sync_writes; each write phase lasts at most 300 ms. Only 127.0.0.1.
// MEETINGS_CRASH_SEED repeats a run; MEETINGS_CRASH_THREADS sets the number
// of writers (default 4).
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "services/storage/consistency.h"
#include "services/storage/record_store.h"
#include "services/storage/rocksdb_kv_store.h"
#include "tests/integration/server_process.h"

namespace meetings::testing {
namespace {

using google::protobuf::util::MessageDifferencer;
using Stub = v1::MeetingRecords::Stub;

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  return std::atoi(value);
}

std::unique_ptr<grpc::ClientContext> Context(int seconds = 10) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

// True for the codes a call ends with when the server died under it: the
// write may or may not have been applied.
bool NoAnswer(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::INTERNAL:
      return true;
    default:
      return false;
  }
}

// What the server stores of a resource apart from what it derives itself.
template <typename Resource>
Resource Canonical(Resource r) {
  r.clear_name();
  r.clear_uid();
  r.clear_create_time();
  r.clear_update_time();
  r.clear_etag();
  if constexpr (std::is_same_v<Resource, v1::Meeting>) {
    r.clear_local_start_date();
    r.clear_local_end_date();
  }
  return r;
}

template <typename Resource>
bool SameState(const std::optional<Resource>& a, const std::optional<Resource>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || MessageDifferencer::Equals(Canonical(*a), Canonical(*b));
}

template <typename Resource>
std::string Show(const std::optional<Resource>& r) {
  return r ? Canonical(*r).ShortDebugString() : std::string("(absent)");
}

// One record as the writers know it.
template <typename Resource>
struct Record {
  // Exactly one state after an acknowledged (or cleanly refused) write;
  // two after a write that got no answer: before and after it.
  std::vector<std::optional<Resource>> possible = {std::nullopt};
  // Written since the last verification: re-read by key.
  bool dirty = true;

  bool definite() const { return possible.size() == 1; }
  bool present() const { return definite() && possible[0].has_value(); }
  const Resource& value() const { return *possible[0]; }
};

// The records of one writer thread (or of the fixed set), by id.
struct Model {
  std::map<std::string, Record<v1::Organization>> organizations;
  std::map<std::string, Record<v1::Person>> persons;
  std::map<std::string, Record<v1::Meeting>> meetings;
  // Organizations and persons no meeting ever refers to: these may be deleted.
  std::set<std::string> ephemeral;
};

struct Stats {
  int acknowledged = 0;
  int unanswered = 0;
  int unanswered_applied = 0;
  int unanswered_not_applied = 0;
};

// Folds one outcome into a record's possible states.
template <typename Resource>
void Settle(Record<Resource>* record, const grpc::Status& status,
            std::optional<Resource> after, Stats* stats) {
  record->dirty = true;
  if (status.ok()) {
    record->possible = {std::move(after)};
    ++stats->acknowledged;
  } else if (NoAnswer(status)) {
    record->possible.push_back(std::move(after));
    ++stats->unanswered;
  }
}

const std::vector<std::string> kZones = {"Asia/Ho_Chi_Minh", "America/New_York", "UTC"};
// 2021-11-10T00:00:00Z: meetings start within 10 days of it.
constexpr int64_t kWindowStart = 1636502400;

// Drives writes of one thread until the server stops answering.
class Writer {
 public:
  Writer(int thread, int cycle, Model* own, const Model* fixed, std::unique_ptr<Stub> stub,
         uint64_t seed, const std::atomic<bool>* killed)
      : thread_(thread), cycle_(cycle), own_(own), fixed_(fixed), stub_(std::move(stub)),
        rng_(seed), killed_(killed) {}

  void Run() {
    for (int op = 0; op < 5000; ++op) {
      if (!Step(op)) return;
    }
  }

  const Stats& stats() const { return stats_; }

 private:
  // Runs one random write; false once a call went unanswered.
  bool Step(int op) {
    tag_ = absl::StrCat("c", cycle_, "-t", thread_, "-n", op);
    const int dice = Pick(100);
    grpc::Status status;
    if (dice < 38) {
      status = CreateMeeting();
    } else if (dice < 70) {
      status = UpdateMeeting();
    } else if (dice < 82) {
      status = DeleteMeeting();
    } else if (dice < 86) {
      status = CreateOrganization(Pick(2) == 0);
    } else if (dice < 89) {
      status = UpdateOrganization();
    } else if (dice < 92) {
      status = DeleteEphemeral(true);
    } else if (dice < 96) {
      status = CreatePerson(Pick(2) == 0);
    } else {
      status = DeleteEphemeral(false);
    }
    if (status.ok()) return true;
    if (NoAnswer(status)) {
      if (!killed_->load()) {
        ADD_FAILURE() << "writer " << thread_ << ": " << tag_
                      << " got no answer while the server ran: " << status.error_message();
      }
      return false;
    }
    ADD_FAILURE() << "writer " << thread_ << ": " << tag_ << " failed with code "
                  << status.error_code() << ": " << status.error_message();
    return true;
  }

  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }

  // Definitely present, referable (non-ephemeral) records of `Model::*field`.
  template <typename Resource>
  std::vector<std::string> Referable(std::map<std::string, Record<Resource>> Model::*field) {
    std::vector<std::string> ids;
    for (const Model* model : {fixed_, static_cast<const Model*>(own_)}) {
      for (const auto& [id, record] : model->*field) {
        if (record.present() && !model->ephemeral.contains(id)) ids.push_back(id);
      }
    }
    return ids;
  }

  template <typename Resource>
  std::vector<std::string> Present(const std::map<std::string, Record<Resource>>& records,
                                   bool ephemeral) {
    std::vector<std::string> ids;
    for (const auto& [id, record] : records) {
      if (record.present() && own_->ephemeral.contains(id) == ephemeral) ids.push_back(id);
    }
    return ids;
  }

  v1::Meeting NewMeetingVersion() {
    v1::Meeting m;
    m.set_title(absl::StrCat("Họp giao ban ", tag_));
    m.set_time_zone(kZones[Pick(kZones.size())]);
    const int64_t start = kWindowStart + Pick(10 * 24) * 3600 + Pick(4) * 900;
    m.mutable_start_time()->set_seconds(start);
    if (Pick(4) != 0) m.mutable_end_time()->set_seconds(start + (1 + Pick(50)) * 3600);
    (*m.mutable_labels())["op"] = tag_;
    auto orgs = Referable(&Model::organizations);
    std::shuffle(orgs.begin(), orgs.end(), rng_);
    const int organizers = 1 + Pick(2);
    for (int i = 0; i < organizers && i < static_cast<int>(orgs.size()); ++i) {
      m.add_organizers("organizations/" + orgs[i]);
    }
    auto persons = Referable(&Model::persons);
    std::shuffle(persons.begin(), persons.end(), rng_);
    const int participants = Pick(3);
    for (int i = 0; i < participants && i < static_cast<int>(persons.size()); ++i) {
      auto* p = m.add_participants();
      p->set_participant_id(absl::StrCat("p", i));
      p->set_person("persons/" + persons[i]);
      p->add_roles(i == 0 ? v1::Participant::CHAIR : v1::Participant::DELEGATE);
      // Set, so the server does not fill it in from the person's record.
      p->set_display_name(absl::StrCat("Đại biểu ", i, " ", tag_));
    }
    return m;
  }

  grpc::Status CreateMeeting() {
    const std::string id = "m-" + tag_;
    v1::CreateMeetingRequest request;
    request.set_meeting_id(id);
    *request.mutable_meeting() = NewMeetingVersion();
    v1::Meeting out;
    auto status = stub_->CreateMeeting(Context().get(), request, &out);
    Settle(&own_->meetings[id], status, std::optional(request.meeting()), &stats_);
    return status;
  }

  grpc::Status UpdateMeeting() {
    auto ids = Present(own_->meetings, false);
    if (ids.empty()) return CreateMeeting();
    const std::string id = ids[Pick(ids.size())];
    v1::UpdateMeetingRequest request;
    *request.mutable_meeting() = NewMeetingVersion();
    request.mutable_meeting()->set_name("meetings/" + id);
    request.mutable_update_mask()->add_paths("*");
    v1::Meeting out;
    auto status = stub_->UpdateMeeting(Context().get(), request, &out);
    Settle(&own_->meetings[id], status, std::optional(request.meeting()), &stats_);
    return status;
  }

  grpc::Status DeleteMeeting() {
    auto ids = Present(own_->meetings, false);
    if (ids.empty()) return CreateMeeting();
    const std::string id = ids[Pick(ids.size())];
    v1::DeleteMeetingRequest request;
    request.set_name("meetings/" + id);
    google::protobuf::Empty out;
    auto status = stub_->DeleteMeeting(Context().get(), request, &out);
    Settle<v1::Meeting>(&own_->meetings[id], status, std::nullopt, &stats_);
    return status;
  }

  // Referable organizations hang under org-b, ephemeral ones under org-a,
  // so both show up in sub-organization queries and reference rows.
  grpc::Status CreateOrganization(bool ephemeral) {
    const std::string id = "o-" + tag_;
    v1::CreateOrganizationRequest request;
    request.set_organization_id(id);
    request.mutable_organization()->set_display_name("Liên hiệp hội " + tag_);
    request.mutable_organization()->set_parent(ephemeral ? "organizations/org-a"
                                                         : "organizations/org-b");
    if (ephemeral) own_->ephemeral.insert(id);
    v1::Organization out;
    auto status = stub_->CreateOrganization(Context().get(), request, &out);
    Settle(&own_->organizations[id], status, std::optional(request.organization()), &stats_);
    return status;
  }

  grpc::Status UpdateOrganization() {
    auto ids = Present(own_->organizations, false);
    if (ids.empty()) return CreateOrganization(false);
    const std::string id = ids[Pick(ids.size())];
    v1::UpdateOrganizationRequest request;
    // Without the stored etag: this writer is the record's only writer.
    *request.mutable_organization() = Canonical(own_->organizations[id].value());
    request.mutable_organization()->set_display_name("Liên hiệp hội đổi tên " + tag_);
    request.mutable_organization()->set_short_name(tag_);
    request.mutable_organization()->set_name("organizations/" + id);
    request.mutable_update_mask()->add_paths("*");
    v1::Organization out;
    auto status = stub_->UpdateOrganization(Context().get(), request, &out);
    Settle(&own_->organizations[id], status, std::optional(request.organization()), &stats_);
    return status;
  }

  grpc::Status CreatePerson(bool ephemeral) {
    const std::string id = "p-" + tag_;
    v1::CreatePersonRequest request;
    request.set_person_id(id);
    request.mutable_person()->set_full_name("Nguyễn Văn " + tag_);
    if (ephemeral) own_->ephemeral.insert(id);
    v1::Person out;
    auto status = stub_->CreatePerson(Context().get(), request, &out);
    Settle(&own_->persons[id], status, std::optional(request.person()), &stats_);
    return status;
  }

  grpc::Status DeleteEphemeral(bool organization) {
    google::protobuf::Empty out;
    if (organization) {
      auto ids = Present(own_->organizations, true);
      if (ids.empty()) return CreateOrganization(true);
      const std::string id = ids[Pick(ids.size())];
      v1::DeleteOrganizationRequest request;
      request.set_name("organizations/" + id);
      auto status = stub_->DeleteOrganization(Context().get(), request, &out);
      Settle<v1::Organization>(&own_->organizations[id], status, std::nullopt, &stats_);
      return status;
    }
    auto ids = Present(own_->persons, true);
    if (ids.empty()) return CreatePerson(true);
    const std::string id = ids[Pick(ids.size())];
    v1::DeletePersonRequest request;
    request.set_name("persons/" + id);
    auto status = stub_->DeletePerson(Context().get(), request, &out);
    Settle<v1::Person>(&own_->persons[id], status, std::nullopt, &stats_);
    return status;
  }

  const int thread_;
  const int cycle_;
  Model* const own_;
  const Model* const fixed_;
  const std::unique_ptr<Stub> stub_;
  std::mt19937_64 rng_;
  const std::atomic<bool>* const killed_;
  std::string tag_;
  Stats stats_;
};

// Every page of a list call; empty (and a test failure) on an error.
std::vector<v1::Meeting> ListAllMeetings(Stub* stub, v1::ListMeetingsRequest request) {
  std::vector<v1::Meeting> all;
  request.set_page_size(1000);
  for (int pages = 0; pages < 10000; ++pages) {
    v1::ListMeetingsResponse page;
    auto status = stub->ListMeetings(Context(30).get(), request, &page);
    if (!status.ok()) {
      ADD_FAILURE() << "ListMeetings " << request.ShortDebugString() << ": "
                    << status.error_message();
      return {};
    }
    for (auto& m : *page.mutable_meetings()) all.push_back(std::move(m));
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  return all;
}

std::vector<v1::Organization> ListAllOrganizations(Stub* stub) {
  std::vector<v1::Organization> all;
  v1::ListOrganizationsRequest request;
  request.set_page_size(1000);
  for (int pages = 0; pages < 10000; ++pages) {
    v1::ListOrganizationsResponse page;
    auto status = stub->ListOrganizations(Context(30).get(), request, &page);
    if (!status.ok()) {
      ADD_FAILURE() << "ListOrganizations: " << status.error_message();
      return {};
    }
    for (auto& o : *page.mutable_organizations()) all.push_back(std::move(o));
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  return all;
}

std::vector<v1::Person> ListAllPersons(Stub* stub) {
  std::vector<v1::Person> all;
  v1::ListPersonsRequest request;
  request.set_page_size(1000);
  for (int pages = 0; pages < 10000; ++pages) {
    v1::ListPersonsResponse page;
    auto status = stub->ListPersons(Context(30).get(), request, &page);
    if (!status.ok()) {
      ADD_FAILURE() << "ListPersons: " << status.error_message();
      return {};
    }
    for (auto& p : *page.mutable_persons()) all.push_back(std::move(p));
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  return all;
}

std::string IdOf(const std::string& name) { return name.substr(name.rfind('/') + 1); }

template <typename Resource>
std::set<std::string> Ids(const std::vector<Resource>& items) {
  std::set<std::string> ids;
  for (const auto& item : items) ids.insert(IdOf(item.name()));
  return ids;
}

int64_t EpochDay(const v1::Date& d) {
  return static_cast<int64_t>(absl::CivilDay(d.year(), d.month(), d.day()) -
                              absl::CivilDay(1970, 1, 1));
}

v1::Date DateOf(int64_t epoch_day) {
  const absl::CivilDay day = absl::CivilDay(1970, 1, 1) + epoch_day;
  v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

// Gets one record by key, as an optional (NOT_FOUND -> nullopt).
std::optional<v1::Meeting> GetByKey(Stub* stub, const std::string& id, v1::Meeting*) {
  v1::GetMeetingRequest request;
  request.set_name("meetings/" + id);
  v1::Meeting out;
  auto status = stub->GetMeeting(Context().get(), request, &out);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return std::nullopt;
  EXPECT_TRUE(status.ok()) << "GetMeeting " << id << ": " << status.error_message();
  return out;
}
std::optional<v1::Organization> GetByKey(Stub* stub, const std::string& id, v1::Organization*) {
  v1::GetOrganizationRequest request;
  request.set_name("organizations/" + id);
  v1::Organization out;
  auto status = stub->GetOrganization(Context().get(), request, &out);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return std::nullopt;
  EXPECT_TRUE(status.ok()) << "GetOrganization " << id << ": " << status.error_message();
  return out;
}
std::optional<v1::Person> GetByKey(Stub* stub, const std::string& id, v1::Person*) {
  v1::GetPersonRequest request;
  request.set_name("persons/" + id);
  v1::Person out;
  auto status = stub->GetPerson(Context().get(), request, &out);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return std::nullopt;
  EXPECT_TRUE(status.ok()) << "GetPerson " << id << ": " << status.error_message();
  return out;
}

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    work_dir_ = MakeTempDir("meetings-crash-");
    ASSERT_FALSE(work_dir_.empty());
    data_dir_ = work_dir_ + "/data";
    if (const char* seed = std::getenv("MEETINGS_CRASH_SEED"); seed != nullptr) {
      seed_ = std::strtoull(seed, nullptr, 10);
    }
    if (seed_ == 0) seed_ = std::random_device{}();
    threads_ = std::max(1, EnvInt("MEETINGS_CRASH_THREADS", 4));
    std::cout << "crash test seed " << seed_ << " (MEETINGS_CRASH_SEED repeats it), "
              << threads_ << " writers\n";
  }
  void TearDown() override { RemoveTree(work_dir_); }

  // Runs `cycles` write-kill-verify cycles with the server's `flags`.
  void RunCycles(int cycles, const std::vector<std::string>& flags) {
    const auto began = std::chrono::steady_clock::now();
    models_.assign(threads_, Model{});
    auto server = std::make_unique<ServerProcess>(data_dir_, flags);
    ASSERT_TRUE(server->running());
    CreateFixedRecords(server.get());
    ASSERT_FALSE(HasFailure());

    std::mt19937_64 rng(seed_);
    Stats total;
    // Seconds spent in each step, to show where a long run goes.
    double write_s = 0, check_s = 0, start_s = 0, verify_s = 0;
    auto timed = [](double* sum, auto&& step) {
      const auto t0 = std::chrono::steady_clock::now();
      step();
      *sum += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    auto start = [&] {
      timed(&start_s, [&] { server = std::make_unique<ServerProcess>(data_dir_, flags); });
    };
    for (int cycle = 0; cycle < cycles; ++cycle) {
      // Writers, then a SIGKILL at a random moment while they write.
      std::atomic<bool> killed{false};
      std::vector<std::unique_ptr<Writer>> writers;
      for (int t = 0; t < threads_; ++t) {
        writers.push_back(std::make_unique<Writer>(t, cycle, &models_[t], &fixed_,
                                                   server->NewStub(), rng(), &killed));
      }
      timed(&write_s, [&] {
        std::vector<std::thread> running;
        for (auto& w : writers) running.emplace_back([&w] { w->Run(); });
        std::this_thread::sleep_for(std::chrono::milliseconds(2 + rng() % 300));
        killed = true;
        EXPECT_EQ(server->Stop(SIGKILL, 10), 128 + SIGKILL);
        for (auto& t : running) t.join();
      });
      for (auto& w : writers) {
        total.acknowledged += w->stats().acknowledged;
        total.unanswered += w->stats().unanswered;
      }

      // Recovery and checks; alternate who replays the crashed log first.
      if (cycle % 2 == 0) {
        timed(&check_s, [&] { CheckConsistencyOffline(cycle); });
        start();
        ASSERT_TRUE(server->running()) << "cycle " << cycle;
        timed(&verify_s, [&] { Verify(server.get(), cycle, &total); });
      } else {
        start();
        ASSERT_TRUE(server->running()) << "cycle " << cycle;
        timed(&verify_s, [&] { Verify(server.get(), cycle, &total); });
        EXPECT_EQ(server->Stop(SIGKILL, 10), 128 + SIGKILL);
        timed(&check_s, [&] { CheckConsistencyOffline(cycle); });
        start();
        ASSERT_TRUE(server->running()) << "cycle " << cycle;
      }
      if (HasFailure()) {
        ADD_FAILURE() << "stopping after cycle " << cycle << " (seed " << seed_ << ")";
        break;
      }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    std::cout << "crash test: " << cycles << " cycles in " << seconds << " s; "
              << total.acknowledged << " acknowledged writes, " << total.unanswered
              << " unanswered (" << total.unanswered_applied << " applied, "
              << total.unanswered_not_applied << " not applied); "
              << CountPresentMeetings() << " meetings stored; seconds writing " << write_s
              << ", checking offline " << check_s << ", starting servers " << start_s
              << ", verifying " << verify_s << "\n";
    RecordProperty("cycles", cycles);
    RecordProperty("acknowledged", total.acknowledged);
    RecordProperty("unanswered", total.unanswered);
    EXPECT_GT(total.acknowledged, 0);
  }

  // Organizations org-a > org-b and persons per-a, per-b, never deleted.
  void CreateFixedRecords(ServerProcess* server) {
    auto stub = server->NewStub();
    for (const auto& [id, parent] : std::vector<std::pair<std::string, std::string>>{
             {"org-a", ""}, {"org-b", "organizations/org-a"}, {"org-c", ""}}) {
      v1::CreateOrganizationRequest request;
      request.set_organization_id(id);
      request.mutable_organization()->set_display_name("Tổ chức " + id);
      request.mutable_organization()->set_parent(parent);
      v1::Organization out;
      auto status = stub->CreateOrganization(Context().get(), request, &out);
      ASSERT_TRUE(status.ok()) << status.error_message();
      fixed_.organizations[id].possible = {request.organization()};
    }
    for (const std::string id : {"per-a", "per-b"}) {
      v1::CreatePersonRequest request;
      request.set_person_id(id);
      request.mutable_person()->set_full_name("Người " + id);
      v1::Person out;
      auto status = stub->CreatePerson(Context().get(), request, &out);
      ASSERT_TRUE(status.ok()) << status.error_message();
      fixed_.persons[id].possible = {request.person()};
    }
  }

  // Opens the stopped server's directory in this process and runs the
  // consistency checker over it.
  void CheckConsistencyOffline(int cycle) {
    storage::RocksDbOptions options;
    options.path = data_dir_;
    options.create_if_missing = false;
    auto kv = storage::RocksDbKvStore::Open(options);
    ASSERT_TRUE(kv.ok()) << "cycle " << cycle << ": " << kv.status();
    auto store = storage::RecordStore::Open(kv->get());
    ASSERT_TRUE(store.ok()) << "cycle " << cycle << ": " << store.status();
    auto report = storage::CheckConsistency(store->get());
    ASSERT_TRUE(report.ok()) << "cycle " << cycle << ": " << report.status();
    EXPECT_EQ(report->problem_count, 0u)
        << "cycle " << cycle << ": " << absl::StrJoin(report->problems, "\n");
    EXPECT_GT(report->records_checked, 0u);
    store->reset();
    EXPECT_TRUE((*kv)->Close().ok());
  }

  // Resolves each record a write touched since the last check against what
  // the server returns by key, then compares every listing and index with
  // the model.
  void Verify(ServerProcess* server, int cycle, Stats* total) {
    auto stub = server->NewStub();
    const std::string where = absl::StrCat("cycle ", cycle, ", seed ", seed_, ": ");
    auto resolve = [&](auto& records, const char* kind) {
      for (auto& [id, record] : records) {
        if (!record.dirty) continue;
        using Resource = typename std::decay_t<decltype(*record.possible[0])>;
        const std::optional<Resource> seen =
            GetByKey(stub.get(), id, static_cast<Resource*>(nullptr));
        bool matched = false;
        for (size_t i = 0; i < record.possible.size() && !matched; ++i) {
          matched = SameState(record.possible[i], seen);
          if (matched && record.possible.size() > 1) {
            ++(i == 0 ? total->unanswered_not_applied : total->unanswered_applied);
          }
        }
        if (!matched) {
          std::string expected;
          for (const auto& p : record.possible) expected += "\n  or " + Show(p);
          ADD_FAILURE() << where << kind << " " << id << " by key is " << Show(seen)
                        << "\n expected one of:" << expected;
        }
        record.possible = {seen};
        record.dirty = false;
      }
    };
    for (auto& model : models_) {
      resolve(model.organizations, "organization");
      resolve(model.persons, "person");
      resolve(model.meetings, "meeting");
    }

    // Expected sets from the (now definite) model.
    std::map<std::string, const v1::Meeting*> meetings;
    std::map<std::string, const v1::Organization*> organizations;
    std::map<std::string, const v1::Person*> persons;
    for (const Model* model : AllModels()) {
      for (const auto& [id, r] : model->meetings) {
        if (r.present()) meetings[id] = &r.value();
      }
      for (const auto& [id, r] : model->organizations) {
        if (r.present()) organizations[id] = &r.value();
      }
      for (const auto& [id, r] : model->persons) {
        if (r.present()) persons[id] = &r.value();
      }
    }

    // Organizations and persons listings: exact sets and contents.
    auto check_all = [&](const auto& listed, const auto& expected, const char* what) {
      std::set<std::string> want;
      for (const auto& [id, r] : expected) want.insert(id);
      EXPECT_EQ(Ids(listed), want) << where << what;
      for (const auto& item : listed) {
        auto it = expected.find(IdOf(item.name()));
        if (it == expected.end()) continue;
        EXPECT_TRUE(MessageDifferencer::Equals(Canonical(item), Canonical(*it->second)))
            << where << what << " " << item.name() << " differs from its last acknowledged write";
      }
    };
    check_all(ListAllOrganizations(stub.get()), organizations, "ListOrganizations");
    check_all(ListAllPersons(stub.get()), persons, "ListPersons");

    // All meetings (meetings_by_day, unfiltered): exact set and contents.
    const std::vector<v1::Meeting> all = ListAllMeetings(stub.get(), {});
    check_all(all, meetings, "ListMeetings (all)");
    std::map<std::string, std::pair<int64_t, int64_t>> days;  // id -> local day span
    for (const auto& m : all) {
      days[IdOf(m.name())] = {EpochDay(m.local_start_date()), EpochDay(m.local_end_date())};
    }

    // By organization (meetings_by_organization), and with sub-organizations.
    std::map<std::string, std::set<std::string>> by_org;
    std::map<std::string, std::set<std::string>> by_person;
    for (const auto& [id, m] : meetings) {
      for (const auto& o : m->organizers()) by_org[IdOf(o)].insert(id);
      for (const auto& p : m->participants()) by_person[IdOf(p.person())].insert(id);
    }
    for (const auto& [org, r] : organizations) {
      v1::ListMeetingsRequest request;
      request.set_organization("organizations/" + org);
      EXPECT_EQ(Ids(ListAllMeetings(stub.get(), request)), by_org[org])
          << where << "ListMeetings organization=" << org;
    }
    {
      // org-a's subtree: org-a, org-b and every writer organization.
      std::set<std::string> want;
      for (const auto& [org, ids] : by_org) {
        if (org != "org-c") want.insert(ids.begin(), ids.end());
      }
      v1::ListMeetingsRequest request;
      request.set_organization("organizations/org-a");
      request.set_include_sub_organizations(true);
      EXPECT_EQ(Ids(ListAllMeetings(stub.get(), request)), want)
          << where << "ListMeetings organization=org-a with sub-organizations";
    }
    // By person (meetings_by_person).
    for (const auto& [person, r] : persons) {
      v1::ListMeetingsRequest request;
      request.set_person("persons/" + person);
      EXPECT_EQ(Ids(ListAllMeetings(stub.get(), request)), by_person[person])
          << where << "ListMeetings person=" << person;
    }
    // By local date (meetings_by_day with a range), every day in use and
    // one either side.
    if (!days.empty()) {
      int64_t first = INT64_MAX, last = INT64_MIN;
      for (const auto& [id, span] : days) {
        first = std::min(first, span.first);
        last = std::max(last, span.second);
      }
      for (int64_t day = first - 1; day <= last + 1; ++day) {
        std::set<std::string> want;
        for (const auto& [id, span] : days) {
          if (span.first <= day && day <= span.second) want.insert(id);
        }
        v1::ListMeetingsRequest request;
        *request.mutable_start_date() = DateOf(day);
        *request.mutable_end_date() = DateOf(day);
        EXPECT_EQ(Ids(ListAllMeetings(stub.get(), request)), want)
            << where << "ListMeetings on local day " << day;
      }
    }
  }

  std::vector<const Model*> AllModels() const {
    std::vector<const Model*> all = {&fixed_};
    for (const auto& m : models_) all.push_back(&m);
    return all;
  }

  size_t CountPresentMeetings() const {
    size_t n = 0;
    for (const Model* model : AllModels()) {
      for (const auto& [id, r] : model->meetings) n += r.present();
    }
    return n;
  }

  std::string work_dir_;
  std::string data_dir_;
  uint64_t seed_ = 0;
  int threads_ = 4;
  Model fixed_;
  std::vector<Model> models_;
};

// Default durability: the WAL is written but not fsynced per write. A
// process crash loses nothing acknowledged (the log is in the OS page
// cache); a power loss may lose the last writes.
TEST_F(CrashTest, DefaultDurabilityKeepsEveryAcknowledgedWriteAcrossSigkill) {
  RunCycles(EnvInt("MEETINGS_CRASH_CYCLES", 20), {});
}

// --sync_writes: the WAL is fsynced before each acknowledgement, which also
// survives power loss (not simulated here); under SIGKILL it must behave
// exactly as the default mode.
TEST_F(CrashTest, SyncWritesKeepsEveryAcknowledgedWriteAcrossSigkill) {
  RunCycles(EnvInt("MEETINGS_CRASH_SYNC_CYCLES", 5), {"--sync_writes=true"});
}

}  // namespace
}  // namespace meetings::testing
