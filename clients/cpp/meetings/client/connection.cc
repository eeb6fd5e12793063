#include "meetings/client/connection.h"

#include <cstdint>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "meetings/client/status.h"
#include "meetings/client/version.h"
#include "meetings/v1/service.grpc.pb.h"

namespace meetings::client {
namespace {

constexpr char kService[] = "meetings.v1.MeetingRecords";

// The idempotent methods: safe to send again after UNAVAILABLE because a
// repeat reads the same thing and writes nothing.
constexpr const char* kIdempotentMethods[] = {
    "GetOrganization", "ListOrganizations", "GetPerson",     "ListPersons",
    "GetMeeting",      "ListMeetings",      "GetDocument",   "ListDocuments",
    "SearchRecords",   "ListRevisions",     "GetRevision",
};

absl::Status Unimplemented(const char* method) {
  return absl::UnimplementedError(absl::StrCat(method, " is not implemented by this Connection"));
}

// A protobuf Duration in its JSON form, e.g. "0.200000000s".
std::string JsonDuration(absl::Duration d) {
  const int64_t nanos = absl::ToInt64Nanoseconds(d);
  return absl::StrCat(nanos / 1000000000, ".", absl::Dec(nanos % 1000000000, absl::kZeroPad9),
                      "s");
}

// Reads `inline_pem`, else the file named by `file`; "" when both are empty.
absl::StatusOr<std::string> Pem(const std::string& inline_pem, const std::string& file,
                                const char* option) {
  if (!inline_pem.empty()) return inline_pem;
  if (file.empty()) return std::string();
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  if (!in || !(text << in.rdbuf())) {
    return absl::NotFoundError(absl::StrCat("tls.", option, ": cannot read \"", file, "\""));
  }
  return text.str();
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials(
    const std::optional<TlsOptions>& tls) {
  if (!tls.has_value()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  auto roots = Pem(tls->root_certificates_pem, tls->root_certificates_file,
                   "root_certificates_file");
  if (!roots.ok()) return roots.status();
  auto cert = Pem(tls->client_certificate_pem, tls->client_certificate_file,
                  "client_certificate_file");
  if (!cert.ok()) return cert.status();
  auto key = Pem(tls->client_private_key_pem, tls->client_private_key_file,
                 "client_private_key_file");
  if (!key.ok()) return key.status();
  if (cert->empty() != key->empty()) {
    return absl::InvalidArgumentError(
        "tls: a client certificate and its private key go together; set both or neither");
  }
  ssl.pem_root_certs = *std::move(roots);
  ssl.pem_cert_chain = *std::move(cert);
  ssl.pem_private_key = *std::move(key);
  return grpc::SslCredentials(ssl);
}

// A stream that has already ended with `status`.
class FailedChangeStream final : public ChangeStream {
 public:
  explicit FailedChangeStream(absl::Status status) : status_(std::move(status)) {}
  bool Read(v1::StreamChangesResponse*) override { return false; }
  absl::Status Finish() override { return status_; }
  void Cancel() override {}

 private:
  absl::Status status_;
};

class GrpcChangeStream final : public ChangeStream {
 public:
  GrpcChangeStream(v1::ChangeFeed::StubInterface* stub, const v1::StreamChangesRequest& request,
                   const CallOptions& options, const std::string& authorization) {
    if (!authorization.empty()) context_.AddMetadata("authorization", authorization);
    if (options.timeout.has_value() && *options.timeout != absl::InfiniteDuration()) {
      context_.set_deadline(absl::ToChronoTime(absl::Now() + *options.timeout));
    }
    reader_ = stub->StreamChanges(&context_, request);
  }
  bool Read(v1::StreamChangesResponse* response) override { return reader_->Read(response); }
  absl::Status Finish() override { return FromGrpcStatus(reader_->Finish()); }
  void Cancel() override { context_.TryCancel(); }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderInterface<v1::StreamChangesResponse>> reader_;
};

absl::Status Validate(const ConnectionOptions& options) {
  if (options.target.empty()) return absl::InvalidArgumentError("target: required");
  if (options.default_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("default_timeout: must be positive");
  }
  for (const char c : options.bearer_token) {
    // A metadata value: visible ASCII only.
    if (c <= ' ' || c > '~') {
      return absl::InvalidArgumentError("bearer_token: must be visible ASCII without spaces");
    }
  }
  const RetryPolicy& retry = options.read_retry_policy;
  if (retry.max_attempts < 1) {
    return absl::InvalidArgumentError("read_retry_policy.max_attempts: must be at least 1");
  }
  if (retry.max_attempts > 1) {
    if (retry.initial_backoff <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("read_retry_policy.initial_backoff: must be positive");
    }
    if (retry.max_backoff <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("read_retry_policy.max_backoff: must be positive");
    }
    if (!(retry.backoff_multiplier > 0)) {
      return absl::InvalidArgumentError("read_retry_policy.backoff_multiplier: must be positive");
    }
  }
  return absl::OkStatus();
}

// The gRPC implementation: one channel, one stub, a deadline per call.
class GrpcConnection final : public Connection {
 public:
  GrpcConnection(std::unique_ptr<v1::MeetingRecords::StubInterface> stub,
                 std::unique_ptr<v1::ChangeFeed::StubInterface> feed,
                 absl::Duration default_timeout, std::string authorization)
      : stub_(std::move(stub)),
        feed_(std::move(feed)),
        default_timeout_(default_timeout),
        authorization_(std::move(authorization)) {}

  using Stub = v1::MeetingRecords::StubInterface;

  absl::StatusOr<v1::Organization> CreateOrganization(const v1::CreateOrganizationRequest& r,
                                                      const CallOptions& o) override {
    return Call<v1::Organization>(&Stub::CreateOrganization, r, o);
  }
  absl::StatusOr<v1::Organization> GetOrganization(const v1::GetOrganizationRequest& r,
                                                   const CallOptions& o) override {
    return Call<v1::Organization>(&Stub::GetOrganization, r, o);
  }
  absl::StatusOr<v1::Organization> UpdateOrganization(const v1::UpdateOrganizationRequest& r,
                                                      const CallOptions& o) override {
    return Call<v1::Organization>(&Stub::UpdateOrganization, r, o);
  }
  absl::Status DeleteOrganization(const v1::DeleteOrganizationRequest& r,
                                  const CallOptions& o) override {
    return Call<google::protobuf::Empty>(&Stub::DeleteOrganization, r, o).status();
  }
  absl::StatusOr<v1::ListOrganizationsResponse> ListOrganizations(
      const v1::ListOrganizationsRequest& r, const CallOptions& o) override {
    return Call<v1::ListOrganizationsResponse>(&Stub::ListOrganizations, r, o);
  }

  absl::StatusOr<v1::Person> CreatePerson(const v1::CreatePersonRequest& r,
                                          const CallOptions& o) override {
    return Call<v1::Person>(&Stub::CreatePerson, r, o);
  }
  absl::StatusOr<v1::Person> GetPerson(const v1::GetPersonRequest& r,
                                       const CallOptions& o) override {
    return Call<v1::Person>(&Stub::GetPerson, r, o);
  }
  absl::StatusOr<v1::Person> UpdatePerson(const v1::UpdatePersonRequest& r,
                                          const CallOptions& o) override {
    return Call<v1::Person>(&Stub::UpdatePerson, r, o);
  }
  absl::Status DeletePerson(const v1::DeletePersonRequest& r, const CallOptions& o) override {
    return Call<google::protobuf::Empty>(&Stub::DeletePerson, r, o).status();
  }
  absl::StatusOr<v1::ListPersonsResponse> ListPersons(const v1::ListPersonsRequest& r,
                                                      const CallOptions& o) override {
    return Call<v1::ListPersonsResponse>(&Stub::ListPersons, r, o);
  }

  absl::StatusOr<v1::Meeting> CreateMeeting(const v1::CreateMeetingRequest& r,
                                            const CallOptions& o) override {
    return Call<v1::Meeting>(&Stub::CreateMeeting, r, o);
  }
  absl::StatusOr<v1::Meeting> GetMeeting(const v1::GetMeetingRequest& r,
                                         const CallOptions& o) override {
    return Call<v1::Meeting>(&Stub::GetMeeting, r, o);
  }
  absl::StatusOr<v1::Meeting> UpdateMeeting(const v1::UpdateMeetingRequest& r,
                                            const CallOptions& o) override {
    return Call<v1::Meeting>(&Stub::UpdateMeeting, r, o);
  }
  absl::Status DeleteMeeting(const v1::DeleteMeetingRequest& r, const CallOptions& o) override {
    return Call<google::protobuf::Empty>(&Stub::DeleteMeeting, r, o).status();
  }
  absl::StatusOr<v1::ListMeetingsResponse> ListMeetings(const v1::ListMeetingsRequest& r,
                                                        const CallOptions& o) override {
    return Call<v1::ListMeetingsResponse>(&Stub::ListMeetings, r, o);
  }

  absl::StatusOr<v1::Document> CreateDocument(const v1::CreateDocumentRequest& r,
                                              const CallOptions& o) override {
    return Call<v1::Document>(&Stub::CreateDocument, r, o);
  }
  absl::StatusOr<v1::Document> GetDocument(const v1::GetDocumentRequest& r,
                                           const CallOptions& o) override {
    return Call<v1::Document>(&Stub::GetDocument, r, o);
  }
  absl::StatusOr<v1::Document> UpdateDocument(const v1::UpdateDocumentRequest& r,
                                              const CallOptions& o) override {
    return Call<v1::Document>(&Stub::UpdateDocument, r, o);
  }
  absl::Status DeleteDocument(const v1::DeleteDocumentRequest& r, const CallOptions& o) override {
    return Call<google::protobuf::Empty>(&Stub::DeleteDocument, r, o).status();
  }
  absl::StatusOr<v1::ListDocumentsResponse> ListDocuments(const v1::ListDocumentsRequest& r,
                                                          const CallOptions& o) override {
    return Call<v1::ListDocumentsResponse>(&Stub::ListDocuments, r, o);
  }

  absl::StatusOr<v1::SearchRecordsResponse> SearchRecords(const v1::SearchRecordsRequest& r,
                                                          const CallOptions& o) override {
    return Call<v1::SearchRecordsResponse>(&Stub::SearchRecords, r, o);
  }
  absl::StatusOr<v1::ListRevisionsResponse> ListRevisions(const v1::ListRevisionsRequest& r,
                                                          const CallOptions& o) override {
    return Call<v1::ListRevisionsResponse>(&Stub::ListRevisions, r, o);
  }
  absl::StatusOr<v1::Revision> GetRevision(const v1::GetRevisionRequest& r,
                                           const CallOptions& o) override {
    return Call<v1::Revision>(&Stub::GetRevision, r, o);
  }

  std::unique_ptr<ChangeStream> StreamChanges(const v1::StreamChangesRequest& r,
                                              const CallOptions& o) override {
    return std::make_unique<GrpcChangeStream>(feed_.get(), r, o, authorization_);
  }

 private:
  template <typename Response, typename Request>
  using Method = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

  // One unary call with its deadline; gRPC's status is converted here and
  // nowhere else.
  template <typename Response, typename Request>
  absl::StatusOr<Response> Call(Method<Response, Request> method, const Request& request,
                                const CallOptions& options) {
    grpc::ClientContext context;
    if (!authorization_.empty()) context.AddMetadata("authorization", authorization_);
    const absl::Duration timeout = options.timeout.value_or(default_timeout_);
    if (timeout != absl::InfiniteDuration()) {
      context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    }
    Response response;
    grpc::Status status = ((*stub_).*method)(&context, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    return response;
  }

  const std::unique_ptr<Stub> stub_;
  const std::unique_ptr<v1::ChangeFeed::StubInterface> feed_;
  const absl::Duration default_timeout_;
  // "Bearer <token>", or "" to send no authorization metadata.
  const std::string authorization_;
};

}  // namespace

// The defaults: UNIMPLEMENTED, so a fake overrides only what it needs.
absl::StatusOr<v1::Organization> Connection::CreateOrganization(
    const v1::CreateOrganizationRequest&, const CallOptions&) {
  return Unimplemented("CreateOrganization");
}
absl::StatusOr<v1::Organization> Connection::GetOrganization(const v1::GetOrganizationRequest&,
                                                             const CallOptions&) {
  return Unimplemented("GetOrganization");
}
absl::StatusOr<v1::Organization> Connection::UpdateOrganization(
    const v1::UpdateOrganizationRequest&, const CallOptions&) {
  return Unimplemented("UpdateOrganization");
}
absl::Status Connection::DeleteOrganization(const v1::DeleteOrganizationRequest&,
                                            const CallOptions&) {
  return Unimplemented("DeleteOrganization");
}
absl::StatusOr<v1::ListOrganizationsResponse> Connection::ListOrganizations(
    const v1::ListOrganizationsRequest&, const CallOptions&) {
  return Unimplemented("ListOrganizations");
}
absl::StatusOr<v1::Person> Connection::CreatePerson(const v1::CreatePersonRequest&,
                                                    const CallOptions&) {
  return Unimplemented("CreatePerson");
}
absl::StatusOr<v1::Person> Connection::GetPerson(const v1::GetPersonRequest&,
                                                 const CallOptions&) {
  return Unimplemented("GetPerson");
}
absl::StatusOr<v1::Person> Connection::UpdatePerson(const v1::UpdatePersonRequest&,
                                                    const CallOptions&) {
  return Unimplemented("UpdatePerson");
}
absl::Status Connection::DeletePerson(const v1::DeletePersonRequest&, const CallOptions&) {
  return Unimplemented("DeletePerson");
}
absl::StatusOr<v1::ListPersonsResponse> Connection::ListPersons(const v1::ListPersonsRequest&,
                                                                const CallOptions&) {
  return Unimplemented("ListPersons");
}
absl::StatusOr<v1::Meeting> Connection::CreateMeeting(const v1::CreateMeetingRequest&,
                                                      const CallOptions&) {
  return Unimplemented("CreateMeeting");
}
absl::StatusOr<v1::Meeting> Connection::GetMeeting(const v1::GetMeetingRequest&,
                                                   const CallOptions&) {
  return Unimplemented("GetMeeting");
}
absl::StatusOr<v1::Meeting> Connection::UpdateMeeting(const v1::UpdateMeetingRequest&,
                                                      const CallOptions&) {
  return Unimplemented("UpdateMeeting");
}
absl::Status Connection::DeleteMeeting(const v1::DeleteMeetingRequest&, const CallOptions&) {
  return Unimplemented("DeleteMeeting");
}
absl::StatusOr<v1::ListMeetingsResponse> Connection::ListMeetings(const v1::ListMeetingsRequest&,
                                                                  const CallOptions&) {
  return Unimplemented("ListMeetings");
}
absl::StatusOr<v1::Document> Connection::CreateDocument(const v1::CreateDocumentRequest&,
                                                        const CallOptions&) {
  return Unimplemented("CreateDocument");
}
absl::StatusOr<v1::Document> Connection::GetDocument(const v1::GetDocumentRequest&,
                                                     const CallOptions&) {
  return Unimplemented("GetDocument");
}
absl::StatusOr<v1::Document> Connection::UpdateDocument(const v1::UpdateDocumentRequest&,
                                                        const CallOptions&) {
  return Unimplemented("UpdateDocument");
}
absl::Status Connection::DeleteDocument(const v1::DeleteDocumentRequest&, const CallOptions&) {
  return Unimplemented("DeleteDocument");
}
absl::StatusOr<v1::ListDocumentsResponse> Connection::ListDocuments(
    const v1::ListDocumentsRequest&, const CallOptions&) {
  return Unimplemented("ListDocuments");
}

absl::StatusOr<v1::SearchRecordsResponse> Connection::SearchRecords(
    const v1::SearchRecordsRequest&, const CallOptions&) {
  return Unimplemented("SearchRecords");
}
absl::StatusOr<v1::ListRevisionsResponse> Connection::ListRevisions(
    const v1::ListRevisionsRequest&, const CallOptions&) {
  return Unimplemented("ListRevisions");
}
absl::StatusOr<v1::Revision> Connection::GetRevision(const v1::GetRevisionRequest&,
                                                     const CallOptions&) {
  return Unimplemented("GetRevision");
}
std::unique_ptr<ChangeStream> Connection::StreamChanges(const v1::StreamChangesRequest&,
                                                        const CallOptions&) {
  return std::make_unique<FailedChangeStream>(Unimplemented("StreamChanges"));
}

std::string MakeServiceConfigJson(const RetryPolicy& policy) {
  std::vector<std::string> names;
  for (const char* method : kIdempotentMethods) {
    names.push_back(absl::StrCat(R"({"service":")", kService, R"(","method":")", method, R"("})"));
  }
  std::string config = absl::StrCat(R"({"methodConfig":[{"name":[)", absl::StrJoin(names, ","),
                                    "]");
  if (policy.max_attempts > 1) {
    absl::StrAppend(&config, R"(,"retryPolicy":{"maxAttempts":)", policy.max_attempts,
                    R"(,"initialBackoff":")", JsonDuration(policy.initial_backoff),
                    R"(","maxBackoff":")", JsonDuration(policy.max_backoff),
                    R"(","backoffMultiplier":)", policy.backoff_multiplier,
                    R"(,"retryableStatusCodes":["UNAVAILABLE"]})");
  }
  absl::StrAppend(&config, "}]}");
  return config;
}

absl::StatusOr<std::shared_ptr<Connection>> MakeConnection(ConnectionOptions options) {
  if (auto status = Validate(options); !status.ok()) return status;
  auto credentials = Credentials(options.tls);
  if (!credentials.ok()) return credentials.status();

  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(MakeServiceConfigJson(options.read_retry_policy));
  // Retries are on by default in gRPC 1.51; say so in case that changes.
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  std::string user_agent = absl::StrCat("meetings-client-cpp/", kVersion);
  if (!options.user_agent_prefix.empty()) {
    user_agent = absl::StrCat(options.user_agent_prefix, " ", user_agent);
  }
  args.SetUserAgentPrefix(user_agent);
  if (options.tls.has_value() && !options.tls->server_name_override.empty()) {
    args.SetSslTargetNameOverride(options.tls->server_name_override);
  }
  if (options.configure_channel) options.configure_channel(args);

  auto channel = grpc::CreateCustomChannel(options.target, *credentials, args);
  return std::make_shared<GrpcConnection>(v1::MeetingRecords::NewStub(channel),
                                          v1::ChangeFeed::NewStub(channel),
                                          options.default_timeout,
                                          options.bearer_token.empty()
                                              ? std::string()
                                              : "Bearer " + options.bearer_token);
}

}  // namespace meetings::client
