// Authorization in the domain layer over a real RocksDB, no server: the
// policy (parsing, authentication), every RPC against the caller's own
// organization and another one (the matrix, generated from the service
// descriptors so a new RPC without an entry fails), and the filtering of
// lists, search, history and the change feed.
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "meetings/admin/v1/admin.pb.h"
#include "services/domain/admin.h"
#include "services/domain/authz.h"
#include "tests/storage/store_fixture.h"

namespace meetings::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using domain::AuthPolicy;
using domain::CallContext;
using domain::Credentials;
using Code = absl::StatusCode;

// The policy the tests run under: two tenants (alpha, beta, each with a
// sub-organization), a reader of alpha alone, an ADMIN of alpha's subtree,
// and a global administrator. Tokens are "<id>-token".
std::string PolicyJson() {
  auto token = [](const std::string& id) { return domain::Sha256Hex(id + "-token"); };
  return absl::StrCat(R"({
    "principals": [
      {"id": "alice", "tokenSha256": [")", token("alice"), R"("],
       "certificateNames": ["alice.clients.example"],
       "grants": [{"organization": "organizations/alpha", "includeSubOrganizations": true,
                   "level": "WRITE"}]},
      {"id": "bob", "tokenSha256": [")", token("bob"), R"("],
       "grants": [{"organization": "organizations/beta", "includeSubOrganizations": true,
                   "level": "WRITE"}]},
      {"id": "reader", "tokenSha256": [")", token("reader"), R"("],
       "grants": [{"organization": "organizations/alpha", "level": "READ"}]},
      {"id": "alpha-admin", "tokenSha256": [")", token("alpha-admin"), R"("],
       "grants": [{"organization": "organizations/alpha", "includeSubOrganizations": true,
                   "level": "ADMIN"}]},
      {"id": "root", "tokenSha256": [")", token("root"), R"("], "admin": true}
    ]
  })");
}

class AuthzDomainTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    Close();
    core_options_.feed_heartbeat = absl::Milliseconds(20);
    Open();
    auto policy = AuthPolicy::FromJson(PolicyJson());
    ASSERT_TRUE(policy.ok()) << policy.status();
    policy_ = *std::move(policy);
    backup_dir_ = dir_ + "-backups";

    CreateOrganization("alpha");
    CreateOrganization("alpha-sub", "alpha");
    CreateOrganization("beta");
    CreateOrganization("beta-sub", "beta");
    CreatePerson("p-shared");
    ASSERT_TRUE(CreateMeeting("m-alpha", Meeting({"alpha"}, {"p-shared"})).ok());
    ASSERT_TRUE(CreateMeeting("m-beta", Meeting({"beta"}, {"p-shared"})).ok());
    // Organized by beta; alpha-sub takes part: alice reads it, bob writes it.
    v1::Meeting joint = Meeting({"beta"});
    joint.add_participating_organizations("organizations/alpha-sub");
    ASSERT_TRUE(CreateMeeting("m-joint", joint).ok());
    CreateDocumentAs(As("root"), "m-alpha", "d");
    CreateDocumentAs(As("root"), "m-beta", "d");
    CreateDocumentAs(As("root"), "m-joint", "d");
  }

  void TearDown() override {
    StoreFixture::TearDown();
    std::error_code ignored;
    std::filesystem::remove_all(backup_dir_, ignored);
  }

  // The context of a call by the principal `id` of the policy.
  CallContext As(const std::string& id) {
    CallContext context;
    context.principal = policy_->Find(id);
    EXPECT_NE(context.principal, nullptr) << id;
    context.actor = id;
    context.deadline = absl::Now() + absl::Seconds(30);
    return context;
  }

  static v1::Meeting Meeting(std::vector<std::string> organizers,
                             std::vector<std::string> persons = {}) {
    v1::Meeting m = MeetingAt(Local(2021, 11, 15, 8, 0), 2, std::move(organizers),
                              std::move(persons));
    m.set_title("Hội nghị giao ban");
    return m;
  }

  // A fresh id for records a matrix entry consumes.
  std::string Fresh(const std::string& prefix) { return absl::StrCat(prefix, "-", ++serial_); }

  std::string NewMeetingAs(const CallContext& context, const std::string& organizer) {
    v1::CreateMeetingRequest request;
    request.set_meeting_id(Fresh("m"));
    *request.mutable_meeting() = Meeting({organizer});
    auto created = core_->CreateMeeting(request, context);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->name() : "";
  }

  std::string NewOrganizationAs(const CallContext& context, const std::string& parent) {
    v1::CreateOrganizationRequest request;
    request.set_organization_id(Fresh("o"));
    request.mutable_organization()->set_display_name("Tổ chức mới");
    request.mutable_organization()->set_parent("organizations/" + parent);
    auto created = core_->CreateOrganization(request, context);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->name() : "";
  }

  std::string NewPersonAs(const CallContext& context) {
    v1::CreatePersonRequest request;
    request.set_person_id(Fresh("p"));
    request.mutable_person()->set_full_name("Nguyễn Văn A");
    auto created = core_->CreatePerson(request, context);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->name() : "";
  }

  std::string CreateDocumentAs(const CallContext& context, const std::string& meeting_id,
                               const std::string& id) {
    v1::CreateDocumentRequest request;
    request.set_parent("meetings/" + meeting_id);
    request.set_document_id(id);
    request.mutable_document()->set_title("Báo cáo");
    auto created = core_->CreateDocument(request, context);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->name() : "";
  }

  // Names of every meeting ListMeetings returns to `context`, all pages.
  std::set<std::string> MeetingNames(v1::ListMeetingsRequest request, const CallContext& context) {
    std::set<std::string> names;
    for (int pages = 0; pages < 100; ++pages) {
      auto page = core_->ListMeetings(request, context);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const auto& m : page->meetings()) names.insert(m.name());
      if (page->next_page_token().empty()) break;
      request.set_page_token(page->next_page_token());
    }
    return names;
  }

  std::set<std::string> OrganizationNames(v1::ListOrganizationsRequest request,
                                          const CallContext& context) {
    std::set<std::string> names;
    for (int pages = 0; pages < 100; ++pages) {
      auto page = core_->ListOrganizations(request, context);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const auto& o : page->organizations()) names.insert(o.name());
      if (page->next_page_token().empty()) break;
      request.set_page_token(page->next_page_token());
    }
    return names;
  }

  // Runs a change stream from the start until it has reached the head;
  // returns the names of the changes it sent, or the stream's error.
  absl::StatusOr<std::vector<std::string>> Changes(const CallContext& context,
                                                   const std::string& organization = "") {
    const uint64_t head = store_->sequencer().watermark();
    v1::StreamChangesRequest request;
    request.set_organization(organization);
    std::vector<std::string> names;
    auto status = core_->StreamChanges(request, context, [&](const v1::StreamChangesResponse& r) {
      for (const auto& c : r.changes()) names.push_back(absl::StrCat(c.name(), "@", c.actor()));
      return r.resume_sequence() < head;
    });
    if (!status.ok()) return status;
    return names;
  }

  std::unique_ptr<AuthPolicy> policy_;
  std::string backup_dir_;
  int serial_ = 0;
};

