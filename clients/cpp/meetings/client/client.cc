#include "meetings/client/client.h"

#include <utility>

namespace meetings::client {
namespace {

// A range over every page of `list` (a Connection member), taking the items
// of a response with `items`. The request is copied into the fetcher; each
// page sends it again with that page's token, as AIP-158 requires.
template <typename T, typename Request, typename Response, typename Items>
PaginationRange<T> MakeRange(std::shared_ptr<Connection> connection, Request request,
                             CallOptions options,
                             absl::StatusOr<Response> (Connection::*list)(const Request&,
                                                                           const CallOptions&),
                             Items items) {
  request.clear_page_token();
  return PaginationRange<T>(
      [connection = std::move(connection), request = std::move(request),
       options = std::move(options), list, items](
          const std::string& page_token) mutable -> absl::StatusOr<Page<T>> {
        request.set_page_token(page_token);
        absl::StatusOr<Response> response = ((*connection).*list)(request, options);
        if (!response.ok()) return response.status();
        Page<T> page;
        auto* repeated = items(*response);
        page.items.reserve(repeated->size());
        for (T& item : *repeated) page.items.push_back(std::move(item));
        page.next_page_token = std::move(*response->mutable_next_page_token());
        return page;
      });
}

v1::ListMeetingsRequest MeetingsRequest(const MeetingQueryOptions& query) {
  v1::ListMeetingsRequest request;
  request.set_order_by(query.newest_first ? "start_time desc" : "start_time");
  request.set_page_size(query.page_size);
  return request;
}

}  // namespace

Client::Client(std::shared_ptr<Connection> connection) : connection_(std::move(connection)) {}

// ---- Organizations ----

absl::StatusOr<v1::Organization> Client::CreateOrganization(
    const v1::CreateOrganizationRequest& request, const CallOptions& options) {
  return connection_->CreateOrganization(request, options);
}

absl::StatusOr<v1::Organization> Client::CreateOrganization(v1::Organization organization,
                                                            std::string organization_id,
                                                            const CallOptions& options) {
  v1::CreateOrganizationRequest request;
  *request.mutable_organization() = std::move(organization);
  request.set_organization_id(std::move(organization_id));
  return connection_->CreateOrganization(request, options);
}

absl::StatusOr<v1::Organization> Client::GetOrganization(const std::string& name,
                                                         const CallOptions& options) {
  v1::GetOrganizationRequest request;
  request.set_name(name);
  return connection_->GetOrganization(request, options);
}

absl::StatusOr<v1::Organization> Client::UpdateOrganization(
    const v1::UpdateOrganizationRequest& request, const CallOptions& options) {
  return connection_->UpdateOrganization(request, options);
}

absl::StatusOr<v1::Organization> Client::UpdateOrganization(v1::Organization organization,
                                                            google::protobuf::FieldMask mask,
                                                            const CallOptions& options) {
  v1::UpdateOrganizationRequest request;
  *request.mutable_organization() = std::move(organization);
  *request.mutable_update_mask() = std::move(mask);
  return connection_->UpdateOrganization(request, options);
}

absl::Status Client::DeleteOrganization(const std::string& name, const std::string& etag,
                                        const CallOptions& options) {
  v1::DeleteOrganizationRequest request;
  request.set_name(name);
  request.set_etag(etag);
  return connection_->DeleteOrganization(request, options);
}

PaginationRange<v1::Organization> Client::ListOrganizations(v1::ListOrganizationsRequest request,
                                                            const CallOptions& options) {
  return MakeRange<v1::Organization>(
      connection_, std::move(request), options, &Connection::ListOrganizations,
      [](v1::ListOrganizationsResponse& r) { return r.mutable_organizations(); });
}

absl::StatusOr<v1::ListOrganizationsResponse> Client::ListOrganizationsPage(
    const v1::ListOrganizationsRequest& request, const CallOptions& options) {
  return connection_->ListOrganizations(request, options);
}

// ---- Persons ----

absl::StatusOr<v1::Person> Client::CreatePerson(const v1::CreatePersonRequest& request,
                                                const CallOptions& options) {
  return connection_->CreatePerson(request, options);
}

absl::StatusOr<v1::Person> Client::CreatePerson(v1::Person person, std::string person_id,
                                                const CallOptions& options) {
  v1::CreatePersonRequest request;
  *request.mutable_person() = std::move(person);
  request.set_person_id(std::move(person_id));
  return connection_->CreatePerson(request, options);
}

absl::StatusOr<v1::Person> Client::GetPerson(const std::string& name,
                                             const CallOptions& options) {
  v1::GetPersonRequest request;
  request.set_name(name);
  return connection_->GetPerson(request, options);
}

absl::StatusOr<v1::Person> Client::UpdatePerson(const v1::UpdatePersonRequest& request,
                                                const CallOptions& options) {
  return connection_->UpdatePerson(request, options);
}

absl::StatusOr<v1::Person> Client::UpdatePerson(v1::Person person,
                                                google::protobuf::FieldMask mask,
                                                const CallOptions& options) {
  v1::UpdatePersonRequest request;
  *request.mutable_person() = std::move(person);
  *request.mutable_update_mask() = std::move(mask);
  return connection_->UpdatePerson(request, options);
}

absl::Status Client::DeletePerson(const std::string& name, const std::string& etag,
                                  const CallOptions& options) {
  v1::DeletePersonRequest request;
  request.set_name(name);
  request.set_etag(etag);
  return connection_->DeletePerson(request, options);
}

PaginationRange<v1::Person> Client::ListPersons(v1::ListPersonsRequest request,
                                                const CallOptions& options) {
  return MakeRange<v1::Person>(connection_, std::move(request), options,
                               &Connection::ListPersons,
                               [](v1::ListPersonsResponse& r) { return r.mutable_persons(); });
}

absl::StatusOr<v1::ListPersonsResponse> Client::ListPersonsPage(
    const v1::ListPersonsRequest& request, const CallOptions& options) {
  return connection_->ListPersons(request, options);
}

// ---- Meetings ----

absl::StatusOr<v1::Meeting> Client::CreateMeeting(const v1::CreateMeetingRequest& request,
                                                  const CallOptions& options) {
  return connection_->CreateMeeting(request, options);
}

absl::StatusOr<v1::Meeting> Client::CreateMeeting(v1::Meeting meeting, std::string meeting_id,
                                                  const CallOptions& options) {
  v1::CreateMeetingRequest request;
  *request.mutable_meeting() = std::move(meeting);
  request.set_meeting_id(std::move(meeting_id));
  return connection_->CreateMeeting(request, options);
}

absl::StatusOr<v1::Meeting> Client::GetMeeting(const std::string& name,
                                               const CallOptions& options) {
  v1::GetMeetingRequest request;
  request.set_name(name);
  return connection_->GetMeeting(request, options);
}

absl::StatusOr<v1::Meeting> Client::UpdateMeeting(const v1::UpdateMeetingRequest& request,
                                                  const CallOptions& options) {
  return connection_->UpdateMeeting(request, options);
}

absl::StatusOr<v1::Meeting> Client::UpdateMeeting(v1::Meeting meeting,
                                                  google::protobuf::FieldMask mask,
                                                  const CallOptions& options) {
  v1::UpdateMeetingRequest request;
  *request.mutable_meeting() = std::move(meeting);
  *request.mutable_update_mask() = std::move(mask);
  return connection_->UpdateMeeting(request, options);
}

absl::Status Client::DeleteMeeting(const std::string& name, const std::string& etag, bool force,
                                   const CallOptions& options) {
  v1::DeleteMeetingRequest request;
  request.set_name(name);
  request.set_etag(etag);
  request.set_force(force);
  return connection_->DeleteMeeting(request, options);
}

PaginationRange<v1::Meeting> Client::ListMeetings(v1::ListMeetingsRequest request,
                                                  const CallOptions& options) {
  return MakeRange<v1::Meeting>(connection_, std::move(request), options,
                                &Connection::ListMeetings,
                                [](v1::ListMeetingsResponse& r) { return r.mutable_meetings(); });
}

absl::StatusOr<v1::ListMeetingsResponse> Client::ListMeetingsPage(
    const v1::ListMeetingsRequest& request, const CallOptions& options) {
  return connection_->ListMeetings(request, options);
}

PaginationRange<v1::Meeting> Client::ListMeetingsByOrganization(const std::string& organization,
                                                                absl::CivilDay first_day,
                                                                absl::CivilDay last_day,
                                                                const MeetingQueryOptions& query,
                                                                const CallOptions& options) {
  v1::ListMeetingsRequest request = MeetingsRequest(query);
  request.set_organization(OrganizationName(organization));
  request.set_include_sub_organizations(query.include_sub_organizations);
  *request.mutable_start_date() = ToProtoDate(first_day);
  *request.mutable_end_date() = ToProtoDate(last_day);
  return ListMeetings(std::move(request), options);
}

PaginationRange<v1::Meeting> Client::ListMeetingsOnDates(absl::CivilDay first_day,
                                                         absl::CivilDay last_day,
                                                         const MeetingQueryOptions& query,
                                                         const CallOptions& options) {
  v1::ListMeetingsRequest request = MeetingsRequest(query);
  *request.mutable_start_date() = ToProtoDate(first_day);
  *request.mutable_end_date() = ToProtoDate(last_day);
  return ListMeetings(std::move(request), options);
}

PaginationRange<v1::Meeting> Client::ListMeetingsOfPerson(const std::string& person,
                                                          const MeetingQueryOptions& query,
                                                          const CallOptions& options) {
  v1::ListMeetingsRequest request = MeetingsRequest(query);
  request.set_person(PersonName(person));
  return ListMeetings(std::move(request), options);
}

// ---- Documents ----

absl::StatusOr<v1::Document> Client::CreateDocument(const v1::CreateDocumentRequest& request,
                                                    const CallOptions& options) {
  return connection_->CreateDocument(request, options);
}

absl::StatusOr<v1::Document> Client::CreateDocument(const std::string& meeting,
                                                    v1::Document document,
                                                    std::string document_id,
                                                    const CallOptions& options) {
  v1::CreateDocumentRequest request;
  request.set_parent(MeetingName(meeting));
  *request.mutable_document() = std::move(document);
  request.set_document_id(std::move(document_id));
  return connection_->CreateDocument(request, options);
}

absl::StatusOr<v1::Document> Client::GetDocument(const std::string& name,
                                                 const CallOptions& options) {
  v1::GetDocumentRequest request;
  request.set_name(name);
  return connection_->GetDocument(request, options);
}

absl::StatusOr<v1::Document> Client::UpdateDocument(const v1::UpdateDocumentRequest& request,
                                                    const CallOptions& options) {
  return connection_->UpdateDocument(request, options);
}

absl::StatusOr<v1::Document> Client::UpdateDocument(v1::Document document,
                                                    google::protobuf::FieldMask mask,
                                                    const CallOptions& options) {
  v1::UpdateDocumentRequest request;
  *request.mutable_document() = std::move(document);
  *request.mutable_update_mask() = std::move(mask);
  return connection_->UpdateDocument(request, options);
}

absl::Status Client::DeleteDocument(const std::string& name, const std::string& etag,
                                    const CallOptions& options) {
  v1::DeleteDocumentRequest request;
  request.set_name(name);
  request.set_etag(etag);
  return connection_->DeleteDocument(request, options);
}

PaginationRange<v1::Document> Client::ListDocuments(v1::ListDocumentsRequest request,
                                                    const CallOptions& options) {
  return MakeRange<v1::Document>(
      connection_, std::move(request), options, &Connection::ListDocuments,
      [](v1::ListDocumentsResponse& r) { return r.mutable_documents(); });
}

PaginationRange<v1::Document> Client::ListDocumentsOfMeeting(const std::string& meeting,
                                                             const CallOptions& options) {
  v1::ListDocumentsRequest request;
  request.set_parent(MeetingName(meeting));
  return ListDocuments(std::move(request), options);
}

absl::StatusOr<v1::ListDocumentsResponse> Client::ListDocumentsPage(
    const v1::ListDocumentsRequest& request, const CallOptions& options) {
  return connection_->ListDocuments(request, options);
}

// ---- Search, history and the change feed ----

PaginationRange<v1::SearchResult> Client::SearchRecords(v1::SearchRecordsRequest request,
                                                        const CallOptions& options) {
  return MakeRange<v1::SearchResult>(
      connection_, std::move(request), options, &Connection::SearchRecords,
      [](v1::SearchRecordsResponse& r) { return r.mutable_results(); });
}

PaginationRange<v1::SearchResult> Client::SearchRecords(const std::string& query,
                                                        const CallOptions& options) {
  v1::SearchRecordsRequest request;
  request.set_query(query);
  return SearchRecords(std::move(request), options);
}

absl::StatusOr<v1::SearchRecordsResponse> Client::SearchRecordsPage(
    const v1::SearchRecordsRequest& request, const CallOptions& options) {
  return connection_->SearchRecords(request, options);
}

PaginationRange<v1::Revision> Client::ListRevisions(const std::string& name,
                                                    const CallOptions& options) {
  v1::ListRevisionsRequest request;
  request.set_name(name);
  return MakeRange<v1::Revision>(
      connection_, std::move(request), options, &Connection::ListRevisions,
      [](v1::ListRevisionsResponse& r) { return r.mutable_revisions(); });
}

absl::StatusOr<v1::ListRevisionsResponse> Client::ListRevisionsPage(
    const v1::ListRevisionsRequest& request, const CallOptions& options) {
  return connection_->ListRevisions(request, options);
}

absl::StatusOr<v1::Revision> Client::GetRevision(const std::string& name, uint64_t revision_id,
                                                 const CallOptions& options) {
  v1::GetRevisionRequest request;
  request.set_name(name);
  request.set_revision_id(revision_id);
  return connection_->GetRevision(request, options);
}

std::unique_ptr<ChangeStream> Client::StreamChanges(const v1::StreamChangesRequest& request,
                                                    const CallOptions& options) {
  return connection_->StreamChanges(request, options);
}

}  // namespace meetings::client
