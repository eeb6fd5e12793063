// The C++ client library without a server: paging through a fake
// Connection (the substitution callers make in their own tests), status
// mapping, the retry service config, option checks and name helpers.
#include <deque>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "meetings/client/client.h"

namespace meetings::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

v1::Meeting MeetingNamed(const std::string& id) {
  v1::Meeting m;
  m.set_name("meetings/" + id);
  return m;
}

// Serves scripted ListMeetings pages and records every request it gets.
class FakeConnection : public Connection {
 public:
  std::deque<absl::StatusOr<v1::ListMeetingsResponse>> pages;
  std::vector<v1::ListMeetingsRequest> requests;

  void AddPage(std::vector<std::string> ids, std::string next_token) {
    v1::ListMeetingsResponse page;
    for (const auto& id : ids) *page.add_meetings() = MeetingNamed(id);
    page.set_next_page_token(std::move(next_token));
    pages.push_back(std::move(page));
  }

  absl::StatusOr<v1::ListMeetingsResponse> ListMeetings(const v1::ListMeetingsRequest& request,
                                                        const CallOptions&) override {
    requests.push_back(request);
    if (pages.empty()) return absl::InternalError("test asked for more pages than scripted");
    auto page = std::move(pages.front());
    pages.pop_front();
    return page;
  }
};

std::vector<std::string> PageTokens(const FakeConnection& fake) {
  std::vector<std::string> tokens;
  for (const auto& r : fake.requests) tokens.push_back(r.page_token());
  return tokens;
}

TEST(ClientPaging, WalksEveryPageInOrderIncludingEmptyOnes) {
  auto fake = std::make_shared<FakeConnection>();
  fake->AddPage({"a", "b"}, "t1");
  fake->AddPage({}, "t2");  // an empty page that is not the last
  fake->AddPage({"c"}, "t3");
  fake->AddPage({"d"}, "");
  Client client(fake);

  std::vector<std::string> names;
  for (absl::StatusOr<v1::Meeting>& m : client.ListMeetings(v1::ListMeetingsRequest())) {
    ASSERT_TRUE(m.ok()) << m.status();
    names.push_back(m->name());
  }
  EXPECT_THAT(names, ElementsAre("meetings/a", "meetings/b", "meetings/c", "meetings/d"));
  EXPECT_THAT(PageTokens(*fake), ElementsAre("", "t1", "t2", "t3"));
}

TEST(ClientPaging, FetchesPagesOnlyWhenTheLoopNeedsThem) {
  auto fake = std::make_shared<FakeConnection>();
  fake->AddPage({"a", "b"}, "t1");
  fake->AddPage({"c"}, "");
  Client client(fake);

  auto range = client.ListMeetings(v1::ListMeetingsRequest());
  EXPECT_THAT(fake->requests, IsEmpty()) << "nothing is fetched before begin()";
  auto it = range.begin();
  EXPECT_EQ(fake->requests.size(), 1u);
  ++it;  // "b", still page 1
  EXPECT_EQ(fake->requests.size(), 1u);
  ++it;  // "c" needs page 2
  EXPECT_EQ(fake->requests.size(), 2u);
  EXPECT_EQ((*it)->name(), "meetings/c");
  ++it;
  EXPECT_TRUE(it == range.end());
}

TEST(ClientPaging, BreakingOutEarlyFetchesNoMorePages) {
  auto fake = std::make_shared<FakeConnection>();
  fake->AddPage({"a", "b"}, "t1");
  fake->AddPage({"c"}, "");
  Client client(fake);
  for (auto& m : client.ListMeetings(v1::ListMeetingsRequest())) {
    ASSERT_TRUE(m.ok());
    break;
  }
  EXPECT_EQ(fake->requests.size(), 1u);
}

TEST(ClientPaging, FailedPageYieldsItsErrorOnceThenEnds) {
  auto fake = std::make_shared<FakeConnection>();
  fake->AddPage({"a"}, "t1");
  fake->pages.push_back(absl::UnavailableError("connection reset"));
  fake->AddPage({"never"}, "");
  Client client(fake);

  std::vector<std::string> seen;
  for (auto& m : client.ListMeetings(v1::ListMeetingsRequest())) {
    seen.push_back(m.ok() ? m->name() : absl::StrCat("error ", m.status().ToString()));
  }
  EXPECT_THAT(seen, ElementsAre("meetings/a", "error UNAVAILABLE: connection reset"));
  EXPECT_EQ(fake->requests.size(), 2u) << "no fetch after the failed page";
}