// ---------------------------------------------------------------------------
// The policy and authentication

TEST(AuthPolicyTest, ParsesTheReadmeExample) {
  // Kept in step with the example in services/domain/README-security-section.md.
  const std::string json = R"({
    "principals": [
      {
        "id": "ops",
        "admin": true,
        "certificateNames": ["ops.meetings.internal"]
      },
      {
        "id": "portal-hung-yen",
        "tokenSha256": ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
        "grants": [
          {"organization": "organizations/lhh-hung-yen", "includeSubOrganizations": true,
           "level": "WRITE"},
          {"organization": "organizations/vusta", "level": "READ"}
        ]
      }
    ]
  })";
  auto policy = AuthPolicy::FromJson(json);
  ASSERT_TRUE(policy.ok()) << policy.status();
  const domain::Principal* portal = (*policy)->Find("portal-hung-yen");
  ASSERT_NE(portal, nullptr);
  ASSERT_EQ(portal->grants.size(), 2u);
  EXPECT_EQ(portal->grants[0].organization_id, "lhh-hung-yen");
  EXPECT_TRUE(portal->grants[0].include_sub_organizations);
  EXPECT_EQ(portal->grants[0].level, domain::AccessLevel::kWrite);
  EXPECT_EQ(portal->grants[1].level, domain::AccessLevel::kRead);
  // sha256("test"): the digest above.
  auto who = (*policy)->Authenticate(Credentials{{"Bearer test"}, {}});
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ((*who)->id, "portal-hung-yen");
  EXPECT_TRUE((*policy)->Find("ops")->admin);
}

TEST(AuthPolicyTest, Sha256MatchesTheStandardVectors) {
  EXPECT_EQ(domain::Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(domain::Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AuthPolicyTest, RejectsMalformedPoliciesNamingTheField) {
  const std::string digest = domain::Sha256Hex("x");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"principals": [{"id": ""}]})", "principals[0].id: required"},
      {R"({"principals": [{"id": "has space"}]})", "principals[0].id"},
      {R"({"principals": [{"id": "unauthenticated:1.2.3.4"}]})", "reserved"},
      {R"({"principals": [{"id": "a"}, {"id": "a"}]})", "principals[1].id"},
      {R"({"principals": [{"id": "a", "tokenSha256": ["ABC"]}]})", "token_sha256[0]"},
      {absl::StrCat(R"({"principals": [{"id": "a", "tokenSha256": [")", digest,
                    R"("]}, {"id": "b", "tokenSha256": [")", digest, R"("]}]})"),
       "principals[1].token_sha256[0]"},
      {R"({"principals": [{"id": "a", "certificateNames": ["c"]},
                          {"id": "b", "certificateNames": ["c"]}]})",
       "principals[1].certificate_names[0]"},
      {R"({"principals": [{"id": "a", "grants": [{"organization": "organizations/x"}]}]})",
       "principals[0].grants[0].level"},
      {R"({"principals": [{"id": "a", "grants": [{"organization": "x", "level": "READ"}]}]})",
       "principals[0].grants[0].organization"},
      {R"({"principals": [{"id": "a", "grantz": []}]})", "AuthPolicy"},
      {R"({"principals": [)", "AuthPolicy"},
  };
  for (const auto& [json, expected] : cases) {
    auto policy = AuthPolicy::FromJson(json);
    EXPECT_EQ(policy.status().code(), Code::kInvalidArgument) << json;
    EXPECT_THAT(std::string(policy.status().message()), HasSubstr(expected)) << json;
  }
}

