// Hostile input matrix: every RPC of meetings.v1.MeetingRecords, against the
// real server binary, with malformed values (invalid UTF-8, control
// characters, huge strings, too many elements, unknown enum numbers, bad
// time zones, end before start, out-of-range times and dates, bad names and
// ids), bad, foreign and forged page tokens, references to missing records,
// unparsable and oversize (> 4 MiB) messages. Each case must get the right
// code (INVALID_ARGUMENT naming the field, NOT_FOUND, RESOURCE_EXHAUSTED,
// ...) and change nothing stored: a full listing of every resource before
// and after each case must be identical, etags and update times included.
//
// Requests are sent as raw protobuf wire bytes through grpc::GenericStub,
// so the server sees exactly what a hostile client could send, including
// bytes the C++ client library would refuse or fix up (invalid UTF-8 in
// proto3 strings, unknown enum numbers, truncated fields).
#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/sync_stream.h"
#include "gtest/gtest.h"
#include "services/domain/page_token.h"
#include "tests/integration/server_process.h"

namespace meetings::testing {
namespace {

namespace fs = std::filesystem;
using Code = grpc::StatusCode;

constexpr char kService[] = "/meetings.v1.MeetingRecords/";
constexpr char kSeedMeeting[] = "meetings/vusta-giao-ban-2021-11-15";
constexpr char kSeedDocument[] =
    "meetings/vusta-giao-ban-2021-11-15/documents/bao-cao-dieu-phoi-10-thang-2021";

// ---------------------------------------------------------------------------
// Protobuf wire encoding, by hand, for bytes the C++ library would not send.

std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
// A length-delimited field (string, bytes, message).
std::string Len(int field, const std::string& bytes) {
  return Varint(static_cast<uint64_t>(field) << 3 | 2) + Varint(bytes.size()) + bytes;
}
// A varint field (int, bool, enum); negative enums are 10-byte varints.
std::string Num(int field, int64_t value) {
  return Varint(static_cast<uint64_t>(field) << 3) + Varint(static_cast<uint64_t>(value));
}
std::string Bytes(const google::protobuf::Message& m) { return m.SerializeAsString(); }

// Invalid UTF-8 of several kinds.
const std::string kLoneContinuation = "L\xe1\xbb";           // truncated "ễ"
const std::string kOverlong = "\xc0\xaf";                    // overlong '/'
const std::string kSurrogate = "\xed\xa0\x80";               // U+D800
const std::string kBadByte = "Hội nghị \xff";                // 0xFF never valid

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

template <typename Message>
Message FromJson(const std::string& file) {
  Message message;
  auto status = google::protobuf::util::JsonStringToMessage(
      ReadFile(fs::path(MEETINGS_SOURCE_DIR) / "clients/examples/seed" / file), &message);
  EXPECT_TRUE(status.ok()) << file << ": " << status.ToString();
  return message;
}

std::unique_ptr<grpc::ClientContext> Context(int seconds = 30) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

// One row of the matrix.
struct Case {
  // What is wrong with the request.
  std::string what;
  // Method name, e.g. "CreateMeeting".
  std::string method;
  // The request message as wire bytes.
  std::string request;
  Code want;
  // Text the error message must contain (the field path), or empty.
  std::string mentions;
};

class HostileInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess();
    ASSERT_TRUE(server_->running());
    auto stub = server_->NewStub();
    LoadSeed(stub.get());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  // The seed meeting's requests (clients/examples/seed), plus a second
  // meeting so that every List call has a second page to make tokens for.
  static void LoadSeed(v1::MeetingRecords::Stub* stub) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(fs::path(MEETINGS_SOURCE_DIR) /
                                                "clients/examples/seed")) {
      if (e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    ASSERT_GE(files.size(), 10u);
    for (const auto& path : files) {
      const std::string file = path.filename().string();
      grpc::Status status;
      if (file.find("_CreateOrganization_") != std::string::npos) {
        v1::Organization out;
        status = stub->CreateOrganization(Context().get(),
                                          FromJson<v1::CreateOrganizationRequest>(file), &out);
      } else if (file.find("_CreatePerson_") != std::string::npos) {
        v1::Person out;
        status = stub->CreatePerson(Context().get(), FromJson<v1::CreatePersonRequest>(file), &out);
      } else if (file.find("_CreateMeeting_") != std::string::npos) {
        v1::Meeting out;
        status =
            stub->CreateMeeting(Context().get(), FromJson<v1::CreateMeetingRequest>(file), &out);
      } else if (file.find("_UpdateMeeting_") != std::string::npos) {
        v1::Meeting out;
        status =
            stub->UpdateMeeting(Context().get(), FromJson<v1::UpdateMeetingRequest>(file), &out);
      } else if (file.find("_CreateDocument_") != std::string::npos) {
        v1::Document out;
        status =
            stub->CreateDocument(Context().get(), FromJson<v1::CreateDocumentRequest>(file), &out);
      }
      ASSERT_TRUE(status.ok()) << file << ": " << status.error_message();
    }
    v1::CreateMeetingRequest second;
    second.set_meeting_id("hop-them");
    second.mutable_meeting()->set_title("Họp thêm");
    second.mutable_meeting()->set_time_zone("Asia/Ho_Chi_Minh");
    second.mutable_meeting()->mutable_start_time()->set_seconds(1637038800);
    second.mutable_meeting()->add_organizers("organizations/lhh-hung-yen");
    v1::Meeting out;
    grpc::Status status = stub->CreateMeeting(Context().get(), second, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Sends `request` bytes to `method` as they are, and returns the status.
  static grpc::Status RawCall(const std::string& method, const std::string& request) {
    grpc::GenericStub stub(server_->NewChannel());
    auto context = Context();
    grpc::Slice slice(request);
    grpc::ByteBuffer in(&slice, 1);
    grpc::ByteBuffer out;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    grpc::Status result;
    // RpcMethod keeps a pointer to the name until the call completes.
    const std::string full_method = method.starts_with("/") ? method : kService + method;
    stub.UnaryCall(context.get(), full_method, grpc::StubOptions(), &in, &out,
                   [&](grpc::Status status) {
                     std::lock_guard<std::mutex> lock(mu);
                     result = std::move(status);
                     done = true;
                     cv.notify_one();
                   });
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done; });
    return result;
  }

  // Everything stored, as text: every organization, person, meeting and
  // document with all fields (etags and update times included).
  static std::string Snapshot() {
    auto stub = server_->NewStub();
    std::string text;
    auto fail = [&](const char* what, const grpc::Status& s) {
      ADD_FAILURE() << "snapshot " << what << ": " << s.error_message();
    };
    v1::ListOrganizationsRequest orgs;
    orgs.set_page_size(1000);
    v1::ListOrganizationsResponse org_page;
    if (auto s = stub->ListOrganizations(Context().get(), orgs, &org_page); !s.ok()) {
      fail("organizations", s);
    }
    text += org_page.DebugString();
    v1::ListPersonsRequest persons;
    persons.set_page_size(1000);
    v1::ListPersonsResponse person_page;
    if (auto s = stub->ListPersons(Context().get(), persons, &person_page); !s.ok()) {
      fail("persons", s);
    }
    text += person_page.DebugString();
    v1::ListMeetingsRequest meetings;
    meetings.set_page_size(1000);
    v1::ListMeetingsResponse meeting_page;
    if (auto s = stub->ListMeetings(Context().get(), meetings, &meeting_page); !s.ok()) {
      fail("meetings", s);
    }
    text += meeting_page.DebugString();
    for (const auto& m : meeting_page.meetings()) {
      v1::ListDocumentsRequest docs;
      docs.set_parent(m.name());
      docs.set_page_size(1000);
      v1::ListDocumentsResponse doc_page;
      if (auto s = stub->ListDocuments(Context().get(), docs, &doc_page); !s.ok()) {
        fail("documents", s);
      }
      text += doc_page.DebugString();
    }
    return text;
  }

  // A next_page_token of a real first page of size 1.
  template <typename Request, typename Response>
  static std::string TokenOf(
      grpc::Status (v1::MeetingRecords::Stub::*call)(grpc::ClientContext*, const Request&,
                                                     Response*),
      Request request) {
    auto stub = server_->NewStub();
    request.set_page_size(1);
    Response response;
    grpc::Status status = ((*stub).*call)(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_FALSE(response.next_page_token().empty()) << request.ShortDebugString();
    return response.next_page_token();
  }

  // A token with a valid check and the query fingerprint of `real`, but a
  // position of our choosing: what a determined client can forge.
  static std::string Forge(const std::string& real, const std::string& position) {
    std::string raw;
    EXPECT_TRUE(absl::WebSafeBase64Unescape(real, &raw) && raw.size() >= 13) << real;
    uint64_t fingerprint = 0;
    for (int i = 1; i <= 8; ++i) fingerprint = (fingerprint << 8) | static_cast<uint8_t>(raw[i]);
    return domain::EncodePageToken(fingerprint, position);
  }

  static std::vector<Case> Matrix();
  static void RunCases();

  static ServerProcess* server_;
};

ServerProcess* HostileInputTest::server_ = nullptr;

std::vector<Case> HostileInputTest::Matrix() {
  std::vector<Case> cases;
  auto add = [&](std::string what, std::string method, std::string request, Code want,
                 std::string mentions) {
    cases.push_back(
        {std::move(what), std::move(method), std::move(request), want, std::move(mentions)});
  };

  // Valid requests to mutate into hostile ones.
  const auto seed_org = FromJson<v1::CreateOrganizationRequest>(
      "02_CreateOrganization_lhh-hung-yen.json");
  const auto seed_person = FromJson<v1::CreatePersonRequest>("03_CreatePerson_phan-xuan-dung.json");
  const auto seed_meeting =
      FromJson<v1::CreateMeetingRequest>("07_CreateMeeting_vusta-giao-ban-2021-11-15.json");
  const auto seed_document =
      FromJson<v1::CreateDocumentRequest>("08_CreateDocument_bao-cao-dieu-phoi-10-thang-2021.json");
  v1::CreateOrganizationRequest org = seed_org;
  org.set_organization_id("to-chuc-moi");
  v1::CreatePersonRequest person = seed_person;
  person.set_person_id("nguoi-moi");
  v1::CreateMeetingRequest meeting = seed_meeting;
  meeting.set_meeting_id("hop-moi");
  v1::CreateDocumentRequest document = seed_document;
  document.set_document_id("tai-lieu-moi");

  // Builders: the valid request with one field of its resource replaced.
  auto create_org = [&](const std::string& org_field) {
    return Len(1, Bytes(org.organization()) + org_field) + Len(2, org.organization_id());
  };
  auto create_person = [&](const std::string& person_field) {
    return Len(1, Bytes(person.person()) + person_field) + Len(2, person.person_id());
  };
  auto create_meeting = [&](const v1::Meeting& m, const std::string& extra = {}) {
    return Len(1, Bytes(m) + extra) + Len(2, meeting.meeting_id());
  };
  auto create_document = [&](const std::string& doc_field) {
    return Len(1, document.parent()) + Len(2, Bytes(document.document()) + doc_field) +
           Len(3, document.document_id());
  };
  auto update_meeting = [&](const std::string& meeting_fields, const std::string& mask) {
    return Len(1, Len(1, kSeedMeeting) + meeting_fields) + Len(2, Len(1, mask));
  };
  auto with = [&](auto edit) {
    v1::Meeting m = meeting.meeting();
    edit(&m);
    return create_meeting(m);
  };

  // --- Every RPC: unparsable bytes, a truncated field, oversize messages.
  const std::vector<std::string> methods = {
      "CreateOrganization", "GetOrganization", "UpdateOrganization", "DeleteOrganization",
      "ListOrganizations",  "CreatePerson",    "GetPerson",          "UpdatePerson",
      "DeletePerson",       "ListPersons",     "CreateMeeting",      "GetMeeting",
      "UpdateMeeting",      "DeleteMeeting",   "ListMeetings",       "CreateDocument",
      "GetDocument",        "UpdateDocument",  "DeleteDocument",     "ListDocuments",
      "SearchRecords",      "ListRevisions",   "GetRevision"};
  for (const auto& method : methods) {
    add("bytes that are no protobuf (an invalid tag)", method, "\xff\xff\xff\xff\x0f",
        Code::INVALID_ARGUMENT, "request body: not a valid meetings.v1.");
    add("a length prefix longer than the message", method, "\x0a\x40short",
        Code::INVALID_ARGUMENT, "request body: not a valid meetings.v1.");
    // Unknown field 999 of 4 MiB + 1 KiB: over the default 4 MiB limit.
    add("an oversize message (4 MiB + 1 KiB)", method,
        Len(999, std::string((4 << 20) + 1024, 'x')), Code::RESOURCE_EXHAUSTED, "");
  }

  // --- Invalid UTF-8 in a string field of every RPC.
  const std::string bad_name = "organizations/" + kBadByte;
  add("invalid UTF-8 in organization.display_name", "CreateOrganization",
      create_org(Len(3, kLoneContinuation)), Code::INVALID_ARGUMENT, "organization.display_name");
  add("invalid UTF-8 in organization.other_names[0]", "CreateOrganization",
      create_org(Len(5, kOverlong)), Code::INVALID_ARGUMENT, "organization.other_names");
  add("invalid UTF-8 in organization.labels key", "CreateOrganization",
      create_org(Len(10, Len(1, kSurrogate) + Len(2, "v"))), Code::INVALID_ARGUMENT,
      "organization.labels");
  add("invalid UTF-8 in name", "GetOrganization", Len(1, bad_name), Code::INVALID_ARGUMENT,
      "name");
  add("invalid UTF-8 in organization.short_name", "UpdateOrganization",
      Len(1, Len(1, "organizations/vusta") + Len(4, kBadByte)) + Len(2, Len(1, "short_name")),
      Code::INVALID_ARGUMENT, "organization.short_name");
  add("invalid UTF-8 in name", "DeleteOrganization", Len(1, bad_name), Code::INVALID_ARGUMENT,
      "name");
  add("invalid UTF-8 in parent", "ListOrganizations", Len(1, bad_name), Code::INVALID_ARGUMENT,
      "parent");
  add("invalid UTF-8 in person.full_name", "CreatePerson", create_person(Len(3, kOverlong)),
      Code::INVALID_ARGUMENT, "person.full_name");
  add("invalid UTF-8 in name", "GetPerson", Len(1, "persons/" + kSurrogate),
      Code::INVALID_ARGUMENT, "name");
  add("invalid UTF-8 in person.given_name", "UpdatePerson",
      Len(1, Len(1, "persons/phan-xuan-dung") + Len(5, kSurrogate)) + Len(2, Len(1, "given_name")),
      Code::INVALID_ARGUMENT, "person.given_name");
  add("invalid UTF-8 in name", "DeletePerson", Len(1, "persons/" + kBadByte),
      Code::INVALID_ARGUMENT, "name");
  add("invalid UTF-8 in page_token", "ListPersons", Len(2, kBadByte), Code::INVALID_ARGUMENT,
      "page_token");
  add("invalid UTF-8 in meeting.title", "CreateMeeting",
      create_meeting(meeting.meeting(), Len(3, kLoneContinuation)), Code::INVALID_ARGUMENT,
      "meeting.title");
  {
    // participants[0] is the first Participant in the message; appending a
    // second occurrence of field 16 would add a participant, so rebuild it.
    v1::Meeting m = meeting.meeting();
    const std::string first = Bytes(m.participants(0)) + Len(6, kBadByte);
    m.mutable_participants()->DeleteSubrange(0, 1);
    std::string bytes = Len(16, first);
    for (const auto& p : m.participants()) bytes += Len(16, Bytes(p));
    m.clear_participants();
    add("invalid UTF-8 in meeting.participants[0].position", "CreateMeeting",
        Len(1, Bytes(m) + bytes) + Len(2, meeting.meeting_id()), Code::INVALID_ARGUMENT,
        "meeting.participants[0].position");
  }
  add("invalid UTF-8 in name", "GetMeeting", Len(1, "meetings/" + kBadByte),
      Code::INVALID_ARGUMENT, "name");
  add("invalid UTF-8 in meeting.description", "UpdateMeeting",
      update_meeting(Len(5, kOverlong), "description"), Code::INVALID_ARGUMENT,
      "meeting.description");
  add("invalid UTF-8 in etag", "DeleteMeeting", Len(1, "meetings/hop-them") + Len(2, kBadByte),
      Code::INVALID_ARGUMENT, "etag");
  add("invalid UTF-8 in order_by", "ListMeetings", Len(6, "start_time " + kBadByte),
      Code::INVALID_ARGUMENT, "order_by");
  add("invalid UTF-8 in document.title", "CreateDocument", create_document(Len(3, kSurrogate)),
      Code::INVALID_ARGUMENT, "document.title");
  add("invalid UTF-8 in name", "GetDocument", Len(1, std::string(kSeedMeeting) + "/documents/" + kBadByte),
      Code::INVALID_ARGUMENT, "name");
  add("invalid UTF-8 in document.summary", "UpdateDocument",
      Len(1, Len(1, kSeedDocument) + Len(12, kBadByte)) + Len(2, Len(1, "summary")),
      Code::INVALID_ARGUMENT, "document.summary");
  add("invalid UTF-8 in name", "DeleteDocument", Len(1, std::string(kSeedDocument) + kBadByte),
      Code::INVALID_ARGUMENT, "name");
  add("invalid UTF-8 in parent", "ListDocuments", Len(1, "meetings/" + kOverlong),
      Code::INVALID_ARGUMENT, "parent");
  add("invalid UTF-8 in query", "SearchRecords", Len(1, "giao ban " + kBadByte),
      Code::INVALID_ARGUMENT, "query");
  add("invalid UTF-8 in name", "ListRevisions", Len(1, "meetings/" + kSurrogate),
      Code::INVALID_ARGUMENT, "name");
  add("invalid UTF-8 in name", "GetRevision", Len(1, "persons/" + kOverlong) + Num(2, 1),
      Code::INVALID_ARGUMENT, "name");
  add("invalid UTF-8 in update_mask.paths[0]", "UpdateMeeting",
      update_meeting(Len(3, "Tiêu đề"), kBadByte), Code::INVALID_ARGUMENT, "update_mask");

  // --- Control characters and huge strings.
  add("a control character in meeting.title", "CreateMeeting",
      with([](v1::Meeting* m) { m->set_title("Hội nghị\x01"); }), Code::INVALID_ARGUMENT,
      "meeting.title");
  add("NUL in organization.display_name", "CreateOrganization",
      create_org(Len(3, std::string("VUSTA\0", 6))), Code::INVALID_ARGUMENT,
      "organization.display_name");
  add("organization.display_name of 1025 bytes", "CreateOrganization",
      create_org(Len(3, std::string(1025, 'a'))), Code::INVALID_ARGUMENT,
      "organization.display_name");
  add("person.full_name of 3 MiB", "CreatePerson",
      create_person(Len(3, std::string(3 << 20, 'a'))), Code::INVALID_ARGUMENT,
      "person.full_name");
  add("meeting.description of 64 KiB + 1", "CreateMeeting",
      with([](v1::Meeting* m) { m->set_description(std::string(65537, 'a')); }),
      Code::INVALID_ARGUMENT, "meeting.description");
  add("meeting.sources[0].content of 1 MiB + 1", "CreateMeeting",
      with([](v1::Meeting* m) { m->mutable_sources(0)->set_content(std::string((1 << 20) + 1, 'a')); }),
      Code::INVALID_ARGUMENT, "meeting.sources[0].content");
  add("a 2 KiB label key", "CreateMeeting",
      with([](v1::Meeting* m) { (*m->mutable_labels())[std::string(2048, 'k')] = "v"; }),
      Code::INVALID_ARGUMENT, "meeting.labels");
  add("65 labels", "CreateMeeting",
      with([](v1::Meeting* m) {
        for (int i = 0; i < 65; ++i) (*m->mutable_labels())[absl::StrCat("k", i)] = "v";
      }),
      Code::INVALID_ARGUMENT, "meeting.labels");
  add("a name of 1 MiB", "GetMeeting", Len(1, "meetings/" + std::string(1 << 20, 'a')),
      Code::INVALID_ARGUMENT, "name");
  add("a page_token of 1 MiB", "ListMeetings", Len(8, std::string(1 << 20, 'A')),
      Code::INVALID_ARGUMENT, "page_token");
  add("an order_by of 100 KiB", "ListMeetings", Len(6, std::string(100 << 10, 'x')),
      Code::INVALID_ARGUMENT, "order_by");
  add("an etag of 1 MiB", "DeleteMeeting",
      Len(1, "meetings/hop-them") + Len(2, std::string(1 << 20, 'e')), Code::ABORTED, "etag");

  // --- Too many elements.
  add("10001 participants", "CreateMeeting",
      with([](v1::Meeting* m) {
        m->clear_participants();
        m->clear_agenda_items();
        m->clear_decisions();
        m->clear_contributions();
        for (int i = 0; i <= 10000; ++i) {
          auto* p = m->add_participants();
          p->set_participant_id(absl::StrCat("g", i));
          p->mutable_group()->set_description("Đoàn");
        }
      }),
      Code::INVALID_ARGUMENT, "meeting.participants");
  add("1001 organizers", "CreateMeeting",
      with([](v1::Meeting* m) {
        for (int i = 0; i < 1000; ++i) m->add_organizers(absl::StrCat("organizations/o", i));
      }),
      Code::INVALID_ARGUMENT, "meeting.organizers");
  add("1001 other_names", "CreatePerson",
      create_person([] {
        std::string fields;
        for (int i = 0; i <= 1000; ++i) fields += Len(7, "Tên khác");
        return fields;
      }()),
      Code::INVALID_ARGUMENT, "person.other_names");

  // --- Unknown enum numbers (proto3 keeps them; the server must not store them).
  add("organization.classification 99", "CreateOrganization", create_org(Num(6, 99)),
      Code::INVALID_ARGUMENT, "organization.classification");
  add("meeting.kind -1", "CreateMeeting", create_meeting(meeting.meeting(), Num(4, -1)),
      Code::INVALID_ARGUMENT, "meeting.kind");
  add("meeting.status 5 through update", "UpdateMeeting", update_meeting(Num(8, 5), "status"),
      Code::INVALID_ARGUMENT, "meeting.status");
  add("meeting.participants[0].roles[1] 77", "CreateMeeting",
      with([](v1::Meeting* m) {
        m->mutable_participants(0)->add_roles(static_cast<v1::Participant::Role>(77));
      }),
      Code::INVALID_ARGUMENT, "meeting.participants[0].roles[1]");
  add("meeting.sites[0].kind 3", "CreateMeeting",
      with([](v1::Meeting* m) { m->mutable_sites(0)->set_kind(static_cast<v1::Site::Kind>(3)); }),
      Code::INVALID_ARGUMENT, "meeting.sites[0].kind");
  add("document.type 42", "CreateDocument", create_document(Num(4, 42)), Code::INVALID_ARGUMENT,
      "document.type");
  add("status 42", "ListDocuments", Len(1, kSeedMeeting) + Num(2, 42), Code::INVALID_ARGUMENT,
      "status");
  add("type -7", "ListDocuments", Len(1, kSeedMeeting) + Num(3, -7), Code::INVALID_ARGUMENT,
      "type");

  // --- Time zones, times and dates.
  for (const std::string& zone : std::vector<std::string>{
           "Mars/Olympus_Mons", "../../../../etc/passwd", "/usr/share/zoneinfo/UTC", "localtime",
           "Fixed/UTC+07:00", "posix/Asia/Ho_Chi_Minh", std::string("UTC\0", 4), ""}) {
    add("meeting.time_zone \"" + absl::CHexEscape(zone) + "\"", "CreateMeeting",
        with([&](v1::Meeting* m) { m->set_time_zone(zone); }), Code::INVALID_ARGUMENT,
        "meeting.time_zone");
  }
  add("a bad time zone through update", "UpdateMeeting",
      update_meeting(Len(12, "Asia/Hanoi"), "time_zone"), Code::INVALID_ARGUMENT,
      "meeting.time_zone");
  add("end before start", "CreateMeeting",
      with([](v1::Meeting* m) {
        m->mutable_end_time()->set_seconds(m->start_time().seconds() - 1);
      }),
      Code::INVALID_ARGUMENT, "meeting.end_time");
  add("end before start through update", "UpdateMeeting",
      update_meeting(Len(11, Num(1, 1)), "end_time"), Code::INVALID_ARGUMENT, "meeting.end_time");
  add("a meeting of 32 days", "CreateMeeting",
      with([](v1::Meeting* m) {
        m->mutable_end_time()->set_seconds(m->start_time().seconds() + 32 * 86400);
      }),
      Code::INVALID_ARGUMENT, "meeting.end_time");
  add("start_time in year 10000", "CreateMeeting",
      with([](v1::Meeting* m) { m->mutable_start_time()->set_seconds(253402300800); }),
      Code::INVALID_ARGUMENT, "meeting.start_time");
  add("start_time with negative nanos", "CreateMeeting",
      with([](v1::Meeting* m) { m->mutable_start_time()->set_nanos(-1); }),
      Code::INVALID_ARGUMENT, "meeting.start_time");
  add("no start_time", "CreateMeeting",
      with([](v1::Meeting* m) { m->clear_start_time(); }), Code::INVALID_ARGUMENT,
      "meeting.start_time");
  add("decision due_date 2021-02-29", "CreateMeeting",
      with([](v1::Meeting* m) {
        auto* d = m->mutable_decisions(0)->mutable_due_date();
        d->set_year(2021);
        d->set_month(2);
        d->set_day(29);
      }),
      Code::INVALID_ARGUMENT, "meeting.decisions[0].due_date");
  add("start_date month 13", "ListMeetings", Len(4, Num(1, 2021) + Num(2, 13) + Num(3, 1)),
      Code::INVALID_ARGUMENT, "start_date");
  add("end_date before start_date", "ListMeetings",
      Len(4, Num(1, 2021) + Num(2, 11) + Num(3, 15)) +
          Len(5, Num(1, 2021) + Num(2, 11) + Num(3, 14)),
      Code::INVALID_ARGUMENT, "end_date");
  add("period_end_date before period_start_date", "CreateDocument",
      create_document(Len(9, Num(1, 2020) + Num(2, 1) + Num(3, 1))), Code::INVALID_ARGUMENT,
      "document.period_end_date");

  // --- Names, ids, shapes.
  add("an id with capitals", "CreateMeeting", Len(1, Bytes(meeting.meeting())) + Len(2, "Hop-Moi"),
      Code::INVALID_ARGUMENT, "meeting_id");
  add("an id of 64 characters", "CreateOrganization",
      Len(1, Bytes(org.organization())) + Len(2, std::string(64, 'a')), Code::INVALID_ARGUMENT,
      "organization_id");
  add("no organization", "CreateOrganization", Len(2, "to-chuc-moi"), Code::INVALID_ARGUMENT,
      "organization");
  add("a name of another collection", "GetPerson", Len(1, "organizations/vusta"),
      Code::INVALID_ARGUMENT, "name");
  add("a document name without its meeting", "GetDocument", Len(1, "documents/bao-cao"),
      Code::INVALID_ARGUMENT, "name");
  add("an empty name", "DeleteMeeting", "", Code::INVALID_ARGUMENT, "name");
  add("a path in the id", "GetOrganization", Len(1, "organizations/vusta/../x"),
      Code::INVALID_ARGUMENT, "name");
  add("an unknown update_mask path", "UpdateMeeting", update_meeting(Len(3, "x"), "no_such_field"),
      Code::INVALID_ARGUMENT, "update_mask");
  add("update_mask \"*\" with another path", "UpdateMeeting",
      Len(1, Len(1, kSeedMeeting) + Len(3, "x")) + Len(2, Len(1, "*") + Len(1, "title")),
      Code::INVALID_ARGUMENT, "update_mask");
  add("an organization made its own ancestor", "UpdateOrganization",
      Len(1, Len(1, "organizations/vusta") + Len(7, "organizations/lhh-hung-yen")) +
          Len(2, Len(1, "parent")),
      Code::INVALID_ARGUMENT, "organization.parent");
  add("a participant at a site the meeting lacks", "CreateMeeting",
      with([](v1::Meeting* m) { m->mutable_participants(0)->set_site_id("da-nang"); }),
      Code::INVALID_ARGUMENT, "meeting.participants[0].site_id");
  add("an organizer listed twice", "CreateMeeting",
      with([](v1::Meeting* m) { m->add_organizers(m->organizers(0)); }), Code::INVALID_ARGUMENT,
      "meeting.organizers[1]");
  add("a sha256 that is not hex", "CreateDocument",
      create_document(Len(14, Len(1, "https://x/y.pdf") + Len(3, std::string(64, 'G')))),
      Code::INVALID_ARGUMENT, "document.files[0].sha256");
  add("a negative page_size", "ListOrganizations", Num(2, -1), Code::INVALID_ARGUMENT,
      "page_size");
  add("organization and person together", "ListMeetings",
      Len(1, "organizations/vusta") + Len(3, "persons/phan-xuan-dung"), Code::INVALID_ARGUMENT,
      "person");
  add("include_sub_organizations without organization", "ListMeetings", Num(2, 1),
      Code::INVALID_ARGUMENT, "include_sub_organizations");

  // --- Search and revisions.
  add("an empty query", "SearchRecords", "", Code::INVALID_ARGUMENT, "query");
  add("a query of 17 words", "SearchRecords",
      Len(1, "a b c d e f g h i j k l m n o p q"), Code::INVALID_ARGUMENT, "query");
  add("a query of 1 MiB", "SearchRecords", Len(1, std::string(1 << 20, 'a')),
      Code::INVALID_ARGUMENT, "query");
  add("record type 9", "SearchRecords", Len(1, "giao ban") + Num(2, 9), Code::INVALID_ARGUMENT,
      "types");
  add("a negative page_size", "SearchRecords", Len(1, "giao ban") + Num(7, -5),
      Code::INVALID_ARGUMENT, "page_size");
  add("end_date before start_date", "SearchRecords",
      Len(1, "giao ban") + Len(5, Num(1, 2021) + Num(2, 11) + Num(3, 15)) +
          Len(6, Num(1, 2021) + Num(2, 11) + Num(3, 1)),
      Code::INVALID_ARGUMENT, "end_date");
  add("a missing organization", "SearchRecords",
      Len(1, "giao ban") + Len(3, "organizations/khong-co"), Code::NOT_FOUND, "organization");
  add("a page_token that is not base64", "SearchRecords", Len(1, "giao ban") + Len(8, "%%%"),
      Code::INVALID_ARGUMENT, "page_token");
  add("a name of no collection", "ListRevisions", Len(1, "cuoc-hop/x"), Code::INVALID_ARGUMENT,
      "name");
  add("a record that never existed", "ListRevisions", Len(1, "meetings/khong-co"),
      Code::NOT_FOUND, "meetings/khong-co");
  add("a page_token that is not base64", "ListRevisions",
      Len(1, kSeedMeeting) + Len(3, "not a token"), Code::INVALID_ARGUMENT, "page_token");
  add("revision 0", "GetRevision", Len(1, kSeedMeeting), Code::INVALID_ARGUMENT, "revision_id");
  add("a revision that does not exist", "GetRevision", Len(1, kSeedMeeting) + Num(2, 999),
      Code::NOT_FOUND, "999");
  add("a record that never existed", "GetRevision", Len(1, "persons/khong-co") + Num(2, 1),
      Code::NOT_FOUND, "persons/khong-co");
  add("a document name without its meeting", "GetRevision", Len(1, "documents/x") + Num(2, 1),
      Code::INVALID_ARGUMENT, "name");

  // --- Page tokens: garbage, foreign, replayed with other fields, forged.
  v1::ListMeetingsRequest by_org;
  by_org.set_organization("organizations/vusta");
  by_org.set_include_sub_organizations(true);
  const std::string meetings_token = TokenOf(&v1::MeetingRecords::Stub::ListMeetings, by_org);
  const std::string orgs_token =
      TokenOf(&v1::MeetingRecords::Stub::ListOrganizations, v1::ListOrganizationsRequest());
  const std::string persons_token =
      TokenOf(&v1::MeetingRecords::Stub::ListPersons, v1::ListPersonsRequest());
  v1::ListDocumentsRequest docs;
  docs.set_parent(kSeedMeeting);
  const std::string docs_token = TokenOf(&v1::MeetingRecords::Stub::ListDocuments, docs);
  const std::string by_org_fields = Len(1, "organizations/vusta") + Num(2, 1);
  add("a page_token that is not base64", "ListOrganizations", Len(3, "not a token!"),
      Code::INVALID_ARGUMENT, "page_token");
  add("a ListPersons token", "ListOrganizations", Len(3, persons_token), Code::INVALID_ARGUMENT,
      "page_token");
  add("a ListOrganizations token", "ListPersons", Len(2, orgs_token), Code::INVALID_ARGUMENT,
      "page_token");
  add("a ListOrganizations token", "ListMeetings", by_org_fields + Len(8, orgs_token),
      Code::INVALID_ARGUMENT, "page_token");
  add("a token replayed with another order_by", "ListMeetings",
      by_org_fields + Len(6, "start_time desc") + Len(8, meetings_token), Code::INVALID_ARGUMENT,
      "page_token");
  add("a token replayed without include_sub_organizations", "ListMeetings",
      Len(1, "organizations/vusta") + Len(8, meetings_token), Code::INVALID_ARGUMENT,
      "page_token");
  add("a ListMeetings token", "ListDocuments", Len(1, kSeedMeeting) + Len(5, meetings_token),
      Code::INVALID_ARGUMENT, "page_token");
  add("a token of another meeting's documents", "ListDocuments",
      Len(1, "meetings/hop-them") + Len(5, docs_token), Code::INVALID_ARGUMENT, "page_token");
  add("a token with one character changed", "ListMeetings",
      by_org_fields +
          Len(8, meetings_token.substr(0, 5) + (meetings_token[5] == 'A' ? "B" : "A") +
                     meetings_token.substr(6)),
      Code::INVALID_ARGUMENT, "page_token");
  add("a token with padding", "ListMeetings", by_org_fields + Len(8, meetings_token + "=="),
      Code::INVALID_ARGUMENT, "page_token");
  add("a ListMeetings token", "SearchRecords", Len(1, "giao ban") + Len(8, meetings_token),
      Code::INVALID_ARGUMENT, "page_token");
  add("a ListPersons token", "ListRevisions", Len(1, kSeedMeeting) + Len(3, persons_token),
      Code::INVALID_ARGUMENT, "page_token");
  add("a forged token with a malformed position", "ListMeetings",
      by_org_fields + Len(8, Forge(meetings_token, "\xff\x01")), Code::INVALID_ARGUMENT,
      "page_token");
  add("a forged token whose position is not an id", "ListPersons",
      Len(2, Forge(persons_token, std::string("a\0b\xff", 4))), Code::INVALID_ARGUMENT,
      "page_token");
  add("a forged token whose position is not an id", "ListOrganizations",
      Len(3, Forge(orgs_token, "Not An Id/..")), Code::INVALID_ARGUMENT, "page_token");
  add("a forged token of 5000 bytes", "ListOrganizations",
      Len(3, Forge(orgs_token, std::string(5000, 'z'))), Code::INVALID_ARGUMENT, "page_token");
  add("a forged token whose position is not an id", "ListDocuments",
      Len(1, kSeedMeeting) + Len(5, Forge(docs_token, "../x")), Code::INVALID_ARGUMENT,
      "page_token");

  // --- References to missing records, and missing targets.
  add("a missing organization", "GetOrganization", Len(1, "organizations/khong-co"),
      Code::NOT_FOUND, "organizations/khong-co");
  add("a missing parent", "CreateOrganization",
      create_org(Len(7, "organizations/khong-co")), Code::NOT_FOUND, "organization.parent");
  add("a missing organization", "UpdateOrganization",
      Len(1, Len(1, "organizations/khong-co") + Len(3, "x")) + Len(2, Len(1, "display_name")),
      Code::NOT_FOUND, "organizations/khong-co");
  add("a missing organization", "DeleteOrganization", Len(1, "organizations/khong-co"),
      Code::NOT_FOUND, "organizations/khong-co");
  add("a missing parent", "ListOrganizations", Len(1, "organizations/khong-co"),
      Code::NOT_FOUND, "parent");
  add("a missing person", "GetPerson", Len(1, "persons/khong-co"), Code::NOT_FOUND,
      "persons/khong-co");
  add("a missing person", "UpdatePerson",
      Len(1, Len(1, "persons/khong-co") + Len(3, "x")) + Len(2, Len(1, "full_name")),
      Code::NOT_FOUND, "persons/khong-co");
  add("a missing person", "DeletePerson", Len(1, "persons/khong-co"), Code::NOT_FOUND,
      "persons/khong-co");
  add("a missing organizer", "CreateMeeting",
      with([](v1::Meeting* m) { m->set_organizers(0, "organizations/khong-co"); }),
      Code::NOT_FOUND, "meeting.organizers[0]");
  add("a missing participant person", "CreateMeeting",
      with([](v1::Meeting* m) { m->mutable_participants(0)->set_person("persons/khong-co"); }),
      Code::NOT_FOUND, "meeting.participants[0].person");
  add("a missing site host", "CreateMeeting",
      with([](v1::Meeting* m) {
        m->mutable_sites(1)->set_host_organization("organizations/khong-co");
      }),
      Code::NOT_FOUND, "meeting.sites[1].host_organization");
  add("a missing responsible organization through update", "UpdateMeeting",
      update_meeting(Len(18, Len(1, "d1") + Len(2, "Kết luận") + Len(4, "organizations/khong-co")),
                     "decisions"),
      Code::NOT_FOUND, "meeting.decisions[0].responsible_organizations[0]");
  add("a missing meeting", "GetMeeting", Len(1, "meetings/khong-co"), Code::NOT_FOUND,
      "meetings/khong-co");
  add("a missing meeting", "UpdateMeeting",
      Len(1, Len(1, "meetings/khong-co") + Len(3, "x")) + Len(2, Len(1, "title")),
      Code::NOT_FOUND, "meetings/khong-co");
  add("a missing meeting", "DeleteMeeting", Len(1, "meetings/khong-co"), Code::NOT_FOUND,
      "meetings/khong-co");
  add("a missing organization", "ListMeetings", Len(1, "organizations/khong-co"),
      Code::NOT_FOUND, "organization");
  add("a missing person", "ListMeetings", Len(3, "persons/khong-co"), Code::NOT_FOUND, "person");
  add("a missing meeting", "CreateDocument",
      Len(1, "meetings/khong-co") + Len(2, Bytes(document.document())) + Len(3, "tai-lieu-moi"),
      Code::NOT_FOUND, "parent");
  add("a missing presenter", "CreateDocument", create_document(Len(10, "persons/khong-co")),
      Code::NOT_FOUND, "document.presenter");
  add("a missing document", "GetDocument",
      Len(1, std::string(kSeedMeeting) + "/documents/khong-co"), Code::NOT_FOUND, "khong-co");
  add("a missing document", "UpdateDocument",
      Len(1, Len(1, std::string(kSeedMeeting) + "/documents/khong-co") + Len(3, "x")) +
          Len(2, Len(1, "title")),
      Code::NOT_FOUND, "khong-co");
  add("a missing document", "DeleteDocument",
      Len(1, std::string(kSeedMeeting) + "/documents/khong-co"), Code::NOT_FOUND, "khong-co");
  add("a missing meeting", "ListDocuments", Len(1, "meetings/khong-co"), Code::NOT_FOUND,
      "meetings/khong-co");

  // --- Conflicts: stale etags, taken ids, records still referenced.
  add("a stale etag", "UpdateMeeting",
      Len(1, Len(1, kSeedMeeting) + Len(3, "x") + Len(32, "0000000000000000")) +
          Len(2, Len(1, "title")),
      Code::ABORTED, "etag");
  add("a stale etag", "DeletePerson", Len(1, "persons/phan-xuan-dung") + Len(2, "stale"),
      Code::ABORTED, "etag");
  add("a stale etag", "DeleteDocument", Len(1, kSeedDocument) + Len(2, "stale"), Code::ABORTED,
      "etag");
  add("a taken id", "CreateMeeting", Len(1, Bytes(meeting.meeting())) +
      Len(2, "vusta-giao-ban-2021-11-15"), Code::ALREADY_EXISTS, "already exists");
  add("a taken id", "CreateOrganization", Len(1, Bytes(org.organization())) + Len(2, "vusta"),
      Code::ALREADY_EXISTS, "already exists");
  add("an organization still referred to", "DeleteOrganization", Len(1, "organizations/vusta"),
      Code::FAILED_PRECONDITION, "referred to");
  add("a person still referred to", "DeletePerson", Len(1, "persons/phan-xuan-dung"),
      Code::FAILED_PRECONDITION, "referred to");
  add("a meeting with documents, without force", "DeleteMeeting", Len(1, kSeedMeeting),
      Code::FAILED_PRECONDITION, "documents");
  return cases;
}

void HostileInputTest::RunCases() {
  const std::string before = Snapshot();
  ASSERT_FALSE(before.empty());
  ASSERT_NE(before.find("vusta-giao-ban-2021-11-15"), std::string::npos);
  int ran = 0;
  for (const Case& c : Matrix()) {
    ++ran;
    SCOPED_TRACE(absl::StrCat(c.method, ": ", c.what));
    const grpc::Status status = RawCall(c.method, c.request);
    EXPECT_EQ(status.error_code(), c.want) << "message: " << status.error_message();
    if (!c.mentions.empty()) {
      EXPECT_NE(status.error_message().find(c.mentions), std::string::npos)
          << "the message does not name \"" << c.mentions << "\": " << status.error_message();
    }
    EXPECT_EQ(Snapshot(), before) << "the call changed what is stored";
  }
  std::cout << ran << " cases\n";
}

TEST_F(HostileInputTest, EveryRpcIsCoveredByTheMatrix) {
  std::set<std::string> covered;
  for (const Case& c : Matrix()) covered.insert(c.method);
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      "meetings.v1.MeetingRecords");
  ASSERT_NE(service, nullptr);
  for (int i = 0; i < service->method_count(); ++i) {
    EXPECT_TRUE(covered.contains(service->method(i)->name()))
        << "no hostile input case for " << service->method(i)->name();
  }
}

// The other services parse their request bytes the same way: the Admin
// service's unary methods and the ChangeFeed stream.
TEST_F(HostileInputTest, AdminAndChangeFeedRefuseBytesThatAreNoProtobuf) {
  const std::string not_protobuf = "\xff\xff\xff\xff\x0f";
  for (const char* method : {"CheckConsistency", "RebuildIndexes", "CreateBackup", "ListBackups"}) {
    SCOPED_TRACE(method);
    const grpc::Status status =
        RawCall(absl::StrCat("/meetings.admin.v1.Admin/", method), not_protobuf);
    EXPECT_EQ(status.error_code(), Code::INVALID_ARGUMENT) << status.error_message();
    EXPECT_NE(status.error_message().find("not a valid meetings.admin.v1."), std::string::npos)
        << status.error_message();
  }

  auto channel = server_->NewChannel();
  const grpc::internal::RpcMethod method("/meetings.v1.ChangeFeed/StreamChanges",
                                         grpc::internal::RpcMethod::SERVER_STREAMING, channel);
  const std::pair<std::string, std::string> bodies[] = {
      {not_protobuf, "not a valid meetings.v1.StreamChangesRequest"},
      {Len(3, "organizations/" + kBadByte), "organization: not valid UTF-8"}};
  for (const auto& [body, mentions] : bodies) {
    auto context = Context();
    grpc::Slice slice(body);
    const grpc::ByteBuffer request(&slice, 1);
    std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
        grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(channel.get(), method,
                                                                      context.get(), request));
    grpc::ByteBuffer response;
    int responses = 0;
    while (reader->Read(&response)) ++responses;
    const grpc::Status status = reader->Finish();
    EXPECT_EQ(responses, 0);
    EXPECT_EQ(status.error_code(), Code::INVALID_ARGUMENT) << status.error_message();
    EXPECT_NE(status.error_message().find(mentions), std::string::npos)
        << status.error_message();
  }
}

TEST_F(HostileInputTest, EveryRpcRefusesHostileInputWithTheRightCodeAndChangesNothing) {
  RunCases();
}

}  // namespace
}  // namespace meetings::testing
