// The C++ client of the meeting-records service (meetings.v1.MeetingRecords).
//
//   #include "meetings/client/client.h"
//   namespace mc = meetings::client;
//
//   mc::ConnectionOptions options;
//   options.target = "localhost:50051";
//   auto connection = mc::MakeConnection(options);
//   if (!connection.ok()) return connection.status();
//   mc::Client client(*connection);
//
//   absl::StatusOr<meetings::v1::Meeting> m = client.GetMeeting("meetings/vusta-giao-ban-2021-11-15");
//   for (auto& meeting : client.ListMeetingsOnDates(absl::CivilDay(2021, 11, 15),
//                                                   absl::CivilDay(2021, 11, 15))) {
//     if (!meeting.ok()) return meeting.status();
//     std::cout << meeting->title() << "\n";
//   }
//
// Layers (as in google-cloud-cpp): Client (this value type, the API callers
// use) -> Connection (abstract, one virtual per RPC; substitute a fake in
// tests) -> the gRPC stub behind MakeConnection().
#ifndef MEETINGS_CLIENT_CLIENT_H_
#define MEETINGS_CLIENT_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/field_mask.pb.h"
#include "meetings/client/connection.h"
#include "meetings/client/names.h"
#include "meetings/client/options.h"
#include "meetings/client/pagination.h"
#include "meetings/client/status.h"
#include "meetings/v1/resources.pb.h"
#include "meetings/v1/service.pb.h"

namespace meetings::client {

// Filters of the ListMeetings* convenience functions besides the one each
// function is named for.
struct MeetingQueryOptions {
  // Default false. With an organization: also the meetings of all its
  // descendant organizations.
  bool include_sub_organizations = false;
  // Default false: oldest first (local start date, then start instant).
  // True: newest first.
  bool newest_first = false;
  // Default 0: the server's default page size (50). At most 1000.
  int page_size = 0;
};

// A value type, cheap to copy: copies share one Connection. Thread-safe
// when its Connection is (the gRPC one is); a PaginationRange it returns is
// not (use each from one thread).
//
// Every call returns the server's status on failure, mapped by
// FromGrpcStatus with the message kept: INVALID_ARGUMENT naming the field,
// NOT_FOUND, ALREADY_EXISTS, ABORTED (stale etag), FAILED_PRECONDITION (still
// referenced), DEADLINE_EXCEEDED when the call's deadline passes,
// UNAVAILABLE when the server cannot be reached (reads after their retries).
//
// Paging: the List*/SearchRecords/ListRevisions ranges send one call per
// page, each with the given CallOptions (so a timeout bounds each page, not
// the whole walk).
//
// Names: functions taking a `name` want the full resource name
// ("organizations/vusta"); the convenience functions taking
// `organization`, `person` or `meeting` also accept a bare id ("vusta").
class Client {
 public:
  // REQUIRES: connection != nullptr.
  explicit Client(std::shared_ptr<Connection> connection);

  // ---- Organizations ----
  absl::StatusOr<v1::Organization> CreateOrganization(const v1::CreateOrganizationRequest& request,
                                                      const CallOptions& options = {});
  // Creates `organization` with the id `organization_id` ("" lets the
  // server generate one).
  absl::StatusOr<v1::Organization> CreateOrganization(v1::Organization organization,
                                                      std::string organization_id,
                                                      const CallOptions& options = {});
  absl::StatusOr<v1::Organization> GetOrganization(const std::string& name,
                                                   const CallOptions& options = {});
  absl::StatusOr<v1::Organization> UpdateOrganization(const v1::UpdateOrganizationRequest& request,
                                                      const CallOptions& options = {});
  // Updates the fields of `organization` (its `name` set) named in `mask`;
  // an empty mask means every field set in `organization`.
  absl::StatusOr<v1::Organization> UpdateOrganization(v1::Organization organization,
                                                      google::protobuf::FieldMask mask,
                                                      const CallOptions& options = {});
  // `etag`: "" deletes unconditionally; else ABORTED unless it matches.
  absl::Status DeleteOrganization(const std::string& name, const std::string& etag = "",
                                  const CallOptions& options = {});
  // Every organization the request selects, all pages, by id.
  PaginationRange<v1::Organization> ListOrganizations(v1::ListOrganizationsRequest request = {},
                                                      const CallOptions& options = {});
  // One page, for callers that keep page tokens themselves.
  absl::StatusOr<v1::ListOrganizationsResponse> ListOrganizationsPage(
      const v1::ListOrganizationsRequest& request, const CallOptions& options = {});

  // ---- Persons ----
  absl::StatusOr<v1::Person> CreatePerson(const v1::CreatePersonRequest& request,
                                          const CallOptions& options = {});
  absl::StatusOr<v1::Person> CreatePerson(v1::Person person, std::string person_id,
                                          const CallOptions& options = {});
  absl::StatusOr<v1::Person> GetPerson(const std::string& name, const CallOptions& options = {});
  absl::StatusOr<v1::Person> UpdatePerson(const v1::UpdatePersonRequest& request,
                                          const CallOptions& options = {});
  absl::StatusOr<v1::Person> UpdatePerson(v1::Person person, google::protobuf::FieldMask mask,
                                          const CallOptions& options = {});
  absl::Status DeletePerson(const std::string& name, const std::string& etag = "",
                            const CallOptions& options = {});
  PaginationRange<v1::Person> ListPersons(v1::ListPersonsRequest request = {},
                                          const CallOptions& options = {});
  absl::StatusOr<v1::ListPersonsResponse> ListPersonsPage(const v1::ListPersonsRequest& request,
                                                          const CallOptions& options = {});

