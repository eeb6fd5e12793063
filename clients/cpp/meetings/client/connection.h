// Connection: one virtual function per RPC of meetings.v1.MeetingRecords
// and meetings.v1.ChangeFeed, returning absl::StatusOr (a ChangeStream for
// the one streaming RPC). MakeConnection() gives the gRPC implementation;
// tests substitute their own subclass (override only what they use; the
// rest answer UNIMPLEMENTED) and hand it to a Client.
#ifndef MEETINGS_CLIENT_CONNECTION_H_
#define MEETINGS_CLIENT_CONNECTION_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "meetings/client/options.h"
#include "meetings/v1/service.pb.h"

namespace meetings::client {

// The responses of one ChangeFeed.StreamChanges call. Read() and Finish()
// from one thread; Cancel() from any thread, at any time.
class ChangeStream {
 public:
  virtual ~ChangeStream() = default;
  // Blocks for the next response (which may be an empty heartbeat) and
  // returns true, or returns false when the stream has ended; then call
  // Finish() for the reason.
  virtual bool Read(v1::StreamChangesResponse* response) = 0;
  // After Read() returned false: OK when the server closed the stream,
  // else its status (FAILED_PRECONDITION: changes no longer retained;
  // CANCELLED after Cancel(); DEADLINE_EXCEEDED; UNAVAILABLE).
  virtual absl::Status Finish() = 0;
  // Asks the stream to end; a blocked Read() returns false soon after.
  virtual void Cancel() = 0;
};

// The transport of a Client. Implementations must be thread-safe: a Client
// and all its copies call one Connection from any number of threads.
//
// Each function makes exactly one RPC (List* return one page); errors are
// the server's status mapped by FromGrpcStatus, message kept. The default
// implementations return UNIMPLEMENTED so that fakes stay short.
class Connection {
 public:
  virtual ~Connection() = default;

  virtual absl::StatusOr<v1::Organization> CreateOrganization(
      const v1::CreateOrganizationRequest& request, const CallOptions& options);
  virtual absl::StatusOr<v1::Organization> GetOrganization(
      const v1::GetOrganizationRequest& request, const CallOptions& options);
  virtual absl::StatusOr<v1::Organization> UpdateOrganization(
      const v1::UpdateOrganizationRequest& request, const CallOptions& options);
  virtual absl::Status DeleteOrganization(const v1::DeleteOrganizationRequest& request,
                                          const CallOptions& options);
  virtual absl::StatusOr<v1::ListOrganizationsResponse> ListOrganizations(
      const v1::ListOrganizationsRequest& request, const CallOptions& options);

  virtual absl::StatusOr<v1::Person> CreatePerson(const v1::CreatePersonRequest& request,
                                                  const CallOptions& options);
  virtual absl::StatusOr<v1::Person> GetPerson(const v1::GetPersonRequest& request,
                                               const CallOptions& options);
  virtual absl::StatusOr<v1::Person> UpdatePerson(const v1::UpdatePersonRequest& request,
                                                  const CallOptions& options);
  virtual absl::Status DeletePerson(const v1::DeletePersonRequest& request,
                                    const CallOptions& options);
  virtual absl::StatusOr<v1::ListPersonsResponse> ListPersons(
      const v1::ListPersonsRequest& request, const CallOptions& options);

  virtual absl::StatusOr<v1::Meeting> CreateMeeting(const v1::CreateMeetingRequest& request,
                                                    const CallOptions& options);
  virtual absl::StatusOr<v1::Meeting> GetMeeting(const v1::GetMeetingRequest& request,
                                                 const CallOptions& options);
  virtual absl::StatusOr<v1::Meeting> UpdateMeeting(const v1::UpdateMeetingRequest& request,
                                                    const CallOptions& options);
  virtual absl::Status DeleteMeeting(const v1::DeleteMeetingRequest& request,
                                     const CallOptions& options);
  virtual absl::StatusOr<v1::ListMeetingsResponse> ListMeetings(
      const v1::ListMeetingsRequest& request, const CallOptions& options);

  virtual absl::StatusOr<v1::Document> CreateDocument(const v1::CreateDocumentRequest& request,
                                                      const CallOptions& options);
  virtual absl::StatusOr<v1::Document> GetDocument(const v1::GetDocumentRequest& request,
                                                   const CallOptions& options);
  virtual absl::StatusOr<v1::Document> UpdateDocument(const v1::UpdateDocumentRequest& request,
                                                      const CallOptions& options);
  virtual absl::Status DeleteDocument(const v1::DeleteDocumentRequest& request,
                                      const CallOptions& options);
  virtual absl::StatusOr<v1::ListDocumentsResponse> ListDocuments(
      const v1::ListDocumentsRequest& request, const CallOptions& options);

  virtual absl::StatusOr<v1::SearchRecordsResponse> SearchRecords(
      const v1::SearchRecordsRequest& request, const CallOptions& options);
  virtual absl::StatusOr<v1::ListRevisionsResponse> ListRevisions(
      const v1::ListRevisionsRequest& request, const CallOptions& options);
  virtual absl::StatusOr<v1::Revision> GetRevision(const v1::GetRevisionRequest& request,
                                                   const CallOptions& options);

  // ChangeFeed.StreamChanges. Unlike the unary calls, a stream has no
  // deadline unless options.timeout sets one (the connection's default
  // would cut a long-lived feed). Never null; the default implementation
  // returns a stream that ends at once with UNIMPLEMENTED.
  virtual std::unique_ptr<ChangeStream> StreamChanges(const v1::StreamChangesRequest& request,
                                                      const CallOptions& options);
};

// Returns a Connection over one gRPC channel to options.target, with the
// credentials, default deadline and read retry policy of `options`. The
// channel connects lazily: an unreachable server shows up as UNAVAILABLE
// (or DEADLINE_EXCEEDED) on the first calls, not here.
//
// Errors: INVALID_ARGUMENT naming the option for an empty target, a
// non-positive timeout or backoff, max_attempts < 1, or a client
// certificate without its key (or the reverse); NOT_FOUND naming the option
// when a PEM file cannot be read.
absl::StatusOr<std::shared_ptr<Connection>> MakeConnection(ConnectionOptions options);

// The service config JSON MakeConnection() sets on the channel: `policy`
// as a retryPolicy for every Get* and List* method and SearchRecords,
// retrying UNAVAILABLE only (not StreamChanges: resume it from its
// resume_sequence instead). With policy.max_attempts <= 1 the config has no retryPolicy. Public
// so that it can be inspected and logged.
std::string MakeServiceConfigJson(const RetryPolicy& policy);

}  // namespace meetings::client

#endif  // MEETINGS_CLIENT_CONNECTION_H_