TEST(AuthPolicyTest, AuthenticatesBearerTokensAndCertificatesOnly) {
  auto policy = AuthPolicy::FromJson(PolicyJson());
  ASSERT_TRUE(policy.ok()) << policy.status();
  auto id_of = [&](const Credentials& credentials) -> std::string {
    auto who = (*policy)->Authenticate(credentials);
    return who.ok() ? (*who)->id : absl::StrCat("error: ", who.status().ToString());
  };
  EXPECT_EQ(id_of({{"Bearer alice-token"}, {}}), "alice");
  EXPECT_EQ(id_of({{"bearer  bob-token "}, {}}), "bob");  // scheme is case-insensitive
  EXPECT_EQ(id_of({{}, {"CN-unknown", "alice.clients.example"}}), "alice");
  // A token, when sent, decides even over a known certificate.
  EXPECT_THAT(id_of({{"Bearer wrong"}, {"alice.clients.example"}}), HasSubstr("UNAUTHENTICATED"));
  for (const Credentials& bad : std::vector<Credentials>{
           {},                                          // nothing
           {{"Bearer nope"}, {}},                       // unknown token
           {{"Bearer "}, {}},                           // empty token
           {{"Basic YWxpY2U6cHc="}, {}},                // another scheme
           {{"alice-token"}, {}},                       // no scheme
           {{"Bearer alice-token", "Bearer bob-token"}, {}},  // two headers
           {{}, {"mallory.example"}},                   // a certificate the policy lacks
           {{domain::Sha256Hex("alice-token")}, {}},    // the digest is not the token
       }) {
    auto who = (*policy)->Authenticate(bad);
    EXPECT_EQ(who.status().code(), Code::kUnauthenticated)
        << (bad.authorization.empty() ? "" : bad.authorization[0]);
    // The reason never repeats the token.
    EXPECT_THAT(std::string(who.status().message()), Not(HasSubstr("nope")));
  }
}

// ---------------------------------------------------------------------------
// The matrix: every RPC, by a caller of the record's organization and by a
// caller of another organization.

struct Case {
  // The caller's principal id.
  std::string caller;
  std::function<absl::Status(const CallContext&)> call;
  Code expected;
};
struct Entry {
  Case same;
  Case other;
};