TEST(ClientPaging, FirstPageErrorIsTheOnlyElement) {
  auto fake = std::make_shared<FakeConnection>();
  fake->pages.push_back(absl::InvalidArgumentError("start_date: bad"));
  Client client(fake);
  int elements = 0;
  for (auto& m : client.ListMeetings(v1::ListMeetingsRequest())) {
    ++elements;
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(m.status().message(), "start_date: bad");
  }
  EXPECT_EQ(elements, 1);
}

TEST(ClientPaging, ServerRepeatingItsTokenEndsWithAnError) {
  auto fake = std::make_shared<FakeConnection>();
  fake->AddPage({"a"}, "same");
  fake->AddPage({"b"}, "same");
  Client client(fake);
  std::vector<absl::StatusCode> codes;
  for (auto& m : client.ListMeetings(v1::ListMeetingsRequest())) codes.push_back(m.status().code());
  EXPECT_THAT(codes, ElementsAre(absl::StatusCode::kOk, absl::StatusCode::kInternal));
}

TEST(ClientPaging, EveryPageRepeatsTheFiltersWithItsToken) {
  auto fake = std::make_shared<FakeConnection>();
  fake->AddPage({"a"}, "t1");
  fake->AddPage({"b"}, "");
  Client client(fake);
  MeetingQueryOptions query;
  query.include_sub_organizations = true;
  query.newest_first = true;
  query.page_size = 1;
  int n = 0;
  for (auto& m : client.ListMeetingsByOrganization("vusta", absl::CivilDay(2021, 11, 1),
                                                   absl::CivilDay(2021, 11, 30), query)) {
    ASSERT_TRUE(m.ok());
    ++n;
  }
  EXPECT_EQ(n, 2);
  ASSERT_EQ(fake->requests.size(), 2u);
  for (const auto& r : fake->requests) {
    EXPECT_EQ(r.organization(), "organizations/vusta");
    EXPECT_TRUE(r.include_sub_organizations());
    EXPECT_EQ(r.order_by(), "start_time desc");
    EXPECT_EQ(r.page_size(), 1);
    EXPECT_EQ(r.start_date().year(), 2021);
    EXPECT_EQ(r.start_date().month(), 11);
    EXPECT_EQ(r.start_date().day(), 1);
    EXPECT_EQ(r.end_date().day(), 30);
  }
  EXPECT_THAT(PageTokens(*fake), ElementsAre("", "t1"));
}

TEST(ClientPaging, ConvenienceQueriesFillTheirFilter) {
  auto fake = std::make_shared<FakeConnection>();
  fake->AddPage({}, "");
  fake->AddPage({}, "");
  Client client(fake);
  for (auto& m : client.ListMeetingsOnDates(absl::CivilDay(2021, 11, 15),
                                            absl::CivilDay(2021, 11, 15))) {
    (void)m;
  }
  for (auto& m : client.ListMeetingsOfPerson("persons/phan-xuan-dung")) (void)m;
  ASSERT_EQ(fake->requests.size(), 2u);
  EXPECT_TRUE(fake->requests[0].organization().empty());
  EXPECT_EQ(fake->requests[0].start_date().day(), 15);
  EXPECT_EQ(fake->requests[0].end_date().day(), 15);
  EXPECT_EQ(fake->requests[0].order_by(), "start_time");
  EXPECT_EQ(fake->requests[1].person(), "persons/phan-xuan-dung");
  EXPECT_FALSE(fake->requests[1].has_start_date());
}

TEST(ClientPaging, CallerPageTokenIsIgnored) {
  auto fake = std::make_shared<FakeConnection>();
  fake->AddPage({"a"}, "");
  Client client(fake);
  v1::ListMeetingsRequest request;
  request.set_page_token("stale");
  for (auto& m : client.ListMeetings(request)) (void)m;
  EXPECT_THAT(PageTokens(*fake), ElementsAre(""));
}

