// gRPC handlers of meetings.v1.MeetingRecords (callback API). Each handler
// converts the call's deadline, cancellation and credentials into a
// CallContext (UNAUTHENTICATED when a policy is set and they do not
// authenticate), calls the domain core, and converts its status; nothing
// else happens here.
#ifndef MEETINGS_SERVICES_API_MEETING_RECORDS_SERVICE_H_
#define MEETINGS_SERVICES_API_MEETING_RECORDS_SERVICE_H_

#include "meetings/v1/service.grpc.pb.h"
#include "services/api/service_options.h"
#include "services/domain/meeting_records.h"

namespace meetings::api {

// Thread-safe. `core` (and options.auth_policy) must outlive the service.
class MeetingRecordsService final : public v1::MeetingRecords::CallbackService {
 public:
  explicit MeetingRecordsService(domain::MeetingRecords* core, ServiceOptions options = {})
      : core_(core), options_(options) {}

  using Ctx = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;
  using Empty = google::protobuf::Empty;

  Reactor* CreateOrganization(Ctx*, const v1::CreateOrganizationRequest*, v1::Organization*) override;
  Reactor* GetOrganization(Ctx*, const v1::GetOrganizationRequest*, v1::Organization*) override;
  Reactor* UpdateOrganization(Ctx*, const v1::UpdateOrganizationRequest*, v1::Organization*) override;
  Reactor* DeleteOrganization(Ctx*, const v1::DeleteOrganizationRequest*, Empty*) override;
  Reactor* ListOrganizations(Ctx*, const v1::ListOrganizationsRequest*,
                             v1::ListOrganizationsResponse*) override;

  Reactor* CreatePerson(Ctx*, const v1::CreatePersonRequest*, v1::Person*) override;
  Reactor* GetPerson(Ctx*, const v1::GetPersonRequest*, v1::Person*) override;
  Reactor* UpdatePerson(Ctx*, const v1::UpdatePersonRequest*, v1::Person*) override;
  Reactor* DeletePerson(Ctx*, const v1::DeletePersonRequest*, Empty*) override;
  Reactor* ListPersons(Ctx*, const v1::ListPersonsRequest*, v1::ListPersonsResponse*) override;

  Reactor* CreateMeeting(Ctx*, const v1::CreateMeetingRequest*, v1::Meeting*) override;
  Reactor* GetMeeting(Ctx*, const v1::GetMeetingRequest*, v1::Meeting*) override;
  Reactor* UpdateMeeting(Ctx*, const v1::UpdateMeetingRequest*, v1::Meeting*) override;
  Reactor* DeleteMeeting(Ctx*, const v1::DeleteMeetingRequest*, Empty*) override;
  Reactor* ListMeetings(Ctx*, const v1::ListMeetingsRequest*, v1::ListMeetingsResponse*) override;

  Reactor* CreateDocument(Ctx*, const v1::CreateDocumentRequest*, v1::Document*) override;
  Reactor* GetDocument(Ctx*, const v1::GetDocumentRequest*, v1::Document*) override;
  Reactor* UpdateDocument(Ctx*, const v1::UpdateDocumentRequest*, v1::Document*) override;
  Reactor* DeleteDocument(Ctx*, const v1::DeleteDocumentRequest*, Empty*) override;
  Reactor* ListDocuments(Ctx*, const v1::ListDocumentsRequest*,
                         v1::ListDocumentsResponse*) override;

  Reactor* SearchRecords(Ctx*, const v1::SearchRecordsRequest*,
                         v1::SearchRecordsResponse*) override;
  Reactor* ListRevisions(Ctx*, const v1::ListRevisionsRequest*,
                         v1::ListRevisionsResponse*) override;
  Reactor* GetRevision(Ctx*, const v1::GetRevisionRequest*, v1::Revision*) override;

 private:
  domain::MeetingRecords* const core_;
  const ServiceOptions options_;
};

// meetings.v1.ChangeFeed on the synchronous API: each stream holds one
// server thread while it waits for changes, and gRPC's flow control makes a
// slow consumer block only its own thread. Thread-safe. `core` (and
// options.auth_policy) must outlive the service.
class ChangeFeedService final : public v1::ChangeFeed::Service {
 public:
  explicit ChangeFeedService(domain::MeetingRecords* core, ServiceOptions options = {})
      : core_(core), options_(options) {}

  grpc::Status StreamChanges(grpc::ServerContext* ctx, const v1::StreamChangesRequest* req,
                             grpc::ServerWriter<v1::StreamChangesResponse>* writer) override;

 private:
  domain::MeetingRecords* const core_;
  const ServiceOptions options_;
};

}  // namespace meetings::api

#endif  // MEETINGS_SERVICES_API_MEETING_RECORDS_SERVICE_H_