TEST_F(AuthzDomainTest, EveryRpcAgainstOwnAndOtherOrganization) {
  auto status_of = [](const auto& result) { return result.status(); };
  std::map<std::string, Entry> matrix;
  auto m = [&](const std::string& method, Case same, Case other) {
    matrix.emplace(method, Entry{std::move(same), std::move(other)});
  };

  // Organizations.
  auto create_org = [&](const std::string& parent) {
    return [this, parent, status_of](const CallContext& c) {
      v1::CreateOrganizationRequest r;
      r.set_organization_id(Fresh("o"));
      r.mutable_organization()->set_display_name("Chi hội");
      r.mutable_organization()->set_parent("organizations/" + parent);
      return status_of(core_->CreateOrganization(r, c));
    };
  };
  m("meetings.v1.MeetingRecords.CreateOrganization", {"alice", create_org("alpha"), Code::kOk},
    {"alice", create_org("beta"), Code::kPermissionDenied});
  auto get_org = [&](const std::string& id) {
    return [this, id, status_of](const CallContext& c) {
      v1::GetOrganizationRequest r;
      r.set_name("organizations/" + id);
      return status_of(core_->GetOrganization(r, c));
    };
  };
  m("meetings.v1.MeetingRecords.GetOrganization", {"alice", get_org("alpha-sub"), Code::kOk},
    {"alice", get_org("beta-sub"), Code::kNotFound});
  auto update_org = [&](const std::string& id) {
    return [this, id, status_of](const CallContext& c) {
      v1::UpdateOrganizationRequest r;
      r.mutable_organization()->set_name("organizations/" + id);
      r.mutable_organization()->set_short_name("Mới");
      r.mutable_update_mask()->add_paths("short_name");
      return status_of(core_->UpdateOrganization(r, c));
    };
  };
  m("meetings.v1.MeetingRecords.UpdateOrganization", {"alice", update_org("alpha-sub"), Code::kOk},
    {"alice", update_org("beta-sub"), Code::kNotFound});
  auto delete_org = [&](const std::string& parent) {
    return [this, parent](const CallContext& c) {
      v1::DeleteOrganizationRequest r;
      r.set_name(NewOrganizationAs(As("root"), parent));
      return core_->DeleteOrganization(r, c);
    };
  };
  m("meetings.v1.MeetingRecords.DeleteOrganization",
    {"alpha-admin", delete_org("alpha"), Code::kOk},
    {"alpha-admin", delete_org("beta"), Code::kNotFound});
  auto list_orgs = [&](const std::string& parent) {
    return [this, parent, status_of](const CallContext& c) {
      v1::ListOrganizationsRequest r;
      r.set_parent("organizations/" + parent);
      return status_of(core_->ListOrganizations(r, c));
    };
  };
  m("meetings.v1.MeetingRecords.ListOrganizations", {"alice", list_orgs("alpha"), Code::kOk},
    {"alice", list_orgs("beta"), Code::kPermissionDenied});

  // Persons: a shared directory. "Other" is a caller without the right.
  auto create_person = [&](const CallContext& c) {
    v1::CreatePersonRequest r;
    r.set_person_id(Fresh("p"));
    r.mutable_person()->set_full_name("Trần Thị B");
    return status_of(core_->CreatePerson(r, c));
  };
  m("meetings.v1.MeetingRecords.CreatePerson", {"alice", create_person, Code::kOk},
    {"reader", create_person, Code::kPermissionDenied});
  auto get_person = [&](const CallContext& c) {
    v1::GetPersonRequest r;
    r.set_name("persons/p-shared");
    return status_of(core_->GetPerson(r, c));
  };
  m("meetings.v1.MeetingRecords.GetPerson", {"alice", get_person, Code::kOk},
    {"bob", get_person, Code::kOk});
  auto update_person = [&](const CallContext& c) {
    v1::UpdatePersonRequest r;
    r.mutable_person()->set_name("persons/p-shared");
    r.mutable_person()->set_full_name("Người chung");
    r.mutable_update_mask()->add_paths("full_name");
    return status_of(core_->UpdatePerson(r, c));
  };
  m("meetings.v1.MeetingRecords.UpdatePerson", {"alice", update_person, Code::kOk},
    {"reader", update_person, Code::kPermissionDenied});
  auto delete_person = [&](const CallContext& c) {
    v1::DeletePersonRequest r;
    r.set_name(NewPersonAs(As("root")));
    return core_->DeletePerson(r, c);
  };
  m("meetings.v1.MeetingRecords.DeletePerson", {"root", delete_person, Code::kOk},
    {"alice", delete_person, Code::kPermissionDenied});
  auto list_persons = [&](const CallContext& c) {
    return status_of(core_->ListPersons(v1::ListPersonsRequest(), c));
  };
  m("meetings.v1.MeetingRecords.ListPersons", {"alice", list_persons, Code::kOk},
    {"reader", list_persons, Code::kOk});

  // Meetings.
  auto create_meeting = [&](const std::string& organizer) {
    return [this, organizer, status_of](const CallContext& c) {
      v1::CreateMeetingRequest r;
      r.set_meeting_id(Fresh("m"));
      *r.mutable_meeting() = Meeting({organizer});
      return status_of(core_->CreateMeeting(r, c));
    };
  };
  m("meetings.v1.MeetingRecords.CreateMeeting", {"alice", create_meeting("alpha-sub"), Code::kOk},
    {"alice", create_meeting("beta"), Code::kPermissionDenied});
  auto get_meeting = [&](const std::string& id) {
    return [this, id, status_of](const CallContext& c) {
      v1::GetMeetingRequest r;
      r.set_name("meetings/" + id);
      return status_of(core_->GetMeeting(r, c));
    };
  };
  m("meetings.v1.MeetingRecords.GetMeeting", {"alice", get_meeting("m-alpha"), Code::kOk},
    {"alice", get_meeting("m-beta"), Code::kNotFound});
  auto update_meeting = [&](const std::string& organizer) {
    return [this, organizer, status_of](const CallContext& c) {
      v1::UpdateMeetingRequest r;
      r.mutable_meeting()->set_name(NewMeetingAs(As("root"), organizer));
      r.mutable_meeting()->set_title("Tên mới");
      r.mutable_update_mask()->add_paths("title");
      return status_of(core_->UpdateMeeting(r, c));
    };
  };
  m("meetings.v1.MeetingRecords.UpdateMeeting", {"alice", update_meeting("alpha"), Code::kOk},
    {"alice", update_meeting("beta"), Code::kNotFound});
  auto delete_meeting = [&](const std::string& organizer) {
    return [this, organizer](const CallContext& c) {
      v1::DeleteMeetingRequest r;
      r.set_name(NewMeetingAs(As("root"), organizer));
      return core_->DeleteMeeting(r, c);
    };
  };
  m("meetings.v1.MeetingRecords.DeleteMeeting", {"alice", delete_meeting("alpha"), Code::kOk},
    {"alice", delete_meeting("beta"), Code::kNotFound});
  auto list_meetings = [&](const std::string& organization) {
    return [this, organization, status_of](const CallContext& c) {
      v1::ListMeetingsRequest r;
      r.set_organization("organizations/" + organization);
      return status_of(core_->ListMeetings(r, c));
    };
  };
  m("meetings.v1.MeetingRecords.ListMeetings", {"alice", list_meetings("alpha"), Code::kOk},
    {"alice", list_meetings("beta"), Code::kPermissionDenied});

  // Documents follow their meeting.
  auto create_document = [&](const std::string& meeting) {
    return [this, meeting, status_of](const CallContext& c) {
      v1::CreateDocumentRequest r;
      r.set_parent("meetings/" + meeting);
      r.set_document_id(Fresh("d"));
      r.mutable_document()->set_title("Dự thảo");
      return status_of(core_->CreateDocument(r, c));
    };
  };
  m("meetings.v1.MeetingRecords.CreateDocument", {"alice", create_document("m-alpha"), Code::kOk},
    {"alice", create_document("m-beta"), Code::kNotFound});
  auto get_document = [&](const std::string& meeting) {
    return [this, meeting, status_of](const CallContext& c) {
      v1::GetDocumentRequest r;
      r.set_name("meetings/" + meeting + "/documents/d");
      return status_of(core_->GetDocument(r, c));
    };
  };
  m("meetings.v1.MeetingRecords.GetDocument", {"alice", get_document("m-alpha"), Code::kOk},
    {"alice", get_document("m-beta"), Code::kNotFound});
  auto update_document = [&](const std::string& meeting) {
    return [this, meeting, status_of](const CallContext& c) {
      v1::UpdateDocumentRequest r;
      r.mutable_document()->set_name("meetings/" + meeting + "/documents/d");
      r.mutable_document()->set_title("Báo cáo (sửa)");
      r.mutable_update_mask()->add_paths("title");
      return status_of(core_->UpdateDocument(r, c));
    };
  };
  m("meetings.v1.MeetingRecords.UpdateDocument", {"alice", update_document("m-alpha"), Code::kOk},
    {"alice", update_document("m-beta"), Code::kNotFound});
  auto delete_document = [&](const std::string& meeting) {
    return [this, meeting](const CallContext& c) {
      v1::DeleteDocumentRequest r;
      r.set_name(CreateDocumentAs(As("root"), meeting, Fresh("d")));
      return core_->DeleteDocument(r, c);
    };
  };
  m("meetings.v1.MeetingRecords.DeleteDocument", {"alice", delete_document("m-alpha"), Code::kOk},
    {"alice", delete_document("m-beta"), Code::kNotFound});
  auto list_documents = [&](const std::string& meeting) {
    return [this, meeting, status_of](const CallContext& c) {
      v1::ListDocumentsRequest r;
      r.set_parent("meetings/" + meeting);
      return status_of(core_->ListDocuments(r, c));
    };
  };
  m("meetings.v1.MeetingRecords.ListDocuments", {"alice", list_documents("m-alpha"), Code::kOk},
    {"alice", list_documents("m-beta"), Code::kNotFound});

  // Search, history, change feed.
  auto search = [&](const std::string& organization) {
    return [this, organization, status_of](const CallContext& c) {
      v1::SearchRecordsRequest r;
      r.set_query("giao ban");
      r.set_organization("organizations/" + organization);
      return status_of(core_->SearchRecords(r, c));
    };
  };
  m("meetings.v1.MeetingRecords.SearchRecords", {"alice", search("alpha"), Code::kOk},
    {"alice", search("beta"), Code::kPermissionDenied});
  auto list_revisions = [&](const std::string& name) {
    return [this, name, status_of](const CallContext& c) {
      v1::ListRevisionsRequest r;
      r.set_name(name);
      return status_of(core_->ListRevisions(r, c));
    };
  };
  m("meetings.v1.MeetingRecords.ListRevisions",
    {"alice", list_revisions("meetings/m-alpha/documents/d"), Code::kOk},
    {"alice", list_revisions("meetings/m-beta/documents/d"), Code::kNotFound});
  auto get_revision = [&](const std::string& name) {
    return [this, name, status_of](const CallContext& c) {
      v1::GetRevisionRequest r;
      r.set_name(name);
      r.set_revision_id(1);
      return status_of(core_->GetRevision(r, c));
    };
  };
  m("meetings.v1.MeetingRecords.GetRevision",
    {"alice", get_revision("meetings/m-alpha"), Code::kOk},
    {"alice", get_revision("meetings/m-beta"), Code::kNotFound});
  auto stream = [&](const std::string& organization) {
    return [this, organization](const CallContext& c) {
      return Changes(c, "organizations/" + organization).status();
    };
  };
  m("meetings.v1.ChangeFeed.StreamChanges", {"alice", stream("alpha"), Code::kOk},
    {"alice", stream("beta"), Code::kPermissionDenied});

  // The Admin service: global administrators only.
  domain::AdminCore admin(store_.get(), kv_.get(), backup_dir_);
  m("meetings.admin.v1.Admin.CheckConsistency",
    {"root", [&](const CallContext& c) { return status_of(admin.CheckConsistency(c)); }, Code::kOk},
    {"alice", [&](const CallContext& c) { return status_of(admin.CheckConsistency(c)); },
     Code::kPermissionDenied});
  m("meetings.admin.v1.Admin.RebuildIndexes",
    {"root", [&](const CallContext& c) { return status_of(admin.RebuildIndexes(c)); }, Code::kOk},
    {"alpha-admin", [&](const CallContext& c) { return status_of(admin.RebuildIndexes(c)); },
     Code::kPermissionDenied});
  m("meetings.admin.v1.Admin.CreateBackup",
    {"root", [&](const CallContext& c) { return status_of(admin.CreateBackup(c)); }, Code::kOk},
    {"alice", [&](const CallContext& c) { return status_of(admin.CreateBackup(c)); },
     Code::kPermissionDenied});
  m("meetings.admin.v1.Admin.ListBackups",
    {"root", [&](const CallContext& c) { return status_of(admin.ListBackups(c)); }, Code::kOk},
    {"bob", [&](const CallContext& c) { return status_of(admin.ListBackups(c)); },
     Code::kPermissionDenied});

  // Every method of every service has an entry, and every entry a method.
  std::set<std::string> methods;
  for (const char* service :
       {"meetings.v1.MeetingRecords", "meetings.v1.ChangeFeed", "meetings.admin.v1.Admin"}) {
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
  for (const auto& [method, entry] : matrix) {
    EXPECT_TRUE(methods.contains(method)) << method << " is not an RPC";
  }

  for (const auto& [method, entry] : matrix) {
    for (const auto& [column, c] :
         {std::pair{"same", &entry.same}, std::pair{"other", &entry.other}}) {
      const absl::Status status = c->call(As(c->caller));
      EXPECT_EQ(status.code(), c->expected)
          << method << " [" << column << ", as " << c->caller << "]: " << status;
    }
    // Without authorization (no principal) the same-organization call works.
    EXPECT_EQ(entry.same.call(CallContext()).code(), Code::kOk) << method << " [auth off]";
  }
  ExpectConsistent();
}

// ---------------------------------------------------------------------------
// Rules the matrix does not spell out

TEST_F(AuthzDomainTest, ReadableButNotWritableMeetingIsPermissionDeniedAndUnchanged) {
  // alice reads m-joint through alpha-sub, but beta organizes it.
  v1::GetMeetingRequest get;
  get.set_name("meetings/m-joint");
  ASSERT_TRUE(core_->GetMeeting(get, As("alice")).ok());
  v1::UpdateMeetingRequest update;
  update.mutable_meeting()->set_name("meetings/m-joint");
  update.mutable_meeting()->set_title("Chiếm quyền");
  update.mutable_update_mask()->add_paths("title");
  EXPECT_EQ(core_->UpdateMeeting(update, As("alice")).status().code(), Code::kPermissionDenied);
  v1::DeleteMeetingRequest del;
  del.set_name("meetings/m-joint");
  del.set_force(true);
  EXPECT_EQ(core_->DeleteMeeting(del, As("alice")).code(), Code::kPermissionDenied);
  v1::UpdateDocumentRequest doc;
  doc.mutable_document()->set_name("meetings/m-joint/documents/d");
  doc.mutable_document()->set_title("Sửa");
  doc.mutable_update_mask()->add_paths("title");
  EXPECT_EQ(core_->UpdateDocument(doc, As("alice")).status().code(), Code::kPermissionDenied);
  v1::CreateDocumentRequest create;
  create.set_parent("meetings/m-joint");
  create.mutable_document()->set_title("Thêm");
  EXPECT_EQ(core_->CreateDocument(create, As("alice")).status().code(), Code::kPermissionDenied);
  auto after = core_->GetMeeting(get, As("bob"));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->title(), "Hội nghị giao ban");
  // bob, an organizer, may.
  EXPECT_TRUE(core_->UpdateMeeting(update, As("bob")).ok());
}