TEST(ClientConnection, UnimplementedByDefaultSoFakesStayShort) {
  Client client(std::make_shared<FakeConnection>());
  auto org = client.GetOrganization("organizations/vusta");
  EXPECT_EQ(org.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(std::string(org.status().message()), HasSubstr("GetOrganization"));
  EXPECT_EQ(client.DeleteMeeting("meetings/x").code(), absl::StatusCode::kUnimplemented);
  auto stream = client.StreamChanges(v1::StreamChangesRequest());
  ASSERT_NE(stream, nullptr);
  v1::StreamChangesResponse response;
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_EQ(stream->Finish().code(), absl::StatusCode::kUnimplemented);
}

// Search results page like everything else.
class FakeSearch : public Connection {
 public:
  absl::StatusOr<v1::SearchRecordsResponse> SearchRecords(const v1::SearchRecordsRequest& r,
                                                          const CallOptions&) override {
    queries.push_back(r.query() + "@" + r.page_token());
    v1::SearchRecordsResponse page;
    page.add_results()->set_name(r.page_token().empty() ? "persons/a" : "persons/b");
    if (r.page_token().empty()) page.set_next_page_token("p2");
    return page;
  }
  std::vector<std::string> queries;
};

TEST(ClientPaging, SearchResultsPageThroughTheRange) {
  auto fake = std::make_shared<FakeSearch>();
  Client client(fake);
  std::vector<std::string> names;
  for (auto& r : client.SearchRecords("nguyen khac hao")) {
    ASSERT_TRUE(r.ok());
    names.push_back(r->name());
  }
  EXPECT_THAT(names, ElementsAre("persons/a", "persons/b"));
  EXPECT_THAT(fake->queries, ElementsAre("nguyen khac hao@", "nguyen khac hao@p2"));
}

TEST(ClientConnection, CopiesShareTheConnection) {
  auto fake = std::make_shared<FakeConnection>();
  Client a(fake);
  Client b = a;
  EXPECT_EQ(a.connection().get(), b.connection().get());
  EXPECT_EQ(fake.use_count(), 3);
}

TEST(StatusMapping, EveryGrpcCodeKeepsItsMeaningAndMessage) {
  const std::vector<std::pair<grpc::StatusCode, absl::StatusCode>> pairs = {
      {grpc::StatusCode::CANCELLED, absl::StatusCode::kCancelled},
      {grpc::StatusCode::UNKNOWN, absl::StatusCode::kUnknown},
      {grpc::StatusCode::INVALID_ARGUMENT, absl::StatusCode::kInvalidArgument},
      {grpc::StatusCode::DEADLINE_EXCEEDED, absl::StatusCode::kDeadlineExceeded},
      {grpc::StatusCode::NOT_FOUND, absl::StatusCode::kNotFound},
      {grpc::StatusCode::ALREADY_EXISTS, absl::StatusCode::kAlreadyExists},
      {grpc::StatusCode::PERMISSION_DENIED, absl::StatusCode::kPermissionDenied},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, absl::StatusCode::kResourceExhausted},
      {grpc::StatusCode::FAILED_PRECONDITION, absl::StatusCode::kFailedPrecondition},
      {grpc::StatusCode::ABORTED, absl::StatusCode::kAborted},
      {grpc::StatusCode::OUT_OF_RANGE, absl::StatusCode::kOutOfRange},
      {grpc::StatusCode::UNIMPLEMENTED, absl::StatusCode::kUnimplemented},
      {grpc::StatusCode::INTERNAL, absl::StatusCode::kInternal},
      {grpc::StatusCode::UNAVAILABLE, absl::StatusCode::kUnavailable},
      {grpc::StatusCode::DATA_LOSS, absl::StatusCode::kDataLoss},
      {grpc::StatusCode::UNAUTHENTICATED, absl::StatusCode::kUnauthenticated},
  };
  for (const auto& [grpc_code, absl_code] : pairs) {
    const absl::Status s = FromGrpcStatus(grpc::Status(grpc_code, "organization.parent: bad"));
    EXPECT_EQ(s.code(), absl_code) << grpc_code;
    EXPECT_EQ(s.message(), "organization.parent: bad");
  }
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
  EXPECT_EQ(FromGrpcStatusCode(static_cast<grpc::StatusCode>(99)), absl::StatusCode::kUnknown);
}

// The service config is JSON that gRPC parses; check it as JSON.
google::protobuf::Struct ParseJson(const std::string& json) {
  google::protobuf::Struct s;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &s).ok()) << json;
  return s;
}

TEST(RetryServiceConfig, RetriesOnlyReadsOnUnavailableWithThePolicy) {
  RetryPolicy policy;
  policy.max_attempts = 4;
  policy.initial_backoff = absl::Milliseconds(250);
  policy.max_backoff = absl::Seconds(3);
  policy.backoff_multiplier = 1.5;
  const std::string json = MakeServiceConfigJson(policy);
  const auto config = ParseJson(json);
  const auto& method_config = config.fields().at("methodConfig").list_value().values(0).struct_value();
  std::vector<std::string> methods;
  for (const auto& name : method_config.fields().at("name").list_value().values()) {
    EXPECT_EQ(name.struct_value().fields().at("service").string_value(),
              "meetings.v1.MeetingRecords");
    methods.push_back(name.struct_value().fields().at("method").string_value());
  }
  EXPECT_THAT(methods, ::testing::UnorderedElementsAre(
                           "GetOrganization", "ListOrganizations", "GetPerson", "ListPersons",
                           "GetMeeting", "ListMeetings", "GetDocument", "ListDocuments",
                           "SearchRecords", "ListRevisions", "GetRevision"));
  const auto& retry = method_config.fields().at("retryPolicy").struct_value().fields();
  EXPECT_EQ(retry.at("maxAttempts").number_value(), 4);
  EXPECT_EQ(retry.at("initialBackoff").string_value(), "0.250000000s");
  EXPECT_EQ(retry.at("maxBackoff").string_value(), "3.000000000s");
  EXPECT_EQ(retry.at("backoffMultiplier").number_value(), 1.5);
  ASSERT_EQ(retry.at("retryableStatusCodes").list_value().values_size(), 1);
  EXPECT_EQ(retry.at("retryableStatusCodes").list_value().values(0).string_value(), "UNAVAILABLE");
  EXPECT_THAT(json, Not(HasSubstr("Create")));
  EXPECT_THAT(json, Not(HasSubstr("Update")));
  EXPECT_THAT(json, Not(HasSubstr("Delete")));
}

