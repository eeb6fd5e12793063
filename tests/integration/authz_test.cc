// Authorization end to end, on the real server binary over TLS with bearer
// tokens: every RPC of every service (taken from the service descriptors,
// so a new RPC without an entry fails the test) called by a caller of the
// record's organization, by a caller of another organization, without
// credentials and with bad credentials. Plus what lists, search and the
// change feed show each caller, and the actor every change records.
//
// Needs the server wiring of services/server/security.h (--tls_cert_file,
// --tls_key_file, --auth_policy_file; ChangeFeed and Admin registered).
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "meetings/admin/v1/admin.grpc.pb.h"
#include "meetings/v1/service.grpc.pb.h"
#include "services/domain/authz.h"
#include "tests/integration/security_support.h"
#include "tests/integration/server_process.h"

namespace meetings::testing {
namespace {

using ::testing::UnorderedElementsAre;
using Code = grpc::StatusCode;

// Tokens; the policy holds only their SHA-256.
constexpr char kAlice[] = "alice-6f1c2e";         // WRITE on alpha's subtree
constexpr char kBob[] = "bob-94d0aa";             // WRITE on beta's subtree
constexpr char kReader[] = "reader-0b77f3";       // READ on alpha alone
constexpr char kAlphaAdmin[] = "alpha-adm-51e2";  // ADMIN on alpha's subtree
constexpr char kRoot[] = "root-c3a9d8";           // global administrator
constexpr char kBogus[] = "not-a-token";

class AuthzTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new TestPki();
    ASSERT_TRUE(pki_->MakeCa("ca"));
    ASSERT_TRUE(pki_->MakeLeaf("ca", "server", /*server=*/true));
    auto principal = [](const char* id, const char* token, const std::string& grants,
                        bool admin = false) {
      return absl::StrCat(R"({"id": ")", id, R"(", "tokenSha256": [")", domain::Sha256Hex(token),
                          R"("], "admin": )", admin ? "true" : "false", R"(, "grants": [)", grants,
                          "]}");
    };
    auto grant = [](const char* org, bool subtree, const char* level) {
      return absl::StrCat(R"({"organization": "organizations/)", org,
                          R"(", "includeSubOrganizations": )", subtree ? "true" : "false",
                          R"(, "level": ")", level, R"("})");
    };
    WriteWholeFile(pki_->Path("policy.json"),
                   absl::StrCat(R"({"principals": [)",
                                principal("alice", kAlice, grant("alpha", true, "WRITE")), ",",
                                principal("bob", kBob, grant("beta", true, "WRITE")), ",",
                                principal("reader", kReader, grant("alpha", false, "READ")), ",",
                                principal("alpha-admin", kAlphaAdmin,
                                          grant("alpha", true, "ADMIN")),
                                ",", principal("root", kRoot, "", true), "]}"));
    server_ = new ServerProcess("", {"--tls_cert_file=" + pki_->Path("server.pem"),
                                     "--tls_key_file=" + pki_->Path("server.key"),
                                     "--auth_policy_file=" + pki_->Path("policy.json")});
    ASSERT_TRUE(server_->running());
    auto channel = MakeChannel(server_->port(), TlsCredentials(pki_->Pem("ca.pem")));
    records_ = v1::MeetingRecords::NewStub(channel).release();
    feed_ = v1::ChangeFeed::NewStub(channel).release();
    admin_ = admin::v1::Admin::NewStub(channel).release();

    CreateOrganization("alpha", "");
    CreateOrganization("alpha-sub", "alpha");
    CreateOrganization("beta", "");
    CreateOrganization("beta-sub", "beta");
    v1::CreatePersonRequest person;
    person.set_person_id("p-shared");
    person.mutable_person()->set_full_name("Nguyễn Khắc Hào");
    v1::Person created;
    ASSERT_TRUE(records_->CreatePerson(CallAs(kRoot).get(), person, &created).ok());
    for (const char* org : {"alpha", "beta"}) {
      const std::string meeting = NewMeeting(kRoot, org, absl::StrCat("m-", org));
      ASSERT_FALSE(meeting.empty());
      ASSERT_FALSE(NewDocument(kRoot, meeting, "d").empty());
    }
  }

  static void TearDownTestSuite() {
    delete records_;
    delete feed_;
    delete admin_;
    delete server_;
    delete pki_;
  }

  static void CreateOrganization(const std::string& id, const std::string& parent) {
    v1::CreateOrganizationRequest request;
    request.set_organization_id(id);
    request.mutable_organization()->set_display_name("Liên hiệp " + id);
    if (!parent.empty()) request.mutable_organization()->set_parent("organizations/" + parent);
    v1::Organization created;
    const grpc::Status status =
        records_->CreateOrganization(CallAs(kRoot).get(), request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  static std::string Fresh(const std::string& prefix) {
    static int serial = 0;
    return absl::StrCat(prefix, "-", ++serial);
  }

  // Creates a meeting organized by `organizer` with p-shared taking part;
  // returns its name ("" on failure).
  static std::string NewMeeting(const std::string& token, const std::string& organizer,
                                std::string id = "") {
    v1::CreateMeetingRequest request;
    request.set_meeting_id(id.empty() ? Fresh("m") : id);
    v1::Meeting* m = request.mutable_meeting();
    m->set_title("Hội nghị giao ban");
    m->set_time_zone("Asia/Ho_Chi_Minh");
    m->mutable_start_time()->set_seconds(1636938000);  // 2021-11-15 08:00 +07
    m->mutable_end_time()->set_seconds(1636938000 + 4 * 3600);
    m->add_organizers("organizations/" + organizer);
    auto* p = m->add_participants();
    p->set_participant_id("p0");
    p->set_person("persons/p-shared");
    p->add_roles(v1::Participant::DELEGATE);
    v1::Meeting created;
    const grpc::Status status = records_->CreateMeeting(CallAs(token).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return status.ok() ? created.name() : "";
  }

  static std::string NewDocument(const std::string& token, const std::string& meeting,
                                 std::string id = "") {
    v1::CreateDocumentRequest request;
    request.set_parent(meeting);
    request.set_document_id(id.empty() ? Fresh("d") : id);
    request.mutable_document()->set_title("Báo cáo");
    v1::Document created;
    const grpc::Status status = records_->CreateDocument(CallAs(token).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return status.ok() ? created.name() : "";
  }

  static std::string NewOrganization(const std::string& parent) {
    const std::string id = Fresh("o");
    CreateOrganization(id, parent);
    return "organizations/" + id;
  }

  static std::string NewPerson() {
    v1::CreatePersonRequest request;
    request.set_person_id(Fresh("p"));
    request.mutable_person()->set_full_name("Trần Thị B");
    v1::Person created;
    EXPECT_TRUE(records_->CreatePerson(CallAs(kRoot).get(), request, &created).ok());
    return created.name();
  }

  // Opens a change stream: OK once its first response arrives (then the
  // stream is cancelled), else the stream's error.
  static grpc::Status Stream(const std::string& token, const v1::StreamChangesRequest& request) {
    auto context = CallAs(token);
    auto reader = feed_->StreamChanges(context.get(), request);
    v1::StreamChangesResponse response;
    if (reader->Read(&response)) {
      context->TryCancel();
      reader->Finish();
      return grpc::Status::OK;
    }
    return reader->Finish();
  }

  static TestPki* pki_;
  static ServerProcess* server_;
  static v1::MeetingRecords::Stub* records_;
  static v1::ChangeFeed::Stub* feed_;
  static admin::v1::Admin::Stub* admin_;
};

TestPki* AuthzTest::pki_ = nullptr;
ServerProcess* AuthzTest::server_ = nullptr;
v1::MeetingRecords::Stub* AuthzTest::records_ = nullptr;
v1::ChangeFeed::Stub* AuthzTest::feed_ = nullptr;
admin::v1::Admin::Stub* AuthzTest::admin_ = nullptr;

// One cell: a call made with a token, and the codes it may end with.
struct Case {
  const char* token;
  std::function<grpc::Status(const std::string& token)> call;
  std::set<Code> expected;
};
struct Entry {
  // A caller of the record's organization (or holding the right).
  Case same;
  // A caller of another organization (or without the right).
  Case other;
};

// Calls stub method `method` with `request` as `token`, discarding the
// response.
template <typename Stub, typename Request, typename Response>
grpc::Status Invoke(Stub* stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, const std::string& token) {
  Response response;
  return (stub->*method)(CallAs(token).get(), request, &response);
}

TEST_F(AuthzTest, EveryRpcTimesSameOrgOtherOrgNoCredentialsBadCredentials) {
  using S = v1::MeetingRecords::Stub;
  std::map<std::string, Entry> matrix;
  auto add = [&](const std::string& method, Case same, Case other) {
    matrix.emplace(method, Entry{std::move(same), std::move(other)});
  };
  const std::set<Code> ok = {Code::OK};
  const std::set<Code> denied = {Code::PERMISSION_DENIED};
  const std::set<Code> not_found = {Code::NOT_FOUND};

  // Organizations.
  auto create_org = [](std::string parent) {
    return [parent](const std::string& token) {
      v1::CreateOrganizationRequest r;
      r.set_organization_id(Fresh("o"));
      r.mutable_organization()->set_display_name("Chi hội");
      r.mutable_organization()->set_parent("organizations/" + parent);
      return Invoke(records_, &S::CreateOrganization, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.CreateOrganization", {kAlice, create_org("alpha"), ok},
      {kAlice, create_org("beta"), denied});
  auto get_org = [](std::string name) {
    return [name](const std::string& token) {
      v1::GetOrganizationRequest r;
      r.set_name(name);
      return Invoke(records_, &S::GetOrganization, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.GetOrganization", {kAlice, get_org("organizations/alpha"), ok},
      {kAlice, get_org("organizations/beta"), not_found});
  auto update_org = [](std::string name) {
    return [name](const std::string& token) {
      v1::UpdateOrganizationRequest r;
      r.mutable_organization()->set_name(name);
      r.mutable_organization()->set_short_name("Mới");
      r.mutable_update_mask()->add_paths("short_name");
      return Invoke(records_, &S::UpdateOrganization, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.UpdateOrganization",
      {kAlice, update_org("organizations/alpha-sub"), ok},
      {kAlice, update_org("organizations/beta-sub"), not_found});
  auto delete_org = [](std::string parent) {
    return [parent](const std::string& token) {
      v1::DeleteOrganizationRequest r;
      r.set_name(NewOrganization(parent));
      return Invoke(records_, &S::DeleteOrganization, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.DeleteOrganization", {kAlphaAdmin, delete_org("alpha"), ok},
      {kAlphaAdmin, delete_org("beta"), not_found});
  auto list_orgs = [](std::string parent) {
    return [parent](const std::string& token) {
      v1::ListOrganizationsRequest r;
      r.set_parent(parent);
      return Invoke(records_, &S::ListOrganizations, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.ListOrganizations",
      {kAlice, list_orgs("organizations/alpha"), ok},
      {kAlice, list_orgs("organizations/beta"), denied});

  // Persons: shared; "other" is a caller without the right.
  auto create_person = [](const std::string& token) {
    v1::CreatePersonRequest r;
    r.set_person_id(Fresh("p"));
    r.mutable_person()->set_full_name("Lê Văn C");
    return Invoke(records_, &S::CreatePerson, r, token);
  };
  add("meetings.v1.MeetingRecords.CreatePerson", {kAlice, create_person, ok},
      {kReader, create_person, denied});
  auto get_person = [](const std::string& token) {
    v1::GetPersonRequest r;
    r.set_name("persons/p-shared");
    return Invoke(records_, &S::GetPerson, r, token);
  };
  add("meetings.v1.MeetingRecords.GetPerson", {kAlice, get_person, ok}, {kBob, get_person, ok});
  auto update_person = [](const std::string& token) {
    v1::UpdatePersonRequest r;
    r.mutable_person()->set_name("persons/p-shared");
    r.mutable_person()->set_given_name("Hào");
    r.mutable_update_mask()->add_paths("given_name");
    return Invoke(records_, &S::UpdatePerson, r, token);
  };
  add("meetings.v1.MeetingRecords.UpdatePerson", {kAlice, update_person, ok},
      {kReader, update_person, denied});
  auto delete_person = [](const std::string& token) {
    v1::DeletePersonRequest r;
    r.set_name(NewPerson());
    return Invoke(records_, &S::DeletePerson, r, token);
  };
  add("meetings.v1.MeetingRecords.DeletePerson", {kRoot, delete_person, ok},
      {kAlice, delete_person, denied});
  auto list_persons = [](const std::string& token) {
    return Invoke(records_, &S::ListPersons, v1::ListPersonsRequest(), token);
  };
  add("meetings.v1.MeetingRecords.ListPersons", {kAlice, list_persons, ok},
      {kReader, list_persons, ok});

  // Meetings.
  auto create_meeting = [](std::string organizer) {
    return [organizer](const std::string& token) {
      v1::CreateMeetingRequest r;
      r.set_meeting_id(Fresh("m"));
      v1::Meeting* m = r.mutable_meeting();
      m->set_title("Họp");
      m->set_time_zone("Asia/Ho_Chi_Minh");
      m->mutable_start_time()->set_seconds(1636938000);
      m->mutable_end_time()->set_seconds(1636938000 + 3600);
      m->add_organizers("organizations/" + organizer);
      return Invoke(records_, &S::CreateMeeting, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.CreateMeeting", {kAlice, create_meeting("alpha-sub"), ok},
      {kAlice, create_meeting("beta"), denied});
  auto get_meeting = [](std::string name) {
    return [name](const std::string& token) {
      v1::GetMeetingRequest r;
      r.set_name(name);
      return Invoke(records_, &S::GetMeeting, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.GetMeeting", {kAlice, get_meeting("meetings/m-alpha"), ok},
      {kAlice, get_meeting("meetings/m-beta"), not_found});
  auto update_meeting = [](std::string organizer) {
    return [organizer](const std::string& token) {
      v1::UpdateMeetingRequest r;
      r.mutable_meeting()->set_name(NewMeeting(kRoot, organizer));
      r.mutable_meeting()->set_title("Tên mới");
      r.mutable_update_mask()->add_paths("title");
      return Invoke(records_, &S::UpdateMeeting, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.UpdateMeeting", {kAlice, update_meeting("alpha"), ok},
      {kAlice, update_meeting("beta"), not_found});
  auto delete_meeting = [](std::string organizer) {
    return [organizer](const std::string& token) {
      v1::DeleteMeetingRequest r;
      r.set_name(NewMeeting(kRoot, organizer));
      return Invoke(records_, &S::DeleteMeeting, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.DeleteMeeting", {kAlice, delete_meeting("alpha"), ok},
      {kAlice, delete_meeting("beta"), not_found});
  auto list_meetings = [](std::string organization) {
    return [organization](const std::string& token) {
      v1::ListMeetingsRequest r;
      r.set_organization(organization);
      return Invoke(records_, &S::ListMeetings, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.ListMeetings",
      {kAlice, list_meetings("organizations/alpha"), ok},
      {kAlice, list_meetings("organizations/beta"), denied});

  // Documents follow their meeting.
  auto create_document = [](std::string meeting) {
    return [meeting](const std::string& token) {
      v1::CreateDocumentRequest r;
      r.set_parent(meeting);
      r.set_document_id(Fresh("d"));
      r.mutable_document()->set_title("Dự thảo");
      return Invoke(records_, &S::CreateDocument, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.CreateDocument",
      {kAlice, create_document("meetings/m-alpha"), ok},
      {kAlice, create_document("meetings/m-beta"), not_found});
  auto get_document = [](std::string name) {
    return [name](const std::string& token) {
      v1::GetDocumentRequest r;
      r.set_name(name);
      return Invoke(records_, &S::GetDocument, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.GetDocument",
      {kAlice, get_document("meetings/m-alpha/documents/d"), ok},
      {kAlice, get_document("meetings/m-beta/documents/d"), not_found});
  auto update_document = [](std::string name) {
    return [name](const std::string& token) {
      v1::UpdateDocumentRequest r;
      r.mutable_document()->set_name(name);
      r.mutable_document()->set_title("Báo cáo (sửa)");
      r.mutable_update_mask()->add_paths("title");
      return Invoke(records_, &S::UpdateDocument, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.UpdateDocument",
      {kAlice, update_document("meetings/m-alpha/documents/d"), ok},
      {kAlice, update_document("meetings/m-beta/documents/d"), not_found});
  auto delete_document = [](std::string meeting) {
    return [meeting](const std::string& token) {
      v1::DeleteDocumentRequest r;
      r.set_name(NewDocument(kRoot, meeting));
      return Invoke(records_, &S::DeleteDocument, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.DeleteDocument",
      {kAlice, delete_document("meetings/m-alpha"), ok},
      {kAlice, delete_document("meetings/m-beta"), not_found});
  auto list_documents = [](std::string meeting) {
    return [meeting](const std::string& token) {
      v1::ListDocumentsRequest r;
      r.set_parent(meeting);
      return Invoke(records_, &S::ListDocuments, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.ListDocuments",
      {kAlice, list_documents("meetings/m-alpha"), ok},
      {kAlice, list_documents("meetings/m-beta"), not_found});

  // Search and history.
  auto search = [](std::string organization) {
    return [organization](const std::string& token) {
      v1::SearchRecordsRequest r;
      r.set_query("giao ban");
      r.set_organization(organization);
      return Invoke(records_, &S::SearchRecords, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.SearchRecords", {kAlice, search("organizations/alpha"), ok},
      {kAlice, search("organizations/beta"), denied});
  auto list_revisions = [](std::string name) {
    return [name](const std::string& token) {
      v1::ListRevisionsRequest r;
      r.set_name(name);
      return Invoke(records_, &S::ListRevisions, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.ListRevisions",
      {kAlice, list_revisions("meetings/m-alpha/documents/d"), ok},
      {kAlice, list_revisions("meetings/m-beta/documents/d"), not_found});
  auto get_revision = [](std::string name) {
    return [name](const std::string& token) {
      v1::GetRevisionRequest r;
      r.set_name(name);
      r.set_revision_id(1);
      return Invoke(records_, &S::GetRevision, r, token);
    };
  };
  add("meetings.v1.MeetingRecords.GetRevision", {kAlice, get_revision("organizations/alpha"), ok},
      {kAlice, get_revision("organizations/beta"), not_found});

  // The change feed.
  auto stream = [](std::string organization) {
    return [organization](const std::string& token) {
      v1::StreamChangesRequest r;
      r.set_start_at_head(true);
      r.set_organization(organization);
      return Stream(token, r);
    };
  };
  add("meetings.v1.ChangeFeed.StreamChanges", {kAlice, stream("organizations/alpha"), ok},
      {kAlice, stream("organizations/beta"), denied});

  // The Admin service: global administrators only. CreateBackup may find no
  // --backup_dir configured (FAILED_PRECONDITION): past authorization all
  // the same.
  using A = admin::v1::Admin::Stub;
  add("meetings.admin.v1.Admin.CheckConsistency",
      {kRoot,
       [](const std::string& t) {
         return Invoke(admin_, &A::CheckConsistency, admin::v1::CheckConsistencyRequest(), t);
       },
       ok},
      {kAlice,
       [](const std::string& t) {
         return Invoke(admin_, &A::CheckConsistency, admin::v1::CheckConsistencyRequest(), t);
       },
       denied});
  add("meetings.admin.v1.Admin.RebuildIndexes",
      {kRoot,
       [](const std::string& t) {
         return Invoke(admin_, &A::RebuildIndexes, admin::v1::RebuildIndexesRequest(), t);
       },
       ok},
      {kAlphaAdmin,
       [](const std::string& t) {
         return Invoke(admin_, &A::RebuildIndexes, admin::v1::RebuildIndexesRequest(), t);
       },
       denied});
  add("meetings.admin.v1.Admin.CreateBackup",
      {kRoot,
       [](const std::string& t) {
         return Invoke(admin_, &A::CreateBackup, admin::v1::CreateBackupRequest(), t);
       },
       {Code::OK, Code::FAILED_PRECONDITION}},
      {kAlice,
       [](const std::string& t) {
         return Invoke(admin_, &A::CreateBackup, admin::v1::CreateBackupRequest(), t);
       },
       denied});
  add("meetings.admin.v1.Admin.ListBackups",
      {kRoot,
       [](const std::string& t) {
         return Invoke(admin_, &A::ListBackups, admin::v1::ListBackupsRequest(), t);
       },
       {Code::OK, Code::FAILED_PRECONDITION}},
      {kBob,
       [](const std::string& t) {
         return Invoke(admin_, &A::ListBackups, admin::v1::ListBackupsRequest(), t);
       },
       denied});

  // The RPC list comes from the services themselves.
  std::set<std::string> methods;
  for (const std::string service :
       {v1::MeetingRecords::service_full_name(), v1::ChangeFeed::service_full_name(),
        admin::v1::Admin::service_full_name()}) {
    const auto* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    ASSERT_NE(descriptor, nullptr) << service;
    for (int i = 0; i < descriptor->method_count(); ++i) {
      methods.insert(descriptor->method(i)->full_name());
    }
  }
  for (const auto& method : methods) {
    EXPECT_TRUE(matrix.contains(method)) << method << " has no entry in the matrix";
  }
  EXPECT_EQ(matrix.size(), methods.size());

  for (const auto& [method, entry] : matrix) {
    struct Cell {
      const char* column;
      const Case* c;
      std::string token;
      std::set<Code> expected;
    };
    const Cell cells[] = {
        {"same org", &entry.same, entry.same.token, entry.same.expected},
        {"other org", &entry.other, entry.other.token, entry.other.expected},
        {"no credentials", &entry.same, "", {Code::UNAUTHENTICATED}},
        {"bad credentials", &entry.same, kBogus, {Code::UNAUTHENTICATED}},
    };
    for (const Cell& cell : cells) {
      const grpc::Status status = cell.c->call(cell.token);
      EXPECT_TRUE(cell.expected.contains(status.error_code()))
          << method << " [" << cell.column << "]: got " << status.error_code() << " "
          << status.error_message();
    }
  }
}

TEST_F(AuthzTest, ListsAndSearchShowEachCallerOnlyItsRecords) {
  auto meetings_of = [](const char* token) {
    std::set<std::string> names;
    v1::ListMeetingsRequest request;
    v1::ListMeetingsResponse response;
    EXPECT_TRUE(records_->ListMeetings(CallAs(token).get(), request, &response).ok());
    for (const auto& m : response.meetings()) names.insert(m.name());
    return names;
  };
  const std::set<std::string> alice = meetings_of(kAlice);
  const std::set<std::string> bob = meetings_of(kBob);
  EXPECT_TRUE(alice.contains("meetings/m-alpha"));
  EXPECT_FALSE(alice.contains("meetings/m-beta"));
  EXPECT_TRUE(bob.contains("meetings/m-beta"));
  EXPECT_FALSE(bob.contains("meetings/m-alpha"));
  for (const auto& name : alice) EXPECT_FALSE(bob.contains(name)) << name;

  v1::ListOrganizationsResponse orgs;
  ASSERT_TRUE(records_
                  ->ListOrganizations(CallAs(kReader).get(), v1::ListOrganizationsRequest(),
                                      &orgs)
                  .ok());
  std::set<std::string> org_names;
  for (const auto& o : orgs.organizations()) org_names.insert(o.name());
  EXPECT_THAT(org_names, UnorderedElementsAre("organizations/alpha"));

  v1::SearchRecordsRequest search;
  search.set_query("lien hiep");
  v1::SearchRecordsResponse found;
  ASSERT_TRUE(records_->SearchRecords(CallAs(kBob).get(), search, &found).ok());
  std::set<std::string> found_names;
  for (const auto& r : found.results()) found_names.insert(r.name());
  EXPECT_TRUE(found_names.contains("organizations/beta"));
  EXPECT_TRUE(found_names.contains("organizations/beta-sub"));
  EXPECT_FALSE(found_names.contains("organizations/alpha"));
  EXPECT_FALSE(found_names.contains("organizations/alpha-sub"));
  EXPECT_EQ(found.total_size(), static_cast<int>(found_names.size()));
}

TEST_F(AuthzTest, ChangeFeedCarriesOnlyReadableChangesAndTheirActors) {
  v1::StreamChangesRequest request;
  request.set_start_at_head(true);
  auto context = CallAs(kAlice, 30);
  auto reader = feed_->StreamChanges(context.get(), request);
  v1::StreamChangesResponse response;
  ASSERT_TRUE(reader->Read(&response));  // the head
  const std::string theirs = NewMeeting(kBob, "beta");
  const std::string mine = NewMeeting(kAlice, "alpha");
  std::vector<std::string> seen;
  while (reader->Read(&response)) {
    for (const auto& c : response.changes()) seen.push_back(absl::StrCat(c.name(), "@", c.actor()));
    if (std::find(seen.begin(), seen.end(), mine + "@alice") != seen.end()) break;
  }
  context->TryCancel();
  reader->Finish();
  // bob's meeting came first but was not sent.
  EXPECT_THAT(seen, ::testing::ElementsAre(mine + "@alice"));
}

}  // namespace
}  // namespace meetings::testing