TEST_F(AuthzDomainTest, AMeetingCannotBeHandedToAnOrganizationTheWriterDoesNotHold) {
  v1::UpdateMeetingRequest update;
  update.mutable_meeting()->set_name("meetings/m-alpha");
  update.mutable_meeting()->add_organizers("organizations/beta");
  update.mutable_update_mask()->add_paths("organizers");
  EXPECT_EQ(core_->UpdateMeeting(update, As("alice")).status().code(), Code::kPermissionDenied);
  // Adding beta next to alpha keeps alice an organizer: allowed.
  update.mutable_meeting()->clear_organizers();
  update.mutable_meeting()->add_organizers("organizations/alpha");
  update.mutable_meeting()->add_organizers("organizations/beta");
  EXPECT_TRUE(core_->UpdateMeeting(update, As("alice")).ok());
  // And now bob (organizer through beta) may change it too.
  update.mutable_meeting()->clear_organizers();
  update.mutable_meeting()->add_organizers("organizations/beta");
  EXPECT_TRUE(core_->UpdateMeeting(update, As("bob")).ok());
  v1::GetMeetingRequest get;
  get.set_name("meetings/m-alpha");
  EXPECT_EQ(core_->GetMeeting(get, As("alice")).status().code(), Code::kNotFound);
}