TEST(RetryServiceConfig, OneAttemptMeansNoRetryPolicy) {
  RetryPolicy policy;
  policy.max_attempts = 1;
  EXPECT_THAT(MakeServiceConfigJson(policy), Not(HasSubstr("retryPolicy")));
}

TEST(MakeConnection, RefusesBadOptionsNamingThem) {
  auto code_and_message = [](ConnectionOptions o) {
    auto c = MakeConnection(std::move(o));
    EXPECT_FALSE(c.ok());
    return c.status();
  };
  ConnectionOptions empty_target;
  empty_target.target = "";
  EXPECT_THAT(std::string(code_and_message(empty_target).message()), HasSubstr("target"));

  ConnectionOptions zero_timeout;
  zero_timeout.default_timeout = absl::ZeroDuration();
  EXPECT_EQ(code_and_message(zero_timeout).code(), absl::StatusCode::kInvalidArgument);

  ConnectionOptions no_attempts;
  no_attempts.read_retry_policy.max_attempts = 0;
  EXPECT_THAT(std::string(code_and_message(no_attempts).message()), HasSubstr("max_attempts"));

  ConnectionOptions cert_without_key;
  cert_without_key.tls = TlsOptions{};
  cert_without_key.tls->client_certificate_pem = "-----BEGIN CERTIFICATE-----";
  EXPECT_EQ(code_and_message(cert_without_key).code(), absl::StatusCode::kInvalidArgument);

  ConnectionOptions missing_roots;
  missing_roots.tls = TlsOptions{};
  missing_roots.tls->root_certificates_file = "/nonexistent/roots.pem";
  const absl::Status s = code_and_message(missing_roots);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.message()), HasSubstr("/nonexistent/roots.pem"));

  EXPECT_TRUE(MakeConnection(ConnectionOptions()).ok()) << "the defaults are valid";
  ConnectionOptions infinite;
  infinite.default_timeout = absl::InfiniteDuration();
  EXPECT_TRUE(MakeConnection(infinite).ok());
}

TEST(Names, IdsAndNamesAreBothAccepted) {
  EXPECT_EQ(OrganizationName("vusta"), "organizations/vusta");
  EXPECT_EQ(OrganizationName("organizations/vusta"), "organizations/vusta");
  EXPECT_EQ(PersonName("phan-xuan-dung"), "persons/phan-xuan-dung");
  EXPECT_EQ(MeetingName("m1"), "meetings/m1");
  EXPECT_EQ(DocumentName("m1", "d1"), "meetings/m1/documents/d1");
  EXPECT_EQ(DocumentName("meetings/m1", "d1"), "meetings/m1/documents/d1");
  EXPECT_EQ(IdOf("meetings/m1/documents/d1"), "d1");
  EXPECT_EQ(IdOf("vusta"), "vusta");
}

TEST(Names, ParseDateAcceptsOnlyRealDates) {
  auto d = ParseDate("2021-11-15");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, absl::CivilDay(2021, 11, 15));
  EXPECT_EQ(*ParseDate("2024-02-29"), absl::CivilDay(2024, 2, 29));
  for (const char* bad : {"2021-02-29", "2021-13-01", "2021-11-31", "15/11/2021", "2021-1-5",
                          "0000-01-01", "", "2021-11-15x"}) {
    EXPECT_EQ(ParseDate(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  const v1::Date proto = ToProtoDate(absl::CivilDay(2021, 11, 15));
  EXPECT_EQ(proto.year(), 2021);
  EXPECT_EQ(proto.month(), 11);
  EXPECT_EQ(proto.day(), 15);
  EXPECT_EQ(FromProtoDate(proto), absl::CivilDay(2021, 11, 15));
}

}  // namespace
}  // namespace meetings::client