  // ---- Meetings ----
  absl::StatusOr<v1::Meeting> CreateMeeting(const v1::CreateMeetingRequest& request,
                                            const CallOptions& options = {});
  absl::StatusOr<v1::Meeting> CreateMeeting(v1::Meeting meeting, std::string meeting_id,
                                            const CallOptions& options = {});
  absl::StatusOr<v1::Meeting> GetMeeting(const std::string& name, const CallOptions& options = {});
  absl::StatusOr<v1::Meeting> UpdateMeeting(const v1::UpdateMeetingRequest& request,
                                            const CallOptions& options = {});
  // Repeated fields named in `mask` are replaced whole.
  absl::StatusOr<v1::Meeting> UpdateMeeting(v1::Meeting meeting, google::protobuf::FieldMask mask,
                                            const CallOptions& options = {});
  // `force`: also delete the meeting's documents (else FAILED_PRECONDITION
  // while it has any).
  absl::Status DeleteMeeting(const std::string& name, const std::string& etag = "",
                             bool force = false, const CallOptions& options = {});
  // Every meeting the request selects, all pages, in the request's order.
  // The request's page_token is ignored (paging is the range's job).
  PaginationRange<v1::Meeting> ListMeetings(v1::ListMeetingsRequest request = {},
                                            const CallOptions& options = {});
  absl::StatusOr<v1::ListMeetingsResponse> ListMeetingsPage(const v1::ListMeetingsRequest& request,
                                                            const CallOptions& options = {});
  // Meetings `organization` (id or name) organizes or takes part in, held
  // on a local date within [first_day, last_day].
  PaginationRange<v1::Meeting> ListMeetingsByOrganization(const std::string& organization,
                                                          absl::CivilDay first_day,
                                                          absl::CivilDay last_day,
                                                          const MeetingQueryOptions& query = {},
                                                          const CallOptions& options = {});
  // Meetings held on a local date within [first_day, last_day], in each
  // meeting's own time zone (08:00 in Hanoi on 15/11 is a 15/11 meeting).
  PaginationRange<v1::Meeting> ListMeetingsOnDates(absl::CivilDay first_day,
                                                   absl::CivilDay last_day,
                                                   const MeetingQueryOptions& query = {},
                                                   const CallOptions& options = {});
  // Meetings `person` (id or name) takes part in, on any date.
  PaginationRange<v1::Meeting> ListMeetingsOfPerson(const std::string& person,
                                                    const MeetingQueryOptions& query = {},
                                                    const CallOptions& options = {});

  // ---- Documents ----
  absl::StatusOr<v1::Document> CreateDocument(const v1::CreateDocumentRequest& request,
                                              const CallOptions& options = {});
  // Creates `document` under `meeting` (id or name).
  absl::StatusOr<v1::Document> CreateDocument(const std::string& meeting, v1::Document document,
                                              std::string document_id,
                                              const CallOptions& options = {});
  absl::StatusOr<v1::Document> GetDocument(const std::string& name,
                                           const CallOptions& options = {});
  absl::StatusOr<v1::Document> UpdateDocument(const v1::UpdateDocumentRequest& request,
                                              const CallOptions& options = {});
  absl::StatusOr<v1::Document> UpdateDocument(v1::Document document,
                                              google::protobuf::FieldMask mask,
                                              const CallOptions& options = {});
  absl::Status DeleteDocument(const std::string& name, const std::string& etag = "",
                              const CallOptions& options = {});
  PaginationRange<v1::Document> ListDocuments(v1::ListDocumentsRequest request,
                                              const CallOptions& options = {});
  // All documents of `meeting` (id or name).
  PaginationRange<v1::Document> ListDocumentsOfMeeting(const std::string& meeting,
                                                       const CallOptions& options = {});
  absl::StatusOr<v1::ListDocumentsResponse> ListDocumentsPage(
      const v1::ListDocumentsRequest& request, const CallOptions& options = {});

  // ---- Search, history and the change feed ----
  // Every record matching `request.query` (diacritics and case ignored),
  // most relevant first, all pages.
  PaginationRange<v1::SearchResult> SearchRecords(v1::SearchRecordsRequest request,
                                                  const CallOptions& options = {});
  // Records matching `query`, of any kind.
  PaginationRange<v1::SearchResult> SearchRecords(const std::string& query,
                                                  const CallOptions& options = {});
  absl::StatusOr<v1::SearchRecordsResponse> SearchRecordsPage(
      const v1::SearchRecordsRequest& request, const CallOptions& options = {});
  // The versions of the record `name` (live or deleted), newest first.
  PaginationRange<v1::Revision> ListRevisions(const std::string& name,
                                              const CallOptions& options = {});
  absl::StatusOr<v1::ListRevisionsResponse> ListRevisionsPage(
      const v1::ListRevisionsRequest& request, const CallOptions& options = {});
  absl::StatusOr<v1::Revision> GetRevision(const std::string& name, uint64_t revision_id,
                                           const CallOptions& options = {});
  // Opens ChangeFeed.StreamChanges; see ChangeStream. No deadline unless
  // options.timeout sets one. To resume after an error, open a new stream
  // with after_sequence = the last resume_sequence read.
  std::unique_ptr<ChangeStream> StreamChanges(const v1::StreamChangesRequest& request,
                                              const CallOptions& options = {});

  // The connection, e.g. to wrap it in a decorator.
  const std::shared_ptr<Connection>& connection() const { return connection_; }

 private:
  std::shared_ptr<Connection> connection_;
};

}  // namespace meetings::client

#endif  // MEETINGS_CLIENT_CLIENT_H_