TEST_F(AuthzDomainTest, OrganizationTreeRules) {
  // Roots: global administrators only.
  v1::CreateOrganizationRequest root;
  root.set_organization_id("gamma");
  root.mutable_organization()->set_display_name("Gamma");
  EXPECT_EQ(core_->CreateOrganization(root, As("alice")).status().code(), Code::kPermissionDenied);
  EXPECT_TRUE(core_->CreateOrganization(root, As("root")).ok());
  // A parent that does not exist looks like one the caller may not write.
  v1::CreateOrganizationRequest orphan;
  orphan.set_organization_id("orphan");
  orphan.mutable_organization()->set_display_name("Orphan");
  orphan.mutable_organization()->set_parent("organizations/no-such-org");
  EXPECT_EQ(core_->CreateOrganization(orphan, As("alice")).status().code(),
            Code::kPermissionDenied);
  // READ is not enough to create children.
  orphan.mutable_organization()->set_parent("organizations/alpha");
  EXPECT_EQ(core_->CreateOrganization(orphan, As("reader")).status().code(),
            Code::kPermissionDenied);
  // A subtree grant covers organizations created later, at any depth.
  const std::string child = NewOrganizationAs(As("alice"), "alpha-sub");
  const std::string grandchild =
      NewOrganizationAs(As("alice"), child.substr(std::string("organizations/").size()));
  v1::GetOrganizationRequest get;
  get.set_name(grandchild);
  EXPECT_TRUE(core_->GetOrganization(get, As("alice")).ok());
  EXPECT_EQ(core_->GetOrganization(get, As("reader")).status().code(), Code::kNotFound);
  // Deleting needs ADMIN; WRITE is not enough.
  v1::DeleteOrganizationRequest del;
  del.set_name(grandchild);
  EXPECT_EQ(core_->DeleteOrganization(del, As("alice")).code(), Code::kPermissionDenied);
  EXPECT_TRUE(core_->DeleteOrganization(del, As("alpha-admin")).ok());
  // Moving needs ADMIN on it and WRITE where it lands.
  v1::UpdateOrganizationRequest move;
  move.mutable_organization()->set_name("organizations/alpha-sub");
  move.mutable_organization()->set_parent("organizations/beta");
  move.mutable_update_mask()->add_paths("parent");
  EXPECT_EQ(core_->UpdateOrganization(move, As("alice")).status().code(), Code::kPermissionDenied);
  EXPECT_EQ(core_->UpdateOrganization(move, As("alpha-admin")).status().code(),
            Code::kPermissionDenied);
  move.mutable_organization()->set_parent(child);
  ASSERT_EQ(core_->UpdateOrganization(move, As("alpha-admin")).status().code(),
            Code::kInvalidArgument);  // a cycle: its own descendant
  move.mutable_organization()->set_parent("");
  EXPECT_EQ(core_->UpdateOrganization(move, As("alpha-admin")).status().code(),
            Code::kPermissionDenied);  // a new root
  EXPECT_TRUE(core_->UpdateOrganization(move, As("root")).ok());
  // alpha-sub is a root now: alice's subtree grant on alpha no longer
  // covers it, nor the meeting it takes part in.
  get.set_name("organizations/alpha-sub");
  EXPECT_EQ(core_->GetOrganization(get, As("alice")).status().code(), Code::kNotFound);
  v1::GetMeetingRequest joint;
  joint.set_name("meetings/m-joint");
  EXPECT_EQ(core_->GetMeeting(joint, As("alice")).status().code(), Code::kNotFound);
  ExpectConsistent();
}

TEST_F(AuthzDomainTest, PersonsAreSharedButOnlyWritersChangeThem) {
  v1::GetPersonRequest get;
  get.set_name("persons/p-shared");
  for (const char* who : {"alice", "bob", "reader"}) {
    EXPECT_TRUE(core_->GetPerson(get, As(who)).ok()) << who;
  }
  v1::DeletePersonRequest del;
  del.set_name(NewPersonAs(As("bob")));
  EXPECT_EQ(core_->DeletePerson(del, As("bob")).code(), Code::kPermissionDenied);
  EXPECT_EQ(core_->DeletePerson(del, As("alpha-admin")).code(), Code::kPermissionDenied);
  EXPECT_TRUE(core_->DeletePerson(del, As("root")).ok());
}

TEST_F(AuthzDomainTest, ListMeetingsShowsOnlyReadableMeetings) {
  v1::ListMeetingsRequest all;
  EXPECT_THAT(MeetingNames(all, As("alice")),
              UnorderedElementsAre("meetings/m-alpha", "meetings/m-joint"));
  EXPECT_THAT(MeetingNames(all, As("bob")),
              UnorderedElementsAre("meetings/m-beta", "meetings/m-joint"));
  // READ on alpha alone: not alpha-sub, so not m-joint.
  EXPECT_THAT(MeetingNames(all, As("reader")), UnorderedElementsAre("meetings/m-alpha"));
  EXPECT_THAT(MeetingNames(all, As("root")),
              UnorderedElementsAre("meetings/m-alpha", "meetings/m-beta", "meetings/m-joint"));

  // With alpha's subtree, reader still sees only what it may read.
  v1::ListMeetingsRequest subtree;
  subtree.set_organization("organizations/alpha");
  subtree.set_include_sub_organizations(true);
  EXPECT_THAT(MeetingNames(subtree, As("reader")), UnorderedElementsAre("meetings/m-alpha"));
  EXPECT_THAT(MeetingNames(subtree, As("alice")),
              UnorderedElementsAre("meetings/m-alpha", "meetings/m-joint"));

  // By person: p-shared took part in m-alpha and m-beta.
  v1::ListMeetingsRequest by_person;
  by_person.set_person("persons/p-shared");
  EXPECT_THAT(MeetingNames(by_person, As("alice")), UnorderedElementsAre("meetings/m-alpha"));
  EXPECT_THAT(MeetingNames(by_person, As("bob")), UnorderedElementsAre("meetings/m-beta"));

  // total_size counts only what the caller may read, as the pages show.
  auto total = [this](v1::ListMeetingsRequest request, const CallContext& as) {
    request.set_page_size(1);
    request.set_show_total_size(true);
    auto page = core_->ListMeetings(request, as);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->total_size() : -1;
  };
  EXPECT_EQ(total(all, As("alice")), 2);
  EXPECT_EQ(total(all, As("reader")), 1);
  EXPECT_EQ(total(all, As("root")), 3);
  EXPECT_EQ(total(subtree, As("reader")), 1);
  EXPECT_EQ(total(by_person, As("alice")), 1);
  EXPECT_EQ(total(by_person, As("root")), 2);

  // A filter naming an organization the caller may not read is refused
  // whether or not it exists.
  v1::ListMeetingsRequest other;
  for (const char* name : {"organizations/beta", "organizations/no-such-org"}) {
    other.set_organization(name);
    auto page = core_->ListMeetings(other, As("alice"));
    EXPECT_EQ(page.status().code(), Code::kPermissionDenied) << name;
  }

  // Paging a restricted list: one meeting per page, nothing repeated.
  v1::ListMeetingsRequest paged;
  paged.set_page_size(1);
  EXPECT_THAT(MeetingNames(paged, As("alice")),
              UnorderedElementsAre("meetings/m-alpha", "meetings/m-joint"));

  // A principal with no grant at all sees nothing (and no error).
  auto nobody_policy = AuthPolicy::FromJson(R"({"principals": [{"id": "nobody"}]})");
  ASSERT_TRUE(nobody_policy.ok());
  CallContext nobody;
  nobody.principal = (*nobody_policy)->Find("nobody");
  EXPECT_THAT(MeetingNames(all, nobody), IsEmpty());
}

TEST_F(AuthzDomainTest, ListOrganizationsShowsOnlyReadableOrganizations) {
  v1::ListOrganizationsRequest all;
  EXPECT_THAT(OrganizationNames(all, As("alice")),
              UnorderedElementsAre("organizations/alpha", "organizations/alpha-sub"));
  EXPECT_THAT(OrganizationNames(all, As("reader")), UnorderedElementsAre("organizations/alpha"));
  all.set_page_size(1);
  EXPECT_THAT(OrganizationNames(all, As("bob")),
              UnorderedElementsAre("organizations/beta", "organizations/beta-sub"));
  EXPECT_EQ(OrganizationNames(v1::ListOrganizationsRequest(), As("root")).size(), 4u);
  // reader may read alpha but not its children.
  v1::ListOrganizationsRequest children;
  children.set_parent("organizations/alpha");
  EXPECT_THAT(OrganizationNames(children, As("reader")), IsEmpty());
  EXPECT_THAT(OrganizationNames(children, As("alice")),
              UnorderedElementsAre("organizations/alpha-sub"));
}

TEST_F(AuthzDomainTest, SearchFindsOnlyReadableRecords) {
  v1::SearchRecordsRequest request;
  request.set_query("giao ban");
  auto names = [&](const CallContext& context) {
    std::set<std::string> out;
    auto response = core_->SearchRecords(request, context);
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok()) return out;
    for (const auto& r : response->results()) out.insert(r.name());
    EXPECT_EQ(response->total_size(), static_cast<int>(out.size()));
    return out;
  };
  EXPECT_THAT(names(As("alice")), UnorderedElementsAre("meetings/m-alpha", "meetings/m-joint"));
  EXPECT_THAT(names(As("bob")), UnorderedElementsAre("meetings/m-beta", "meetings/m-joint"));
  request.set_query("bao cao");
  EXPECT_THAT(names(As("reader")), UnorderedElementsAre("meetings/m-alpha/documents/d"));
  request.set_query("to chuc");  // organizations' display names
  EXPECT_THAT(names(As("alice")),
              UnorderedElementsAre("organizations/alpha", "organizations/alpha-sub"));
  request.set_query("nguoi");  // persons: shared
  EXPECT_THAT(names(As("bob")), Contains("persons/p-shared"));
}

TEST_F(AuthzDomainTest, HistoryFollowsTheRecordEvenAfterDeletion) {
  // alice writes a meeting and deletes it; its history stays hers.
  const std::string mine = NewMeetingAs(As("alice"), "alpha");
  const std::string theirs = NewMeetingAs(As("bob"), "beta");
  for (const std::string& name : {mine, theirs}) {
    v1::DeleteMeetingRequest del;
    del.set_name(name);
    ASSERT_TRUE(core_->DeleteMeeting(del, As("root")).ok());
  }
  v1::ListRevisionsRequest list;
  list.set_name(mine);
  auto history = core_->ListRevisions(list, As("alice"));
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->revisions_size(), 2);
  EXPECT_EQ(history->revisions(0).actor(), "root");   // the deletion
  EXPECT_EQ(history->revisions(1).actor(), "alice");  // the creation
  list.set_name(theirs);
  EXPECT_EQ(core_->ListRevisions(list, As("alice")).status().code(), Code::kNotFound);
  // Word for word what a record that never existed gives.
  list.set_name("meetings/never-was");
  const auto never = core_->ListRevisions(list, As("alice")).status();
  list.set_name(theirs);
  EXPECT_EQ(std::string(core_->ListRevisions(list, As("alice")).status().message()),
            absl::StrCat(theirs, " does not exist"));
  EXPECT_EQ(never.message(), "meetings/never-was does not exist");
  v1::GetRevisionRequest get;
  get.set_name(theirs);
  get.set_revision_id(1);
  EXPECT_EQ(core_->GetRevision(get, As("alice")).status().code(), Code::kNotFound);
  EXPECT_TRUE(core_->GetRevision(get, As("bob")).ok());
}

TEST_F(AuthzDomainTest, ChangeFeedSendsOnlyReadableChangesWithTheirActors) {
  const std::string mine = NewMeetingAs(As("alice"), "alpha-sub");
  const std::string theirs = NewMeetingAs(As("bob"), "beta");
  const std::string person = NewPersonAs(As("bob"));
  auto alice = Changes(As("alice"));
  ASSERT_TRUE(alice.ok()) << alice.status();
  EXPECT_THAT(*alice, Contains(mine + "@alice"));
  EXPECT_THAT(*alice, Contains(person + "@bob"));  // persons are shared
  EXPECT_THAT(*alice, Contains("meetings/m-joint@anonymous"));  // set up without a principal
  for (const std::string& change : *alice) {
    EXPECT_THAT(change, Not(HasSubstr("beta"))) << change;
    EXPECT_THAT(change, Not(HasSubstr("m-beta"))) << change;
    EXPECT_THAT(change, Not(HasSubstr(theirs))) << change;
  }
  auto bob = Changes(As("bob"));
  ASSERT_TRUE(bob.ok()) << bob.status();
  EXPECT_THAT(*bob, Contains(theirs + "@bob"));
  EXPECT_THAT(*bob, Not(Contains(mine + "@alice")));
  // A meeting moved out of alice's sight is not sent to her.
  v1::UpdateMeetingRequest handover;
  handover.mutable_meeting()->set_name(mine);
  handover.mutable_meeting()->add_organizers("organizations/beta");
  handover.mutable_update_mask()->add_paths("organizers");
  ASSERT_TRUE(core_->UpdateMeeting(handover, As("root")).ok());
  auto again = Changes(As("alice"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(std::count(again->begin(), again->end(), mine + "@root"), 0);
  auto bob_again = Changes(As("bob"));
  ASSERT_TRUE(bob_again.ok());
  EXPECT_EQ(std::count(bob_again->begin(), bob_again->end(), mine + "@root"), 1);
}

TEST_F(AuthzDomainTest, EveryChangeRecordsThePrincipalAsActor) {
  const std::string name = NewMeetingAs(As("alice"), "alpha");
  v1::UpdateMeetingRequest update;
  update.mutable_meeting()->set_name(name);
  update.mutable_meeting()->set_title("Sửa bởi alpha-admin");
  update.mutable_update_mask()->add_paths("title");
  ASSERT_TRUE(core_->UpdateMeeting(update, As("alpha-admin")).ok());
  v1::DeleteMeetingRequest del;
  del.set_name(name);
  ASSERT_TRUE(core_->DeleteMeeting(del, As("alice")).ok());
  v1::ListRevisionsRequest list;
  list.set_name(name);
  auto history = core_->ListRevisions(list, As("root"));
  ASSERT_TRUE(history.ok());
  std::vector<std::string> actors;
  for (const auto& r : history->revisions()) actors.push_back(r.actor());
  EXPECT_THAT(actors, ::testing::ElementsAre("alice", "alpha-admin", "alice"));
}

TEST_F(AuthzDomainTest, DeniedWritesChangeNothing) {
  const uint64_t before = store_->sequencer().watermark();
  v1::UpdateMeetingRequest update;
  update.mutable_meeting()->set_name("meetings/m-beta");
  update.mutable_meeting()->set_title("x");
  update.mutable_update_mask()->add_paths("title");
  EXPECT_FALSE(core_->UpdateMeeting(update, As("alice")).ok());
  v1::DeleteOrganizationRequest del;
  del.set_name("organizations/beta-sub");
  EXPECT_FALSE(core_->DeleteOrganization(del, As("alice")).ok());
  v1::CreateMeetingRequest create;
  create.set_meeting_id("sneaky");
  *create.mutable_meeting() = Meeting({"beta"});
  EXPECT_FALSE(core_->CreateMeeting(create, As("alice")).ok());
  EXPECT_EQ(store_->sequencer().watermark(), before);
  // The id was not taken either.
  EXPECT_TRUE(core_->CreateMeeting(create, As("bob")).ok());
}

}  // namespace
}  // namespace meetings::testing
